"""The customer archive's personal fields, registered with ``core.privacy``."""

from guanxi.core import privacy
from guanxi.customers import selectors
from guanxi.customers.models import Contact, Customer

CONTACT_PERSONAL = {"mobile": "phone", "email": "email"}
INDIVIDUAL_PERSONAL = {
    "phone": "phone",
    "email": "email",
    "address": "address",
    "bank_account": "number",
}
COMPANY_PERSONAL = {"bank_account": "number"}


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
