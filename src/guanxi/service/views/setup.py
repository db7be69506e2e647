"""Callbacks, the desk's set-up (policies, calendars, settings, intake forms), the public form."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from guanxi.core.dictionary import DictionaryLookup
from guanxi.core.ratelimit import client_address
from guanxi.service import selectors, services
from guanxi.service.forms import (
    CalendarDayForm,
    CalendarForm,
    CallbackForm,
    IntakeFormForm,
    PolicyForm,
    PublicRequestForm,
    SettingsForm,
)
from guanxi.service.models import CalendarDay, Callback, IntakeForm, ServiceSettings, SlaPolicy
from guanxi.service.tables import CallbackTable
from guanxi.web.pagination import CappedPaginator
from guanxi.web.utils import AuthedRequest, require, run_service

MANAGE = "service.manage_service"


@require("service.view_callback")
def callback_list(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", Callback.Status.PENDING)
    if status not in Callback.Status.values:
        status = ""
    mine = request.GET.get("mine") == "1"
    found = selectors.callback_list(actor=request.user, status=status, mine=mine)
    table = CallbackTable(
        found.order_by("due_date", "id"), may_call=request.user.has_perm("service.change_callback")
    )
    RequestConfig(request, paginate={"per_page": 25, "paginator_class": CappedPaginator}).configure(
        table
    )
    context = {
        "table": table,
        "status": status,
        "mine": mine,
        "statuses": Callback.Status.choices,
    }
    return render(request, "service/callback_list.html", context)


@require("service.change_callback")
def callback_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    callback = selectors.callback_get(actor=request.user, pk=pk)
    form = CallbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.callback_complete(
                actor=request.user, callback=callback, **form.cleaned_data
            ),
        )
        if saved:
            messages.success(request, _("The callback was recorded."))
            return redirect("callback-list")
    context = {
        "form": form,
        "callback": callback,
        "type_label": DictionaryLookup().label("service_type", callback.request.service_type),
    }
    return render(request, "service/callback_form.html", context)


@require(MANAGE)
def service_setup(request: AuthedRequest) -> HttpResponse:
    lookup = DictionaryLookup()
    policies = list(selectors.policy_list(actor=request.user))
    for policy in policies:
        policy.type_label = lookup.label("service_type", policy.service_type)  # type: ignore[attr-defined]
        policy.level_label = lookup.label("customer_level", policy.customer_level)  # type: ignore[attr-defined]
    context = {
        "policies": policies,
        "calendars": selectors.calendar_list(actor=request.user),
        "settings": ServiceSettings.load(),
        "intake_forms": IntakeForm.objects.select_related("team"),
    }
    return render(request, "service/setup.html", context)


@require(MANAGE)
def policy_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    policy = SlaPolicy.objects.filter(pk=pk).first() if pk else None
    if pk and policy is None:
        raise Http404
    form = PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        links = {"calendar": data.pop("calendar"), "next_level": data.pop("next_level")}
        saved = run_service(
            form,
            lambda: services.sla_policy_save(actor=request.user, policy=policy, **links, **data),
        )
        if saved:
            messages.success(request, _("Changes to %(name)s were saved.") % {"name": saved})
            return redirect("service-setup")
    title = _("Edit %(name)s") % {"name": policy} if policy else _("New SLA policy")
    return render(
        request,
        "web/form.html",
        {
            "form": form,
            "title": title,
            "back": reverse("service-setup"),
            "note": _(
                "The first active policy in rank order whose type, priority and customer level "
                "match a new request sets its time limits. Requests already logged keep theirs."
            ),
        },
    )


@require(MANAGE)
def calendar_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    calendar = selectors.calendar_get(actor=request.user, pk=pk) if pk else None
    initial = {}
    if calendar is not None:
        initial = {
            "name": calendar.name,
            "time_zone": calendar.time_zone,
            "working_hours": calendar.hours_text.replace("–", "-"),
            "days_off": calendar.days_off,
            "is_default": calendar.is_default,
        }
    form = CalendarForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.business_calendar_save(
                actor=request.user, calendar=calendar, **form.cleaned_data
            ),
        )
        if saved:
            messages.success(request, _("Changes to %(name)s were saved.") % {"name": saved})
            return redirect("business-calendar-edit", pk=saved.pk)
    days = calendar.days.order_by("date") if calendar else CalendarDay.objects.none()
    context = {
        "form": form,
        "calendar": calendar,
        "days": days,
        "day_form": CalendarDayForm(),
        "title": _("Edit %(name)s") % {"name": calendar} if calendar else _("New calendar"),
    }
    return render(request, "service/calendar_form.html", context)


@require(MANAGE)
@require_POST
def calendar_day_add(request: AuthedRequest, pk: int) -> HttpResponse:
    calendar = selectors.calendar_get(actor=request.user, pk=pk)
    form = CalendarDayForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a date and whether it is a holiday or a working day."))
    else:
        try:
            services.calendar_day_save(
                actor=request.user,
                calendar=calendar,
                day=form.cleaned_data["date"],
                kind=form.cleaned_data["kind"],
                name=form.cleaned_data["name"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("%(date)s was marked.") % {"date": form.cleaned_data["date"]}
            )
    return redirect("business-calendar-edit", pk=calendar.pk)


@require(MANAGE)
@require_POST
def calendar_day_remove(request: AuthedRequest, pk: int, day_pk: int) -> HttpResponse:
    calendar = selectors.calendar_get(actor=request.user, pk=pk)
    day = calendar.days.filter(pk=day_pk).first()
    if day is None:
        raise Http404
    services.calendar_day_delete(actor=request.user, day=day)
    messages.success(request, _("%(date)s is an ordinary day again.") % {"date": day.date})
    return redirect("business-calendar-edit", pk=calendar.pk)


@require(MANAGE)
def settings_edit(request: AuthedRequest) -> HttpResponse:
    form = SettingsForm(request.POST or None, instance=ServiceSettings.load())
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form, lambda: services.service_settings_save(actor=request.user, **form.cleaned_data)
        )
        if saved:
            messages.success(request, _("The service settings were saved."))
            return redirect("service-setup")
    return render(
        request,
        "web/form.html",
        {"form": form, "title": _("Service settings"), "back": reverse("service-setup")},
    )


@require(MANAGE)
def intake_form_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    intake = IntakeForm.objects.filter(pk=pk).first() if pk else None
    if pk and intake is None:
        raise Http404
    initial = {}
    if intake is not None:
        initial = {
            "name": intake.name,
            "team": intake.team,
            "service_type": intake.service_type,
            "active": intake.active,
        }
    form = IntakeFormForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.intake_form_save(actor=request.user, form=intake, **form.cleaned_data),
        )
        if saved:
            messages.success(request, _("Changes to %(name)s were saved.") % {"name": saved})
            return redirect("service-setup")
    title = _("Edit %(name)s") % {"name": intake} if intake else _("New intake form")
    return render(
        request, "web/form.html", {"form": form, "title": title, "back": reverse("service-setup")}
    )


@csrf_exempt  # a public page on other sites' links; the honeypot and rate limit guard it
def intake_form_public(request: HttpRequest, token: str) -> HttpResponse:
    intake = IntakeForm.objects.select_related("team").filter(token=token).first()
    if intake is None or not intake.active:
        raise Http404
    form = PublicRequestForm(request.POST or None, initial={"service_type": intake.service_type})
    status = 200
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data.get("website"):
            # A bot filled the hidden field: thank it and keep nothing.
            return render(request, "service/intake_thanks.html", {"intake": intake})
        values = {k: v for k, v in form.cleaned_data.items() if k != "website"}
        try:
            created = services.intake_submit(
                form=intake, values=values, address=client_address(request)
            )
        except services.RateLimited:
            form.add_error(None, _("Too many requests from your address. Try again later."))
            status = 429
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            status = 400
        else:
            return render(
                request, "service/intake_thanks.html", {"intake": intake, "number": created.number}
            )
    elif request.method == "POST":
        status = 400
    return render(
        request, "service/intake_form.html", {"intake": intake, "form": form}, status=status
    )
