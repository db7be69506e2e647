"""Analytics pages: KPI dashboard, reports, RFM segments, churn warnings, improvement plans."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.analytics import selectors, services
from guanxi.analytics.forms import (
    AnalyticsSettingsForm,
    ChurnConfirmForm,
    LifecycleStrategyForm,
    PlanCloseForm,
    ReportFilterForm,
    RetentionMeasureForm,
    TaskForm,
)
from guanxi.analytics.kpis import kpi_dashboard
from guanxi.analytics.models import (
    AnalyticsSettings,
    ChurnWarning,
    ImprovementPlan,
    LifecycleStrategy,
)
from guanxi.analytics.reports import REPORTS, run_report
from guanxi.analytics.risk import describe
from guanxi.analytics.tasks import refresh_analytics_now
from guanxi.core.access import recorded_export
from guanxi.core.dates import PERIOD_CHOICES
from guanxi.core.dictionary import DictionaryLookup
from guanxi.customers.selectors import customer_get
from guanxi.customers.services.customers import EditConflict
from guanxi.customers.services.lifecycle import customer_lifecycle_set
from guanxi.transfer.writers import download
from guanxi.web.utils import AuthedRequest, require, run_service

REPORT_PAGE = 50


@require("analytics.view_reports")
def dashboard(request: AuthedRequest) -> HttpResponse:
    force = request.method == "POST"
    figures = kpi_dashboard(
        actor=request.user, period_choice=request.GET.get("period"), force=force
    )
    if force:
        return redirect(f"{request.path}?period={figures['period']['key']}")
    plans = []
    if request.user.has_perm("analytics.view_improvementplan"):
        plans = list(selectors.plan_list(actor=request.user, status="open")[:5])
    churn = (
        selectors.churn_counts(actor=request.user)
        if request.user.has_perm("analytics.view_churnwarning")
        else None
    )
    context = {
        "figures": figures,
        "choice": figures["period"]["key"],
        "periods": PERIOD_CHOICES,
        "plans": plans,
        "churn": churn,
    }
    return render(request, "analytics/dashboard.html", context)


@require("analytics.view_reports")
def report(request: AuthedRequest, key: str) -> HttpResponseBase:
    if key not in REPORTS:
        raise Http404(_("No such report."))
    form = ReportFilterForm(request.GET or None, actor=request.user)
    valid = form.is_valid() if request.GET else True
    if not request.GET:
        form = ReportFilterForm({}, actor=request.user)
        form.is_valid()
    if not valid:
        return render(
            request,
            "analytics/report.html",
            {"form": form, "reports": REPORTS.values(), "report": REPORTS[key], "result": None},
            status=400,
        )
    chosen, result = run_report(actor=request.user, key=key, filters=form.filters())
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        header = [str(column.label) for column in chosen.columns]
        rows = recorded_export(
            request.user,
            f"report:{key}",
            chosen.export_rows(result),
            request=request,
            detail=request.GET.urlencode(),
        )
        return download(f"report-{key}", header, rows, fmt)
    page = Paginator(result.rows, REPORT_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    context = {
        "form": form,
        "reports": REPORTS.values(),
        "report": chosen,
        "result": result,
        "page": page,
        "query": query.urlencode(),
        "period": form.filters().period,
        "chart": result.chart_data(),
        "totals": result.totals_data(),
    }
    return render(request, "analytics/report.html", context)


@require("analytics.view_customerscore")
def segments(request: AuthedRequest) -> HttpResponse:
    data = selectors.rfm_segments(actor=request.user)
    config = AnalyticsSettings.load()
    return render(request, "analytics/segments.html", {"data": data, "config": config})


@require("analytics.view_churnwarning")
def churn_list(request: AuthedRequest) -> HttpResponse:
    # Open warnings first; the "All" tab asks for every status.
    status = request.GET.get("status", ChurnWarning.Status.OPEN)
    filters = {
        "status": status if status in ChurnWarning.Status.values else "",
        "mine": request.GET.get("mine") == "1",
        "q": request.GET.get("q", ""),
    }
    found = selectors.churn_list(actor=request.user, filters=filters).order_by("-opened_at", "-id")
    page = Paginator(found, 25).get_page(request.GET.get("page"))
    lookup = DictionaryLookup()
    measures = selectors.measure_counts(list(page))
    rows = []
    for warning in page:
        score = getattr(warning.customer, "score", None)
        reasons = [describe(r) for r in score.churn_reasons] if score else []
        rows.append(
            (
                warning,
                reasons,
                lookup.label("churn_reason", warning.reason),
                measures.get(warning.pk, 0),
            )
        )
    context = {
        "page": page,
        "rows": rows,
        "filters": filters,
        "statuses": ChurnWarning.Status.choices,
        "counts": selectors.churn_counts(actor=request.user),
    }
    return render(request, "analytics/churn_list.html", context)


@require("analytics.view_churnwarning")
def churn_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    warning = selectors.churn_get(actor=request.user, pk=pk)
    measure_form = RetentionMeasureForm(prefix="measure")
    confirm_form = ChurnConfirmForm(prefix="confirm")
    if request.method == "POST":
        if "measure-description" in request.POST:
            measure_form = RetentionMeasureForm(request.POST, prefix="measure")
            if measure_form.is_valid() and run_service(
                measure_form,
                lambda: (
                    services.retention_measure_add(
                        actor=request.user, warning=warning, **measure_form.cleaned_data
                    )
                    is not None
                ),
            ):
                messages.success(request, _("The retention measure was recorded."))
                return redirect(warning)
        else:
            confirm_form = ChurnConfirmForm(request.POST, prefix="confirm")
            if confirm_form.is_valid() and run_service(
                confirm_form,
                lambda: (
                    services.churn_confirm(
                        actor=request.user, warning=warning, **confirm_form.cleaned_data
                    )
                    is not None
                ),
            ):
                messages.success(request, _("The churn was confirmed."))
                return redirect(warning)
    score = getattr(warning.customer, "score", None)
    context = {
        "warning": warning,
        "score": score,
        "reasons": [describe(r) for r in score.churn_reasons] if score else [],
        "reason_label": DictionaryLookup().label("churn_reason", warning.reason),
        "measure_form": measure_form,
        "confirm_form": confirm_form,
        "may_manage": request.user.has_perm("analytics.manage_churn")
        and warning.status == ChurnWarning.Status.OPEN,
    }
    return render(
        request,
        "analytics/churn_detail.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@require("analytics.view_improvementplan")
def plan_list(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", ImprovementPlan.Status.OPEN)
    if status not in ImprovementPlan.Status.values:
        status = ""
    found = selectors.plan_list(actor=request.user, status=status).order_by("-opened_at", "-id")
    page = Paginator(found, 25).get_page(request.GET.get("page"))
    context = {"page": page, "status": status, "statuses": ImprovementPlan.Status.choices}
    return render(request, "analytics/plan_list.html", context)


@require("analytics.view_improvementplan")
def plan_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(actor=request.user, pk=pk)
    task_form = TaskForm(prefix="task", actor=request.user)
    close_form = PlanCloseForm(prefix="close")
    if request.method == "POST":
        if "task-title" in request.POST:
            task_form = TaskForm(request.POST, prefix="task", actor=request.user)
            if task_form.is_valid() and run_service(
                task_form,
                lambda: (
                    services.improvement_task_add(
                        actor=request.user, plan=plan, **task_form.cleaned_data
                    )
                    is not None
                ),
            ):
                messages.success(request, _("The task was added."))
                return redirect(plan)
        else:
            close_form = PlanCloseForm(request.POST, prefix="close")
            if close_form.is_valid() and run_service(
                close_form,
                lambda: (
                    services.improvement_plan_close(
                        actor=request.user, plan=plan, outcome=close_form.cleaned_data["outcome"]
                    )
                    is not None
                ),
            ):
                messages.success(request, _("The improvement plan was closed."))
                return redirect(plan)
    context = {
        "plan": plan,
        "task_form": task_form,
        "close_form": close_form,
        "may_manage": request.user.has_perm("analytics.manage_improvementplan")
        and plan.status == ImprovementPlan.Status.OPEN,
    }
    return render(
        request,
        "analytics/plan_detail.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@require("analytics.view_improvementplan")
def task_done(request: AuthedRequest, pk: int, task_pk: int) -> HttpResponse:
    plan = selectors.plan_get(actor=request.user, pk=pk)
    task = selectors.task_get(actor=request.user, plan=plan, pk=task_pk)
    services.improvement_task_done(actor=request.user, task=task)
    messages.success(request, _("The task is done."))
    return redirect(plan)


@require("analytics.refresh_analytics")
def analytics_settings(request: AuthedRequest) -> HttpResponse:
    config = AnalyticsSettings.load()
    form = AnalyticsSettingsForm(request.POST or None, instance=config)
    if request.method == "POST" and form.is_valid():
        values = {field: form.cleaned_data[field] for field in form.Meta.fields}
        config.refresh_from_db()
        if run_service(
            form, lambda: services.analytics_settings_update(actor=request.user, **values)
        ):
            messages.success(request, _("The analytics settings were saved."))
            return redirect("analytics-settings")
    return render(request, "analytics/settings.html", {"form": form, "config": config})


@require_POST
@require("analytics.refresh_analytics")
def refresh_now(request: AuthedRequest) -> HttpResponse:

    refresh_analytics_now()
    messages.success(
        request,
        _("The analytics refresh has started; the figures change when the worker finishes it."),
    )
    return redirect("analytics-settings")


@require_POST
@require("analytics.view_customerscore")
def customer_rescore(request: AuthedRequest, pk: int) -> HttpResponse:

    customer = customer_get(actor=request.user, pk=pk)
    if services.rescore_customer(customer) is None:
        messages.warning(
            request,
            _("No score: the customer has no purchases, or the analytics never ran."),
        )
    else:
        messages.success(request, _("The scores were recomputed."))
    return redirect(customer)


# --- Lifecycle ------------------------------------------------------------------------------


@require("customers.view_customer")
def lifecycle(request: AuthedRequest) -> HttpResponse:
    """The six stages: how many of your customers are at each, the rule, each strategy."""
    stages = selectors.lifecycle_overview(actor=request.user)
    chart = [{"label": row["label"], "customers": row["customers"]} for row in stages]
    context = {"stages": stages, "chart": chart, "config": AnalyticsSettings.load()}
    return render(request, "analytics/lifecycle.html", context)


@require("analytics.change_lifecyclestrategy")
def lifecycle_strategy_edit(request: AuthedRequest, stage: str) -> HttpResponse:
    strategy = get_object_or_404(LifecycleStrategy, stage=stage)
    back = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = ""
    form = LifecycleStrategyForm(request.POST or None, instance=strategy)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.lifecycle_strategy_save(
                actor=request.user, stage=stage, **form.service_values()
            ),
        )
        if saved:
            messages.success(
                request,
                _("The strategy for “%(stage)s” was saved.") % {"stage": strategy},
            )
            return redirect(back or "analytics-lifecycle")
    context = {"form": form, "strategy": strategy, "back": back}
    return render(request, "analytics/lifecycle_strategy.html", context)


@require_POST
@require("customers.change_customer")
def customer_lifecycle(request: AuthedRequest, pk: int) -> HttpResponse:
    """Set a customer's stage by hand with the reason, or go back to the derived one."""
    customer = customer_get(actor=request.user, pk=pk)
    clear = request.POST.get("clear") == "1"
    version = request.POST.get("version", "")
    try:
        customer_lifecycle_set(
            actor=request.user,
            customer=customer,
            stage=None if clear else request.POST.get("stage", ""),
            reason=request.POST.get("reason", ""),
            version=int(version) if version.isdigit() else None,
        )
    except EditConflict:
        messages.error(
            request, _("Someone changed this customer since you opened it; look and try again.")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The stage from the data is in force again.")
            if clear
            else _("The lifecycle stage was set by hand; the nightly run leaves it alone."),
        )
    return redirect(customer.get_absolute_url() + "#section-lifecycle")
