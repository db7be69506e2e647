"""Contacts (exactly one primary per customer) and interactions (交往记录)."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.audit import audit_create, audit_delete, audit_update, snapshot
from guanxi.core.errors import field_error, require_perm, require_write
from guanxi.core.selectors import DictionaryLookup
from guanxi.core.validators import clean_text
from guanxi.customers.models import Contact, Customer, Interaction
from guanxi.customers.services.customers import ensure_visible
from guanxi.customers.services.fields import clean_contact


def _lock_customer(actor: User, customer: Customer) -> Customer:
    customer = (
        Customer.objects.select_for_update(of=("self",))
        .select_related("account_manager")
        .get(pk=customer.pk)
    )
    ensure_visible(actor, customer)
    if customer.is_archived:
        raise field_error("customer", _("This customer is archived."))
    return customer


@transaction.atomic
def contact_create(
    *, actor: User, customer: Customer, is_primary: bool = False, **values: Any
) -> Contact:
    """Add a contact; the first contact of a customer is its primary one."""
    require_perm(actor, "customers.add_contact")
    require_write(actor)
    customer = _lock_customer(actor, customer)
    cleaned = clean_contact(values)
    has_primary = customer.contacts.filter(is_primary=True).exists()
    if is_primary and has_primary:
        customer.contacts.filter(is_primary=True).update(is_primary=False)
    contact = Contact.objects.create(
        customer=customer, is_primary=is_primary or not has_primary, **cleaned
    )
    audit_create(actor=actor, instance=contact)
    return contact


@transaction.atomic
def contact_update(
    *, actor: User, contact: Contact, is_primary: bool | None = None, **values: Any
) -> Contact:
    require_perm(actor, "customers.change_contact")
    require_write(actor)
    customer = _lock_customer(actor, contact.customer)
    cleaned = clean_contact(values, partial=True)
    before = snapshot(contact)
    for field, value in cleaned.items():
        setattr(contact, field, value)
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


INTERACTION_TEXT = {"place": 200, "summary": 200, "details": None, "notes": None}


def _clean_interaction(values: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for field, limit in INTERACTION_TEXT.items():
        if field in values:
            try:
                cleaned[field] = clean_text(values[field], limit)
            except ValidationError as error:
                errors[field] = error.messages
    if "channel" in values or not partial:
        code = DictionaryLookup().resolve("channel", str(values.get("channel") or ""))
        if code is None:
            errors["channel"] = [_("Choose a channel from the dictionary.")]
        cleaned["channel"] = code
    if "occurred_at" in values or not partial:
        if not isinstance(values.get("occurred_at"), datetime):
            errors["occurred_at"] = [_("Enter the date and time of the interaction.")]
        cleaned["occurred_at"] = values.get("occurred_at")
    if "effective" in values:
        cleaned["effective"] = bool(values["effective"])
    if (not partial or "summary" in values) and not cleaned.get("summary"):
        errors.setdefault("summary", [_("This field is required.")])
    if errors:
        raise ValidationError(errors)
    return cleaned


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
    cleaned = _clean_interaction(values, partial=False)
    interaction = Interaction.objects.create(
        customer=customer, contact=_contact_of(customer, contact), recorded_by=actor, **cleaned
    )
    audit_create(actor=actor, instance=interaction)
    return interaction


@transaction.atomic
def interaction_update(*, actor: User, interaction: Interaction, **values: Any) -> Interaction:
    require_perm(actor, "customers.change_interaction")
    require_write(actor)
    customer = _lock_customer(actor, interaction.customer)
    contact = values.pop("contact", interaction.contact)
    cleaned = _clean_interaction(values, partial=True)
    before = snapshot(interaction)
    interaction.contact = _contact_of(customer, contact)
    for field, value in cleaned.items():
        setattr(interaction, field, value)
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
