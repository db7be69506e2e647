"""Contacts (exactly one primary per customer) and interactions (交往记录)."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.audit import audit_create, audit_delete, audit_update, snapshot
from guanxi.core.errors import field_error, require_perm, require_write
from guanxi.core.validation import full_clean
from guanxi.customers.models import (
    CONTACT_FIELDS,
    INTERACTION_FIELDS,
    Contact,
    Customer,
    Interaction,
)
from guanxi.customers.selectors import customer_for_update


def _lock_customer(actor: User, customer: Customer) -> Customer:
    customer = customer_for_update(actor=actor, pk=customer.pk)
    if customer.is_archived:
        raise field_error("customer", _("This customer is archived."))
    return customer


def _check_fields(values: dict[str, Any]) -> None:
    unknown = set(values) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"unknown contact fields: {sorted(unknown)}")


@transaction.atomic
def contact_create(
    *, actor: User, customer: Customer, is_primary: bool = False, **values: Any
) -> Contact:
    """Add a contact; the first contact of a customer is its primary one."""
    require_perm(actor, "customers.add_contact")
    require_write(actor)
    _check_fields(values)
    customer = _lock_customer(actor, customer)
    contact = Contact(customer=customer, **values)
    full_clean(contact, fields=CONTACT_FIELDS)
    has_primary = customer.contacts.filter(is_primary=True).exists()
    if is_primary and has_primary:
        customer.contacts.filter(is_primary=True).update(is_primary=False)
    contact.is_primary = is_primary or not has_primary
    contact.save()
    audit_create(actor=actor, instance=contact)
    return contact


@transaction.atomic
def contact_update(
    *, actor: User, contact: Contact, is_primary: bool | None = None, **values: Any
) -> Contact:
    require_perm(actor, "customers.change_contact")
    require_write(actor)
    _check_fields(values)
    customer = _lock_customer(actor, contact.customer)
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    before = snapshot(contact)
    for field, value in values.items():
        setattr(contact, field, value)
    full_clean(contact, fields=values)
    if is_primary and not contact.is_primary:
        customer.contacts.filter(is_primary=True).update(is_primary=False)
        contact.is_primary = True
    elif is_primary is False and contact.is_primary:
        raise field_error(
            "is_primary",
            _("A customer keeps one primary contact: make another contact primary instead."),
        )
    contact.save()
    audit_update(actor=actor, instance=contact, before=before)
    return contact


@transaction.atomic
def contact_delete(*, actor: User, contact: Contact) -> None:
    """Remove a contact; if it was the primary one, the next contact becomes primary."""
    require_perm(actor, "customers.delete_contact")
    require_write(actor)
    customer = _lock_customer(actor, contact.customer)
    was_primary = contact.is_primary
    audit_delete(actor=actor, instance=contact)
    contact.delete()
    if was_primary:
        successor = customer.contacts.order_by("name", "id").first()
        if successor is not None:
            successor.is_primary = True
            successor.save(update_fields=["is_primary", "updated_at"])


def _contact_of(customer: Customer, contact: Contact | None) -> Contact | None:
    if contact is not None and contact.customer_id != customer.pk:
        raise field_error("contact", _("This contact belongs to another customer."))
    return contact


@transaction.atomic
def interaction_create(
    *, actor: User, customer: Customer, contact: Contact | None = None, **values: Any
) -> Interaction:
    require_perm(actor, "customers.add_interaction")
    require_write(actor)
    customer = _lock_customer(actor, customer)
    interaction = Interaction(
        customer=customer, contact=_contact_of(customer, contact), recorded_by=actor, **values
    )
    full_clean(interaction, fields=INTERACTION_FIELDS)
    interaction.save()
    audit_create(actor=actor, instance=interaction)
    return interaction


@transaction.atomic
def interaction_update(*, actor: User, interaction: Interaction, **values: Any) -> Interaction:
    require_perm(actor, "customers.change_interaction")
    require_write(actor)
    customer = _lock_customer(actor, interaction.customer)
    contact = values.pop("contact", interaction.contact)
    interaction = Interaction.objects.select_for_update().get(pk=interaction.pk)
    before = snapshot(interaction)
    interaction.contact = _contact_of(customer, contact)
    for field, value in values.items():
        setattr(interaction, field, value)
    full_clean(interaction, fields=values)
    interaction.save()
    audit_update(actor=actor, instance=interaction, before=before)
    return interaction


@transaction.atomic
def interaction_delete(*, actor: User, interaction: Interaction) -> None:
    require_perm(actor, "customers.delete_interaction")
    require_write(actor)
    _lock_customer(actor, interaction.customer)
    audit_delete(actor=actor, instance=interaction)
    interaction.delete()
