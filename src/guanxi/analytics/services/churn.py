"""Churn management (客户流失管理): warnings, retention measures, confirmed churn, win-back.

A warning opens once per *episode*: the silence after a customer's last order. A new order
ends the episode — an open warning is recovered, a confirmed churn is won back — and the next
silence is a new episode.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from guanxi.accounts.models import User
from guanxi.analytics.models import AnalyticsSettings, ChurnWarning, RetentionMeasure
from guanxi.analytics.selectors import visible_churn_warnings
from guanxi.core.audit import audit_create, audit_update, snapshot
from guanxi.core.dates import months_before
from guanxi.core.dictionary import DictionaryLookup
from guanxi.core.errors import field_error, require_perm, require_write
from guanxi.core.notifications import in_language_of, notify
from guanxi.customers.models import Customer
from guanxi.customers.services.customers import customer_status_set, customers_status_bulk_set
from guanxi.orders.models import Order

CHURN_REASON = "churn_reason"


@dataclass
class ScanResult:
    opened: int
    recovered: int
    won_back: int


def churn_scan(*, today: dt.date | None = None) -> ScanResult:
    """The daily job: close episodes that a new order ended, open warnings for new silences."""
    today = today or timezone.localdate()
    now = timezone.now()
    recovered = won_back = 0
    # Episodes ended by orders the order services did not see (imports, bulk loads).
    later = Order.objects.filter(
        customer=OuterRef("customer"),
        status__in=Order.SALE_STATUSES,
        order_date__gt=OuterRef("last_order_date"),
    ).order_by("order_date", "id")
    ended = ChurnWarning.objects.filter(
        Q(status=ChurnWarning.Status.OPEN)
        | Q(status=ChurnWarning.Status.CHURNED, won_back_at__isnull=True)
    ).annotate(next_order=Subquery(later.values("pk")[:1]))
    ending = list(ended.filter(next_order__isnull=False))
    orders = Order.objects.in_bulk([warning.next_order for warning in ending])
    for warning in ending:
        if _end_episode(warning, orders[warning.next_order], now):
            if warning.status == ChurnWarning.Status.RECOVERED:
                recovered += 1
            else:
                won_back += 1

    config = AnalyticsSettings.load()
    cutoff = months_before(today, config.churn_months)
    silent = (
        Order.objects.filter(status__in=Order.SALE_STATUSES, customer__archived_at__isnull=True)
        .exclude(customer__status=Customer.Status.CHURNED)
        .values("customer")
        .annotate(last=Max("order_date"))
        .filter(last__lt=cutoff)
        .order_by()
    )
    known = set(
        ChurnWarning.objects.filter(last_order_date__lt=cutoff).values_list(
            "customer_id", "last_order_date"
        )
    )
    new = [
        ChurnWarning(customer_id=row["customer"], last_order_date=row["last"], opened_at=now)
        for row in silent
        if (row["customer"], row["last"]) not in known
    ]
    with transaction.atomic():
        # ignore_conflicts: a parallel run that got there first has opened the same episode.
        ChurnWarning.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
        # The warnings of this run are those opened at ``now``: subqueries, not id lists (a
        # first scan of a large book opens hundreds of thousands).
        opened_now = ChurnWarning.objects.filter(opened_at=now, status=ChurnWarning.Status.OPEN)
        customers_status_bulk_set(
            customers=Customer.objects.filter(
                pk__in=opened_now.values("customer_id"), status=Customer.Status.NORMAL
            ),
            status=Customer.Status.CHURN_WARNING,
        )
        transaction.on_commit(lambda: _tell_managers(now, today))
    return ScanResult(opened=len(new), recovered=recovered, won_back=won_back)


def _tell_managers(opened_at: dt.datetime, today: dt.date) -> None:
    """One notification per account manager and day: how many of their customers went quiet."""
    managers = {
        row["customer__account_manager"]: row["n"]
        for row in ChurnWarning.objects.filter(
            opened_at=opened_at, customer__account_manager__isnull=False
        )
        .values("customer__account_manager")
        .annotate(n=Count("pk"))
        .order_by()
    }
    for user in User.objects.filter(pk__in=managers, is_active=True):
        count = managers[user.pk]
        with in_language_of(user):
            notify(
                user=user,
                title=ngettext(
                    "%(count)s customer of yours has placed no order for a long time",
                    "%(count)s customers of yours have placed no order for a long time",
                    count,
                )
                % {"count": count},
                body=_("Churn warnings were opened; record what you do to keep them."),
                url=reverse("churn-list") + "?status=open&mine=1",
                key=f"churn-scan:{user.pk}:{today.isoformat()}",
            )


def _end_episode(warning: ChurnWarning, order: Order, now: dt.datetime) -> bool:
    """Close an open warning as recovered, or record the win-back of a confirmed churn."""
    with transaction.atomic():
        locked = ChurnWarning.objects.select_for_update().get(pk=warning.pk)
        if locked.status == ChurnWarning.Status.OPEN:
            locked.status = ChurnWarning.Status.RECOVERED
            locked.closed_at = now
            locked.recovered_by_order = order
        elif locked.status == ChurnWarning.Status.CHURNED and locked.won_back_at is None:
            locked.won_back_at = now
            locked.won_back_order = order
        else:
            return False
        locked.save()
        warning.status = locked.status
        customer = locked.customer
        customer_status_set(
            actor=None,
            customer=customer,
            status=Customer.Status.NORMAL,
            lifecycle_stage=(
                Customer.Lifecycle.GROWING
                if customer.lifecycle_stage == Customer.Lifecycle.CHURNED
                else None
            ),
        )
    return True


def churn_order_placed(order: Order) -> None:
    """Called by the order services: a purchase ends the customer's current episode."""
    if order.status not in Order.SALE_STATUSES:
        return
    episodes = ChurnWarning.objects.filter(
        Q(status=ChurnWarning.Status.OPEN)
        | Q(status=ChurnWarning.Status.CHURNED, won_back_at__isnull=True),
        customer_id=order.customer_id,
        last_order_date__lt=order.order_date,
    )
    now = timezone.now()
    for warning in episodes:
        _end_episode(warning, order, now)


def _lock(actor: User, warning: ChurnWarning) -> ChurnWarning:
    """The warning, locked, if ``actor`` may manage churn and see its customer."""
    require_perm(actor, "analytics.manage_churn")
    require_write(actor)
    locked = (
        visible_churn_warnings(actor)
        .select_for_update(of=("self",))
        .select_related("customer")
        .filter(pk=warning.pk)
        .first()
    )
    if locked is None:
        raise PermissionDenied(_("This customer is not yours to manage."))
    return locked


@transaction.atomic
def retention_measure_add(
    *, actor: User, warning: ChurnWarning, measure_date: dt.date, description: str
) -> RetentionMeasure:
    """Record a dated retention measure (暂缓流失) on an open warning."""
    warning = _lock(actor, warning)
    if warning.status != ChurnWarning.Status.OPEN:
        raise field_error("warning", _("This churn warning is closed."))
    description = (description or "").strip()
    if not description:
        raise field_error("description", _("Describe the measure."))
    if measure_date > timezone.localdate() + dt.timedelta(days=365):
        raise field_error("measure_date", _("The date is more than a year ahead."))
    measure = RetentionMeasure.objects.create(
        warning=warning, measure_date=measure_date, description=description, created_by=actor
    )
    audit_create(actor=actor, instance=measure)
    return measure


@transaction.atomic
def churn_confirm(
    *, actor: User, warning: ChurnWarning, reason: str, notes: str = ""
) -> ChurnWarning:
    """Confirm the churn (确认流失) with a reason from the dictionary; the customer follows."""
    warning = _lock(actor, warning)
    if warning.status != ChurnWarning.Status.OPEN:
        raise field_error("warning", _("This churn warning is closed."))
    try:
        code = DictionaryLookup().code(CHURN_REASON, reason)
    except ValidationError as error:
        raise field_error("reason", error.messages[0]) from None
    if not code:
        raise field_error("reason", _("Choose the reason for the churn."))
    before = snapshot(warning)
    warning.status = ChurnWarning.Status.CHURNED
    warning.reason = code
    warning.reason_notes = (notes or "").strip()
    warning.closed_at = timezone.now()
    warning.closed_by = actor
    warning.save()
    audit_update(actor=actor, instance=warning, before=before)
    customer_status_set(
        actor=actor,
        customer=warning.customer,
        status=Customer.Status.CHURNED,
        lifecycle_stage=Customer.Lifecycle.CHURNED,
    )
    return warning
