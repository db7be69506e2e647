"""Every write to a customer record: create, edit, archive, restore, reassign."""

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.audit import audit_create, audit_update, snapshot
from guanxi.core.errors import field_error, require_perm, require_write
from guanxi.core.models import AuditEntry
from guanxi.core.roles import DataScope, data_scope
from guanxi.core.sequences import next_numbers
from guanxi.core.validation import full_clean
from guanxi.customers.models import CUSTOMER_FIELDS, Customer, Tag
from guanxi.customers.search import name_key, search_fields
from guanxi.customers.selectors import (
    MANAGER_ROLES,
    customer_for_update,
    customers_for_update,
    manager_choices,
)
from guanxi.customers.signals import customer_archived

CODE_SEQUENCE = "customer"
CODE_PREFIX = "C"
GENERATED_CODE = re.compile(rf"^{CODE_PREFIX}(\d{{9}})$")
SEARCH_SOURCES = {"name", "code", "phone", "email", "kind"}


class DuplicateCustomer(Exception):
    """Raised instead of creating a customer that looks like one already on file."""

    def __init__(self, matches: list[Customer]) -> None:
        super().__init__("likely duplicate")
        self.matches = matches


class EditConflict(Exception):
    """Someone saved the customer after the editor loaded it."""

    def __init__(self, customer: Customer, changes: list[AuditEntry]) -> None:
        super().__init__("edit conflict")
        self.customer = customer
        self.changes = changes


def format_code(number: int) -> str:
    return f"{CODE_PREFIX}{number:09d}"


def new_codes(count: int) -> list[str]:
    return [format_code(n) for n in next_numbers(CODE_SEQUENCE, count)]


def refresh_search(customer: Customer) -> None:
    for field, value in search_fields(
        name=customer.name,
        code=customer.code,
        phone=customer.phone,
        email=customer.email,
        person=customer.kind == Customer.Kind.INDIVIDUAL,
    ).items():
        setattr(customer, field, value)


def check_manager(actor: User, manager: User | None, field: str = "account_manager") -> None:
    """A rep manages only their own customers; a supervisor assigns within the team.

    Whom ``actor`` may choose is ``selectors.manager_choices``, the list the forms offer.
    """
    if manager is None:
        if data_scope(actor) is DataScope.OWN:
            raise field_error(field, _("Choose an account manager."))
        return
    if not manager.is_active:
        raise field_error(
            field, _("%(name)s is inactive and cannot manage customers.") % {"name": manager}
        )
    if manager.role not in MANAGER_ROLES and manager.pk != actor.pk:
        raise field_error(
            field, _("%(name)s's role does not look after customers.") % {"name": manager}
        )
    if not manager_choices(actor=actor).filter(pk=manager.pk).exists():
        raise field_error(
            field,
            _("You cannot assign customers to %(name)s: they are outside your team.")
            % {"name": manager},
        )


def duplicate_keys(values: Mapping[str, Any]) -> dict[str, str]:
    """The columns a likely duplicate shares with these (cleaned) values: credit code, phone,
    e-mail and the name with its legal form set aside. Empty values match nothing."""
    return {
        "unified_social_credit_code": values.get("unified_social_credit_code") or "",
        "phone": values.get("phone") or "",
        "email": values.get("email") or "",
        "name_key": name_key(values["name"]) if values.get("name") else "",
    }


def find_duplicates(
    *,
    name: str = "",
    phone: str = "",
    email: str = "",
    unified_social_credit_code: str = "",
    exclude_pk: int | None = None,
    limit: int = 5,
) -> list[Customer]:
    """Customers on file with the same credit code, phone, e-mail or a near-identical name.

    Deliberately not scoped: a duplicate in another team's book is still a duplicate, and
    the warning shows only its code, name and manager.
    """
    keys = duplicate_keys(
        {
            "name": name,
            "phone": phone,
            "email": email,
            "unified_social_credit_code": unified_social_credit_code,
        }
    )
    conditions = Q()
    for column, value in keys.items():
        if value:
            conditions |= Q(**{column: value})
    if not conditions:
        return []
    candidates = Customer.objects.filter(conditions, archived_at__isnull=True)
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    return list(candidates.select_related("account_manager").order_by("pk")[:limit])


def _tags(names: Iterable[str]) -> list[Tag]:
    wanted = sorted({name.strip()[:50] for name in names if name and name.strip()})
    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=wanted)}
    missing = [Tag(name=name) for name in wanted if name not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {tag.name: tag for tag in Tag.objects.filter(name__in=wanted)}
    return [existing[name] for name in wanted]


@transaction.atomic
def customer_create(
    *,
    actor: User,
    account_manager: User | None = None,
    tags: Sequence[str] = (),
    allow_duplicate: bool = False,
    code: str = "",
    lifecycle_stage: str = Customer.Lifecycle.POTENTIAL,
    **values: Any,
) -> Customer:
    """Create a customer; a likely duplicate raises ``DuplicateCustomer`` unless allowed.

    ``lifecycle_stage`` is what the creation itself says (a won deal: *new*); the nightly job
    derives it from then on."""
    require_perm(actor, "customers.add_customer")
    require_write(actor)
    _check_fields(values)
    if account_manager is None and data_scope(actor) is DataScope.OWN:
        account_manager = actor
    check_manager(actor, account_manager)
    code = (code or "").strip()
    customer = Customer(
        code=code,
        account_manager=account_manager,
        lifecycle_stage=lifecycle_stage,
        lifecycle_derived=lifecycle_stage,
        **values,
    )
    full_clean(customer, fields=[*CUSTOMER_FIELDS, "lifecycle_stage", *(["code"] if code else [])])
    if code and Customer.objects.filter(code=code).exists():
        raise field_error("code", _("A customer with the code %(code)s exists.") % {"code": code})
    if not allow_duplicate:
        matches = find_duplicates(
            name=customer.name,
            phone=customer.phone,
            email=customer.email,
            unified_social_credit_code=customer.unified_social_credit_code,
        )
        if matches:
            raise DuplicateCustomer(matches)
    customer.code = code or new_codes(1)[0]
    refresh_search(customer)
    customer.save()
    if tags:
        customer.tags.set(_tags(tags))
    audit_create(actor=actor, instance=customer)
    return customer


def _check_fields(values: Mapping[str, Any]) -> None:
    unknown = set(values) - set(CUSTOMER_FIELDS)
    if unknown:
        raise TypeError(f"unknown customer fields: {sorted(unknown)}")


def changes_since(customer: Customer, version: int) -> list[AuditEntry]:
    """The audit entries of saves after ``version`` (each records the version it made)."""
    entries = AuditEntry.objects.filter(
        model="customers.customer", object_id=str(customer.pk)
    ).select_related("actor")
    return [
        entry
        for entry in entries.order_by("at", "id")
        if (entry.changes.get("version") or [None, 0])[1] and entry.changes["version"][1] > version
    ]


# "Not given" for an argument whose None means something (no account manager).
UNCHANGED: Any = object()


@transaction.atomic
def customer_update(
    *,
    actor: User,
    customer: Customer,
    version: int | None = None,
    tags: Sequence[str] | None = None,
    account_manager: User | None = UNCHANGED,
    **values: Any,
) -> Customer:
    """Change fields of a customer; ``version`` is the one the editor saw (stale: conflict).

    A new ``account_manager`` is a reassignment (its own permission), made in the same save:
    one version, one audit entry, nothing stored if any value is refused.
    """
    require_perm(actor, "customers.change_customer")
    require_write(actor)
    _check_fields(values)
    customer = customer_for_update(actor=actor, pk=customer.pk)
    if customer.is_archived:
        raise field_error("archived_at", _("Restore this customer before changing it."))
    if version is not None and version != customer.version:
        raise EditConflict(customer, changes_since(customer, version))
    before = snapshot(customer)
    for field, value in values.items():
        setattr(customer, field, value)
    full_clean(customer, fields=values)
    if account_manager is not UNCHANGED and account_manager != customer.account_manager:
        require_perm(actor, "customers.reassign_customer")
        if account_manager is None:
            raise field_error("account_manager", _("Choose an account manager."))
        check_manager(actor, account_manager)
        customer.account_manager = account_manager
    tags_before = sorted(customer.tags.values_list("name", flat=True))
    tags_after = sorted({t.strip() for t in tags if t.strip()}) if tags is not None else tags_before
    if snapshot(customer) == before and tags_after == tags_before:
        return customer
    if SEARCH_SOURCES & set(values):
        refresh_search(customer)
    customer.version += 1
    customer.save()
    if tags_after != tags_before:
        customer.tags.set(_tags(tags_after))
    entry = audit_update(actor=actor, instance=customer, before=before)
    if tags_after != tags_before and entry is not None:
        entry.changes["tags"] = [tags_before, tags_after]
        entry.save(update_fields=["changes"])
    return customer


def _set_archived(customer: Customer, *, actor: User, archived: bool) -> Customer:
    before = snapshot(customer)
    customer.archived_at = timezone.now() if archived else None
    customer.version += 1
    customer.save(update_fields=["archived_at", "version", "updated_at"])
    audit_update(actor=actor, instance=customer, before=before)
    if archived:
        customer_archived.send(sender=Customer, customer=customer)
    return customer


@transaction.atomic
def customer_archive(*, actor: User, customer: Customer) -> Customer:
    """Soft delete: the customer leaves the lists but keeps its history and can be restored."""
    require_perm(actor, "customers.delete_customer")
    require_write(actor)
    customer = customer_for_update(actor=actor, pk=customer.pk)
    if customer.is_archived:
        return customer
    return _set_archived(customer, actor=actor, archived=True)


@transaction.atomic
def customer_restore(*, actor: User, customer: Customer) -> Customer:
    require_perm(actor, "customers.delete_customer")
    require_write(actor)
    customer = customer_for_update(actor=actor, pk=customer.pk)
    if not customer.is_archived:
        return customer
    if customer.merged_into_id:
        raise field_error(
            "merged_into",
            _("This customer was merged into %(target)s and cannot be restored.")
            % {"target": customer.merged_into},
        )
    return _set_archived(customer, actor=actor, archived=False)


@transaction.atomic
def customer_reassign(*, actor: User, customers: Sequence[Customer], account_manager: User) -> int:
    """Give one or many customers a new account manager; each change is audited.

    Customers outside ``actor``'s scope are refused, naming their ids.
    """
    require_perm(actor, "customers.reassign_customer")
    require_write(actor)
    check_manager(actor, account_manager)
    ids = [customer.pk for customer in customers]
    locked = list(customers_for_update(actor=actor, pks=ids))
    missing = sorted(set(ids) - {customer.pk for customer in locked})
    if missing:
        raise field_error(
            "customers",
            _("No customers you may see have the ids %(ids)s.")
            % {"ids": ", ".join(map(str, missing))},
        )
    moved = 0
    for customer in locked:
        if customer.account_manager_id == account_manager.pk:
            continue
        before = snapshot(customer, ["account_manager", "version"])
        customer.account_manager = account_manager
        customer.version += 1
        customer.save(update_fields=["account_manager", "version", "updated_at"])
        audit_update(actor=actor, instance=customer, before=before)
        moved += 1
    return moved


@transaction.atomic
def customer_status_set(
    *,
    actor: User | None,
    customer: Customer,
    status: str,
    lifecycle_stage: str | None = None,
) -> Customer:
    """The churn process moves a customer's status (and the stage its data gives with it —
    in force unless someone set the stage by hand).

    ``actor`` is the manager confirming a churn, or None for the nightly job. The caller holds
    the churn permission; the customer is loaded through the actor's scope all the same.
    """
    if actor is not None:
        require_write(actor)
        customer = customer_for_update(actor=actor, pk=customer.pk)
    else:
        customer = Customer.objects.select_for_update(of=("self",)).get(pk=customer.pk)
    before = snapshot(customer, ["status", "lifecycle_stage", "lifecycle_derived", "version"])
    customer.status = status
    if lifecycle_stage is not None:
        customer.lifecycle_derived = lifecycle_stage
        if not customer.lifecycle_overridden:
            customer.lifecycle_stage = lifecycle_stage
    full_clean(customer, fields=["status", "lifecycle_stage", "lifecycle_derived"])
    if snapshot(customer, before.keys()) == before:
        return customer
    customer.version += 1
    customer.save(
        update_fields=["status", "lifecycle_stage", "lifecycle_derived", "version", "updated_at"]
    )
    audit_update(actor=actor, instance=customer, before=before)
    return customer


# Customers written per transaction by the nightly bulk moves (status, lifecycle stage).
BULK_CHUNK = 2000


def move_customers(rows: list[tuple[int, str, str, int]], field: str, value: str, now: Any) -> None:
    """Set ``field`` to ``value`` on these locked customers (pk, name, old value, version): each
    one's version bumped and its audit entry written, in the caller's transaction."""
    Customer.objects.filter(pk__in=[row[0] for row in rows]).update(
        **{field: value}, version=F("version") + 1, updated_at=now
    )
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                action=AuditEntry.Action.UPDATE,
                model="customers.customer",
                object_id=str(pk),
                object_repr=name[:200],
                changes={field: [old, value], "version": [version, version + 1]},
                at=now,
            )
            for pk, name, old, version in rows
        ],
        batch_size=1000,
    )


def customers_status_bulk_set(*, customers: QuerySet[Customer], status: str) -> int:
    """The nightly job moves many customers to ``status`` at once (a first churn scan can move
    hundreds of thousands): versions bumped and one audit entry each, a few queries per 2,000."""
    Customer._meta.get_field("status").clean(status, None)
    moved = 0
    now = timezone.now()
    ids = list(customers.exclude(status=status).values_list("pk", flat=True).order_by("pk"))
    for start in range(0, len(ids), BULK_CHUNK):
        chunk = ids[start : start + BULK_CHUNK]
        with transaction.atomic():
            rows = list(
                Customer.objects.select_for_update()
                .filter(pk__in=chunk)
                .exclude(status=status)
                .values_list("pk", "name", "status", "version")
            )
            move_customers(rows, "status", status, now)
        moved += len(rows)
    return moved
