"""Every page of customers, products, stock, orders and imports, as every role."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from guanxi.catalog.models import StockItem
from guanxi.customers.models import Contact, Interaction
from guanxi.orders.models import Order, OrderLine
from guanxi.transfer.models import ImportJob
from tests.conftest import ROLE_PERSONAS, Book, People, client_for
from tests.factories import (
    ContactFactory,
    InteractionFactory,
    OrderFactory,
    ProductFactory,
    WarehouseFactory,
)

pytestmark = pytest.mark.django_db

OK, FORBIDDEN, MISSING = 200, 403, 404


@dataclass
class World:
    book: Book
    contact: Contact
    interaction: Interaction
    order: Order
    west_order: Order
    product_id: int
    job: ImportJob


@pytest.fixture
def world(people: People, book: Book) -> World:
    product = ProductFactory(name="伺服电机", price="2350.00")
    warehouse = WarehouseFactory(name="上海仓")
    StockItem.objects.create(product=product, warehouse=warehouse, location="A-01", quantity=5)
    order = OrderFactory(
        number="SO1", customer=book.east, order_date=date(2026, 3, 1), total=Decimal("4700")
    )
    OrderLine.objects.create(
        order=order,
        product=product,
        description="伺服电机",
        quantity=2,
        unit="台",
        unit_price=Decimal("2350"),
        amount=Decimal("4700"),
    )
    west_order = OrderFactory(
        number="SO2", customer=book.west, order_date=date(2026, 3, 2), total=Decimal("100")
    )
    return World(
        book=book,
        contact=ContactFactory(customer=book.east, name="张三丰", is_primary=True),
        interaction=InteractionFactory(
            customer=book.east, occurred_at=timezone.now(), channel="visit", summary="季度回访"
        ),
        order=order,
        west_order=west_order,
        product_id=product.pk,
        job=ImportJob.objects.create(
            kind="customers", file_name="a.csv", started_by=people.rep_east, state="done"
        ),
    )


# page → expected status for admin, executive, sup_east, rep_east, service_east
MATRIX = {
    "/customers/": (OK, OK, OK, OK, OK),
    "/customers/?q=科技&level=ordinary&archived=on": (OK, OK, OK, OK, OK),
    "/customers/new/": (OK, FORBIDDEN, OK, OK, FORBIDDEN),
    "/customers/{east}/": (OK, OK, OK, OK, OK),
    "/customers/{west}/": (OK, OK, MISSING, MISSING, OK),
    "/customers/{east}/edit/": (OK, FORBIDDEN, OK, OK, FORBIDDEN),
    "/customers/{west}/edit/": (OK, FORBIDDEN, MISSING, MISSING, FORBIDDEN),
    "/customers/{east}/merge/": (OK, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    "/customers/{east}/merge/?q=上海": (OK, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    "/customers/{east}/merge/?source={east2}": (OK, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    "/customers/{east}/contacts/new/": (OK, FORBIDDEN, OK, OK, FORBIDDEN),
    "/contacts/{contact}/edit/": (OK, FORBIDDEN, OK, OK, FORBIDDEN),
    "/customers/{east}/interactions/new/": (OK, FORBIDDEN, OK, OK, OK),
    "/customers/{west}/interactions/new/": (OK, FORBIDDEN, MISSING, MISSING, OK),
    "/interactions/{interaction}/": (OK, FORBIDDEN, OK, OK, FORBIDDEN),
    "/products/": (OK, OK, OK, OK, OK),
    "/products/new/": (OK, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    "/products/{product}/": (OK, OK, OK, OK, OK),
    "/products/{product}/edit/": (OK, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    "/warehouses/": (OK, OK, OK, OK, OK),
    "/stock/": (OK, OK, OK, OK, OK),
    "/stock/?below=10&location=A": (OK, OK, OK, OK, OK),
    "/stock/adjust/": (OK, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    "/orders/": (OK, OK, OK, OK, OK),
    "/orders/?customer={east}&status=confirmed": (OK, OK, OK, OK, OK),
    "/orders/new/": (OK, FORBIDDEN, OK, OK, FORBIDDEN),
    "/orders/{order}/": (OK, OK, OK, OK, OK),
    "/orders/{west_order}/": (OK, OK, MISSING, MISSING, OK),
    "/orders/{order}/edit/": (OK, FORBIDDEN, OK, OK, FORBIDDEN),
    "/imports/": (OK, FORBIDDEN, OK, OK, FORBIDDEN),
    "/imports/new/": (OK, FORBIDDEN, OK, OK, FORBIDDEN),
    "/imports/{job}/": (OK, FORBIDDEN, MISSING, OK, FORBIDDEN),
    "/imports/{job}/errors.csv": (OK, FORBIDDEN, MISSING, OK, FORBIDDEN),
    "/export/customers/?format=csv": (OK, OK, OK, OK, OK),
    "/export/orders/?format=xlsx": (OK, OK, OK, OK, OK),
    "/export/products/": (OK, OK, OK, OK, OK),
}
CASES = [
    (page, persona, statuses[index])
    for page, statuses in MATRIX.items()
    for index, persona in enumerate(ROLE_PERSONAS)
]


def url(page: str, world: World) -> str:
    return page.format(
        east=world.book.east.pk,
        east2=world.book.east2.pk,
        west=world.book.west.pk,
        contact=world.contact.pk,
        interaction=world.interaction.pk,
        order=world.order.pk,
        west_order=world.west_order.pk,
        product=world.product_id,
        job=world.job.pk,
    )


@pytest.mark.parametrize(("page", "persona", "status"), CASES)
def test_page_answers_each_role(
    people: People, world: World, page: str, persona: str, status: int
) -> None:
    response = client_for(people.by_name(persona)).get(url(page, world))
    assert response.status_code == status


@pytest.mark.parametrize("page", list(MATRIX))
def test_anonymous_is_sent_to_login(world: World, page: str) -> None:
    response = Client().get(url(page, world))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")
