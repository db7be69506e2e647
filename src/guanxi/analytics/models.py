"""Stored analytics: per-customer scores, churn warnings, improvement plans, KPI snapshots."""

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from guanxi.core import fields
from guanxi.core.models import SettingModel
from guanxi.customers.models import Customer
from guanxi.orders.models import Order


class AnalyticsSettings(models.Model):
    """One row: the thresholds of the analytics and what the last refresh fitted."""

    churn_months = models.PositiveSmallIntegerField(
        _("months without an order before a churn warning"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    high_value_spend = models.DecimalField(
        _("high value: annual spend above"), max_digits=14, decimal_places=2, default=50000
    )
    medium_value_spend = models.DecimalField(
        _("medium value: annual spend above"), max_digits=14, decimal_places=2, default=10000
    )
    clv_horizon_weeks = models.PositiveSmallIntegerField(
        _("CLV horizon (weeks)"),
        default=52,
        validators=[MinValueValidator(1), MaxValueValidator(520)],
    )
    monthly_discount_rate = models.DecimalField(
        _("monthly discount rate"), max_digits=5, decimal_places=4, default=0.01
    )
    # The lifecycle rule (see analytics.lifecycle).
    lifecycle_new_months = models.PositiveSmallIntegerField(
        _("a customer is new for (months after the first order)"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
    )
    lifecycle_growth_percent = models.PositiveSmallIntegerField(
        _("growing: spend up by at least (%)"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
    )
    lifecycle_decline_percent = models.PositiveSmallIntegerField(
        _("declining: spend down by at least (%)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    # What the last full refresh found (shown on the analytics page and in the API).
    refreshed_at = models.DateTimeField(_("last refreshed"), null=True, blank=True)
    refresh_seconds = models.FloatField(_("refresh took (seconds)"), null=True, blank=True)
    scored_customers = models.PositiveIntegerField(_("customers scored"), default=0)
    model = models.JSONField(_("fitted model"), default=dict, blank=True)

    class Meta:
        verbose_name = _("analytics settings")
        verbose_name_plural = _("analytics settings")
        permissions = [
            ("view_reports", "Can see the reports and the KPI dashboard"),
            ("refresh_analytics", "Can refresh the analytics and change their settings"),
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def load(cls) -> "AnalyticsSettings":
        settings_row, _created = cls.objects.get_or_create(pk=1)
        return settings_row


class CustomerScore(models.Model):
    """A customer's RFM, CLV, churn risk and value tier, as of the last refresh."""

    class Segment(models.TextChoices):
        CHAMPIONS = "champions", _("Champions")
        LOYAL = "loyal", _("Loyal")
        POTENTIAL = "potential", _("Potential loyalists")
        NEW = "new", pgettext_lazy("RFM segment", "New customers")
        PROMISING = "promising", _("Promising")
        NEED_ATTENTION = "need_attention", _("Need attention")
        ABOUT_TO_SLEEP = "about_to_sleep", _("About to sleep")
        AT_RISK = "at_risk", _("At risk")
        CANNOT_LOSE = "cannot_lose", _("Cannot lose them")
        HIBERNATING = "hibernating", _("Hibernating")
        LOST = "lost", pgettext_lazy("RFM segment", "Lost")

    class ValueTier(models.TextChoices):
        HIGH = "high", pgettext_lazy("value tier", "High value")
        MEDIUM = "medium", pgettext_lazy("value tier", "Medium value")
        LOW = "low", pgettext_lazy("value tier", "Low value")

    customer = models.OneToOneField(
        Customer,
        verbose_name=_("customer"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="score",
    )
    first_order_date = models.DateField(_("first order"), null=True)
    last_order_date = models.DateField(_("last order"), null=True)
    recency_days = models.PositiveIntegerField(_("days since the last order"), null=True)
    order_days = models.PositiveIntegerField(_("purchase days"), default=0)
    total_spend = models.DecimalField(_("total spend"), max_digits=16, decimal_places=2, default=0)
    annual_spend = models.DecimalField(
        _("spend in the last 12 months"), max_digits=16, decimal_places=2, default=0
    )
    r_score = models.PositiveSmallIntegerField("R", null=True)
    f_score = models.PositiveSmallIntegerField("F", null=True)
    m_score = models.PositiveSmallIntegerField("M", null=True)
    segment = models.CharField(_("RFM segment"), max_length=16, choices=Segment.choices, blank=True)
    p_alive = models.FloatField(_("probability still active"), null=True)
    expected_purchases = models.FloatField(_("expected purchases"), null=True)
    expected_spend = models.FloatField(_("expected spend per purchase"), null=True)
    clv = models.DecimalField(_("CLV"), max_digits=16, decimal_places=2, null=True)
    churn_risk = models.PositiveSmallIntegerField(_("churn risk"), null=True)
    # [[reason code, {parameters}], …] by weight, worded when shown (analytics.risk.describe).
    churn_reasons = models.JSONField(_("churn risk reasons"), default=list)
    value_tier = models.CharField(
        _("value tier"), max_length=8, choices=ValueTier.choices, default=ValueTier.LOW
    )
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("customer score")
        verbose_name_plural = _("customer scores")
        # The customer list filters by these and sorts by the last three (with the customer
        # as the tie-breaker, so a page is read from the index in order).
        indexes = [
            models.Index(fields=["segment"], name="score_segment_idx"),
            models.Index(fields=["value_tier"], name="score_value_tier_idx"),
            models.Index(fields=["churn_risk", "customer"], name="score_churn_risk_idx"),
            models.Index(fields=["clv", "customer"], name="score_clv_idx"),
            models.Index(fields=["annual_spend", "customer"], name="score_annual_spend_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.segment}"


class ChurnWarning(models.Model):
    """A churn warning (流失预警): opened once per episode of silence, closed one way."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("churn warning", "Open")
        RECOVERED = "recovered", _("Recovered")
        CHURNED = "churned", _("Churn confirmed")

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="churn_warnings",
    )
    # The episode: silence since this order date. A later order starts a new episode.
    last_order_date = models.DateField(_("last order"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    opened_at = models.DateTimeField(_("opened"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recovered_by_order = models.ForeignKey(
        Order,
        verbose_name=_("recovered by order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("churn reason"), max_length=50, blank=True)
    reason_notes = models.TextField(_("notes on the churn"), blank=True)
    # Win-back (流失客户的赢回): a confirmed churn followed by a new order.
    won_back_at = models.DateTimeField(_("won back"), null=True, blank=True)
    won_back_order = models.ForeignKey(
        Order,
        verbose_name=_("won back with order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("churn warning")
        verbose_name_plural = _("churn warnings")
        ordering = ["-opened_at", "-id"]
        permissions = [("manage_churn", "Can record retention measures and confirm churn")]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "last_order_date"], name="churn_warning_once_per_episode"
            ),
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(status="open"),
                name="churn_warning_one_open",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "opened_at"], name="churn_status_opened_idx"),
            models.Index(fields=["closed_at"], name="churn_closed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.customer} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("churn-detail", args=[self.pk])


class RetentionMeasure(models.Model):
    """A dated retention measure (暂缓流失) taken on a churn warning."""

    warning = models.ForeignKey(
        ChurnWarning, verbose_name=_("churn warning"), on_delete=models.CASCADE,
        related_name="measures",
    )  # fmt: skip
    measure_date = models.DateField(_("date"))
    description = models.TextField(_("measure"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("retention measure")
        verbose_name_plural = _("retention measures")
        ordering = ["measure_date", "id"]

    def __str__(self) -> str:
        return self.description[:60]


class ImprovementPlan(models.Model):
    """A special improvement plan (专项改进计划), opened when satisfaction falls below 3.5."""

    class Subject(models.TextChoices):
        COMPANY = "company", _("Company")
        TEAM = "team", _("Team")
        CUSTOMER = "customer", _("Customer")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("improvement plan", "Open")
        CLOSED = "closed", pgettext_lazy("improvement plan", "Closed")

    subject = models.CharField(_("for"), max_length=16, choices=Subject.choices)
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="improvement_plans",
    )  # fmt: skip
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="improvement_plans",
    )  # fmt: skip
    # "company", "team:<id>" or "customer:<id>": at most one open plan for each.
    subject_key = models.CharField(max_length=40, editable=False)
    title = models.CharField(_("title"), max_length=200)
    satisfaction = models.DecimalField(
        _("average satisfaction when opened"), max_digits=4, decimal_places=2
    )
    rated = models.PositiveIntegerField(_("ratings behind it"), default=0)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="improvement_plans",
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    opened_at = models.DateTimeField(_("opened"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("closed by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        verbose_name = _("improvement plan")
        verbose_name_plural = _("improvement plans")
        ordering = ["-opened_at", "-id"]
        permissions = [("manage_improvementplan", "Can add tasks to and close improvement plans")]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_key"],
                condition=models.Q(status="open"),
                name="improvement_plan_one_open",
            )
        ]
        indexes = [models.Index(fields=["status", "opened_at"], name="plan_status_opened_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("improvement-plan-detail", args=[self.pk])


class ImprovementTask(models.Model):
    plan = models.ForeignKey(
        ImprovementPlan, verbose_name=_("improvement plan"), on_delete=models.CASCADE,
        related_name="tasks",
    )  # fmt: skip
    title = models.CharField(_("task"), max_length=200)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assignee"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="improvement_tasks",
    )  # fmt: skip
    due_date = models.DateField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("done by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("improvement task")
        verbose_name_plural = _("improvement tasks")
        ordering = ["done_at", "due_date", "id"]

    def __str__(self) -> str:
        return self.title


class KpiSnapshot(models.Model):
    """The KPI figures of one viewer scope and period, kept so the dashboard answers at once."""

    scope_key = models.CharField(max_length=40)  # "all", "team:<id>" or "user:<id>"
    period_key = models.CharField(max_length=16)  # "year", "quarter"… or a month "2026-05"
    start = models.DateField()
    end = models.DateField()
    values = models.JSONField(default=dict)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope_key", "period_key"], name="kpi_snapshot_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scope_key} {self.period_key}"


STRATEGY_MAX = 2000


class LifecycleStrategy(SettingModel):
    """What to do with customers at one lifecycle stage: shown on their 360 page."""

    stage = fields.ChoiceField(
        _("lifecycle stage"), max_length=16, choices=Customer.Lifecycle.choices, unique=True
    )
    strategy_zh = models.TextField(
        _("strategy (Chinese)"), blank=True, validators=[MaxLengthValidator(STRATEGY_MAX)]
    )
    strategy_en = models.TextField(
        _("strategy (English)"), blank=True, validators=[MaxLengthValidator(STRATEGY_MAX)]
    )

    class Meta:
        verbose_name = _("lifecycle strategy")
        verbose_name_plural = _("lifecycle strategies")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.get_stage_display())

    @property
    def strategy(self) -> str:
        """In the reader's language, else the other one."""
        first, second = (
            (self.strategy_zh, self.strategy_en)
            if (get_language() or "").startswith("zh")
            else (self.strategy_en, self.strategy_zh)
        )
        return first or second
