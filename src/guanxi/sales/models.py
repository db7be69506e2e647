"""Sales opportunities (销售机会), their development plans, the pipeline, activities and leads."""

import hashlib
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import Team
from guanxi.core import fields
from guanxi.core.models import BilingualLabelMixin, TimestampedModel
from guanxi.customers.models import Contact, Customer

_PERCENT_MESSAGE = _("Enter a whole number from 0 to 100.")
_DURATION_MESSAGE = _("Enter from 0 to 1440 minutes.")
_REMIND_MESSAGE = _("Enter from 0 to 10080 minutes, or leave it empty.")
PERCENT = [
    MinValueValidator(0, message=_PERCENT_MESSAGE),
    MaxValueValidator(100, message=_PERCENT_MESSAGE),
]


class PipelineStage(BilingualLabelMixin, models.Model):
    """A column of the board; its probability is what a new card in it starts with."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    label_en = models.CharField(_("English name"), max_length=50)
    label_zh = models.CharField(_("Chinese name"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    probability = models.PositiveSmallIntegerField(
        _("default probability (%)"), default=10, validators=PERCENT
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("pipeline stage")
        verbose_name_plural = _("pipeline stages")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.label


class Opportunity(TimestampedModel):
    class Status(models.TextChoices):
        UNASSIGNED = "unassigned", _("Unassigned")
        ASSIGNED = "assigned", _("Assigned")
        DEVELOPING = "developing", _("Developing")
        SUCCESS = "success", _("Won")
        FAILED = "failed", _("Lost")

    OPEN = (Status.UNASSIGNED, Status.ASSIGNED, Status.DEVELOPING)
    CLOSED = (Status.SUCCESS, Status.FAILED)

    number = models.CharField(_("number"), max_length=32, unique=True)
    source = fields.DictionaryField(_("source"), category="source", max_length=32, blank=True)
    customer_name = models.CharField(
        _("customer name"), max_length=200, error_messages=fields.REQUIRED
    )
    contact_name = models.CharField(_("contact name"), max_length=50, blank=True)
    contact_phone = fields.PhoneField(_("contact phone"), blank=True)
    contact_email = fields.EmailField(_("contact e-mail"), blank=True)
    region = fields.DictionaryField(_("region"), category="region", max_length=32, blank=True)
    industry = fields.DictionaryField(_("industry"), category="industry", max_length=32, blank=True)
    summary = models.CharField(_("summary"), max_length=200, error_messages=fields.REQUIRED)
    description = models.TextField(_("description"), blank=True)
    probability = models.PositiveSmallIntegerField(
        _("probability of success (%)"),
        default=10,
        validators=PERCENT,
        error_messages={"invalid": _PERCENT_MESSAGE},
    )
    amount = fields.AmountField(_("amount"), default=Decimal(0))
    expected_close = models.DateField(_("expected close"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.UNASSIGNED
    )
    stage = models.ForeignKey(
        PipelineStage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
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
        related_name="opportunities",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    lost_reason = models.CharField(_("reason lost"), max_length=32, blank=True)
    lost_note = models.TextField(_("notes on the loss"), blank=True)
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
    )
    # A customer on file that looks like this lead (same phone or near-identical name).
    possible_duplicate = models.ForeignKey(
        Customer,
        verbose_name=_("possible duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Bumped on every change, so a board move based on a stale card is refused.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("sales opportunity")
        verbose_name_plural = _("sales opportunities")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("assign_opportunity", _("Can assign opportunities to others")),
            ("manage_pipeline", _("Can configure stages, lead forms and assignment rules")),
        ]
        indexes = [
            models.Index(fields=["status", "stage", "id"], name="opp_status_stage_idx"),
            models.Index(fields=["assignee", "status", "id"], name="opp_assignee_idx"),
            models.Index(fields=["team", "status", "id"], name="opp_team_idx"),
            models.Index(fields=["expected_close", "id"], name="opp_close_idx"),
            models.Index(fields=["amount", "id"], name="opp_amount_idx"),
            models.Index(fields=["created_at", "id"], name="opp_created_idx"),
            models.Index(fields=["closed_at", "status"], name="opp_closed_idx"),
            models.Index(fields=["source", "id"], name="opp_source_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.customer_name}"

    def get_absolute_url(self) -> str:
        return reverse("opportunity-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def weighted_amount(self) -> Decimal:
        return (self.amount * self.probability / 100).quantize(Decimal("0.01"))


class OpportunityPeriod(models.Model):
    """A stretch of time an opportunity spent in one status and stage: its history."""

    opportunity = models.ForeignKey(
        Opportunity, verbose_name=_("opportunity"), on_delete=models.CASCADE, related_name="periods"
    )
    status = models.CharField(_("status"), max_length=16, choices=Opportunity.Status.choices)
    stage = models.ForeignKey(
        PipelineStage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("opportunity history")
        verbose_name_plural = _("opportunity history")
        ordering = ["entered_at", "id"]
        indexes = [
            models.Index(fields=["opportunity", "entered_at"], name="opp_period_idx"),
            models.Index(fields=["stage", "opportunity"], name="opp_period_stage_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.opportunity_id} {self.status} {self.stage_id}"


# Every opportunity field a person may set (besides stage, assignee and status).
OPPORTUNITY_FIELDS = (
    "customer_name",
    "contact_name",
    "summary",
    "description",
    "contact_phone",
    "contact_email",
    "source",
    "region",
    "industry",
    "probability",
    "amount",
    "expected_close",
)


class DevelopmentPlanStep(TimestampedModel):
    """One dated step of developing a customer (客户开发计划) and what it achieved (执行效果)."""

    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("opportunity"),
        on_delete=models.CASCADE,
        related_name="plan_steps",
    )
    date = models.DateField(_("date"))
    content = models.TextField(_("plan"))
    result = models.TextField(_("result"), blank=True)
    result_at = models.DateTimeField(_("result recorded at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("development plan step")
        verbose_name_plural = _("development plan steps")
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["opportunity", "date"], name="plan_step_idx")]

    def __str__(self) -> str:
        return f"{self.date} {self.content[:40]}"


class Activity(TimestampedModel):
    """A call, meeting, visit or to-do with a due time and an owner, so nothing is dropped."""

    class Kind(models.TextChoices):
        CALL = "call", _("Call")
        MEETING = "meeting", _("Meeting")
        VISIT = "visit", _("Visit")
        TODO = "todo", _("To-do")

    kind = fields.ChoiceField(_("type"), max_length=16, choices=Kind.choices, default=Kind.TODO)
    subject = models.CharField(_("subject"), max_length=200, error_messages=fields.REQUIRED)
    notes = models.TextField(_("notes"), blank=True)
    due_at = fields.AwareDateTimeField(_("due"), error_messages=fields.REQUIRED)
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"),
        default=30,
        validators=[
            MinValueValidator(0, message=_DURATION_MESSAGE),
            MaxValueValidator(24 * 60, message=_DURATION_MESSAGE),
        ],
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activities",
    )
    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("opportunity"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activities",
    )
    remind_minutes = models.PositiveIntegerField(
        _("remind before (minutes)"),
        null=True,
        blank=True,
        default=15,
        validators=[
            MinValueValidator(0, message=_REMIND_MESSAGE),
            MaxValueValidator(7 * 24 * 60, message=_REMIND_MESSAGE),
        ],
    )
    # When the reminder is due; cleared once sent, so a reminder goes out once.
    remind_at = models.DateTimeField(_("remind at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["assignee", "done_at", "due_at"], name="activity_mine_idx"),
            models.Index(fields=["customer", "due_at"], name="activity_customer_idx"),
            models.Index(fields=["opportunity", "due_at"], name="activity_opp_idx"),
            models.Index(fields=["due_at", "id"], name="activity_due_idx"),
            models.Index(
                fields=["remind_at"],
                condition=models.Q(remind_at__isnull=False),
                name="activity_remind_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("activity-edit", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due_at < timezone.now()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Every activity field a person may set (besides who does it and what it is about).
ACTIVITY_FIELDS = ("kind", "subject", "notes", "due_at", "duration_minutes", "remind_minutes")


class CalendarFeed(models.Model):
    """A user's secret iCalendar address; only its hash is kept, so it is shown once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)


def new_form_token() -> str:
    return secrets.token_urlsafe(18)


class LeadForm(TimestampedModel):
    """A public web form at a secret address; each submission becomes an unassigned lead."""

    name = models.CharField(_("name"), max_length=100)
    token = models.CharField(_("secret"), max_length=40, unique=True, default=new_form_token)
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="lead_forms"
    )
    source = models.CharField(_("source"), max_length=32, blank=True)
    thank_you = models.CharField(_("thank-you message"), max_length=300, blank=True)
    active = models.BooleanField(_("active"), default=True)
    submissions = models.PositiveIntegerField(_("submissions"), default=0)

    class Meta:
        verbose_name = _("lead form")
        verbose_name_plural = _("lead forms")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("lead-form-public", args=[self.token])


class AssignmentRule(TimestampedModel):
    """How a team's new unassigned leads find an owner: in turn, or by region or industry."""

    class Method(models.TextChoices):
        ROUND_ROBIN = "round_robin", _("Round robin among members")
        REGION = "region", _("By region")
        INDUSTRY = "industry", _("By industry")

    team = models.OneToOneField(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="assignment_rule"
    )
    method = fields.ChoiceField(
        _("method"), max_length=16, choices=Method.choices, default=Method.ROUND_ROBIN
    )
    active = models.BooleanField(_("active"), default=True)
    # Who got the last lead in turn; the next one goes to the member after them.
    last_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("assignment rule")
        verbose_name_plural = _("assignment rules")

    def __str__(self) -> str:
        return f"{self.team}: {self.get_method_display()}"


class AssignmentTarget(models.Model):
    """For rules by region or industry: leads with this dictionary code go to this member."""

    rule = models.ForeignKey(
        AssignmentRule, verbose_name=_("rule"), on_delete=models.CASCADE, related_name="targets"
    )
    value = models.CharField(_("region or industry"), max_length=32)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = _("assignment target")
        verbose_name_plural = _("assignment targets")
        ordering = ["value"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "value"], name="assignment_target_once")
        ]

    def __str__(self) -> str:
        return f"{self.value} → {self.user}"
