"""Sales set-up (stages, lead forms, assignment rules) and the public lead form itself."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from guanxi.core.dictionary import DictionaryLookup
from guanxi.core.ratelimit import client_address
from guanxi.core.roles import Role
from guanxi.sales import selectors, services
from guanxi.sales.forms import AssignmentRuleForm, LeadFormForm, PublicLeadForm, StageForm
from guanxi.sales.models import AssignmentRule, LeadForm, PipelineStage
from guanxi.web.utils import AuthedRequest, require, run_service


@require("sales.manage_pipeline")
def sales_setup(request: AuthedRequest) -> HttpResponse:
    teams = list(selectors.setup_teams(actor=request.user))
    rules = {rule.team_id: rule for rule in selectors.assignment_rules(actor=request.user)}
    context = {
        "stages": PipelineStage.objects.all(),
        "forms": LeadForm.objects.filter(team__in=teams).select_related("team"),
        "teams": [(team, rules.get(team.pk)) for team in teams],
        "lookup": DictionaryLookup(),
    }
    return render(request, "sales/setup.html", context)


@require("sales.manage_pipeline")
def stage_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    if request.user.role != Role.ADMINISTRATOR:
        # The stages are the whole company's pipeline: only administrators change them.
        raise Http404
    stage = PipelineStage.objects.filter(pk=pk).first() if pk else None
    if pk and stage is None:
        raise Http404
    form = StageForm(request.POST or None, instance=stage)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        if not saved.code:
            saved.code = f"stage{PipelineStage.objects.count() + 1}"
        saved.save()
        messages.success(request, _("Changes to %(name)s were saved.") % {"name": saved})
        return redirect("sales-setup")
    title = _("Edit %(name)s") % {"name": stage} if stage else _("New stage")
    return render(
        request, "web/form.html", {"form": form, "title": title, "back": reverse("sales-setup")}
    )


@require("sales.manage_pipeline")
def lead_form_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    teams = selectors.setup_teams(actor=request.user)
    lead_form = LeadForm.objects.filter(pk=pk, team__in=teams).first() if pk else None
    if pk and lead_form is None:
        raise Http404
    initial = (
        {
            "name": lead_form.name,
            "team": lead_form.team_id,
            "source": lead_form.source,
            "thank_you": lead_form.thank_you,
            "active": lead_form.active,
        }
        if lead_form
        else {"team": request.user.team_id, "source": "website", "active": True}
    )
    form = LeadFormForm(request.POST or None, teams=teams, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        team = data.pop("team")
        saved = run_service(
            form,
            lambda: services.lead_form_save(actor=request.user, team=team, form=lead_form, **data),
        )
        if saved:
            messages.success(request, _("Changes to %(name)s were saved.") % {"name": saved})
            return redirect("sales-setup")
    title = _("Edit %(name)s") % {"name": lead_form} if lead_form else _("New lead form")
    return render(
        request, "web/form.html", {"form": form, "title": title, "back": reverse("sales-setup")}
    )


@require("sales.manage_pipeline")
def assignment_rule_edit(request: AuthedRequest, team_pk: int) -> HttpResponse:
    """A team's rule; choosing a method (HTMX) shows the members to set for its values."""
    team = selectors.setup_team_get(actor=request.user, pk=team_pk)
    rule = AssignmentRule.objects.filter(team=team).prefetch_related("targets").first()
    method = (
        request.POST.get("method")
        or request.GET.get("method")
        or (rule.method if rule else AssignmentRule.Method.ROUND_ROBIN)
    )
    if method not in AssignmentRule.Method.values:
        method = AssignmentRule.Method.ROUND_ROBIN
    initial = {"method": method, "active": rule.active if rule else True}
    form = AssignmentRuleForm(
        request.POST or None,
        team=team,
        rule=rule,
        method=method,
        lookup=DictionaryLookup(),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.assignment_rule_save(
                actor=request.user,
                team=team,
                method=form.cleaned_data["method"],
                active=form.cleaned_data["active"],
                targets=form.targets(),
            ),
        )
        if saved:
            messages.success(request, _("Changes to %(name)s were saved.") % {"name": team})
            return redirect("sales-setup")
    context = {"form": form, "team": team, "back": reverse("sales-setup")}
    return render(request, "sales/assignment_rule.html", context)


@csrf_exempt  # Embedded on other sites; the secret address, honeypot and rate limit guard it.
def lead_form_public(request: HttpRequest, token: str) -> HttpResponse:
    lead_form = LeadForm.objects.select_related("team__supervisor").filter(token=token).first()
    if lead_form is None or not lead_form.active:
        raise Http404
    form = PublicLeadForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data.get("website"):
            # A bot filled the hidden field: thank it and keep nothing.
            return render(request, "sales/lead_thanks.html", {"lead_form": lead_form})
        values = {k: v for k, v in form.cleaned_data.items() if k != "website"}
        try:
            services.lead_submit(form=lead_form, values=values, address=client_address(request))
        except services.RateLimited:
            form.add_error(None, _("Too many submissions from your address. Try again later."))
            status = 429
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return render(request, "sales/lead_thanks.html", {"lead_form": lead_form})
    elif request.method == "POST":
        status = 400
    return render(
        request, "sales/lead_form.html", {"lead_form": lead_form, "form": form}, status=status
    )
