"""Many customers at once, for imports: the same refusals, versions and audit as one at a time.

Values arrive cleaned by the model's own fields (``core.validation.clean_values``). New
customers go in on the bulk path (``core.bulk.copy_rows``: COPY on PostgreSQL), a few queries
per 2,000 rows; changes are written with ``bulk_update``, each with its version bump and audit
entry. Refusals come back per row instead of stopping the whole batch, so an import can report
every problem of a file at once.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.audit import json_value
from guanxi.core.bulk import copy_rows, field_defaults, insert_fields
from guanxi.core.errors import require_perm, require_write
from guanxi.core.models import AuditEntry
from guanxi.core.roles import DataScope, data_scope
from guanxi.core.sequences import bump_to
from guanxi.customers.models import Customer, Tag
from guanxi.customers.search import search_fields
from guanxi.customers.selectors import visible_customers
from guanxi.customers.services.customers import (
    CODE_SEQUENCE,
    GENERATED_CODE,
    SEARCH_SOURCES,
    UNCHANGED,
    check_manager,
    new_codes,
    refresh_search,
)

AUDIT_BATCH = 1000


@dataclass
class NewCustomer:
    code: str  # "" for a generated code
    values: dict[str, Any]
    account_manager: User | None
    tags: list[str] | None = None


@dataclass
class CustomerChange:
    customer: Customer  # as ``customers_for_import`` loaded it
    values: dict[str, Any]  # only what changes: an empty cell is not a change
    account_manager: Any = UNCHANGED  # a User, None, or UNCHANGED
    tags: list[str] | None = None


def customers_for_import(
    *, actor: User, codes: Iterable[str]
) -> tuple[dict[str, Customer], dict[str, str]]:
    """The customers on file with these codes, locked: those ``actor`` may change, and for each
    other code on file the reason it may not be changed."""
    wanted = sorted(set(codes))
    found = {
        customer.code: customer
        for customer in visible_customers(actor)
        .select_for_update(of=("self",))
        .select_related("account_manager", "merged_into")
        .filter(code__in=wanted)
    }
    unseen = [code for code in wanted if code not in found]
    refused = {
        code: _("The customer %(code)s is outside your data scope.") % {"code": code}
        for code in Customer.objects.filter(code__in=unseen).values_list("code", flat=True)
    }
    for code, customer in list(found.items()):
        if customer.merged_into_id:
            refused[code] = _("The customer %(code)s was merged into %(target)s.") % {
                "code": code,
                "target": customer.merged_into,
            }
        elif customer.is_archived:
            refused[code] = _("The customer %(code)s is archived: restore it first.") % {
                "code": code
            }
        else:
            continue
        del found[code]
    return found, refused


def customers_bulk_create(*, actor: User, rows: Sequence[NewCustomer]) -> list[str]:
    """Add many customers in one pass; returns their codes in order (generated where empty).

    A rep's customers are their own; every other manager is checked once
    (``check_manager``). Codes must be new (``customers_for_import`` finds those on file).
    """
    require_perm(actor, "customers.add_customer")
    require_write(actor)
    checked: set[int | None] = set()
    own = data_scope(actor) is DataScope.OWN
    for row in rows:
        if row.account_manager is None and own:
            row.account_manager = actor
        manager = row.account_manager
        if (manager.pk if manager else None) not in checked:
            check_manager(actor, manager)
            checked.add(manager.pk if manager else None)
    generated = iter(new_codes(sum(1 for row in rows if not row.code)) if rows else [])
    fields = insert_fields(Customer)
    defaults = field_defaults(Customer)
    now = timezone.now()
    highest = 0
    codes: list[str] = []
    tuples = []
    # Plain tuples on the bulk path: no model instance per row.
    for row in rows:
        code = row.code or next(generated)
        match = GENERATED_CODE.match(code)
        if match and row.code:
            highest = max(highest, int(match[1]))
        codes.append(code)
        values = {**defaults, **row.values}
        values.update(
            code=code,
            account_manager=row.account_manager.pk if row.account_manager else None,
            created_at=now,
            updated_at=now,
        )
        values.update(
            search_fields(
                name=values["name"],
                code=code,
                phone=values["phone"],
                email=values["email"],
                person=values["kind"] == Customer.Kind.INDIVIDUAL,
            )
        )
        tuples.append(tuple(values[name] for name in fields))
    if highest:
        bump_to(CODE_SEQUENCE, highest)
    copy_rows(Customer, fields, tuples)
    tagged = {code: row.tags for code, row in zip(codes, rows, strict=True) if row.tags}
    if tagged:
        # The bulk path returns no primary keys; tags need them.
        ids = dict(Customer.objects.filter(code__in=list(tagged)).values_list("code", "pk"))
        set_tags({ids[code]: tags for code, tags in tagged.items()})
    return codes


@dataclass
class BulkUpdate:
    updated: int
    # The refused changes by their index: the field and the reason. They are not written.
    refused: dict[int, tuple[str, str]]


def customers_bulk_update(*, actor: User, changes: Sequence[CustomerChange]) -> BulkUpdate:
    """Apply many changes: each changed customer gets a new version and an audit entry.

    A new account manager is a reassignment, refused without that permission.
    """
    require_perm(actor, "customers.change_customer")
    require_write(actor)
    may_reassign = actor.has_perm("customers.reassign_customer")
    refused: dict[int, tuple[str, str]] = {}
    managers: dict[int | None, str] = {}
    now = timezone.now()
    updated: list[Customer] = []
    update_fields: set[str] = set()
    audit: list[AuditEntry] = []
    tags: dict[int, list[str]] = {}
    for index, change in enumerate(changes):
        customer = change.customer
        diff = {
            name: [json_value(getattr(customer, name)), json_value(value)]
            for name, value in change.values.items()
            if getattr(customer, name) != value
        }
        manager = change.account_manager
        if manager is not UNCHANGED and manager != customer.account_manager:
            reason = _manager_refusal(actor, manager, may_reassign, managers)
            if reason:
                refused[index] = ("account_manager", reason)
                continue
            diff["account_manager"] = [customer.account_manager_id, manager.pk if manager else None]
            customer.account_manager = manager
        if change.tags is not None:
            tags[customer.pk] = change.tags
        if not diff:
            continue
        for name in change.values:
            setattr(customer, name, change.values[name])
        if SEARCH_SOURCES & set(diff):
            refresh_search(customer)
        customer.version += 1
        diff["version"] = [customer.version - 1, customer.version]
        customer.updated_at = now
        update_fields.update(diff)
        updated.append(customer)
        audit.append(
            AuditEntry(
                actor=actor,
                action=AuditEntry.Action.UPDATE,
                model="customers.customer",
                object_id=str(customer.pk),
                object_repr=str(customer)[:200],
                changes=diff,
            )
        )
    if updated:
        fields = sorted(update_fields | {"updated_at", "name_key", "search_text", "search_bigrams"})
        Customer.objects.bulk_update(updated, fields, batch_size=1000)
        AuditEntry.objects.bulk_create(audit, batch_size=AUDIT_BATCH)
    if tags:
        set_tags(tags)
    return BulkUpdate(updated=len(updated), refused=refused)


def _manager_refusal(
    actor: User, manager: User | None, may_reassign: bool, seen: dict[int | None, str]
) -> str:
    if not may_reassign:
        return _("You do not have permission to reassign customers.")
    key = manager.pk if manager else None
    if key not in seen:
        try:
            check_manager(actor, manager)
            seen[key] = ""
        except ValidationError as error:
            seen[key] = " ".join(error.messages)
    return seen[key]


def set_tags(tags: dict[int, list[str]]) -> None:
    """Give each customer (by id) exactly these tags, creating the tags that are new."""
    names = {name for wanted in tags.values() for name in wanted}
    existing = dict(Tag.objects.filter(name__in=names).values_list("name", "pk"))
    missing = names - set(existing)
    if missing:
        Tag.objects.bulk_create([Tag(name=n) for n in missing], ignore_conflicts=True)
        existing.update(Tag.objects.filter(name__in=missing).values_list("name", "pk"))
    through = Customer.tags.through
    links = [
        through(customer_id=pk, tag_id=existing[name])
        for pk, wanted in tags.items()
        for name in wanted
    ]
    links_of: QuerySet = through.objects.filter(customer_id__in=list(tags))
    links_of.delete()
    through.objects.bulk_create(links, batch_size=2000)
