"""The customer archive's personal data: its fields for masking (``core.privacy``), how a
contact or an individual customer is read as a data subject and what the archive holds about
them (``core.subjects``)."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core import privacy, subjects
from guanxi.core.errors import field_error
from guanxi.core.subjects import Holding, Subject
from guanxi.customers import selectors
from guanxi.customers.models import Consent, Contact, Customer, Interaction
from guanxi.customers.search import search_fields

CONTACT_PERSONAL = {"mobile": "phone", "email": "email"}
INDIVIDUAL_PERSONAL = {
    "phone": "phone",
    "email": "email",
    "address": "address",
    "bank_account": "number",
}
COMPANY_PERSONAL = {"bank_account": "number"}
ANONYMOUS = "***"


def customer_personal(customer: Customer) -> dict[str, str]:
    """An individual's phone, e-mail and address are personal; a company's are not. Bank
    accounts always are."""
    if customer.kind == Customer.Kind.INDIVIDUAL:
        return INDIVIDUAL_PERSONAL
    return COMPANY_PERSONAL


privacy.register(
    Customer,
    customer_personal,
    get=lambda actor, pk: selectors.customer_get(actor=actor, pk=pk),
)
privacy.register(
    Contact, CONTACT_PERSONAL, get=lambda actor, pk: selectors.contact_get(actor=actor, pk=pk)
)


# --- Data subjects --------------------------------------------------------------------------


def _values(*values: str) -> set[str]:
    return {value.strip() for value in values if value and value.strip()}


def describe_contact(contact: Contact) -> Subject:
    return Subject(
        instance=contact,
        label=contact.name,
        names=_values(contact.name),
        phones=_values(contact.mobile),
        emails=_values(contact.email.lower()),
        contact_ids={contact.pk},
    )


def describe_customer(customer: Customer) -> Subject:
    """An individual customer, with the contacts on their record (usually themselves)."""
    if customer.kind != Customer.Kind.INDIVIDUAL:
        raise field_error("kind", _("A company is not a person: start from one of its contacts."))
    contacts = list(customer.contacts.all())
    return Subject(
        instance=customer,
        label=customer.name,
        names=_values(customer.name, *(c.name for c in contacts)),
        phones=_values(customer.phone, *(c.mobile for c in contacts)),
        emails=_values(customer.email.lower(), *(c.email.lower() for c in contacts)),
        contact_ids={c.pk for c in contacts},
        customer_ids={customer.pk},
    )


subjects.describe_with("contact", describe_contact)
subjects.describe_with("customer", describe_customer)


def _anonymise_customers(records: QuerySet[Customer]) -> int:
    for customer in records:
        customer.name = ANONYMOUS
        for name in ("phone", "fax", "email", "address", "postcode", "bank_name", "bank_account"):
            setattr(customer, name, "")
        customer.legal_representative = ""
        customer.tax_number = ""
        customer.birthday = None
        customer.notes = ""
        for column, value in search_fields(name=ANONYMOUS, code=customer.code).items():
            setattr(customer, column, value)
        customer.version += 1
        customer.save()
    return len(records)


def _anonymise_contacts(records: QuerySet[Contact]) -> int:
    return records.update(
        name=ANONYMOUS, title="", office_phone="", mobile="", email="", birthday=None, notes=""
    )


def _anonymise_interactions(records: QuerySet[Interaction]) -> int:
    return records.update(details="", notes="", place="")


def archive_holdings(subject: Subject) -> list[Holding]:
    contact_match = Q(contact_id__in=subject.contact_ids)
    customer_match = Q(customer_id__in=subject.customer_ids)
    found = [
        Holding(
            key="customers.contact",
            label=gettext_lazy("Contacts"),
            records=Contact.objects.filter(pk__in=subject.contact_ids),
            columns=[
                "customer_id",
                "name",
                "gender",
                "title",
                "office_phone",
                "mobile",
                "email",
                "birthday",
                "notes",
                "is_primary",
                "created_at",
            ],
            anonymise=_anonymise_contacts,
            erasable=True,
            order=10,
        ),
        Holding(
            key="customers.interaction",
            label=gettext_lazy("Interactions"),
            records=Interaction.objects.filter(contact_match | customer_match),
            columns=[
                "customer_id",
                "contact_id",
                "occurred_at",
                "channel",
                "place",
                "summary",
                "details",
                "notes",
            ],
            anonymise=_anonymise_interactions,
            erasable=True,
            order=20,
        ),
        Holding(
            key="customers.consent",
            label=gettext_lazy("Consents"),
            records=Consent.objects.filter(contact_match | customer_match),
            columns=[
                "customer_id",
                "contact_id",
                "purpose",
                "granted",
                "source",
                "recorded_at",
                "note",
            ],
            # Anonymised, the history of consents stays as the proof of lawful use.
            anonymise=lambda records: records.update(note=""),
            erasable=True,
            order=30,
        ),
    ]
    if subject.customer_ids:
        found.insert(
            0,
            Holding(
                key="customers.customer",
                label=gettext_lazy("Customer record"),
                records=Customer.objects.filter(pk__in=subject.customer_ids),
                columns=[
                    "code",
                    "name",
                    "phone",
                    "email",
                    "address",
                    "postcode",
                    "bank_name",
                    "bank_account",
                    "birthday",
                    "notes",
                    "created_at",
                ],
                # Orders point at it and are kept for the accounts: anonymised, not deleted.
                anonymise=_anonymise_customers,
                order=0,
            ),
        )
    return found


subjects.register(archive_holdings)


def find_people(*, actor: object, q: str, limit: int = 50) -> list[dict[str, object]]:
    """Contacts and individual customers whose mobile, phone or e-mail is ``q``, or whose name
    contains it, among those ``actor`` may see."""
    q = q.strip()
    if not q:
        return []
    contacts = selectors.visible_contacts(actor).select_related("customer")  # type: ignore[arg-type]
    contacts = contacts.filter(Q(mobile=q) | Q(email__iexact=q) | Q(name__contains=q))
    people = selectors.visible_customers(actor).filter(kind=Customer.Kind.INDIVIDUAL)  # type: ignore[arg-type]
    people = people.filter(Q(phone=q) | Q(email__iexact=q) | Q(name__contains=q))
    found: list[dict[str, object]] = [
        {"kind": "customer", "id": c.pk, "name": c.name, "customer": c.code}
        for c in people.order_by("name", "pk")[:limit]
    ]
    found += [
        {"kind": "contact", "id": c.pk, "name": c.name, "customer": c.customer.name}
        for c in contacts.order_by("name", "pk")[:limit]
    ]
    return found
