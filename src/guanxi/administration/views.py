"""The data dictionary pages, the audit trail search and personal data requests."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from guanxi.administration.forms import DictItemForm, ForgetForm
from guanxi.administration.tables import AccessTable, AuditTable
from guanxi.core import selectors, services, subjects
from guanxi.customers.privacy import find_people
from guanxi.web.utils import AuthedRequest, require, run_service


@require("core.view_dictitem")
def dictionary(request: AuthedRequest, code: str | None = None) -> HttpResponse:
    categories = list(selectors.dictionary(include_inactive=True))
    current = selectors.dict_category_get(code=code or categories[0].code)
    form = DictItemForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("core.add_dictitem"):
            raise PermissionDenied
        if form.is_valid():
            item = run_service(
                form,
                lambda: services.dict_item_create(
                    actor=request.user, category=current, **form.cleaned_data
                ),
            )
            if item is not None:
                messages.success(request, _("“%(item)s” was added.") % {"item": item.label})
                return redirect("dictionary-category", code=current.code)
    context = {
        "categories": categories,
        "current": current,
        "items": current.items.all(),
        "form": form,
    }
    return render(request, "administration/dictionary.html", context)


@require("core.change_dictitem")
def dict_item_edit(request: AuthedRequest, code: str, pk: int) -> HttpResponse:
    category = selectors.dict_category_get(code=code)
    item = selectors.dict_item_get(category=category, pk=pk)
    form = DictItemForm(
        request.POST or None, instance=selectors.dict_item_get(category=category, pk=pk)
    )
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        updated = run_service(
            form, lambda: services.dict_item_update(actor=request.user, item=item, **changes)
        )
        if updated is not None:
            messages.success(request, _("“%(item)s” was saved.") % {"item": updated.label})
            return redirect("dictionary-category", code=code)
    context = {
        "form": form,
        "category": category,
        "item": item,
        "history": selectors.audit_for_record(instance=item)[:20],
    }
    return render(request, "administration/dict_item_form.html", context)


@require("core.delete_dictitem")
@require_POST
def dict_item_delete(request: AuthedRequest, code: str, pk: int) -> HttpResponse:
    category = selectors.dict_category_get(code=code)
    item = selectors.dict_item_get(category=category, pk=pk)
    try:
        services.dict_item_delete(actor=request.user, item=item)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("“%(item)s” was deleted.") % {"item": item.label})
    return redirect("dictionary-category", code=code)


@require("core.view_auditentry")
def audit_search(request: AuthedRequest) -> HttpResponse:
    filterset = selectors.audit_filters(actor=request.user, data=request.GET)
    form = filterset.form
    table = AuditTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "administration/audit_search.html", {"form": form, "table": table})


@require("core.view_accessentry")
def access_search(request: AuthedRequest) -> HttpResponse:
    """Who saw which customer, contact or 360 page, and every export."""
    filterset = selectors.access_filters(actor=request.user, data=request.GET)
    table = AccessTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    context = {"form": filterset.form, "table": table, "retention": settings.ACCESS_LOG_DAYS}
    return render(request, "administration/access_search.html", context)


# --- Personal data requests (PIPL/GDPR) -----------------------------------------------------


@require(subjects.MANAGE)
def privacy_search(request: AuthedRequest) -> HttpResponse:
    """Find a person by mobile, phone, e-mail or name; the requests carried out so far."""
    q = request.GET.get("q", "").strip()
    found = find_people(actor=request.user, q=q) if q else []
    log = subjects.request_list(actor=request.user)[:50]
    return render(
        request, "administration/privacy_search.html", {"q": q, "found": found, "log": log}
    )


@require(subjects.MANAGE)
def privacy_subject(request: AuthedRequest, kind: str, pk: int) -> HttpResponse:
    """Everything held about one person, with the export and the anonymise / erase form."""
    subject = _subject_or_404(request, kind, pk)
    form = ForgetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        erase = form.cleaned_data["mode"] == "erase"
        done = run_service(
            form,
            lambda: subjects.forget(
                actor=request.user, subject=subject, erase=erase, reason=form.cleaned_data["reason"]
            ),
        )
        if done is not None:
            count = sum(done.counts.values())
            messages.success(
                request,
                ngettext(
                    "%(count)s record was anonymised or erased. The request is logged below.",
                    "%(count)s records were anonymised or erased. The request is logged below.",
                    count,
                )
                % {"count": count},
            )
            return redirect("privacy-search")
    context = {
        "subject": subject,
        "kind": kind,
        "holdings": subjects.summary(subject),
        "form": form,
    }
    return render(request, "administration/privacy_subject.html", context)


@require(subjects.MANAGE)
def privacy_export(request: AuthedRequest, kind: str, pk: int) -> HttpResponse:
    """The person's records as a ZIP: subject.json and one CSV per kind of record."""
    subject = _subject_or_404(request, kind, pk)
    content = subjects.export_zip(actor=request.user, subject=subject, request=request)
    response = HttpResponse(content, content_type="application/zip")
    filename = f"personal-data-{kind}-{pk}.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _subject_or_404(request: AuthedRequest, kind: str, pk: int) -> subjects.Subject:
    try:
        return subjects.subject_get(actor=request.user, kind=kind, pk=pk)
    except ValidationError as error:
        raise Http404(" ".join(error.messages)) from error
