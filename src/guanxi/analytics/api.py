"""KPIs, reports, RFM segments, scores, churn warnings, improvement plans, analytics set-up."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from guanxi.accounts.models import User
from guanxi.analytics import selectors, services
from guanxi.analytics.filters import ChurnFilterSet
from guanxi.analytics.forms import ReportFilterForm
from guanxi.analytics.kpis import kpi_dashboard
from guanxi.analytics.models import (
    AnalyticsSettings,
    ChurnWarning,
    ImprovementPlan,
    ImprovementTask,
    LifecycleStrategy,
    RetentionMeasure,
)
from guanxi.analytics.profile import score_data
from guanxi.analytics.reports import REPORTS, run_report
from guanxi.analytics.tasks import refresh_analytics_now
from guanxi.api.filters import query_schema
from guanxi.api.pagination import CappedPageNumberPagination
from guanxi.core.access import recorded_export
from guanxi.core.errors import field_error, require_perm
from guanxi.customers.models import Customer
from guanxi.customers.selectors import customer_get
from guanxi.transfer.writers import download

router = Router(tags=["analytics"])
MAX_PAGE_SIZE = 200


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


# --- KPIs, reports, segments ----------------------------------------------------------------


class KpiQuery(Schema):
    period: Literal["month", "quarter", "year", "last_year"] = "year"
    recompute: bool = False


@router.get(
    "/analytics/kpis",
    response=dict[str, Any],
    summary="Every KPI of the period in your data scope: value, state, definition, 6-month trend",
)
def kpis(request: HttpRequest, query: Query[KpiQuery]) -> dict[str, Any]:
    actor = _actor(request)
    require_perm(actor, "analytics.view_reports")
    return kpi_dashboard(actor=actor, period_choice=query.period, force=query.recompute)


class ReportQuery(Schema):
    year: int | None = None
    start: date | None = None
    end: date | None = None
    region: str = ""
    manager: int | None = None
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)
    format: Literal["json", "csv", "xlsx"] = "json"


@router.get(
    "/analytics/reports/{key}",
    response=dict[str, Any],
    summary="A report (contribution, composition, service, churn): a page of rows, the chart "
    "data and totals; format=csv or xlsx downloads every row",
)
def report(request: HttpRequest, key: str, query: Query[ReportQuery]) -> Any:
    actor = _actor(request)
    if key not in REPORTS:
        raise Http404(_("No such report."))
    values = {
        name: value
        for name, value in query.dict(include={"year", "start", "end", "region", "manager"}).items()
        if value not in (None, "")
    }
    form = ReportFilterForm(values, actor=actor)
    if not form.is_valid():
        raise ValidationError(
            {
                field if field != "__all__" else "start": errors
                for field, errors in form.errors.items()
            }
        )
    chosen, result = run_report(actor=actor, key=key, filters=form.filters())
    if query.format in ("csv", "xlsx"):
        header = [str(column.label) for column in chosen.columns]
        rows = recorded_export(
            actor,
            f"report:{key}",
            chosen.export_rows(result),
            request=request,
            detail=request.GET.urlencode(),
        )
        return download(f"report-{key}", header, rows, query.format)
    page = Paginator(result.rows, query.page_size).get_page(query.page)
    period = form.filters().period
    return {
        "report": key,
        "title": str(chosen.title),
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "columns": [{"key": c.key, "label": str(c.label)} for c in chosen.columns],
        "count": page.paginator.count,
        "page": page.number,
        "items": [
            {
                key: value.isoformat() if isinstance(value, date) else value
                for key, value in row.items()
            }
            for row in page.object_list
        ],
        "totals": result.totals_data(),
        "chart": result.chart_data(),
    }


@router.get(
    "/analytics/segments",
    response=dict[str, Any],
    summary="Customers per RFM segment and value tier (filter /customers by segment to drill down)",
)
def segments(request: HttpRequest) -> dict[str, Any]:
    return selectors.rfm_segments(actor=_actor(request))


@router.get(
    "/customers/{customer_id}/scores",
    response=dict[str, Any] | None,
    summary="The customer's RFM, CLV, churn risk with reasons, and value tier",
)
def customer_scores(request: HttpRequest, customer_id: int) -> Any:
    actor = _actor(request)
    require_perm(actor, "analytics.view_customerscore")
    customer = customer_get(actor=actor, pk=customer_id)
    return score_data(getattr(customer, "score", None))


@router.post(
    "/customers/{customer_id}/scores/refresh",
    response=dict[str, Any] | None,
    summary="Score the customer now against the last fitted model (null without purchases)",
)
def customer_rescore(request: HttpRequest, customer_id: int) -> Any:
    actor = _actor(request)
    require_perm(actor, "analytics.view_customerscore")
    customer = customer_get(actor=actor, pk=customer_id)
    return score_data(services.rescore_customer(customer))


# --- Churn warnings -------------------------------------------------------------------------


class MeasureOut(Schema):
    id: int
    measure_date: date
    description: str
    created_by: int | None = Field(None, alias="created_by_id")
    created_at: datetime


class ChurnOut(Schema):
    id: int
    customer: int = Field(..., alias="customer_id")
    customer_name: str = Field(..., alias="customer.name")
    account_manager: int | None = Field(None, alias="customer.account_manager_id")
    status: str
    last_order_date: date
    opened_at: datetime
    closed_at: datetime | None
    reason: str
    reason_notes: str
    recovered_by_order: int | None = Field(None, alias="recovered_by_order_id")
    won_back_at: datetime | None
    won_back_order: int | None = Field(None, alias="won_back_order_id")


class ChurnDetailOut(ChurnOut):
    measures: list[MeasureOut]

    @staticmethod
    def resolve_measures(warning: ChurnWarning) -> list[RetentionMeasure]:
        return list(warning.measures.all())


ChurnQuery = query_schema("ChurnQuery", ChurnFilterSet)


@router.get("/churn-warnings", response=list[ChurnOut], summary="Churn warnings (流失预警)")
@paginate(CappedPageNumberPagination)
def churn_list(request: HttpRequest, filters: Query[ChurnQuery]) -> Any:  # type: ignore[valid-type]
    values = filters.dict()  # type: ignore[attr-defined]
    found = selectors.churn_list(actor=_actor(request), filters=values)
    return found.order_by("-opened_at", "-id")


@router.get("/churn-warnings/{warning_id}", response=ChurnDetailOut, summary="One churn warning")
def churn_detail(request: HttpRequest, warning_id: int) -> ChurnWarning:
    return selectors.churn_get(actor=_actor(request), pk=warning_id)


class MeasureIn(Schema):
    measure_date: date
    description: str


@router.post(
    "/churn-warnings/{warning_id}/measures",
    response={201: MeasureOut},
    summary="Record a dated retention measure (暂缓流失)",
)
def measure_add(request: HttpRequest, warning_id: int, payload: MeasureIn) -> Status:
    actor = _actor(request)
    warning = selectors.churn_get(actor=actor, pk=warning_id)
    measure = services.retention_measure_add(actor=actor, warning=warning, **payload.dict())
    return Status(201, measure)


class ConfirmIn(Schema):
    reason: str = Field(..., description="a churn_reason dictionary code or label")
    notes: str = ""


@router.post(
    "/churn-warnings/{warning_id}/confirm",
    response=ChurnDetailOut,
    summary="Confirm the churn (确认流失) with a reason; the customer becomes churned",
)
def churn_confirm(request: HttpRequest, warning_id: int, payload: ConfirmIn) -> ChurnWarning:
    actor = _actor(request)
    warning = selectors.churn_get(actor=actor, pk=warning_id)
    services.churn_confirm(actor=actor, warning=warning, **payload.dict())
    return selectors.churn_get(actor=actor, pk=warning_id)


# --- Improvement plans ----------------------------------------------------------------------


class TaskOut(Schema):
    id: int
    title: str
    assignee: int | None = Field(None, alias="assignee_id")
    due_date: date | None
    done_at: datetime | None
    done_by: int | None = Field(None, alias="done_by_id")


class PlanOut(Schema):
    id: int
    subject: str
    team: int | None = Field(None, alias="team_id")
    customer: int | None = Field(None, alias="customer_id")
    title: str
    satisfaction: Decimal
    rated: int
    owner: int | None = Field(None, alias="owner_id")
    status: str
    opened_at: datetime
    closed_at: datetime | None
    outcome: str


class PlanDetailOut(PlanOut):
    tasks: list[TaskOut]

    @staticmethod
    def resolve_tasks(plan: ImprovementPlan) -> list[ImprovementTask]:
        return list(plan.tasks.all())


class PlanQuery(Schema):
    status: Literal["", "open", "closed"] = ""


@router.get(
    "/improvement-plans", response=list[PlanOut], summary="Improvement plans (专项改进计划)"
)
@paginate(CappedPageNumberPagination)
def plan_list(request: HttpRequest, filters: Query[PlanQuery]) -> Any:
    return selectors.plan_list(actor=_actor(request), status=filters.status).order_by(
        "-opened_at", "-id"
    )


@router.get("/improvement-plans/{plan_id}", response=PlanDetailOut, summary="One plan")
def plan_detail(request: HttpRequest, plan_id: int) -> ImprovementPlan:
    return selectors.plan_get(actor=_actor(request), pk=plan_id)


class TaskIn(Schema):
    title: str
    assignee: int | None = None
    due_date: date | None = None


@router.post(
    "/improvement-plans/{plan_id}/tasks", response={201: TaskOut}, summary="Add a task to a plan"
)
def task_add(request: HttpRequest, plan_id: int, payload: TaskIn) -> Status:
    actor = _actor(request)
    plan = selectors.plan_get(actor=actor, pk=plan_id)
    assignee = None
    if payload.assignee is not None:
        assignee = User.objects.filter(pk=payload.assignee).first()
        if assignee is None:
            raise field_error(
                "assignee", _("No user has the id %(id)s.") % {"id": payload.assignee}
            )
    task = services.improvement_task_add(
        actor=actor, plan=plan, title=payload.title, assignee=assignee, due_date=payload.due_date
    )
    return Status(201, task)


@router.post(
    "/improvement-plans/{plan_id}/tasks/{task_id}/done",
    response=TaskOut,
    summary="Tick a task off (its assignee or a plan manager)",
)
def task_done(request: HttpRequest, plan_id: int, task_id: int) -> ImprovementTask:
    actor = _actor(request)
    plan = selectors.plan_get(actor=actor, pk=plan_id)
    task = selectors.task_get(actor=actor, plan=plan, pk=task_id)
    return services.improvement_task_done(actor=actor, task=task)


class CloseIn(Schema):
    outcome: str


@router.post(
    "/improvement-plans/{plan_id}/close",
    response=PlanDetailOut,
    summary="Close a plan whose tasks are all done, with its outcome",
)
def plan_close(request: HttpRequest, plan_id: int, payload: CloseIn) -> ImprovementPlan:
    actor = _actor(request)
    plan = selectors.plan_get(actor=actor, pk=plan_id)
    services.improvement_plan_close(actor=actor, plan=plan, outcome=payload.outcome)
    return selectors.plan_get(actor=actor, pk=plan_id)


# --- Lifecycle ----------------------------------------------------------------------------


class StrategyOut(Schema):
    strategy_zh: str
    strategy_en: str
    updated_by: int | None = Field(None, alias="updated_by_id")
    updated_at: datetime


class StageOut(Schema):
    stage: str
    label: str
    customers: int = Field(..., description="Customers you see at this stage (not archived)")
    set_by_hand: int = Field(..., description="Of those, how many were set there by hand")
    strategy: StrategyOut | None


class LifecycleOut(Schema):
    rule: dict[str, int]
    stages: list[StageOut]


@router.get(
    "/lifecycle",
    response=LifecycleOut,
    summary="The lifecycle stages (生命周期) in order: customers at each, strategy, the rule",
)
def lifecycle(request: HttpRequest) -> dict[str, Any]:
    actor = _actor(request)
    require_perm(actor, "customers.view_customer")
    config = AnalyticsSettings.load()
    return {
        "rule": {
            "new_months": config.lifecycle_new_months,
            "growth_percent": config.lifecycle_growth_percent,
            "decline_percent": config.lifecycle_decline_percent,
        },
        "stages": selectors.lifecycle_overview(actor=actor),
    }


class StrategyIn(Schema):
    strategy_zh: str | None = None
    strategy_en: str | None = None


@router.put(
    "/lifecycle/{stage}",
    response=StrategyOut,
    summary="Change a stage's strategy text (a language left out stays as it is)",
)
def lifecycle_strategy(request: HttpRequest, stage: str, payload: StrategyIn) -> LifecycleStrategy:
    if stage not in Customer.Lifecycle.values:
        raise Http404(_("No such lifecycle stage."))
    return services.lifecycle_strategy_save(actor=_actor(request), stage=stage, **payload.dict())


# --- Set-up ---------------------------------------------------------------------------------


class SettingsOut(Schema):
    churn_months: int
    high_value_spend: Decimal
    medium_value_spend: Decimal
    clv_horizon_weeks: int
    monthly_discount_rate: Decimal
    lifecycle_new_months: int
    lifecycle_growth_percent: int
    lifecycle_decline_percent: int
    refreshed_at: datetime | None
    refresh_seconds: float | None
    scored_customers: int
    model: dict[str, Any]


class SettingsPatch(Schema):
    churn_months: int | None = None
    high_value_spend: Decimal | None = None
    medium_value_spend: Decimal | None = None
    clv_horizon_weeks: int | None = None
    monthly_discount_rate: Decimal | None = None
    lifecycle_new_months: int | None = None
    lifecycle_growth_percent: int | None = None
    lifecycle_decline_percent: int | None = None


@router.get("/analytics/settings", response=SettingsOut, summary="Analytics settings and last fit")
def settings_get(request: HttpRequest) -> AnalyticsSettings:
    require_perm(_actor(request), "analytics.view_reports")
    return AnalyticsSettings.load()


@router.patch("/analytics/settings", response=SettingsOut, summary="Change analytics settings")
def settings_update(request: HttpRequest, payload: SettingsPatch) -> AnalyticsSettings:
    return services.analytics_settings_update(
        actor=_actor(request), **payload.dict(exclude_unset=True)
    )


@router.post(
    "/analytics/refresh",
    response={202: dict[str, str]},
    summary="Start the nightly analytics now (in the job worker)",
)
def refresh(request: HttpRequest) -> Status:

    require_perm(_actor(request), "analytics.refresh_analytics")
    refresh_analytics_now()
    return Status(202, {"status": "started"})
