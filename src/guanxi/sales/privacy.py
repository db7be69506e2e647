"""What the pipeline holds about a person (``core.subjects``): opportunities with them as the
contact, or with their phone or e-mail as a lead's."""

from django.db.models import Q
from django.utils.translation import gettext_lazy

from guanxi.core import subjects
from guanxi.core.subjects import Holding, Subject
from guanxi.sales.models import Opportunity


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
