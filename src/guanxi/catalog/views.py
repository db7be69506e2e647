"""Product, warehouse and stock pages."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from guanxi.catalog import selectors, services
from guanxi.catalog.forms import (
    ProductForm,
    StockAdjustForm,
    WarehouseForm,
)
from guanxi.catalog.tables import ProductTable, StockTable
from guanxi.core.selectors import audit_for_record
from guanxi.web.utils import AuthedRequest, require, run_service

PAGE_SIZE = 25


@require("catalog.view_product")
def product_list(request: AuthedRequest) -> HttpResponse:
    filterset = selectors.product_filters(actor=request.user, data=request.GET)
    filters = filterset.form
    table = ProductTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    return render(request, "catalog/product_list.html", {"filters": filters, "table": table})


@require("catalog.view_product")
def product_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    product = selectors.product_get(actor=request.user, pk=pk)
    stock = selectors.stock_list(actor=request.user, filters={"product": product.pk})
    context = {
        "product": product,
        "stock": stock,
        "history": audit_for_record(instance=product)[:20],
    }
    return render(request, "catalog/product_detail.html", context)


@require("catalog.add_product")
def product_create(request: AuthedRequest) -> HttpResponse:
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        product = run_service(
            form, lambda: services.product_create(actor=request.user, **form.cleaned_data)
        )
        if product is not None:
            messages.success(request, _("Product %(name)s was created.") % {"name": product})
            return redirect(product)
    context = {"form": form, "title": _("New product"), "back": "/products/"}
    return render(request, "web/form.html", context)


@require("catalog.change_product")
def product_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    product = selectors.product_get(actor=request.user, pk=pk)
    form = ProductForm(request.POST or None, instance=product)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.changed_data if name != "code"}
        updated = run_service(
            form, lambda: services.product_update(actor=request.user, product=product, **values)
        )
        if updated is not None:
            messages.success(request, _("Changes to %(name)s were saved.") % {"name": updated})
            return redirect(updated)
    context = {
        "form": form,
        "title": _("Edit %(name)s") % {"name": product},
        "back": product.get_absolute_url(),
    }
    return render(request, "web/form.html", context)


@require("catalog.view_warehouse")
def warehouse_list(request: AuthedRequest) -> HttpResponse:
    form = WarehouseForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("catalog.add_warehouse"):
            return render(request, "403.html", status=403)
        if form.is_valid():
            warehouse = run_service(
                form, lambda: services.warehouse_create(actor=request.user, **form.cleaned_data)
            )
            if warehouse is not None:
                messages.success(
                    request, _("Warehouse %(name)s was created.") % {"name": warehouse}
                )
                return redirect("warehouse-list")
    context = {"warehouses": selectors.warehouse_list(actor=request.user), "form": form}
    return render(request, "catalog/warehouse_list.html", context)


@require("catalog.view_stockitem")
def stock_list(request: AuthedRequest) -> HttpResponse:
    filterset = selectors.stock_filters(actor=request.user, data=request.GET)
    filters = filterset.form
    table = StockTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    return render(request, "catalog/stock_list.html", {"filters": filters, "table": table})


@require("catalog.change_stockitem")
def stock_adjust(request: AuthedRequest) -> HttpResponse:
    form = StockAdjustForm(request.POST or None, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        item = run_service(
            form, lambda: services.stock_adjust(actor=request.user, **form.service_values())
        )
        if item is not None:
            messages.success(
                request,
                _("%(product)s at %(place)s: %(quantity)s on hand.")
                % {
                    "product": item.product.name,
                    "place": f"{item.warehouse.name} {item.location}".strip(),
                    "quantity": f"{item.quantity.normalize():f}",
                },
            )
            return redirect("stock-list")
    context = {"form": form, "title": _("Receive or issue stock"), "back": "/stock/"}
    return render(request, "web/form.html", context)
