"""The kinds of records that can be imported and exported, by the name the CLI and URLs use."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict
from django.utils.functional import Promise

from guanxi.accounts.models import User
from guanxi.transfer.engine import Importer
from guanxi.transfer.kinds import catalog, contacts, customers, orders
from guanxi.transfer.models import RecordKind

Exporter = Callable[..., tuple[list[str], Iterator[list[Any]]]]


@dataclass(frozen=True)
class Kind:
    name: str
    label: str | Promise
    importer: type[Importer]
    exporter: Exporter
    view_permission: str
    # The exporter takes the list page's query string, which the list's FilterSet reads: an
    # export holds the rows the page shows.
    filtered: bool = False

    def export(self, actor: User, query: QueryDict) -> tuple[list[str], Iterator[list[Any]]]:
        if self.filtered:
            return self.exporter(actor, query)
        return self.exporter(actor)


KINDS = {
    kind.name: kind
    for kind in [
        Kind(
            RecordKind.CUSTOMERS,
            RecordKind.CUSTOMERS.label,
            customers.CustomerImporter,
            customers.export_rows,
            "customers.view_customer",
            filtered=True,
        ),
        Kind(
            RecordKind.CONTACTS,
            RecordKind.CONTACTS.label,
            contacts.ContactImporter,
            contacts.export_rows,
            "customers.view_contact",
        ),
        Kind(
            RecordKind.PRODUCTS,
            RecordKind.PRODUCTS.label,
            catalog.ProductImporter,
            catalog.export_products,
            "catalog.view_product",
        ),
        Kind(
            RecordKind.INVENTORY,
            RecordKind.INVENTORY.label,
            catalog.InventoryImporter,
            catalog.export_inventory,
            "catalog.view_stockitem",
        ),
        Kind(
            RecordKind.ORDERS,
            RecordKind.ORDERS.label,
            orders.OrderImporter,
            orders.export_rows,
            "orders.view_order",
            filtered=True,
        ),
    ]
}
