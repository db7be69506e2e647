"""The data dictionary pages and the audit trail search."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from guanxi.administration.forms import DictItemForm
from guanxi.administration.tables import AccessTable, AuditTable
from guanxi.core import selectors, services
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
