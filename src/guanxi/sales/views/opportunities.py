"""Opportunity pages: list, board, detail with its plan, the forms, and the sales dashboard."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from guanxi.core.dates import PERIOD_CHOICES, named_period
from guanxi.core.dictionary import DictionaryLookup
from guanxi.core.selectors import audit_for_record
from guanxi.customers.selectors import customer_by_code
from guanxi.customers.services.customers import DuplicateCustomer
from guanxi.sales import selectors, services
from guanxi.sales.filters import BoardFilterSet
from guanxi.sales.forms import (
    AssignForm,
    FailForm,
    OpportunityForm,
    PlanResultForm,
    PlanStepForm,
    SucceedForm,
)
from guanxi.sales.models import Opportunity, PipelineStage
from guanxi.sales.tables import OpportunityTable
from guanxi.web.pagination import CappedPaginator
from guanxi.web.utils import AuthedRequest, require, run_service

PAGE_SIZE = 25


@require("sales.view_opportunity")
def opportunity_list(request: AuthedRequest) -> HttpResponse:
    filterset = selectors.opportunity_filters(actor=request.user, data=request.GET)
    filters, found = filterset.form, filterset.qs
    table = OpportunityTable(found.order_by("-created_at", "-id"))
    RequestConfig(
        request, paginate={"per_page": PAGE_SIZE, "paginator_class": CappedPaginator}
    ).configure(table)
    return render(
        request,
        "sales/opportunity_list.html",
        {"filters": filters, "table": table},
    )


@require("sales.view_opportunity")
def opportunity_board(request: AuthedRequest) -> HttpResponse:
    filterset = selectors.opportunity_filters(
        actor=request.user, data=request.GET, filterset=BoardFilterSet
    )
    filters = filterset.form
    columns = selectors.board(actor=request.user, opportunities=filterset.qs)
    context = {"filters": filters, "columns": columns, "today": timezone.localdate()}
    return render(request, "sales/board.html", context)


@require("sales.change_opportunity")
@require_POST
def opportunity_move(request: AuthedRequest, pk: int) -> HttpResponse:
    """The board's drop: answers the card as it now is, or 409 with what happened."""
    opportunity = selectors.opportunity_get(actor=request.user, pk=pk)
    stage = PipelineStage.objects.filter(pk=request.POST.get("stage") or 0).first()
    version = request.POST.get("version", "")
    try:
        if stage is None:
            raise ValidationError(_("Choose a stage."))
        moved = services.opportunity_move(
            actor=request.user,
            opportunity=opportunity,
            stage=stage,
            version=int(version) if version.isdigit() else None,
        )
    except services.StaleOpportunity as error:
        return HttpResponse(error.message, status=409)
    except (ValidationError, PermissionDenied) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        return HttpResponse(text or _("You do not have permission to do this."), status=422)
    moved = selectors.opportunity_get(actor=request.user, pk=moved.pk)
    return render(request, "sales/_card.html", {"card": moved, "today": timezone.localdate()})


@require("sales.view_opportunity")
def opportunity_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    opportunity = selectors.opportunity_get(actor=request.user, pk=pk)
    lookup = DictionaryLookup()
    context = {
        "opportunity": opportunity,
        "source": lookup.label("source", opportunity.source),
        "region": lookup.label("region", opportunity.region),
        "industry": lookup.label("industry", opportunity.industry),
        "lost_reason": lookup.label("lost_reason", opportunity.lost_reason),
        "periods": selectors.periods(opportunity),
        "steps": selectors.plan_steps(opportunity),
        "step_form": PlanStepForm(),
        "assign_form": AssignForm(
            actor=request.user, initial={"assignee": opportunity.assignee_id}
        ),
        "fail_form": FailForm(),
        "activities": (
            selectors.activity_list(actor=request.user, filters={"opportunity": opportunity.pk})[
                :50
            ]
            if request.user.has_perm("sales.view_activity")
            else []
        ),
        "history": audit_for_record(instance=opportunity)[:20],
    }
    return render(request, "sales/opportunity_detail.html", context)


def _form_values(data: dict[str, Any]) -> dict[str, Any]:
    values = {k: v for k, v in data.items() if k not in ("assignee", "version")}
    if values.get("probability") is None:
        values.pop("probability", None)
    return values


@require("sales.add_opportunity")
def opportunity_create(request: AuthedRequest) -> HttpResponse:
    form = OpportunityForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        created = run_service(
            form,
            lambda: services.opportunity_create(
                actor=request.user,
                assignee=form.cleaned_data.get("assignee"),
                **_form_values(form.cleaned_data),
            ),
        )
        if created:
            messages.success(
                request, _("Opportunity %(number)s was created.") % {"number": created.number}
            )
            return redirect(created)
    return render(
        request,
        "web/form.html",
        {"form": form, "title": _("New opportunity"), "back": reverse("opportunity-list")},
    )


@require("sales.change_opportunity")
def opportunity_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    opportunity = selectors.opportunity_get(actor=request.user, pk=pk)
    form = OpportunityForm(
        request.POST or None,
        actor=request.user,
        editing=True,
        instance=opportunity,
        initial={"version": opportunity.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = run_service(
                form,
                lambda: services.opportunity_update(
                    actor=request.user,
                    opportunity=opportunity,
                    version=form.cleaned_data.get("version"),
                    **_form_values(form.cleaned_data),
                ),
            )
        except services.StaleOpportunity as error:
            form.add_error(None, error.message)
            saved = None
        if saved:
            messages.success(
                request, _("Changes to %(name)s were saved.") % {"name": opportunity.number}
            )
            return redirect(opportunity)
    return render(
        request,
        "web/form.html",
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": opportunity.number},
            "back": opportunity.get_absolute_url(),
        },
    )


def _act(request: AuthedRequest, opportunity: Opportunity, call: Any, done: str) -> HttpResponse:
    """Run one of the detail page's action buttons and come back with its outcome."""
    try:
        call()
    except services.StaleOpportunity as error:
        messages.error(request, error.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(opportunity)


@require("sales.assign_opportunity")
@require_POST
def opportunity_assign(request: AuthedRequest, pk: int) -> HttpResponse:
    opportunity = selectors.opportunity_get(actor=request.user, pk=pk)
    form = AssignForm(request.POST, actor=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose someone in your team."))
        return redirect(opportunity)
    assignee = form.cleaned_data["assignee"]
    return _act(
        request,
        opportunity,
        lambda: services.opportunity_assign(
            actor=request.user, opportunity=opportunity, assignee=assignee
        ),
        _("%(number)s is now assigned to %(name)s.")
        % {"number": opportunity.number, "name": assignee},
    )


@require("sales.change_opportunity")
@require_POST
def opportunity_fail(request: AuthedRequest, pk: int) -> HttpResponse:
    opportunity = selectors.opportunity_get(actor=request.user, pk=pk)
    form = FailForm(request.POST)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    return _act(
        request,
        opportunity,
        lambda: services.opportunity_fail(
            actor=request.user,
            opportunity=opportunity,
            reason=data.get("reason", ""),
            note=data.get("note", ""),
        ),
        _("%(number)s was closed as lost.") % {"number": opportunity.number},
    )


@require("sales.change_opportunity")
def opportunity_succeed(request: AuthedRequest, pk: int) -> HttpResponse:
    """Won: confirm, then the customer and contact are made from the opportunity."""
    opportunity = selectors.opportunity_get(actor=request.user, pk=pk)
    form = SucceedForm(request.POST or None)
    duplicates: list[Any] = []
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["customer_code"].strip()
        customer = customer_by_code(actor=request.user, code=code) if code else None
        if code and customer is None:
            form.add_error(
                "customer_code",
                _("No customer you may see has the code %(code)s.") % {"code": code},
            )
        else:
            try:
                won = run_service(
                    form,
                    lambda: services.opportunity_succeed(
                        actor=request.user,
                        opportunity=opportunity,
                        customer=customer,
                        allow_duplicate=form.cleaned_data["allow_duplicate"],
                    ),
                )
            except DuplicateCustomer as error:
                duplicates = error.matches
                form.add_error(
                    None,
                    _(
                        "This looks like a customer already on file. Enter its code to link "
                        "it, or tick the box to create a new one."
                    ),
                )
            else:
                if won:
                    messages.success(
                        request,
                        _("%(number)s was won: %(customer)s is now a customer.")
                        % {"number": opportunity.number, "customer": won.customer},
                    )
                    return redirect(won.customer)  # type: ignore[arg-type]
    return render(
        request,
        "sales/succeed.html",
        {"opportunity": opportunity, "form": form, "duplicates": duplicates},
    )


@require("sales.add_developmentplanstep")
@require_POST
def plan_step_create(request: AuthedRequest, pk: int) -> HttpResponse:
    opportunity = selectors.opportunity_get(actor=request.user, pk=pk)
    form = PlanStepForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(opportunity)
    return _act(
        request,
        opportunity,
        lambda: services.plan_step_create(
            actor=request.user,
            opportunity=opportunity,
            date=form.cleaned_data["date"],
            content=form.cleaned_data["content"],
        ),
        _("The plan step was added."),
    )


@require("sales.change_developmentplanstep")
@require_POST
def plan_step_result(request: AuthedRequest, pk: int, step_pk: int) -> HttpResponse:
    opportunity = selectors.opportunity_get(actor=request.user, pk=pk)
    step = selectors.plan_step_get(opportunity=opportunity, pk=step_pk)
    form = PlanResultForm(request.POST)
    form.is_valid()
    return _act(
        request,
        opportunity,
        lambda: services.plan_step_update(
            actor=request.user, step=step, result=form.cleaned_data.get("result", "")
        ),
        _("The result was recorded."),
    )


@require("sales.view_opportunity")
def sales_dashboard(request: AuthedRequest) -> HttpResponse:
    period, choice = named_period(request.GET.get("period"))
    figures = selectors.funnel(actor=request.user, period=period)
    lookup = DictionaryLookup()
    for row in figures["lost_reasons"]:
        row["label"] = lookup.label("lost_reason", row["reason"]) or _("Not given")
    return render(
        request,
        "sales/dashboard.html",
        {"figures": figures, "choice": choice, "periods": PERIOD_CHOICES},
    )
