"""The service section of the customer 360 view: requests, satisfaction, callbacks."""

from typing import Any

from django.db.models import Avg, Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts.models import User
from guanxi.core.dictionary import DictionaryLookup
from guanxi.customers.models import Customer
from guanxi.customers.profile import Section, TimelineEvent, register
from guanxi.service.models import ServiceRequest
from guanxi.service.selectors import customer_requests


def build_service(customer: Customer, actor: User, lookup: DictionaryLookup) -> dict[str, Any]:
    found = customer_requests(actor=actor, customer=customer)
    totals = found.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=ServiceRequest.OPEN)),
        complaints=Count("pk", filter=Q(service_type=ServiceRequest.COMPLAINT)),
        score=Avg("satisfaction"),
    )
    return {
        "total": totals["total"],
        "open": totals["open"],
        "complaints": totals["complaints"],
        "average_satisfaction": round(float(totals["score"]), 1) if totals["score"] else None,
        "items": [
            {
                "id": request.pk,
                "number": request.number,
                "summary": request.summary,
                "type": request.service_type,
                "type_label": lookup.label("service_type", request.service_type),
                "status": request.status,
                "status_label": request.get_status_display(),
                "sla_state": request.sla_state(),
                "sla_label": str(ServiceRequest.SlaState(request.sla_state()).label),
                "received_at": request.received_at.isoformat(),
                "satisfaction": request.satisfaction,
                "url": request.get_absolute_url(),
            }
            for request in found.order_by("-received_at", "-id")[:10]
        ],
    }


def service_events(customer: Customer, actor: User, limit: int) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            at=request.received_at,
            kind="service",
            title=_("Service request %(number)s: %(status)s")
            % {"number": request.number, "status": request.get_status_display()},
            detail=request.summary,
            url=request.get_absolute_url(),
        )
        for request in customer_requests(actor=actor, customer=customer).order_by(
            "-received_at", "-id"
        )[:limit]
    ]


register(
    Section(
        key="service",
        title=gettext_lazy("Service"),
        template="service/section_service.html",
        order=60,
        build=build_service,
        timeline=service_events,
        permission="service.view_servicerequest",
    )
)
