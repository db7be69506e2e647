"""The service section of the customer 360 view: requests, satisfaction, callbacks."""

from typing import Any

from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts.models import User
from guanxi.core.dictionary import DictionaryLookup
from guanxi.customers.models import Customer
from guanxi.customers.profile import Section, TimelineEvent, register
from guanxi.service.models import Callback, ServiceRequest
from guanxi.service.selectors import customer_callbacks, customer_requests

CALLBACKS_SHOWN = 5


def build_callbacks(customer: Customer, actor: User) -> dict[str, Any] | None:
    """The callbacks (回访) after the customer's requests: counts, the average score of those
    done, the latest few with their answers. None for a viewer who may not see callbacks."""
    if not actor.has_perm("service.view_callback"):
        return None
    found = customer_callbacks(actor=actor, customer=customer)
    totals = found.aggregate(
        pending=Count("pk", filter=Q(status=Callback.Status.PENDING)),
        done=Count("pk", filter=Q(status=Callback.Status.DONE)),
        unreachable=Count("pk", filter=Q(status=Callback.Status.UNREACHABLE)),
        score=Avg("score", filter=Q(status=Callback.Status.DONE)),
    )
    may_record = actor.has_perm("service.change_callback")
    return {
        "pending": totals["pending"],
        "done": totals["done"],
        "unreachable": totals["unreachable"],
        "average_score": round(float(totals["score"]), 2) if totals["score"] else None,
        "items": [
            {
                "id": callback.pk,
                "request": callback.request.number,
                "request_url": callback.request.get_absolute_url(),
                "due_date": callback.due_date.isoformat(),
                "status": callback.status,
                "status_label": callback.get_status_display(),
                "overdue": callback.status == Callback.Status.PENDING
                and callback.due_date < timezone.localdate(),
                "score": str(callback.score) if callback.score is not None else None,
                "resolved": callback.resolved,
                "comment": callback.comment,
                "assignee": callback.assignee.display_name if callback.assignee else "",
                "done_at": callback.done_at.isoformat() if callback.done_at else None,
                "url": callback.get_absolute_url() if may_record else "",
            }
            for callback in found.order_by("-due_date", "-id")[:CALLBACKS_SHOWN]
        ],
    }


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
        "callbacks": build_callbacks(customer, actor),
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
    return _request_events(customer, actor, limit) + _callback_events(customer, actor, limit)


def _callback_events(customer: Customer, actor: User, limit: int) -> list[TimelineEvent]:
    if not actor.has_perm("service.view_callback"):
        return []
    done = customer_callbacks(actor=actor, customer=customer).filter(done_at__isnull=False)
    events = []
    for callback in done.order_by("-done_at", "-id")[:limit]:
        assert callback.done_at is not None
        if callback.status == Callback.Status.DONE:
            title = _("Callback on %(number)s: %(score)s/5") % {
                "number": callback.request.number,
                "score": callback.score,
            }
        else:
            title = _("Callback on %(number)s: could not reach the customer") % {
                "number": callback.request.number
            }
        events.append(
            TimelineEvent(
                at=callback.done_at,
                kind="callback",
                title=title,
                detail=callback.comment,
                url=callback.request.get_absolute_url(),
            )
        )
    return events


def _request_events(customer: Customer, actor: User, limit: int) -> list[TimelineEvent]:
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
