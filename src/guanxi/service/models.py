"""Service requests (服务请求), their SLA clocks, escalations, complaints and callbacks (回访)."""

import operator
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import reduce
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, CharField, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.accounts.models import Team
from guanxi.core import fields
from guanxi.core.models import TimestampedModel
from guanxi.customers.models import Contact, Customer

SCORE = [MinValueValidator(1), MaxValueValidator(5)]


def score_field(label: Any) -> models.PositiveSmallIntegerField:
    """A 1–5 answer, empty until given."""
    return models.PositiveSmallIntegerField(label, null=True, blank=True, validators=SCORE)


def validate_received_at(value: datetime) -> None:
    """A request is logged when it came in: not in the future, not more than a year ago."""
    now = timezone.now()
    if value > now + timedelta(minutes=5):
        raise ValidationError(_("A request cannot be received in the future."))
    if value < now - timedelta(days=366):
        raise ValidationError(_("Log requests received within the last year."))


def default_working_hours() -> list[list[str]]:
    return [["09:00", "12:00"], ["13:00", "18:00"]]


def default_days_off() -> list[int]:
    return [5, 6]  # Saturday and Sunday (Monday is 0)


class BusinessCalendar(TimestampedModel):
    """When the service desk works: hours of the day, weekly days off, holidays, make-up days."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=50, default="Asia/Shanghai")
    # [["09:00", "12:00"], ["13:00", "18:00"]]: the working stretches of a working day.
    working_hours = models.JSONField(_("working hours"), default=default_working_hours)
    days_off = models.JSONField(_("weekly days off"), default=default_days_off)
    is_default = models.BooleanField(_("default calendar"), default=False)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ["-is_default", "name"]
        permissions = [
            ("manage_service", _("Can set up SLA policies, calendars and intake forms")),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("business-calendar-edit", args=[self.pk])

    @property
    def hours_text(self) -> str:
        return ", ".join(f"{start}–{end}" for start, end in self.working_hours)


class CalendarDay(models.Model):
    """A date that breaks the weekly pattern: a public holiday, or a make-up working day (调休)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday")
        WORKDAY = "workday", _("Make-up working day")

    calendar = models.ForeignKey(
        BusinessCalendar, verbose_name=_("calendar"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="calendar_day_once")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


class Priority(models.TextChoices):
    LOW = "low", pgettext_lazy("priority", "Low")
    NORMAL = "normal", pgettext_lazy("priority", "Normal")
    HIGH = "high", pgettext_lazy("priority", "High")
    URGENT = "urgent", pgettext_lazy("priority", "Urgent")


class SlaPolicy(TimestampedModel):
    """Time limits for requests it matches; the first active policy by rank applies.

    Blank criteria match anything, so a policy with none is the catch-all.
    """

    name = models.CharField(_("name"), max_length=100)
    rank = models.PositiveSmallIntegerField(_("rank"), default=100)
    service_type = models.CharField(_("service type"), max_length=32, blank=True)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, blank=True)
    customer_level = models.CharField(_("customer level"), max_length=50, blank=True)
    first_response_minutes = models.PositiveIntegerField(
        _("first response within (minutes)"), validators=[MinValueValidator(1)]
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution within (minutes)"), validators=[MinValueValidator(1)]
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("business calendar"),
        on_delete=models.PROTECT,
        related_name="policies",
    )
    warn_percent = models.PositiveSmallIntegerField(
        _("warn at (percentage of the limit)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    escalate_after_minutes = models.PositiveIntegerField(
        _("next level after a breach (minutes)"), default=120
    )
    next_level = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("next level"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Told when a breach is not dealt with; empty means the administrators."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["rank", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sla-policy-edit", args=[self.pk])


class ServiceRequest(TimestampedModel):
    class Status(models.TextChoices):
        CREATED = "created", pgettext_lazy("service request status", "Created")
        ASSIGNED = "assigned", pgettext_lazy("service request status", "Assigned")
        HANDLED = "handled", pgettext_lazy("service request status", "Handled")
        ARCHIVED = "archived", pgettext_lazy("service request status", "Archived")

    class Channel(models.TextChoices):
        HOTLINE = "hotline", _("Hotline")
        CHAT = "chat", _("Online chat")
        EMAIL = "email", _("E-mail")
        WEB_FORM = "web_form", _("Web form")
        WECHAT = "wechat", _("WeChat")
        IN_PERSON = "in_person", _("In person")
        API = "api", _("API")

    class SlaState(models.TextChoices):
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        BREACHED = "breached", _("Breached")
        PAUSED = "paused", _("Paused")

    OPEN = (Status.CREATED, Status.ASSIGNED)
    COMPLAINT = "complaint"

    number = models.CharField(_("number"), max_length=32, unique=True)
    service_type = fields.DictionaryField(
        _("type"), category="service_type", max_length=32, error_messages=fields.REQUIRED
    )
    priority = fields.ChoiceField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    channel = fields.ChoiceField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.HOTLINE
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_requests",
    )
    # Who asked, when they are not (yet) a contact on file: public forms and e-mails.
    requester_name = models.CharField(_("requester"), max_length=100, blank=True)
    requester_phone = fields.PhoneField(_("requester phone"), blank=True)
    requester_email = fields.EmailField(_("requester e-mail"), blank=True)
    summary = models.CharField(_("summary"), max_length=200, error_messages=fields.REQUIRED)
    details = models.TextField(_("request"), blank=True)
    received_at = fields.AwareDateTimeField(
        _("received at"), default=timezone.now, validators=[validate_received_at]
    )
    # The e-mail a request came from (its Message-ID), so a message is never taken twice.
    email_message_id = models.CharField(max_length=250, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CREATED
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_requests",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"), null=True, blank=True, validators=SCORE
    )
    feedback_note = models.TextField(_("feedback"), blank=True)
    feedback_at = models.DateTimeField(_("feedback at"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    # Complaints (投诉): required before a complaint is archived.
    root_cause = models.TextField(_("root cause"), blank=True)
    corrective_action = models.TextField(_("corrective action"), blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    review = models.TextField(_("review (复盘)"), blank=True)

    # The SLA clock. Due and warning times are absolute, worked out on the policy's calendar,
    # so queues sort and filter on plain columns; next_* is whichever clock is running.
    policy = models.ForeignKey(
        SlaPolicy,
        verbose_name=_("SLA policy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    first_response_due = models.DateTimeField(_("first response due"), null=True, blank=True)
    first_response_warn_at = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True)
    resolution_warn_at = models.DateTimeField(null=True, blank=True)
    next_due_at = models.DateTimeField(_("SLA due"), null=True, blank=True)
    next_warn_at = models.DateTimeField(null=True, blank=True)
    # When the escalation sweep must next look at this request (a warning, breach or next level).
    escalate_at = models.DateTimeField(null=True, blank=True)
    # When the resolution clock started: on receipt, or again when feedback reopened it.
    resolution_started_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(_("waiting on the customer since"), null=True, blank=True)
    # Working seconds spent waiting on the customer in the current resolution cycle.
    paused_seconds = models.PositiveIntegerField(default=0)
    first_response_breached = models.BooleanField(_("first response breached"), default=False)
    resolution_breached = models.BooleanField(_("resolution breached"), default=False)
    # Working minutes it took, on the policy's calendar (pauses excluded): for averages.
    first_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    resolution_minutes = models.PositiveIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-received_at", "-id"]
        permissions = [
            ("assign_servicerequest", _("Can assign service requests")),
            ("archive_servicerequest", _("Can archive service requests")),
        ]
        indexes = [
            models.Index(fields=["status", "next_due_at"], name="sr_status_due_idx"),
            models.Index(fields=["team", "status", "next_due_at"], name="sr_team_due_idx"),
            models.Index(fields=["assignee", "status", "next_due_at"], name="sr_assignee_idx"),
            models.Index(fields=["customer", "received_at"], name="sr_customer_idx"),
            models.Index(fields=["service_type", "received_at"], name="sr_type_idx"),
            models.Index(fields=["received_at", "id"], name="sr_received_idx"),
            models.Index(fields=["priority", "id"], name="sr_priority_idx"),
            models.Index(fields=["channel", "id"], name="sr_channel_idx"),
            models.Index(fields=["handled_at"], name="sr_handled_idx"),
            # What the sweep reads every minute: only open requests have a next check.
            models.Index(
                fields=["escalate_at"],
                condition=models.Q(status__in=["created", "assigned"], paused_at__isnull=True),
                name="sr_escalate_idx",
            ),
            models.Index(fields=["next_due_at", "id"], name="sr_due_idx"),
            # The open requests only, with every column the queues and their counts read, so
            # PostgreSQL answers them from this small index alone.
            models.Index(
                fields=["team", "assignee", "next_due_at"],
                include=[
                    "id",
                    "status",
                    "customer",
                    "created_by",
                    "next_warn_at",
                    "paused_at",
                    "first_response_breached",
                    "resolution_breached",
                ],
                condition=models.Q(status__in=["created", "assigned"]),
                name="sr_open_queue_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.summary}"

    def get_absolute_url(self) -> str:
        return reverse("service-request-detail", args=[self.pk])

    def clean(self) -> None:
        """Whom the request is from: a customer on file (and one of its contacts), or the name,
        phone or e-mail of someone not on file."""
        if self.contact is not None and self.contact.customer_id != self.customer_id:
            raise ValidationError({"contact": _("This contact does not belong to the customer.")})
        if self.customer_id is None and not (
            self.requester_name or self.requester_phone or self.requester_email
        ):
            raise ValidationError(
                {"customer": _("Choose the customer, or give the requester's name.")}
            )

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_complaint(self) -> bool:
        return self.service_type == self.COMPLAINT

    @property
    def requester(self) -> str:
        if self.contact_id:
            return str(self.contact)
        return self.requester_name

    def sla_state(self, now: datetime | None = None) -> str:
        """On track, at risk, breached or paused, by ``SLA_STATE_RULE``."""
        now = now or timezone.now()
        for state, condition in SLA_STATE_RULE:
            if condition.holds(self, now):
                return state
        return self.SlaState.ON_TRACK


@dataclass(frozen=True)
class SlaCondition:
    """One condition of the SLA state rule, read both in Python and in SQL.

    ``flagged``: any of ``fields`` is true; ``closed``: the request is no longer open;
    ``set``: the field has a value; ``due``: the field's time has come.
    """

    kind: Literal["flagged", "closed", "set", "due"]
    fields: tuple[str, ...] = ()

    def holds(self, request: ServiceRequest, now: datetime) -> bool:
        values = [getattr(request, name) for name in self.fields]
        if self.kind == "flagged":
            return any(values)
        if self.kind == "closed":
            return request.status not in ServiceRequest.OPEN
        if self.kind == "set":
            return values[0] is not None
        return values[0] is not None and values[0] <= now

    def q(self, now: datetime) -> Q:
        if self.kind == "flagged":
            return reduce(operator.or_, (Q(**{name: True}) for name in self.fields))
        if self.kind == "closed":
            return ~Q(status__in=ServiceRequest.OPEN)
        if self.kind == "set":
            return Q(**{f"{self.fields[0]}__isnull": False})
        return Q(**{f"{self.fields[0]}__lte": now})


# The SLA state: the first condition that holds names it; none holding is "on track". The one
# rule for a request's badge (``ServiceRequest.sla_state``), the lists' column and their
# filters (``sla_state_expression`` and ``sla_state_filter`` below).
SLA_STATE_RULE: tuple[tuple[str, SlaCondition], ...] = (
    (
        ServiceRequest.SlaState.BREACHED,
        SlaCondition("flagged", ("first_response_breached", "resolution_breached")),
    ),
    (ServiceRequest.SlaState.ON_TRACK, SlaCondition("closed")),
    (ServiceRequest.SlaState.PAUSED, SlaCondition("set", ("paused_at",))),
    (ServiceRequest.SlaState.BREACHED, SlaCondition("due", ("next_due_at",))),
    (ServiceRequest.SlaState.AT_RISK, SlaCondition("due", ("next_warn_at",))),
)


def sla_state_expression(now: datetime) -> Case:
    """The SLA state in SQL, by ``SLA_STATE_RULE`` (first match wins)."""
    return Case(
        *[When(condition.q(now), then=Value(state)) for state, condition in SLA_STATE_RULE],
        default=Value(ServiceRequest.SlaState.ON_TRACK),
        output_field=CharField(),
    )


def sla_state_filter(state: str, now: datetime) -> Q:
    """Requests in ``state``, as plain conditions on indexed columns (no CASE to compute): a
    rule naming it holds and no earlier rule does."""
    matches: list[Q] = []
    earlier = Q()
    for named, condition in SLA_STATE_RULE:
        if named == state:
            matches.append(earlier & condition.q(now))
        earlier &= ~condition.q(now)
    if state == ServiceRequest.SlaState.ON_TRACK:
        matches.append(earlier)
    return reduce(operator.or_, matches) if matches else Q(pk__in=[])


class RequestEvent(models.Model):
    """One step of a request's life: who did what, and when."""

    class Action(models.TextChoices):
        CREATED = "created", pgettext_lazy("service request event", "Created")
        ASSIGNED = "assigned", pgettext_lazy("service request event", "Assigned")
        RESPONDED = "responded", _("First response")
        PAUSED = "paused", _("Waiting on the customer")
        RESUMED = "resumed", _("Resumed")
        HANDLED = "handled", pgettext_lazy("service request event", "Handled")
        FEEDBACK = "feedback", _("Feedback")
        REOPENED = "reopened", _("Reopened")
        ARCHIVED = "archived", pgettext_lazy("service request event", "Archived")
        ESCALATED = "escalated", _("Escalated")

    request = models.ForeignKey(
        ServiceRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=10, blank=True)
    to_status = models.CharField(_("to"), max_length=10, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["request", "at"], name="sr_event_idx")]

    def __str__(self) -> str:
        return f"{self.request_id} {self.action}"


# What a person may say when logging a request.
REQUEST_FIELDS = (
    "service_type",
    "priority",
    "channel",
    "summary",
    "details",
    "requester_name",
    "requester_phone",
    "requester_email",
    "received_at",
)
COMPLAINT_FIELDS = ("root_cause", "corrective_action", "follow_up", "review")
# What an edit may change (when it came in and who asked stay as logged).
EDITABLE_FIELDS = ("service_type", "priority", "channel", "summary", "details", *COMPLAINT_FIELDS)


class RequestComment(models.Model):
    class Kind(models.TextChoices):
        REPLY = "reply", _("Reply to the customer")
        NOTE = "note", _("Internal note")
        CUSTOMER = "customer", _("From the customer")

    class Delivery(models.TextChoices):
        """How a reply's e-mail to the customer is getting on."""

        NONE = "", _("Not e-mailed")
        QUEUED = "queued", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Not delivered")

    request = models.ForeignKey(
        ServiceRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    kind = fields.ChoiceField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NOTE)
    body = models.TextField(_("comment"), error_messages=fields.REQUIRED)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # A reply e-mailed to the customer, and a customer's message taken from the mailbox.
    recipient = fields.EmailField(_("sent to"), blank=True)
    delivery = fields.ChoiceField(
        _("e-mail"), max_length=10, choices=Delivery.choices, blank=True, default=Delivery.NONE
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivery_error = models.CharField(_("delivery error"), max_length=300, blank=True)
    # Our Message-ID for a reply, the customer's for their message: how answers find their thread.
    message_id = models.CharField(max_length=250, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["request", "created_at"], name="sr_comment_idx"),
            models.Index(fields=["message_id"], name="sr_comment_message_idx"),
        ]

    def __str__(self) -> str:
        return self.body[:40]


class RequestAttachment(models.Model):
    request = models.ForeignKey(
        ServiceRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to="service/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("service-attachment", args=[self.pk])


class Escalation(models.Model):
    """One step up for one clock: a warning, a breach, the next level. Never twice."""

    class Clock(models.TextChoices):
        FIRST_RESPONSE = "first_response", _("First response")
        RESOLUTION = "resolution", _("Resolution")

    class Level(models.IntegerChoices):
        WARNING = 1, _("Warning to the assignee")
        BREACH = 2, _("Breach: team supervisor told")
        NEXT_LEVEL = 3, _("Next level told")

    request = models.ForeignKey(
        ServiceRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="escalations",
    )
    clock = models.CharField(_("clock"), max_length=16, choices=Clock.choices)
    # Feedback that reopens a request starts a new resolution cycle with its own escalations.
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=0)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    at = models.DateTimeField(_("time"), default=timezone.now)
    recipients = models.CharField(_("told"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "clock", "cycle", "level"], name="escalation_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.clock} {self.level}"


class Callback(TimestampedModel):
    """A call back to the customer after service (回访), with the standard questionnaire."""

    class Status(models.TextChoices):
        PENDING = "pending", _("To do")
        DONE = "done", _("Done")
        UNREACHABLE = "unreachable", _("Could not reach")

    request = models.OneToOneField(
        ServiceRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="callback",
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="callbacks",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="callbacks",
    )
    due_date = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    attitude = score_field(_("service attitude and professionalism"))
    efficiency = score_field(_("problem-solving efficiency"))
    information = score_field(_("completeness of information"))
    resolved = models.BooleanField(_("problem solved"), null=True, blank=True)
    comment = models.TextField(_("what the customer said"), blank=True)
    score = models.DecimalField(_("score"), max_digits=3, decimal_places=2, null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    QUESTIONS = ("attitude", "efficiency", "information")

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["status", "due_date"], name="callback_due_idx"),
            models.Index(fields=["assignee", "status", "due_date"], name="callback_mine_idx"),
            models.Index(fields=["customer", "done_at"], name="callback_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.request} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("callback-edit", args=[self.pk])


class ServiceSettings(models.Model):
    """The desk's company-wide settings: one row."""

    callback_percent = models.PositiveSmallIntegerField(
        _("callbacks for other requests (%)"),
        default=20,
        validators=[MaxValueValidator(100)],
        help_text=_("Every complaint gets a callback; this share of the other requests too."),
    )
    callback_after_days = models.PositiveSmallIntegerField(
        _("call back after (days)"), default=2, validators=[MaxValueValidator(60)]
    )
    default_team = models.ForeignKey(
        Team,
        verbose_name=_("service team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("New requests without an assignee wait in this team's queue."),
    )

    class Meta:
        verbose_name = _("service settings")
        verbose_name_plural = _("service settings")

    def __str__(self) -> str:
        return str(_("service settings"))

    @classmethod
    def load(cls) -> "ServiceSettings":
        found, _created = cls.objects.get_or_create(pk=1)
        return found


def new_intake_token() -> str:
    return secrets.token_urlsafe(18)


class IntakeForm(TimestampedModel):
    """A public web form at a secret address; each submission becomes a service request."""

    name = models.CharField(_("name"), max_length=100)
    token = models.CharField(_("secret"), max_length=40, unique=True, default=new_intake_token)
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="intake_forms"
    )
    service_type = models.CharField(_("default type"), max_length=32, default="inquiry")
    active = models.BooleanField(_("active"), default=True)
    submissions = models.PositiveIntegerField(_("submissions"), default=0)

    class Meta:
        verbose_name = _("service intake form")
        verbose_name_plural = _("service intake forms")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("intake-form-public", args=[self.token])


def mean_score(*values: int | None) -> Decimal | None:
    given = [v for v in values if v is not None]
    if not given:
        return None
    return (Decimal(sum(given)) / len(given)).quantize(Decimal("0.01"))
