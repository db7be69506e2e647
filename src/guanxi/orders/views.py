"""Order pages: the list, one order, and the order form with its lines."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from guanxi.core.selectors import audit_for_record
from guanxi.customers.selectors import customer_by_code, customer_get
from guanxi.orders import selectors, services
from guanxi.orders.forms import LineFormSet, OrderForm
from guanxi.orders.models import Order
from guanxi.orders.tables import OrderTable
from guanxi.web.pagination import CappedPaginator
from guanxi.web.utils import AuthedRequest, require

PAGE_SIZE = 25


@require("orders.view_order")
def order_list(request: AuthedRequest) -> HttpResponse:
    filterset = selectors.order_filters(actor=request.user, data=request.GET)
    filters, orders = filterset.form, filterset.qs
    chosen = filters.cleaned_data.get("customer") if filters.is_valid() else None
    customer = customer_get(actor=request.user, pk=int(chosen)) if chosen else None
    table = OrderTable(orders)
    RequestConfig(
        request, paginate={"per_page": PAGE_SIZE, "paginator_class": CappedPaginator}
    ).configure(table)
    context = {"filters": filters, "table": table, "customer": customer}
    return render(request, "orders/order_list.html", context)


@require("orders.view_order")
def order_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    order = selectors.order_get(actor=request.user, pk=pk)
    context = {
        "order": order,
        "history": audit_for_record(instance=order)[:20],
        "next_statuses": [
            Order.Status(s) for s in services.TRANSITIONS[Order.Status(order.status)]
        ],
    }
    return render(request, "orders/order_detail.html", context)


def _line_inputs(formset: Any) -> list[services.LineInput]:
    return [
        services.LineInput(
            product=form.cleaned_data.get("product"),
            description=form.cleaned_data.get("description") or "",
            quantity=form.cleaned_data.get("quantity"),
            unit_price=form.cleaned_data.get("unit_price"),
        )
        for form in formset
        if form.cleaned_data and not form.is_blank()
    ]


def _show_line_errors(form: OrderForm, formset: Any, error: dict[str, list[str]]) -> None:
    for field, messages_ in error.items():
        if field.startswith("lines."):
            _prefix, index, name = field.split(".", 2)
            target = formset.forms[int(index) - 1]
            target.add_error(name if name in target.fields else None, messages_)
        else:
            form.add_error(field if field in form.fields else None, messages_)


@require("orders.add_order")
def order_create(request: AuthedRequest) -> HttpResponse:
    initial: dict[str, Any] = {}
    if request.GET.get("customer", "").isdigit():
        customer = customer_get(actor=request.user, pk=int(request.GET["customer"]))
        initial = {"customer_code": customer.code, "delivery_address": customer.address}
    form = OrderForm(request.POST or None, initial=initial)
    formset = LineFormSet(request.POST or None, prefix="lines")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        found = customer_by_code(actor=request.user, code=data["customer_code"].strip())
        if found is None:
            form.add_error(
                "customer_code",
                _("No customer you may see has the code %(code)s.")
                % {"code": data["customer_code"]},
            )
        else:
            try:
                order = services.order_create(
                    actor=request.user,
                    customer=found,
                    order_date=data["order_date"],
                    status=data["status"],
                    delivery_address=data["delivery_address"],
                    notes=data["notes"],
                    lines=_line_inputs(formset),
                )
            except ValidationError as error:
                _show_line_errors(form, formset, error.message_dict)
            else:
                messages.success(request, _("Order %(number)s was created.") % {"number": order})
                return redirect(order)
    context = {"form": form, "formset": formset, "title": _("New order")}
    return render(request, "orders/order_form.html", context)


@require("orders.change_order")
def order_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    order = selectors.order_get(actor=request.user, pk=pk)
    if request.method == "POST" and "status" in request.POST and len(request.POST) <= 2:
        # The status buttons on the order page post only the new status.
        try:
            updated = services.order_update(
                actor=request.user, order=order, status=request.POST["status"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Order %(number)s is now %(status)s.")
                % {"number": order, "status": updated.get_status_display()},
            )
        return redirect(order)
    initial = {
        "customer_code": order.customer.code,
        "order_date": order.order_date,
        "status": order.status,
        "delivery_address": order.delivery_address,
        "notes": order.notes,
    }
    lines = [
        {
            "product": line.product_id,
            "description": line.description,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
        }
        for line in order.lines.all()
    ]
    form = OrderForm(request.POST or None, initial=initial)
    form.fields["customer_code"].disabled = True
    formset = LineFormSet(request.POST or None, prefix="lines", initial=lines)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        line_inputs = _line_inputs(formset)
        try:
            services.order_update(
                actor=request.user,
                order=order,
                status=data["status"],
                order_date=data["order_date"],
                delivery_address=data["delivery_address"],
                notes=data["notes"],
                lines=line_inputs if line_inputs or order.lines.exists() else None,
            )
        except ValidationError as error:
            _show_line_errors(form, formset, error.message_dict)
        else:
            messages.success(request, _("Changes to %(name)s were saved.") % {"name": order})
            return redirect(order)
    context = {
        "form": form,
        "formset": formset,
        "title": _("Edit %(name)s") % {"name": order},
        "order": order,
    }
    return render(request, "orders/order_form.html", context)
