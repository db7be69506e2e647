"""The pipeline's personal data: a lead's contact phone and e-mail masked (``core.privacy``),
and the opportunities with a person as the contact, or with their phone or e-mail as a lead's
(``core.subjects``)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy

from guanxi.core import privacy, subjects
from guanxi.core.subjects import Holding, Subject
from guanxi.sales import selectors
from guanxi.sales.models import Opportunity

privacy.register(
    Opportunity,
    {"contact_phone": "phone", "contact_email": "email"},
    get=lambda actor, pk: selectors.opportunity_get(actor=actor, pk=pk),
)


def opportunity_holdings(subject: Subject) -> list[Holding]:
    match = Q(contact_id__in=subject.contact_ids) | Q(customer_id__in=subject.customer_ids)
    if subject.phones:
        match |= Q(contact_phone__in=subject.phones)
    if subject.emails:
        match |= Q(contact_email__in=subject.emails)
    return [
        Holding(
            key="sales.opportunity",
            label=gettext_lazy("Opportunities"),
            records=Opportunity.objects.filter(match),
            columns=[
                "number",
                "customer_name",
                "contact_name",
                "contact_phone",
                "contact_email",
                "summary",
                "status",
                "created_at",
            ],
            anonymise=lambda records: records.update(
                contact_name="", contact_phone="", contact_email=""
            ),
            order=50,
        )
    ]


subjects.register(opportunity_holdings)
