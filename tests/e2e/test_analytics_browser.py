"""Analytics in a real browser: the KPI dashboard, a report with its export, a churn warning
worked to confirmed churn, an improvement plan, and every analytics page at two widths."""

from datetime import date, timedelta
from decimal import Decimal
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import timezone
from openpyxl import load_workbook

from guanxi.analytics.lifecycle import lifecycle_scan
from guanxi.analytics.models import ChurnWarning, ImprovementPlan, LifecycleStrategy
from guanxi.analytics.services import churn_scan, refresh_scores, satisfaction_watch
from guanxi.core.models import DictCategory, DictItem
from guanxi.core.roles import Role
from guanxi.customers.models import Customer
from guanxi.orders.models import Order
from guanxi.service.models import ServiceRequest
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_browser import VIEWPORTS, sign_in
from tests.factories import (
    CustomerFactory,
    OrderFactory,
    ServiceRequestFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def books(transactional_db: None) -> dict:  # type: ignore[type-arg]
    # A transactional test empties every table afterwards, seeded ones too: seed again.
    if not DictCategory.objects.exists():
        import_module("guanxi.core.migrations.0002_seed_dictionary").seed(apps, None)
        import_module("guanxi.core.migrations.0003_satisfaction_and_sequence").seed(apps, None)
    if not DictItem.objects.filter(category__code="churn_reason").exists():
        import_module("guanxi.analytics.migrations.0002_seed").seed_churn_reasons(apps, None)
    if not LifecycleStrategy.objects.exists():
        import_module("guanxi.analytics.migrations.0003_lifecycle").seed_strategies(apps, None)
    if not DictItem.objects.filter(category__code="service_type").exists():
        import_module("guanxi.service.migrations.0002_seed").seed_service(apps, None)
    team = TeamFactory(name="华东销售部")
    admin = UserFactory(
        username="admin", last_name="张", first_name="伟", role=Role.ADMINISTRATOR, team=team
    )
    today = timezone.localdate()
    customers = []
    for index in range(24):
        customer = CustomerFactory(
            name=f"杭州{['新元', '华信', '恒通', '宏达'][index % 4]}{index}贸易有限公司",
            account_manager=admin,
            region=["beijing", "shanghai", "guangdong"][index % 3],
        )
        customers.append(customer)
        # Every third customer went quiet 200–400 days ago; the others buy every few weeks.
        stop = today - timedelta(days=200 + index * 8) if index % 3 == 0 else today
        day = today - timedelta(days=700)
        while day <= stop:
            OrderFactory(
                number=f"E{customer.pk:04d}{day:%Y%m%d}",
                customer=customer,
                order_date=day,
                total=Decimal(1000 + index * 500),
            )
            day += timedelta(days=20 + index)
    Customer.objects.update(created_at=timezone.now() - timedelta(days=800))
    moment = timezone.now() - timedelta(days=5)
    for number, score in enumerate([2, 1, 3]):
        ServiceRequestFactory(
            number=f"SR9{number}",
            service_type="complaint",
            customer=customers[1],
            summary="送货延误",
            received_at=moment,
            status=ServiceRequest.Status.ARCHIVED,
            satisfaction=score,
            feedback_at=moment,
        )
    churn_scan()
    refresh_scores()
    satisfaction_watch()
    lifecycle_scan()
    return {"admin": admin, "customers": customers}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_dashboard_and_a_report(browser, live_server, books, language, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    locale = "zh-CN" if language == "zh-hans" else "en-US"
    context = browser.new_context(
        locale=locale, viewport=VIEWPORTS["desktop"], accept_downloads=True
    )
    page = context.new_page()
    sign_in(page, live_server, language)
    page.click("nav >> text=" + ("统计分析" if language == "zh-hans" else "Analytics"))
    page.wait_for_selector("#kpi-retention_rate .kpi-trend canvas")
    retention = page.locator("#kpi-retention_rate")
    assert retention.locator(".kpi-value").inner_text().endswith("%")
    page.locator("#kpi-retention_rate summary").click()
    definition = retention.locator("details p").inner_text()
    assert definition.startswith("（期初客户数" if language == "zh-hans" else "(Customers at")
    satisfaction = page.locator("#kpi-avg_satisfaction")
    assert satisfaction.get_attribute("data-state") == "bad"  # 2.0 from the three ratings
    assert page.locator("#open-plans li a").count() == 1  # the unhappy customer's
    page.screenshot(path=SCREENSHOTS / f"analytics-dashboard-{language}.png", full_page=True)

    page.click("#tab-reports")
    page.wait_for_selector("#report-chart canvas")
    this_year = Order.objects.filter(order_date__year=timezone.localdate().year)
    buyers = this_year.values("customer").distinct()
    rows = page.locator("#report-table tbody tr")
    assert rows.count() == buyers.count()
    first_amount = rows.first.locator("td").nth(5).inner_text()
    page.select_option("#id_region", "beijing")
    page.click("#report-filters button[type=submit]")
    page.wait_for_selector("#report-chart canvas")
    beijing = buyers.filter(customer__region="beijing").count()
    assert page.locator("#report-table tbody tr").count() == beijing
    with page.expect_download() as download:
        page.click("#export-xlsx")
    saved = tmp_path / "report.xlsx"
    download.value.save_as(saved)
    sheet = load_workbook(saved).active
    assert sheet.max_row == beijing + 1  # the header and the Beijing customers
    assert sheet.cell(1, 2).value == ("客户" if language == "zh-hans" else "Customer")
    page.screenshot(path=SCREENSHOTS / f"analytics-report-{language}.png", full_page=True)
    assert first_amount.startswith("¥")

    page.click("#report-churn")
    page.wait_for_selector("#report-chart canvas")
    context.close()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_churn_warning_worked_to_confirmed_churn(browser, live_server, books, language) -> None:  # type: ignore[no-untyped-def]
    locale = "zh-CN" if language == "zh-hans" else "en-US"
    context = browser.new_context(locale=locale, viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    sign_in(page, live_server, language)
    page.goto(f"{live_server.url}/analytics/churn/")
    assert page.locator("#churn-table tbody tr").count() == 8
    page.locator("#churn-table tbody tr a").first.click()
    page.fill("#id_measure-description", "客户经理上门拜访")
    page.click("#measure-form button")
    assert "客户经理上门拜访" in page.locator("#measures").inner_text()
    page.select_option("#id_confirm-reason", "competitor")
    page.click("#confirm-form button")
    assert page.locator("#churn-status").inner_text() == (
        "已确认流失" if language == "zh-hans" else "Churn confirmed"
    )
    warning = ChurnWarning.objects.get(status="churned")
    assert warning.reason == "competitor"
    assert warning.customer.status == "churned"
    page.goto(f"{live_server.url}/analytics/plans/")
    page.locator("#plan-table tbody tr a").first.click()
    page.fill("#id_task-title", "培训客服话术")
    page.click("#task-form button")
    for _ in range(2):
        page.locator("#tasks form button").first.click()
    page.fill("#id_close-outcome", "满意度回升")
    page.click("#close-form button")
    assert ImprovementPlan.objects.filter(status="closed").count() == 1
    context.close()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_stage_by_hand_and_a_strategy(browser, live_server, books, language) -> None:  # type: ignore[no-untyped-def]
    locale = "zh-CN" if language == "zh-hans" else "en-US"
    context = browser.new_context(locale=locale, viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    sign_in(page, live_server, language)
    page.goto(f"{live_server.url}/analytics/lifecycle/")
    page.wait_for_selector("#lifecycle-chart canvas")
    quiet = books["customers"][0]  # went quiet 200 days ago: declining
    assert Customer.objects.get(pk=quiet.pk).lifecycle_stage == "declining"
    page.goto(f"{live_server.url}/customers/{quiet.pk}/#section-lifecycle")
    section = page.locator("#lifecycle")
    assert section.get_attribute("data-stage") == "declining"
    assert ("尽快找出原因" if language == "zh-hans" else "Find out why") in section.inner_text()
    page.locator("#lifecycle-override summary").click()
    page.select_option("#lifecycle-stage", "mature")
    page.fill("#lifecycle-reason", "集团统一采购，改为季度下单")
    page.click("#lifecycle-set")
    page.wait_for_selector("#lifecycle-clear")
    assert page.locator("#lifecycle").get_attribute("data-stage") == "mature"
    assert "集团统一采购" in page.locator("#lifecycle-source").inner_text()
    page.locator("#section-lifecycle").screenshot(
        path=SCREENSHOTS / f"customer-360-lifecycle-{language}.png"
    )
    lifecycle_scan()  # the nightly run keeps it
    assert Customer.objects.get(pk=quiet.pk).lifecycle_stage == "mature"
    page.click("#edit-strategy")
    page.fill("#id_strategy_zh", "保持季度回访，关注采购计划。")
    page.fill("#id_strategy_en", "Call back every quarter; watch their purchasing plan.")
    page.click("#strategy-form button[type=submit]")
    page.wait_for_selector("#lifecycle-strategy")
    expected = "保持季度回访" if language == "zh-hans" else "Call back every quarter"
    assert expected in page.locator("#lifecycle-strategy").inner_text()
    page.click("#lifecycle-clear")
    page.wait_for_selector("#lifecycle[data-stage=declining]")
    context.close()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_every_analytics_page(browser, live_server, books, language, viewport) -> None:  # type: ignore[no-untyped-def]
    locale = "zh-CN" if language == "zh-hans" else "en-US"
    context = browser.new_context(locale=locale, viewport=VIEWPORTS[viewport])
    page = context.new_page()
    sign_in(page, live_server, language)
    warning = ChurnWarning.objects.first()
    plan = ImprovementPlan.objects.first()
    pages = {
        "analytics-dashboard": "/analytics/",
        "analytics-contribution": f"/analytics/reports/contribution/?year={date.today().year}",
        "analytics-composition": "/analytics/reports/composition/",
        "analytics-service": "/analytics/reports/service/",
        "analytics-churn-report": "/analytics/reports/churn/",
        "analytics-segments": "/analytics/segments/",
        "analytics-churn": "/analytics/churn/",
        "analytics-churn-warning": f"/analytics/churn/{warning.pk}/",
        "analytics-plans": "/analytics/plans/?status=all",
        "analytics-plan": f"/analytics/plans/{plan.pk}/",
        "analytics-settings": "/analytics/settings/",
        "analytics-lifecycle": "/analytics/lifecycle/",
        "analytics-lifecycle-strategy": "/analytics/lifecycle/growing/",
        "customer-360-scores": f"/customers/{books['customers'][0].pk}/",
        "customers-by-risk": "/customers/?segment=&sort=-churn_risk",
    }
    for name, url in pages.items():
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        page.screenshot(path=SCREENSHOTS / f"{name}-{language}-{viewport}.png", full_page=True)
        assert overflow <= 0, f"{name} is {overflow}px too wide"
    page.goto(f"{live_server.url}/analytics/segments/")
    page.wait_for_selector("#segment-chart canvas")
    assert (
        "customer-scores"
        in page.goto(f"{live_server.url}/customers/{books['customers'][0].pk}/").text()
    )
    context.close()
