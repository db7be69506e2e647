from decimal import Decimal

import pytest

from guanxi.catalog.models import StockItem, StockMovement
from guanxi.orders.models import Order
from tests.conftest import Book, People, bearer_for, patch, post
from tests.factories import OrderFactory, ProductFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


class TestProducts:
    def test_supervisors_create_and_everyone_reads(self, people: People) -> None:
        created = post(
            bearer_for(people.sup_east),
            "/api/v1/products",
            {"name": "伺服电机", "model": "SM-750W", "unit": "台", "price": "2350"},
        )
        assert created.status_code == 201
        assert created.json()["code"] == "P000001"
        body = bearer_for(people.service_east).get("/api/v1/products?q=伺服").json()
        assert [p["model"] for p in body["items"]] == ["SM-750W"]

    def test_a_rep_cannot_create(self, people: People) -> None:
        response = post(bearer_for(people.rep_east), "/api/v1/products", {"name": "x"})
        assert response.status_code == 403

    def test_negative_price_is_refused(self, people: People) -> None:
        response = post(bearer_for(people.admin), "/api/v1/products", {"name": "x", "price": "-1"})
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "price", "message": "The amount cannot be negative."}
        ]


class TestStock:
    def test_adjust_and_never_below_zero(self, people: People) -> None:
        product = ProductFactory(name="伺服电机", unit="台")
        warehouse = WarehouseFactory(name="上海仓")
        client = bearer_for(people.sup_east)
        body = {"product": product.pk, "warehouse": warehouse.pk, "location": "A-01"}
        received = post(
            client, "/api/v1/stock/adjust", {**body, "delta": "10", "reason": "采购入库"}
        )
        assert received.status_code == 200
        assert received.json()["quantity"] == "10.00"
        refused = post(client, "/api/v1/stock/adjust", {**body, "delta": "-11"})
        assert refused.status_code == 422
        assert refused.json()["errors"] == [
            {
                "field": "delta",
                "message": "Only 10 台 of 伺服电机 are at 上海仓 A-01; you cannot take 11.",
            }
        ]
        assert StockItem.objects.get().quantity == 10
        assert [m.delta for m in StockMovement.objects.all()] == [Decimal("10.00")]
        listed = bearer_for(people.rep_east).get("/api/v1/stock?below=20&location=A").json()
        assert listed["count"] == 1

    def test_a_rep_cannot_adjust(self, people: People) -> None:
        product, warehouse = ProductFactory(), WarehouseFactory()
        response = post(
            bearer_for(people.rep_east),
            "/api/v1/stock/adjust",
            {"product": product.pk, "warehouse": warehouse.pk, "delta": "1"},
        )
        assert response.status_code == 403

    def test_unknown_product(self, people: People) -> None:
        warehouse = WarehouseFactory()
        response = post(
            bearer_for(people.admin),
            "/api/v1/stock/adjust",
            {"product": 999, "warehouse": warehouse.pk, "delta": "1"},
        )
        assert response.json()["errors"] == [
            {"field": "product", "message": "No product has the id 999."}
        ]


class TestOrders:
    def test_create_with_lines_and_move_status(self, people: People, book: Book) -> None:
        product = ProductFactory(price="100.00")
        client = bearer_for(people.rep_east)
        created = post(
            client,
            "/api/v1/orders",
            {
                "customer": book.east.pk,
                "order_date": "2026-11-01",
                "lines": [
                    {"product": product.pk, "quantity": "3"},
                    {"description": "安装", "quantity": "1", "unit_price": "500"},
                ],
            },
        )
        assert created.status_code == 201, created.content
        order = created.json()
        assert order["total"] == "800.00"
        assert [line["amount"] for line in order["lines"]] == ["300.00", "500.00"]
        shipped = patch(client, f"/api/v1/orders/{order['id']}", {"status": "shipped"})
        assert shipped.json()["status"] == "shipped"
        back = patch(client, f"/api/v1/orders/{order['id']}", {"status": "draft"})
        assert back.status_code == 422
        assert back.json()["errors"] == [
            {"field": "status", "message": "An order that is Shipped cannot become Draft."}
        ]

    def test_a_line_with_an_unknown_product(self, people: People, book: Book) -> None:
        response = post(
            bearer_for(people.rep_east),
            "/api/v1/orders",
            {
                "customer": book.east.pk,
                "order_date": "2026-11-01",
                "lines": [{"product": 9, "quantity": "1"}],
            },
        )
        assert response.json()["errors"] == [
            {"field": "lines.1.product", "message": "No product has the id 9."}
        ]

    def test_orders_are_scoped_through_the_customer(self, people: People, book: Book) -> None:
        OrderFactory(number="SO-W", customer=book.west, order_date="2026-01-01", total=1)
        OrderFactory(number="SO-E", customer=book.east, order_date="2026-01-01", total=1)
        rep = bearer_for(people.rep_east)
        assert [o["number"] for o in rep.get("/api/v1/orders").json()["items"]] == ["SO-E"]
        west = Order.objects.get(number="SO-W")
        assert rep.get(f"/api/v1/orders/{west.pk}").status_code == 404
        response = post(
            rep,
            "/api/v1/orders",
            {"customer": book.west.pk, "order_date": "2026-11-01", "total": "5"},
        )
        assert response.status_code == 404

    def test_the_executive_reads_but_cannot_order(self, people: People, book: Book) -> None:
        executive = bearer_for(people.executive)
        assert executive.get("/api/v1/orders").status_code == 200
        response = post(
            executive,
            "/api/v1/orders",
            {"customer": book.east.pk, "order_date": "2026-11-01", "total": "5"},
        )
        assert response.status_code == 403
