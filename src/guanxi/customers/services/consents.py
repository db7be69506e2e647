"""Consents: recorded, never edited — a change of mind is a new row."""

from django.db import transaction

from guanxi.accounts.models import User
from guanxi.core.audit import audit_create
from guanxi.core.errors import require_perm, require_write
from guanxi.core.validation import full_clean
from guanxi.customers.models import Consent, Contact, Customer
from guanxi.customers.selectors import customer_for_update


@transaction.atomic
def consent_record(
    *,
    actor: User,
    customer: Customer,
    contact: Contact | None = None,
    purpose: str,
    granted: bool,
    source: str,
    note: str = "",
) -> Consent:
    """Record that the contact (or the individual customer) gave or withdrew consent for one
    purpose. The customer is locked through the actor's scope, as for any change to it."""
    require_perm(actor, "customers.change_contact")
    require_write(actor)
    customer = customer_for_update(actor=actor, pk=customer.pk)
    consent = Consent(
        customer=customer,
        contact=contact,
        purpose=purpose,
        granted=granted,
        source=source,
        note=note.strip(),
        recorded_by=actor,
    )
    full_clean(consent)
    consent.save()
    audit_create(actor=actor, instance=consent)
    return consent
