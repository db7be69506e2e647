"""Merging a duplicate customer into the one that stays."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.audit import audit_note, audit_update, snapshot
from guanxi.core.errors import field_error, require_perm, require_write
from guanxi.customers.models import CUSTOMER_FIELDS, Contact, Customer
from guanxi.customers.selectors import customers_for_update
from guanxi.customers.services.customers import refresh_search
from guanxi.customers.signals import customer_archived


def _moved_relations() -> list[Any]:
    """Every foreign key to Customer in any app (contacts, orders, later modules' records)."""
    return [
        relation.field
        for relation in Customer._meta.related_objects
        if relation.one_to_many and relation.related_model is not Customer
    ]


@transaction.atomic
def customer_merge(*, actor: User, target: Customer, source: Customer) -> dict[str, int]:
    """Move everything of ``source`` to ``target``, fill ``target``'s blanks, archive ``source``.

    Records of later modules move too: every foreign key to Customer is followed. Returns how
    many records of each kind moved.
    """
    require_perm(actor, "customers.merge_customer")
    require_write(actor)
    if target.pk == source.pk:
        raise field_error("source", _("A customer cannot be merged into itself."))
    locked = {c.pk: c for c in customers_for_update(actor=actor, pks=[target.pk, source.pk])}
    if len(locked) < 2:
        raise field_error("customer", _("This customer is outside your data scope."))
    target, source = locked[target.pk], locked[source.pk]
    for customer in (target, source):
        if customer.is_archived:
            raise field_error(
                "source" if customer is source else "target",
                _("%(name)s is archived; restore it before merging.") % {"name": customer},
            )
    # The target keeps its primary contact; the source's primary becomes an ordinary contact.
    if target.contacts.filter(is_primary=True).exists():
        source.contacts.filter(is_primary=True).update(is_primary=False)
    moved: dict[str, int] = {}
    for field in _moved_relations():
        count = field.model._default_manager.filter(**{field.name: source}).update(
            **{field.name: target}
        )
        if count:
            moved[str(field.model._meta.verbose_name_plural)] = count
    if not target.contacts.filter(is_primary=True).exists():
        first = Contact.objects.filter(customer=target).order_by("name", "id").first()
        if first is not None:
            first.is_primary = True
            first.save(update_fields=["is_primary"])

    before = snapshot(target)
    for name in CUSTOMER_FIELDS:
        if getattr(target, name) in ("", None) and getattr(source, name) not in ("", None):
            setattr(target, name, getattr(source, name))
    refresh_search(target)
    target.version += 1
    target.save()
    target.tags.add(*source.tags.all())
    audit_update(actor=actor, instance=target, before=before)
    audit_note(
        actor=actor,
        instance=target,
        field="merged_from",
        before=None,
        after=f"{source.code} {source.name}",
    )

    source_before = snapshot(source)
    source.archived_at = timezone.now()
    source.merged_into = target
    source.version += 1
    source.save()
    audit_update(actor=actor, instance=source, before=source_before)
    customer_archived.send(sender=Customer, customer=source)
    return moved
