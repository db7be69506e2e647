"""Service request pages: the queues, logging a request, the request with its actions."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from guanxi.core.dates import PERIOD_CHOICES, named_period
from guanxi.core.dictionary import DictionaryLookup
from guanxi.core.selectors import audit_for_record
from guanxi.customers.selectors import customer_get, customer_list
from guanxi.service import selectors, services
from guanxi.service.filters import QUEUE_LABELS
from guanxi.service.forms import (
    ArchiveForm,
    AssignForm,
    AttachmentForm,
    CommentForm,
    FeedbackForm,
    HandleForm,
    RequestForm,
)
from guanxi.service.models import RequestComment, ServiceRequest
from guanxi.service.services.replies import reply_address
from guanxi.service.services.requests import COMPLAINT_FIELDS
from guanxi.service.tables import RequestTable, sla_badge
from guanxi.web.pagination import CappedPaginator
from guanxi.web.utils import AuthedRequest, require, run_service

PAGE_SIZE = 25
QUEUE_ICONS = {
    "mine": "person-check",
    "team": "people",
    "unassigned": "inbox",
    "at_risk": "hourglass-split",
    "breached": "exclamation-octagon",
    "waiting": "pause-circle",
}
QUEUE_TABS = [
    *[(key, icon, QUEUE_LABELS[key]) for key, icon in QUEUE_ICONS.items()],
    ("", "list-ul", gettext_lazy("All")),
]


@require("service.view_servicerequest")
def request_list(request: AuthedRequest) -> HttpResponse:
    """The queues: mine and the team's sorted by SLA due time; at risk, breached, all."""
    data = request.GET.copy()
    # The desk starts on its own work; the "All" tab asks for no queue.
    data.setdefault(
        "queue", "mine" if request.user.has_perm("service.change_servicerequest") else ""
    )
    queue = data["queue"]
    filterset = selectors.request_filters(actor=request.user, data=data)
    filters, found = filterset.form, filterset.qs
    # A queue is worked in order of SLA due time; requests without a running clock come last.
    ordering = (F("next_due_at").asc(nulls_last=True), "id") if queue else ("-received_at", "-id")
    table = RequestTable(found.order_by(*ordering))
    RequestConfig(
        request, paginate={"per_page": PAGE_SIZE, "paginator_class": CappedPaginator}
    ).configure(table)
    counts = selectors.queue_counts(actor=request.user)
    context = {
        "filters": filters,
        "table": table,
        "queue": queue,
        "tabs": [(key, icon, label, counts.get(key)) for key, icon, label in QUEUE_TABS],
        # On a phone the filters stay folded unless some are in use.
        "filtering": any(request.GET.get(name) for name in filters.fields),
    }
    return render(request, "service/request_list.html", context)


def _customer_and_contact(request: AuthedRequest, form: forms.BaseForm) -> tuple[Any, Any]:
    data = form.cleaned_data
    customer = (
        customer_get(actor=request.user, pk=data["customer"]) if data.get("customer") else None
    )
    contact = None
    if customer is not None and data.get("contact"):
        contact = customer.contacts.filter(pk=data["contact"]).first()
    return customer, contact


@require("service.add_servicerequest")
def request_create(request: AuthedRequest) -> HttpResponse:
    initial: dict[str, Any] = {}
    customer = None
    if request.GET.get("customer", "").isdigit():
        customer = customer_get(actor=request.user, pk=int(request.GET["customer"]))
        initial["customer"] = customer.pk
    form = RequestForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        customer, contact = _customer_and_contact(request, form)
        values = {
            k: v
            for k, v in form.cleaned_data.items()
            if k not in ("customer", "contact", "assignee")
            and not (k == "received_at" and v is None)
        }
        created = run_service(
            form,
            lambda: services.service_request_create(
                actor=request.user,
                customer=customer,
                contact=contact,
                assignee=form.cleaned_data.get("assignee"),
                **values,
            ),
        )
        if created:
            messages.success(
                request, _("Service request %(number)s was logged.") % {"number": created.number}
            )
            return redirect(created)
    return render(
        request,
        "service/request_form.html",
        {
            "form": form,
            "customer": customer,
            "title": _("New service request"),
            "back": reverse("service-request-list"),
        },
    )


@require("service.change_servicerequest")
def request_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    found = selectors.request_get(actor=request.user, pk=pk)
    initial = {"customer": found.customer_id, "contact": found.contact_id}
    form = RequestForm(
        request.POST or None, actor=request.user, editing=True, instance=found, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        customer, contact = _customer_and_contact(request, form)
        values = {k: v for k, v in form.cleaned_data.items() if k not in ("customer", "contact")}
        saved = run_service(
            form,
            lambda: services.service_request_update(
                actor=request.user, request=found, customer=customer, contact=contact, **values
            ),
        )
        if saved:
            messages.success(request, _("Changes to %(name)s were saved.") % {"name": found.number})
            return redirect(found)
    return render(
        request,
        "service/request_form.html",
        {
            "form": form,
            "customer": found.customer,
            "title": _("Edit %(name)s") % {"name": found.number},
            "back": found.get_absolute_url(),
        },
    )


@require("service.view_servicerequest")
def request_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    found = selectors.request_get(actor=request.user, pk=pk)
    timeline = selectors.request_timeline(found)
    lookup = DictionaryLookup()
    now = timezone.now()
    state = found.sla_state(now)
    context = {
        "sr": found,
        "type_label": lookup.label("service_type", found.service_type),
        "state": state,
        "sla_badge": sla_badge(state),
        "clocks": _clocks(found, now),
        "history": audit_for_record(instance=found)[:20],
        "timeline": _timeline(timeline),
        "assign_form": AssignForm(actor=request.user, initial={"assignee": found.assignee_id}),
        "comment_form": CommentForm(address=reply_address(found)),
        "handle_form": HandleForm(),
        "feedback_form": FeedbackForm(),
        "archive_form": ArchiveForm(initial={f: getattr(found, f) for f in COMPLAINT_FIELDS}),
        "attachment_form": AttachmentForm(),
        "may_change": request.user.has_perm("service.change_servicerequest"),
        "may_assign": request.user.has_perm("service.assign_servicerequest"),
        "may_archive": request.user.has_perm("service.archive_servicerequest"),
        **timeline,
    }
    return render(request, "service/request_detail.html", context)


def _timeline(parts: dict[str, Any]) -> list[dict[str, Any]]:
    """Steps, comments and escalations in one list, newest first."""
    icons = {
        "created": "plus-circle",
        "assigned": "person-check",
        "responded": "reply",
        "paused": "pause-circle",
        "resumed": "play-circle",
        "handled": "check2-circle",
        "feedback": "star",
        "reopened": "arrow-counterclockwise",
        "archived": "archive",
        "escalated": "exclamation-triangle",
    }
    rows: list[dict[str, Any]] = [
        {
            "at": event.at,
            "icon": icons.get(event.action, "dot"),
            "title": event.get_action_display(),
            "body": event.note,
            "who": event.actor.display_name if event.actor else "",
            "kind": "event",
        }
        for event in parts["events"]
    ]
    rows += [
        {
            "at": comment.created_at,
            "icon": {"reply": "chat-left-text", "customer": "person-lines-fill"}.get(
                comment.kind, "sticky"
            ),
            "title": comment.get_kind_display(),
            "body": comment.body,
            "who": comment.author.display_name if comment.author else "",
            "kind": comment.kind,
            "comment": comment,
        }
        for comment in parts["comments"]
    ]
    rows += [
        {
            "at": escalation.at,
            "icon": "megaphone",
            "title": escalation.get_level_display(),
            "body": f"{escalation.get_clock_display()} → {escalation.recipients}",
            "who": "",
            "kind": "escalation",
        }
        for escalation in parts["escalations"]
        if escalation.level == escalation.Level.WARNING
    ]
    return sorted(rows, key=lambda row: row["at"], reverse=True)


def _clocks(found: ServiceRequest, now: Any) -> list[dict[str, Any]]:
    """Each SLA clock as the page shows it: due time, how much of it is used, its state."""
    rows = []
    clocks = [
        (
            _("First response"),
            found.received_at,
            found.first_response_due,
            found.first_response_at,
            found.first_response_breached,
        ),
        (
            _("Resolution"),
            found.resolution_started_at or found.received_at,
            found.resolution_due,
            found.handled_at,
            found.resolution_breached,
        ),
    ]
    for label, start, due, stopped, breached in clocks:
        if due is None:
            continue
        end = stopped or (found.paused_at if found.paused_at else now)
        total = max((due - start).total_seconds(), 1)
        used = min(100, max(0, round((end - start).total_seconds() / total * 100)))
        late = breached or (
            stopped is None and found.is_open and due <= now and not found.paused_at
        )
        rows.append(
            {
                "label": label,
                "due": due,
                "stopped": stopped,
                "used": used,
                "bar": "bg-danger"
                if late
                else ("bg-warning" if used >= 80 and not stopped else "bg-success"),
                "late": late,
            }
        )
    return rows


def _act(
    request: AuthedRequest,
    found: ServiceRequest,
    call: Callable[[], Any],
    done: str | Callable[[Any], str],
    form: forms.BaseForm | None = None,
) -> HttpResponse:
    """Run one of the request page's actions and come back with its outcome (``done`` may
    word it from what the action returned)."""
    try:
        result = call()
    except ValidationError as error:
        messages.error(request, _error_text(error, form))
    except PermissionDenied as error:
        messages.error(request, str(error) or _("You do not have permission to do this."))
    else:
        messages.success(request, done(result) if callable(done) else done)
    return redirect(found)


def _error_text(error: ValidationError, form: forms.BaseForm | None) -> str:
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    parts = []
    for field, texts in error.message_dict.items():
        label = form.fields[field].label if form is not None and field in form.fields else ""
        parts.append(f"{label}: {' '.join(texts)}" if label else " ".join(texts))
    return " ".join(parts)


@require("service.assign_servicerequest")
@require_POST
def request_assign(request: AuthedRequest, pk: int) -> HttpResponse:
    found = selectors.request_get(actor=request.user, pk=pk)
    form = AssignForm(request.POST, actor=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose someone in your team."))
        return redirect(found)
    assignee = form.cleaned_data["assignee"]
    return _act(
        request,
        found,
        lambda: services.service_request_assign(
            actor=request.user, request=found, assignee=assignee
        ),
        _("%(number)s is now assigned to %(name)s.") % {"number": found.number, "name": assignee},
    )


@require("service.change_servicerequest")
@require_POST
def request_take(request: AuthedRequest, pk: int) -> HttpResponse:
    found = selectors.request_get(actor=request.user, pk=pk)
    return _act(
        request,
        found,
        lambda: services.service_request_assign(
            actor=request.user, request=found, assignee=request.user
        ),
        _("%(number)s is now yours.") % {"number": found.number},
    )


@require("service.change_servicerequest")
@require_POST
def request_comment(request: AuthedRequest, pk: int) -> HttpResponse:
    found = selectors.request_get(actor=request.user, pk=pk)
    form = CommentForm(request.POST, address=reply_address(found))
    data = form.service_values() if form.is_valid() else {}
    kind = data.get("kind", "note")
    sending = kind == RequestComment.Kind.REPLY and data.get("email") is not False
    done = _("The reply was added.")
    if sending and form.address:
        done = _("The reply was added and is being e-mailed to %(address)s.") % {
            "address": form.address
        }
    elif kind != RequestComment.Kind.REPLY:
        done = _("The comment was added.")
    return _act(
        request,
        found,
        lambda: services.service_request_comment(
            actor=request.user,
            request=found,
            body=data.get("body", ""),
            kind=kind,
            email=data.get("email"),
        ),
        done,
        form,
    )


@require("service.change_servicerequest")
@require_POST
def request_reply_resend(request: AuthedRequest, pk: int, comment_id: int) -> HttpResponse:
    found = selectors.request_get(actor=request.user, pk=pk)
    return _act(
        request,
        found,
        lambda: services.service_request_reply_resend(
            actor=request.user, request=found, comment_id=comment_id
        ),
        _("The reply is being sent again."),
    )


@require("service.change_servicerequest")
@require_POST
def request_pause(request: AuthedRequest, pk: int) -> HttpResponse:
    found = selectors.request_get(actor=request.user, pk=pk)
    return _act(
        request,
        found,
        lambda: services.service_request_pause(
            actor=request.user, request=found, note=request.POST.get("note", "")
        ),
        _("The clock is paused until the customer answers."),
    )


@require("service.change_servicerequest")
@require_POST
def request_resume(request: AuthedRequest, pk: int) -> HttpResponse:
    found = selectors.request_get(actor=request.user, pk=pk)
    return _act(
        request,
        found,
        lambda: services.service_request_resume(actor=request.user, request=found),
        _("The clock runs again."),
    )


@require("service.change_servicerequest")
@require_POST
def request_handle(request: AuthedRequest, pk: int) -> HttpResponse:
    found = selectors.request_get(actor=request.user, pk=pk)
    form = HandleForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {}
    return _act(
        request,
        found,
        lambda: services.service_request_handle(
            actor=request.user, request=found, result=data.get("result", "")
        ),
        _("%(number)s is handled. Ask the customer for feedback.") % {"number": found.number},
        form,
    )


@require("service.change_servicerequest")
@require_POST
def request_feedback(request: AuthedRequest, pk: int) -> HttpResponse:
    found = selectors.request_get(actor=request.user, pk=pk)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a score from 1 to 5."))
        return redirect(found)
    score = form.cleaned_data["satisfaction"]

    def done(rated: ServiceRequest) -> str:
        if rated.status == ServiceRequest.Status.ARCHIVED:
            text = _("The customer gave %(score)s/5: the request is archived.")
        elif rated.status == ServiceRequest.Status.HANDLED:
            text = _("The customer gave %(score)s/5; archive the complaint once it is reviewed.")
        else:
            text = _("The customer gave %(score)s/5: the request goes back to handling.")
        return text % {"score": score}

    return _act(
        request,
        found,
        lambda: services.service_request_feedback(
            actor=request.user, request=found, satisfaction=score, note=form.cleaned_data["note"]
        ),
        done,
        form,
    )


@require("service.archive_servicerequest")
@require_POST
def request_archive(request: AuthedRequest, pk: int) -> HttpResponse:
    found = selectors.request_get(actor=request.user, pk=pk)
    form = ArchiveForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {}
    return _act(
        request,
        found,
        lambda: services.service_request_archive(actor=request.user, request=found, **data),
        _("%(number)s was archived.") % {"number": found.number},
        form,
    )


@require("service.change_servicerequest")
@require_POST
def request_attach(request: AuthedRequest, pk: int) -> HttpResponse:
    found = selectors.request_get(actor=request.user, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to attach."))
        return redirect(found)
    upload = form.cleaned_data["file"]
    return _act(
        request,
        found,
        lambda: services.attachment_add(actor=request.user, request=found, upload=upload),
        _("%(name)s was attached.") % {"name": upload.name},
        form,
    )


@require("service.view_servicerequest")
def attachment_download(request: AuthedRequest, pk: int) -> FileResponse:
    attachment = selectors.attachment_get(actor=request.user, pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("No such file.")) from None
    return FileResponse(handle, as_attachment=True, filename=attachment.name)


@require("service.add_servicerequest")
def customer_search(request: AuthedRequest) -> HttpResponse:
    """The form's customer picker: customers matching a name, initials or a phone number."""
    text = request.GET.get("q", "").strip()
    found = customer_list(actor=request.user, filters={"q": text})[:8] if len(text) >= 2 else []
    return render(request, "service/_customer_choices.html", {"customers": found, "q": text})


@require("service.add_servicerequest")
def customer_contacts(request: AuthedRequest) -> HttpResponse:
    pk = request.GET.get("customer", "")
    customer = customer_get(actor=request.user, pk=int(pk)) if pk.isdigit() else None
    contacts = list(customer.contacts.order_by("-is_primary", "name")) if customer else []
    chosen = request.GET.get("contact", "")
    return render(
        request,
        "service/_contact_choices.html",
        {"contacts": contacts, "chosen": int(chosen) if chosen.isdigit() else None},
    )


@require("service.view_servicerequest")
def service_dashboard(request: AuthedRequest) -> HttpResponse:
    period, choice = named_period(request.GET.get("period"))
    figures = selectors.dashboard_cached(actor=request.user, period=period)
    lookup = DictionaryLookup()
    # Labels in the reader's language, on a copy: the cached figures are shared.
    figures = {
        **figures,
        "by_month": [
            {**row, "label": lookup.label("service_type", row["type"])}
            for row in figures["by_month"]
        ],
        "by_channel": [
            {**row, "label": str(ServiceRequest.Channel(row["channel"]).label)}
            for row in figures["by_channel"]
        ],
    }
    return render(
        request,
        "service/dashboard.html",
        {"figures": figures, "choice": choice, "periods": PERIOD_CHOICES},
    )
