"""The kinds of records that can be imported and exported, by the name the CLI and URLs use."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import User
from guanxi.core.selectors import DictionaryLookup
from guanxi.transfer.engine import Importer
from guanxi.transfer.kinds import catalog, contacts, customers, orders

Exporter = Callable[..., tuple[list[str], Iterator[list[Any]]]]
# Turns a list page's query string into the filters its exporter takes (same rows as the page).
FilterParser = Callable[[User, QueryDict], Any]


def customer_filters(actor: User, query: QueryDict) -> Any:
    from guanxi.customers.forms import CustomerFilterForm

    return CustomerFilterForm(query, actor=actor, lookup=DictionaryLookup()).selector_filters()


def order_filters(actor: User, query: QueryDict) -> Any:
    from guanxi.orders.forms import OrderFilterForm

    return OrderFilterForm(query).selector_filters()


@dataclass(frozen=True)
class Kind:
    name: str
    label: str | Promise
    importer: type[Importer]
    exporter: Exporter
    view_permission: str
    filters: FilterParser | None = None

    def export(self, actor: User, query: QueryDict) -> tuple[list[str], Iterator[list[Any]]]:
        if self.filters is None:
            return self.exporter(actor)
        return self.exporter(actor, self.filters(actor, query))


KINDS = {
    kind.name: kind
    for kind in [
        Kind(
            "customers",
            _("Customers"),
            customers.CustomerImporter,
            customers.export_rows,
            "customers.view_customer",
            customer_filters,
        ),
        Kind(
            "contacts",
            _("Contacts"),
            contacts.ContactImporter,
            contacts.export_rows,
            "customers.view_contact",
        ),
        Kind(
            "products",
            _("Products"),
            catalog.ProductImporter,
            catalog.export_products,
            "catalog.view_product",
        ),
        Kind(
            "inventory",
            _("Inventory"),
            catalog.InventoryImporter,
            catalog.export_inventory,
            "catalog.view_stockitem",
        ),
        Kind(
            "orders",
            _("Orders"),
            orders.OrderImporter,
            orders.export_rows,
            "orders.view_order",
            order_filters,
        ),
    ]
}
