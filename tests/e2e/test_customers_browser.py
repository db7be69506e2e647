"""Customers in a real browser: list and search, the 360 page, and an import with errors."""

from datetime import date, timedelta
from decimal import Decimal
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import timezone

from guanxi.core.models import DictCategory
from guanxi.core.roles import Role
from guanxi.customers.models import Customer
from guanxi.orders.models import Order
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_browser import VIEWPORTS, sign_in
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    InteractionFactory,
    OrderFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NAMES = [
    "北京华信科技有限公司",
    "上海宏达贸易有限公司",
    "广州恒通物流有限公司",
    "深圳瑞丰电子科技股份有限公司",
    "杭州云栖信息技术有限公司",
    "成都天府软件有限公司",
]


@pytest.fixture
def book(transactional_db: None) -> Customer:
    # A transactional test empties every table afterwards, seeded ones too: seed again.
    if not DictCategory.objects.exists():
        import_module("guanxi.core.migrations.0002_seed_dictionary").seed(apps, None)
        import_module("guanxi.core.migrations.0003_satisfaction_and_sequence").seed(apps, None)
    team = TeamFactory(name="华东销售部")
    admin = UserFactory(
        username="admin", last_name="张", first_name="伟", role=Role.ADMINISTRATOR, team=team
    )
    rep = UserFactory(username="lilei", last_name="李", first_name="雷", team=team)
    customers = [
        CustomerFactory(
            name=name,
            account_manager=rep if index % 2 else admin,
            level=["major", "ordinary", "partner"][index % 3],
            region="beijing",
            phone=f"010-8888{index:04d}",
        )
        for index, name in enumerate(NAMES)
    ]
    first = customers[0]
    ContactFactory(
        customer=first, name="王建国", title="采购经理", mobile="13812345678", is_primary=True
    )
    now = timezone.now()
    for months_ago, count in enumerate([2, 1, 3, 0, 2, 1]):
        for n in range(count):
            InteractionFactory(
                customer=first,
                occurred_at=now - timedelta(days=30 * months_ago + n),
                channel="visit",
                summary="季度回访" if n == 0 else "电话沟通",
                recorded_by=admin,
            )
    for index in range(4):
        OrderFactory(
            number=f"SO{index:010d}",
            customer=first,
            order_date=date.today() - timedelta(days=40 * index),
            total=Decimal(12800 * (index + 1)),
            status="completed",
        )
    return first


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_list_search_and_360(browser, live_server, book, language, viewport) -> None:  # type: ignore[no-untyped-def]
    locale = "zh-CN" if language == "zh-hans" else "en-US"
    context = browser.new_context(locale=locale, viewport=VIEWPORTS[viewport])
    page = context.new_page()
    sign_in(page, live_server, language)
    page.goto(f"{live_server.url}/customers/")
    assert page.locator("#customer-table tbody tr").count() == 6
    page.screenshot(path=SCREENSHOTS / f"customers-{language}-{viewport}.png", full_page=True)

    for query, expected in [("科技", 2), ("bjhx", 1), ("yunqi", 1), ("88880004", 1)]:
        page.fill("input[name=q]", query)
        page.press("input[name=q]", "Enter")
        page.wait_for_load_state()
        assert page.locator("#customer-table tbody tr").count() == expected, query
    page.fill("input[name=q]", "科技")
    page.press("input[name=q]", "Enter")
    page.wait_for_load_state()
    page.screenshot(path=SCREENSHOTS / f"customer-search-{language}-{viewport}.png", full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the list is {overflow}px too wide"

    page.goto(f"{live_server.url}/customers/{book.pk}/")
    assert page.locator("#customer-name").inner_text() == "北京华信科技有限公司"
    assert page.locator("#orders-count").inner_text() == "4"
    assert page.locator("#communications-chart canvas").count() == 1
    assert page.locator("#orders-chart canvas").count() == 1
    assert page.locator("#timeline li").count() >= 10
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the 360 page is {overflow}px too wide"
    page.screenshot(path=SCREENSHOTS / f"customer-360-{language}-{viewport}.png", full_page=True)
    context.close()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_import_with_errors(browser, live_server, book, tmp_path: Path, language) -> None:  # type: ignore[no-untyped-def]
    locale = "zh-CN" if language == "zh-hans" else "en-US"
    context = browser.new_context(locale=locale, viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    sign_in(page, live_server, language)
    upload = tmp_path / "客户.csv"
    upload.write_text(
        "客户名称,客户等级,电话,统一社会信用代码\n"
        "西安古城文化传媒有限公司,大客户,029-88886666,91350100M000100Y43\n"
        "坏数据公司,VIP,12345,91350100M000100Y44\n"
        "北京华信科技股份有限公司,普通客户,,\n",
        encoding="utf-8",
    )
    page.goto(f"{live_server.url}/imports/new/?kind=customers")
    page.set_input_files("input[name=file]", str(upload))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#import-state")
    # The worker runs the job immediately in tests; the page polls until it is done.
    page.wait_for_function("!document.querySelector('#import-status[hx-get]')", timeout=15000)
    assert page.locator("#import-errors tbody tr.table-danger").count() == 3
    assert page.locator("#import-errors tbody tr.table-warning").count() == 1
    assert page.locator("#import-failed").is_visible()
    assert not Customer.objects.filter(name="西安古城文化传媒有限公司").exists()
    page.screenshot(path=SCREENSHOTS / f"import-errors-{language}-desktop.png", full_page=True)
    context.close()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_other_pages_render(browser, live_server, book, language, viewport) -> None:  # type: ignore[no-untyped-def]
    from guanxi.catalog.models import StockItem
    from tests.factories import ProductFactory, WarehouseFactory

    product = ProductFactory(name="伺服电机", model="SM-750W", price="2350.00")
    StockItem.objects.create(
        product=product, warehouse=WarehouseFactory(name="上海仓"), location="A-01-1", quantity=12
    )
    order = Order.objects.filter(customer=book).first()
    assert order is not None
    locale = "zh-CN" if language == "zh-hans" else "en-US"
    context = browser.new_context(locale=locale, viewport=VIEWPORTS[viewport])
    page = context.new_page()
    sign_in(page, live_server, language)
    for name, path in [
        ("customer-form", "/customers/new/"),
        ("customer-edit", f"/customers/{book.pk}/edit/"),
        ("customer-merge", f"/customers/{book.pk}/merge/?q=科技"),
        ("interaction-form", f"/customers/{book.pk}/interactions/new/"),
        ("products", "/products/"),
        ("product", f"/products/{product.pk}/"),
        ("stock", "/stock/"),
        ("stock-adjust", "/stock/adjust/"),
        ("orders", "/orders/"),
        ("order", f"/orders/{order.pk}/"),
        ("order-form", f"/orders/new/?customer={book.pk}"),
        ("import-form", "/imports/new/"),
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px too wide"
        if name == "order-form":
            page.click("#add-line")
            assert page.locator("#order-lines .order-line").count() == 2
        page.screenshot(path=SCREENSHOTS / f"{name}-{language}-{viewport}.png", full_page=True)
    context.close()
