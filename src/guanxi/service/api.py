"""Service requests, queues, callbacks, SLA policies, business calendars and the dashboard."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, ModelSchema, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from guanxi.accounts.models import User
from guanxi.accounts.selectors import person_for
from guanxi.api.filters import query_schema
from guanxi.api.pagination import CappedPageNumberPagination, PageNumberPagination, apply_ordering
from guanxi.api.schemas import Input, model_values
from guanxi.core import privacy
from guanxi.core.dates import Period
from guanxi.core.errors import field_error
from guanxi.customers.models import Contact
from guanxi.customers.selectors import customer_get, visible_contacts
from guanxi.service import selectors, services
from guanxi.service.filters import RequestFilterSet
from guanxi.service.models import (
    EDITABLE_FIELDS,
    REQUEST_FIELDS,
    BusinessCalendar,
    CalendarDay,
    Callback,
    RequestComment,
    ServiceRequest,
    SlaPolicy,
)

router = Router(tags=["service"])
# The API's names for model fields that read better in the code under another name.
API_NAMES = {"service_type": "type", "details": "request"}


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


@contextmanager
def api_field_names() -> Iterator[None]:
    """Errors name the fields as the API calls them (``type``, ``request``)."""
    try:
        yield
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError(
            {
                API_NAMES.get(field, field): messages
                for field, messages in error.message_dict.items()
            }
        ) from None


def _user(actor: User, field: str, pk: int | None) -> User | None:
    return None if pk is None else person_for(actor=actor, pk=pk, field=field)


def _contact(actor: User, pk: int | None) -> Contact | None:
    """A contact of a customer the caller may see."""
    if pk is None:
        return None
    contact = visible_contacts(actor).filter(pk=pk).first()
    if contact is None:
        raise field_error("contact", _("No contact has the id %(id)s.") % {"id": pk})
    return contact


class RequestOut(Schema):
    id: int
    number: str
    type: str = Field(..., alias="service_type")
    priority: str
    channel: str
    customer: int | None = Field(None, alias="customer_id")
    contact: int | None = Field(None, alias="contact_id")
    requester_name: str
    requester_phone: str
    requester_email: str
    summary: str
    request: str = Field(..., alias="details")
    status: ServiceRequest.Status
    received_at: datetime
    team: int | None = Field(None, alias="team_id")
    assignee: int | None = Field(None, alias="assignee_id")
    assigned_at: datetime | None
    first_response_at: datetime | None
    first_response_due: datetime | None
    resolution_due: datetime | None
    sla_state: ServiceRequest.SlaState
    first_response_breached: bool
    resolution_breached: bool
    waiting_since: datetime | None = Field(None, alias="paused_at")
    policy: int | None = Field(None, alias="policy_id")
    handled_at: datetime | None
    result: str
    satisfaction: int | None
    feedback_note: str
    reopen_count: int
    archived_at: datetime | None
    root_cause: str
    corrective_action: str
    follow_up: str
    review: str
    version: int

    masked: list[str] = Field([], description="Personal fields shown masked")

    @staticmethod
    def resolve_sla_state(obj: ServiceRequest) -> str:
        return obj.sla_state()

    @staticmethod
    def resolve_masked(obj: ServiceRequest, context: Any) -> list[str]:
        return privacy.masked_fields(context["request"].auth, obj)

    @staticmethod
    def resolve_requester_phone(obj: ServiceRequest, context: Any) -> str:
        return privacy.shown(context["request"].auth, obj, "requester_phone")

    @staticmethod
    def resolve_requester_email(obj: ServiceRequest, context: Any) -> str:
        return privacy.shown(context["request"].auth, obj, "requester_email")


class RequestIn(ModelSchema, Input):
    service_type: str = Field(
        ..., alias="type", description="A code (or label) from the service_type dictionary."
    )
    details: str = Field("", alias="request")
    channel: str = "api"
    customer: int | None = None
    contact: int | None = None
    received_at: datetime | None = Field(None, description="When it came in (default: now).")
    assignee: int | None = Field(None, description="Leave out to put it in the team queue.")

    class Meta:
        model = ServiceRequest
        fields = list(REQUEST_FIELDS)


class RequestPatch(ModelSchema, Input):
    service_type: str | None = Field(None, alias="type")
    details: str | None = Field(None, alias="request")
    customer: int | None = None
    contact: int | None = None

    class Meta:
        model = ServiceRequest
        fields = list(EDITABLE_FIELDS)
        fields_optional = "__all__"


RequestQuery = query_schema(
    "RequestQuery",
    RequestFilterSet,
    ordering=(
        str | None,
        Field(None, description="number, received_at, due, priority or status; - descends"),
    ),
)


class AssignIn(Schema):
    assignee: int


class HandleIn(Schema):
    result: str


class FeedbackIn(Schema):
    satisfaction: int = Field(..., description="1–5; below 3 sends the request back.")
    note: str = ""


class ArchiveIn(Schema):
    root_cause: str | None = None
    corrective_action: str | None = None
    follow_up: str | None = None
    review: str | None = None


class PauseIn(Schema):
    note: str = ""


class CommentIn(Schema):
    body: str
    kind: RequestComment.Kind = RequestComment.Kind.NOTE
    email: bool | None = Field(
        None,
        description="A reply: true e-mails it (422 without an address), false records it only, "
        "left out e-mails it when the request has an address",
    )


class CommentOut(Schema):
    id: int
    kind: str
    body: str
    author: int | None = Field(None, alias="author_id")
    created_at: datetime
    delivery: str = Field(description="'' not e-mailed, queued, sent or failed")
    recipient: str
    sent_at: datetime | None
    delivery_error: str


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    url: str
    uploaded_at: datetime

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return str(obj.get_absolute_url())


class EventOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor: int | None = Field(None, alias="actor_id")
    at: datetime
    note: str


class EscalationOut(Schema):
    clock: str
    cycle: int
    level: int
    at: datetime
    recipients: str


class HistoryOut(Schema):
    events: list[EventOut]
    escalations: list[EscalationOut]
    comments: list[CommentOut]
    attachments: list[AttachmentOut]


@router.get("/service-requests", response=list[RequestOut], summary="List service requests")
@paginate(CappedPageNumberPagination)
def request_list(request: HttpRequest, filters: Query[RequestQuery]) -> Any:  # type: ignore[valid-type]
    values = filters.dict(exclude={"ordering"})  # type: ignore[attr-defined]
    found = selectors.request_list(actor=_actor(request), filters=values)
    return apply_ordering(
        found,
        filters.ordering,  # type: ignore[attr-defined]
        selectors.REQUEST_ORDERING,
        "-received_at",
        nulls_last=frozenset({"due"}),
    )


@router.post("/service-requests", response={201: RequestOut}, summary="Log a service request")
def request_create(request: HttpRequest, payload: RequestIn) -> Status:
    actor = _actor(request)
    customer = customer_get(actor=actor, pk=payload.customer) if payload.customer else None
    values = model_values(
        payload, ServiceRequest, partial=False, exclude={"customer", "contact", "assignee"}
    )
    with api_field_names():
        created = services.service_request_create(
            actor=actor,
            customer=customer,
            contact=_contact(actor, payload.contact),
            assignee=_user(actor, "assignee", payload.assignee),
            **values,
        )
    return Status(201, created)


@router.get("/service-requests/{request_id}", response=RequestOut, summary="One service request")
def request_detail(request: HttpRequest, request_id: int) -> ServiceRequest:
    return selectors.request_get(actor=_actor(request), pk=request_id)


@router.patch(
    "/service-requests/{request_id}",
    response=RequestOut,
    summary="Change a request (a new type or priority re-matches its SLA policy)",
)
def request_update(request: HttpRequest, request_id: int, payload: RequestPatch) -> Any:
    actor = _actor(request)
    found = selectors.request_get(actor=actor, pk=request_id)
    values = model_values(payload, ServiceRequest, partial=True, exclude={"customer", "contact"})
    given = payload.model_fields_set
    links: dict[str, Any] = {}
    if "customer" in given:
        links["customer"] = (
            customer_get(actor=actor, pk=payload.customer) if payload.customer else None
        )
    if "contact" in given:
        links["contact"] = _contact(actor, payload.contact)
    with api_field_names():
        return services.service_request_update(actor=actor, request=found, **links, **values)


@router.post(
    "/service-requests/{request_id}/assign", response=RequestOut, summary="Assign to a person"
)
def request_assign(request: HttpRequest, request_id: int, payload: AssignIn) -> ServiceRequest:
    actor = _actor(request)
    found = selectors.request_get(actor=actor, pk=request_id)
    assignee = _user(actor, "assignee", payload.assignee)
    assert assignee is not None
    return services.service_request_assign(actor=actor, request=found, assignee=assignee)


@router.post(
    "/service-requests/{request_id}/handle",
    response=RequestOut,
    summary="Handled: record what was done (stops the resolution clock)",
)
def request_handle(request: HttpRequest, request_id: int, payload: HandleIn) -> ServiceRequest:
    actor = _actor(request)
    found = selectors.request_get(actor=actor, pk=request_id)
    return services.service_request_handle(actor=actor, request=found, result=payload.result)


@router.post(
    "/service-requests/{request_id}/feedback",
    response=RequestOut,
    summary="The customer's satisfaction, 1–5 (below 3 returns it to `assigned`)",
)
def request_feedback(request: HttpRequest, request_id: int, payload: FeedbackIn) -> ServiceRequest:
    actor = _actor(request)
    found = selectors.request_get(actor=actor, pk=request_id)
    return services.service_request_feedback(
        actor=actor, request=found, satisfaction=payload.satisfaction, note=payload.note
    )


@router.post(
    "/service-requests/{request_id}/archive",
    response=RequestOut,
    summary="Archive (a complaint needs root_cause, corrective_action and review)",
)
def request_archive(request: HttpRequest, request_id: int, payload: ArchiveIn) -> ServiceRequest:
    actor = _actor(request)
    found = selectors.request_get(actor=actor, pk=request_id)
    return services.service_request_archive(actor=actor, request=found, **payload.dict())


@router.post(
    "/service-requests/{request_id}/pause",
    response=RequestOut,
    summary="Waiting on the customer: the resolution clock stops",
)
def request_pause(request: HttpRequest, request_id: int, payload: PauseIn) -> ServiceRequest:
    actor = _actor(request)
    found = selectors.request_get(actor=actor, pk=request_id)
    return services.service_request_pause(actor=actor, request=found, note=payload.note)


@router.post(
    "/service-requests/{request_id}/resume",
    response=RequestOut,
    summary="The customer answered: the clock runs again",
)
def request_resume(request: HttpRequest, request_id: int) -> ServiceRequest:
    actor = _actor(request)
    found = selectors.request_get(actor=actor, pk=request_id)
    return services.service_request_resume(actor=actor, request=found)


@router.get(
    "/service-requests/{request_id}/history",
    response=HistoryOut,
    summary="Every step, escalation, comment and file",
)
def request_history(request: HttpRequest, request_id: int) -> dict[str, Any]:
    found = selectors.request_get(actor=_actor(request), pk=request_id)
    return selectors.request_timeline(found)


@router.post(
    "/service-requests/{request_id}/comments",
    response={201: CommentOut},
    summary="A note, a reply to the customer (the first is the first response), or their answer",
)
def comment_create(request: HttpRequest, request_id: int, payload: CommentIn) -> Status:
    actor = _actor(request)
    found = selectors.request_get(actor=actor, pk=request_id)
    comment = services.service_request_comment(
        actor=actor, request=found, body=payload.body, kind=payload.kind, email=payload.email
    )
    return Status(201, comment)


@router.post(
    "/service-requests/{request_id}/comments/{comment_id}/resend",
    response=CommentOut,
    summary="E-mail again a reply that was not delivered",
)
def reply_resend(request: HttpRequest, request_id: int, comment_id: int) -> RequestComment:
    actor = _actor(request)
    found = selectors.request_get(actor=actor, pk=request_id)
    return services.service_request_reply_resend(actor=actor, request=found, comment_id=comment_id)


@router.post(
    "/service-requests/{request_id}/attachments",
    response={201: AttachmentOut},
    summary="Attach a file (multipart field `file`)",
)
def attachment_create(request: HttpRequest, request_id: int, file: File[UploadedFile]) -> Status:
    actor = _actor(request)
    found = selectors.request_get(actor=actor, pk=request_id)
    return Status(201, services.attachment_add(actor=actor, request=found, upload=file))


@router.get("/service-queues", response=dict[str, int], summary="How many requests each queue has")
def queue_counts(request: HttpRequest) -> dict[str, int]:
    return selectors.queue_counts(actor=_actor(request))


# --- Callbacks ------------------------------------------------------------------------------


class CallbackOut(Schema):
    id: int
    request: int = Field(..., alias="request_id")
    customer: int | None = Field(None, alias="customer_id")
    assignee: int | None = Field(None, alias="assignee_id")
    due_date: date
    status: Callback.Status
    attitude: int | None
    efficiency: int | None
    information: int | None
    resolved: bool | None
    comment: str
    score: Decimal | None
    done_at: datetime | None


class CallbackIn(Schema):
    reached: bool = True
    attitude: int | None = Field(None, description="Service attitude and professionalism, 1–5")
    efficiency: int | None = Field(None, description="Problem-solving efficiency, 1–5")
    information: int | None = Field(None, description="Completeness of information, 1–5")
    resolved: bool | None = None
    comment: str = ""


class CallbackQuery(Schema):
    status: str = ""
    mine: bool = False


@router.get("/callbacks", response=list[CallbackOut], summary="Callbacks (回访) to make or made")
@paginate(CappedPageNumberPagination)
def callback_list(request: HttpRequest, filters: Query[CallbackQuery]) -> Any:
    return selectors.callback_list(actor=_actor(request), **filters.dict()).order_by(
        "due_date", "id"
    )


@router.post(
    "/callbacks/{callback_id}/complete",
    response=CallbackOut,
    summary="Record the callback's answers (updates the customer's satisfaction)",
)
def callback_complete(request: HttpRequest, callback_id: int, payload: CallbackIn) -> Callback:
    actor = _actor(request)
    found = selectors.callback_get(actor=actor, pk=callback_id)
    return services.callback_complete(actor=actor, callback=found, **payload.dict())


# --- Set-up ---------------------------------------------------------------------------------


class PolicyOut(Schema):
    id: int
    name: str
    rank: int
    type: str = Field(..., alias="service_type")
    priority: str
    customer_level: str
    first_response_minutes: int
    resolution_minutes: int
    calendar: int = Field(..., alias="calendar_id")
    warn_percent: int
    escalate_after_minutes: int
    next_level: int | None = Field(None, alias="next_level_id")
    active: bool


class PolicyIn(Schema):
    name: str
    first_response_minutes: int
    resolution_minutes: int
    rank: int = 100
    type: str = ""
    priority: str = ""
    customer_level: str = ""
    calendar: int | None = Field(None, description="Default: the default calendar.")
    warn_percent: int = 80
    escalate_after_minutes: int = 120
    next_level: int | None = None
    active: bool = True


class PolicyPatch(Schema):
    name: str | None = None
    first_response_minutes: int | None = None
    resolution_minutes: int | None = None
    rank: int | None = None
    type: str | None = None
    priority: str | None = None
    customer_level: str | None = None
    calendar: int | None = None
    warn_percent: int | None = None
    escalate_after_minutes: int | None = None
    next_level: int | None = None
    active: bool | None = None


def _calendar(pk: int | None) -> BusinessCalendar | None:
    if pk is None:
        return None
    found = BusinessCalendar.objects.filter(pk=pk).first()
    if found is None:
        raise field_error("calendar", _("No calendar has the id %(id)s.") % {"id": pk})
    return found


def _policy_values(actor: User, payload: Schema, given: set[str]) -> dict[str, Any]:
    values = {
        ("service_type" if field == "type" else field): getattr(payload, field)
        for field in given
        if field not in ("calendar", "next_level")
    }
    links: dict[str, Any] = {"calendar": _calendar(getattr(payload, "calendar", None))}
    if "next_level" in given:
        links["next_level"] = _user(actor, "next_level", payload.next_level)  # type: ignore[attr-defined]
    return {**values, **links}


@router.get("/sla-policies", response=list[PolicyOut], summary="SLA policies, by rank")
@paginate(PageNumberPagination)
def policy_list(request: HttpRequest) -> Any:
    return selectors.policy_list(actor=_actor(request))


@router.post("/sla-policies", response={201: PolicyOut}, summary="Add an SLA policy")
def policy_create(request: HttpRequest, payload: PolicyIn) -> Status:
    given = set(PolicyIn.model_fields)
    with api_field_names():
        actor = _actor(request)
        policy = services.sla_policy_save(actor=actor, **_policy_values(actor, payload, given))
    return Status(201, policy)


@router.patch("/sla-policies/{policy_id}", response=PolicyOut, summary="Change an SLA policy")
def policy_update(request: HttpRequest, policy_id: int, payload: PolicyPatch) -> SlaPolicy:
    actor = _actor(request)
    policy = selectors.policy_list(actor=actor).filter(pk=policy_id).first()
    if policy is None:
        raise field_error("policy", _("No SLA policy has the id %(id)s.") % {"id": policy_id})
    with api_field_names():
        return services.sla_policy_save(
            actor=actor, policy=policy, **_policy_values(actor, payload, payload.model_fields_set)
        )


class CalendarDayOut(Schema):
    date: date
    kind: CalendarDay.Kind
    name: str


class CalendarOut(Schema):
    id: int
    name: str
    time_zone: str
    working_hours: list[list[str]]
    days_off: list[int]
    is_default: bool
    days: list[CalendarDayOut]

    @staticmethod
    def resolve_days(obj: BusinessCalendar) -> list[CalendarDay]:
        return list(obj.days.all())


class CalendarIn(Schema):
    name: str
    time_zone: str = "Asia/Shanghai"
    working_hours: list[list[str]] | str = Field(
        default_factory=lambda: [["09:00", "12:00"], ["13:00", "18:00"]],
        description='[["09:00", "12:00"], ["13:00", "18:00"]] or "09:00-12:00, 13:00-18:00"',
    )
    days_off: list[int] = Field(default_factory=lambda: [5, 6], description="0 = Monday")
    is_default: bool = False
    days: list[CalendarDayOut] = Field(
        default_factory=list, description="Holidays and make-up working days"
    )


class CalendarPatch(Schema):
    name: str | None = None
    time_zone: str | None = None
    working_hours: list[list[str]] | str | None = None
    days_off: list[int] | None = None
    is_default: bool | None = None


# A field named "date" in the schema below would shadow the type in its own class body.
Day = date


class CalendarDayIn(Schema):
    date: Day
    kind: CalendarDay.Kind
    name: str = ""


@router.get("/business-calendars", response=list[CalendarOut], summary="Business calendars")
@paginate(PageNumberPagination)
def calendar_list(request: HttpRequest) -> Any:
    return selectors.calendar_list(actor=_actor(request)).prefetch_related("days")


@router.post(
    "/business-calendars",
    response={201: CalendarOut},
    summary="Add a calendar with its holidays and make-up working days",
)
def calendar_create(request: HttpRequest, payload: CalendarIn) -> Status:
    actor = _actor(request)
    values = payload.dict(exclude={"days"})
    calendar = services.business_calendar_save(actor=actor, **values)
    for day in payload.days:
        services.calendar_day_save(
            actor=actor, calendar=calendar, day=day.date, kind=day.kind, name=day.name
        )
    return Status(201, calendar)


@router.get("/business-calendars/{calendar_id}", response=CalendarOut, summary="One calendar")
def calendar_detail(request: HttpRequest, calendar_id: int) -> BusinessCalendar:
    return selectors.calendar_get(actor=_actor(request), pk=calendar_id)


@router.patch(
    "/business-calendars/{calendar_id}", response=CalendarOut, summary="Change a calendar"
)
def calendar_update(request: HttpRequest, calendar_id: int, payload: CalendarPatch) -> Any:
    actor = _actor(request)
    calendar = selectors.calendar_get(actor=actor, pk=calendar_id)
    return services.business_calendar_save(
        actor=actor, calendar=calendar, **payload.dict(exclude_unset=True)
    )


@router.post(
    "/business-calendars/{calendar_id}/days",
    response={201: CalendarDayOut},
    summary="Mark a date a holiday or a make-up working day",
)
def calendar_day_create(request: HttpRequest, calendar_id: int, payload: CalendarDayIn) -> Status:
    actor = _actor(request)
    calendar = selectors.calendar_get(actor=actor, pk=calendar_id)
    day = services.calendar_day_save(
        actor=actor, calendar=calendar, day=payload.date, kind=payload.kind, name=payload.name
    )
    return Status(201, day)


@router.delete(
    "/business-calendars/{calendar_id}/days/{day}",
    response={204: None},
    summary="Make a date ordinary again",
)
def calendar_day_delete(request: HttpRequest, calendar_id: int, day: date) -> Status:
    actor = _actor(request)
    calendar = selectors.calendar_get(actor=actor, pk=calendar_id)
    found = calendar.days.filter(date=day).first()
    if found is None:
        raise field_error("date", _("%(date)s is not marked on this calendar.") % {"date": day})
    services.calendar_day_delete(actor=actor, day=found)
    return Status(204, None)


# --- Dashboard ------------------------------------------------------------------------------


# A month is three counts in the dashboard's query: five years is plenty for one screen.
MAX_DASHBOARD_DAYS = 5 * 366


class DashboardQuery(Schema):
    start: date | None = None
    end: date | None = None


@router.get(
    "/service/dashboard",
    response=dict[str, Any],
    summary="The desk's figures: volume, first response, SLA attainment, satisfaction… "
    "(kept for a minute; `as_of` says when they were read)",
)
def dashboard(request: HttpRequest, query: Query[DashboardQuery]) -> dict[str, Any]:
    today = timezone.localdate()
    period = Period(query.start or date(today.year, 1, 1), query.end or today)
    if period.end < period.start:
        raise field_error("end", _("The end comes before the start."))
    if (period.end - period.start).days > MAX_DASHBOARD_DAYS:
        raise field_error("start", _("Choose a period of at most five years."))
    return selectors.dashboard_cached(actor=_actor(request), period=period)
