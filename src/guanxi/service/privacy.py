"""The service desk's personal data: a requester's phone and e-mail masked
(``core.privacy``), and the requests a person made (``core.subjects``) — kept for the
service history, the requester's name, phone and e-mail anonymised."""

from django.db.models import Q
from django.utils.translation import gettext_lazy

from guanxi.core import privacy, subjects
from guanxi.core.subjects import Holding, Subject
from guanxi.service import selectors
from guanxi.service.models import ServiceRequest

privacy.register(
    ServiceRequest,
    {"requester_phone": "phone", "requester_email": "email"},
    get=lambda actor, pk: selectors.request_get(actor=actor, pk=pk),
)


def request_holdings(subject: Subject) -> list[Holding]:
    match = Q(contact_id__in=subject.contact_ids) | Q(customer_id__in=subject.customer_ids)
    if subject.phones:
        match |= Q(requester_phone__in=subject.phones)
    if subject.emails:
        match |= Q(requester_email__in=subject.emails)
    return [
        Holding(
            key="service.servicerequest",
            label=gettext_lazy("Service requests"),
            records=ServiceRequest.objects.filter(match),
            columns=[
                "number",
                "service_type",
                "summary",
                "details",
                "requester_name",
                "requester_phone",
                "requester_email",
                "status",
                "received_at",
            ],
            anonymise=lambda records: records.update(
                requester_name="", requester_phone="", requester_email=""
            ),
            order=60,
        )
    ]


subjects.register(request_holdings)
