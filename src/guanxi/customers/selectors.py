"""Every read of customers, contacts and interactions, scoped to the acting user."""

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime, time
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.dates import last_months
from guanxi.core.dictionary import DictionaryLookup
from guanxi.core.errors import field_error, require_perm
from guanxi.core.filters import filtered
from guanxi.core.roles import customer_scope, scope_queryset
from guanxi.core.selectors import locked
from guanxi.customers.filters import CustomerFilterSet
from guanxi.customers.models import (
    DEFAULT_MONTHLY_TARGET,
    CommunicationTarget,
    Consent,
    Contact,
    Customer,
    Interaction,
)

CUSTOMER_ORDERING = {
    "code": "code",
    "name": "name",
    "level": "level",
    "created_at": "created_at",
    "updated_at": "updated_at",
    "account_manager": "account_manager__username",
    # Stored by the analytics (guanxi.analytics.models.CustomerScore, one row per customer).
    "clv": "score__clv",
    "churn_risk": "score__churn_risk",
    "annual_spend": "score__annual_spend",
}
# Sorting by one of these lists only the customers that have the score.
SCORE_ORDERING = frozenset({"clv", "churn_risk", "annual_spend"})


def visible_customers(actor: User) -> QuerySet[Customer]:
    """All customers ``actor`` may see, archived ones included."""
    require_perm(actor, "customers.view_customer")
    return scope_queryset(
        Customer.objects.all(), actor, owner_field="account_manager", scope=customer_scope(actor)
    )


def customer_filters(
    *, actor: User, data: Mapping[str, Any] | None = None, lookup: DictionaryLookup | None = None
) -> CustomerFilterSet:
    """The customer list's FilterSet for ``actor``: over the customers they may see, its
    account managers those they may choose. Pages render its form."""
    customers = visible_customers(actor).select_related("account_manager", "score")
    filterset = CustomerFilterSet(data, actor=actor, queryset=customers, lookup=lookup)
    filterset.filters["account_manager"].queryset = manager_choices(actor=actor)
    return filterset


def customer_list(*, actor: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Customer]:
    """The customers ``actor`` may see that match ``filters`` (the API's and the export's
    parameters); a bad filter value is refused by name."""
    return filtered(customer_filters(actor=actor, data=filters))


def customer_get(*, actor: User, pk: int, include_archived: bool = True) -> Customer:
    """The customer if ``actor`` may see it; 404 otherwise (existence is not leaked)."""
    customers = visible_customers(actor).select_related(
        "account_manager", "merged_into", "lifecycle_set_by"
    )
    if not include_archived:
        customers = customers.filter(archived_at__isnull=True)
    customer = customers.filter(pk=pk).first()
    if customer is None:
        raise Http404(_("No such customer."))
    return customer


def customers_for_update(*, actor: User, pks: list[int]) -> QuerySet[Customer]:
    """The customers of ``pks`` that ``actor`` may see, each row locked until the transaction
    ends: the one way services load a customer to change it (or something of it)."""
    return (
        visible_customers(actor)
        .select_for_update(of=("self",))
        .select_related("account_manager")
        .filter(pk__in=pks)
        .order_by("pk")
    )


def customer_for_update(*, actor: User, pk: int) -> Customer:
    """One customer locked for a change; refused when ``actor`` may not see it."""
    customers = visible_customers(actor).select_related("account_manager")
    return locked(
        customers, pk, field="customer", refusal=_("This customer is outside your data scope.")
    )


def require_visible_customer(*, actor: User, customer: Customer, field: str = "customer") -> None:
    """Refuse to link a record to a customer ``actor`` may not see (asked of the database)."""
    if not visible_customers(actor).filter(pk=customer.pk).exists():
        raise field_error(field, _("This customer is outside your data scope."))


def customer_by_code(*, actor: User, code: str) -> Customer | None:
    return visible_customers(actor).filter(code=code).first()


def contact_list(*, actor: User, customer: Customer) -> QuerySet[Contact]:
    return Contact.objects.filter(customer=customer)


def visible_contacts(actor: User) -> QuerySet[Contact]:
    """The contacts of every customer ``actor`` may see."""
    return Contact.objects.filter(customer__in=visible_customers(actor))


def contact_get(*, actor: User, pk: int) -> Contact:
    contact = (
        visible_contacts(actor).select_related("customer__account_manager").filter(pk=pk).first()
    )
    if contact is None:
        raise Http404(_("No such contact."))
    return contact


def interaction_list(*, actor: User, customer: Customer) -> QuerySet[Interaction]:
    return Interaction.objects.filter(customer=customer).select_related("contact", "recorded_by")


def interaction_get(*, actor: User, pk: int) -> Interaction:
    interaction = (
        Interaction.objects.filter(customer__in=visible_customers(actor))
        .select_related("customer__account_manager", "contact")
        .filter(pk=pk)
        .first()
    )
    if interaction is None:
        raise Http404(_("No such interaction."))
    return interaction


def monthly_communications(*, customer: Customer, months: int = 12) -> list[tuple[str, int]]:
    """Effective communications per month for the last ``months`` months, oldest first."""
    starts = last_months(months)
    start = datetime.combine(starts[0], time.min, tzinfo=timezone.get_current_timezone())
    rows = (
        Interaction.objects.filter(customer=customer, effective=True, occurred_at__gte=start)
        .annotate(month=TruncMonth("occurred_at"))
        .values("month")
        .annotate(n=Count("id"))
    )
    counts = {row["month"].strftime("%Y-%m"): row["n"] for row in rows}
    keys = [month.strftime("%Y-%m") for month in starts]
    return [(key, counts.get(key, 0)) for key in keys]


def monthly_targets() -> defaultdict[str, int]:
    """Customer level → effective communications a month it should get (one query); a level
    with no figure of its own gives the default."""
    rows = CommunicationTarget.objects.values_list("level", "per_month")
    return defaultdict(lambda: DEFAULT_MONTHLY_TARGET, rows)


def communication_targets(lookup: DictionaryLookup | None = None) -> list[dict[str, Any]]:
    """Every customer level of the dictionary, in its order, with its target and whether it is
    the default (a level no longer in the dictionary keeps its row, listed last)."""
    lookup = lookup or DictionaryLookup(["customer_level"])
    rows = {row.level: row for row in CommunicationTarget.objects.select_related("updated_by")}
    levels = [code for code, _label in lookup.choices("customer_level")]
    levels += sorted(set(rows) - set(levels))
    return [
        {
            "level": level,
            "label": lookup.label("customer_level", level),
            "per_month": rows[level].per_month if level in rows else DEFAULT_MONTHLY_TARGET,
            "is_default": level not in rows,
            "updated_by": rows[level].updated_by if level in rows else None,
            "updated_at": rows[level].updated_at if level in rows else None,
        }
        for level in levels
    ]


def communications_this_month(customer_ids: list[int]) -> dict[int, int]:
    """Effective communications this month for each of these customers (one query)."""
    today = timezone.localdate()
    start = datetime.combine(today.replace(day=1), time.min, tzinfo=timezone.get_current_timezone())
    rows = (
        Interaction.objects.filter(
            customer_id__in=customer_ids, effective=True, occurred_at__gte=start
        )
        .values("customer_id")
        .annotate(n=Count("id"))
    )
    return {row["customer_id"]: row["n"] for row in rows}


# The roles whose people look after customers.
MANAGER_ROLES = ("account_manager", "sales_supervisor", "administrator")


def manager_choices(*, actor: User) -> QuerySet[User]:
    """The people ``actor`` may make account managers: active, of a managing role (or the actor
    themselves), within the actor's scope. ``services.check_manager`` holds every write to it."""
    users = scope_queryset(
        User.objects.filter(is_active=True), actor, owner_field="pk", team_field="team"
    )
    return users.filter(Q(role__in=MANAGER_ROLES) | Q(pk=actor.pk)).order_by("username")


def consent_history(*, actor: User, customer: Customer, contact: Contact | None) -> Any:
    """The consents of a contact (or of the individual customer itself, with no contact),
    newest first. The caller loaded ``customer`` and ``contact`` through ``actor``'s scope."""
    require_perm(actor, "customers.view_contact")
    return Consent.objects.filter(customer=customer, contact=contact).select_related("recorded_by")


def consent_state(consents: Any) -> dict[str, Any]:
    """The consent in force for each purpose (the latest row), None where none was given."""
    state: dict[str, Any] = {purpose: None for purpose in Consent.Purpose.values}
    for consent in consents:
        if state.get(consent.purpose) is None:
            state[consent.purpose] = consent
    return state
