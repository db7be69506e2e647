"""The service desk in a real browser: the queues, and a complaint from logging to archive."""

from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone

from guanxi.core.models import DictCategory
from guanxi.core.roles import Role
from guanxi.service import services
from guanxi.service.models import IntakeForm, ServiceRequest, SlaPolicy
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_browser import VIEWPORTS, sign_in
from tests.factories import ContactFactory, CustomerFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(transactional_db: None) -> dict:  # type: ignore[type-arg]
    # A transactional test empties every table afterwards, seeded ones too: seed again.
    if not DictCategory.objects.exists():
        import_module("guanxi.core.migrations.0002_seed_dictionary").seed(apps, None)
        import_module("guanxi.core.migrations.0003_satisfaction_and_sequence").seed(apps, None)
    if not SlaPolicy.objects.exists():
        import_module("guanxi.service.migrations.0002_seed").seed_service(apps, None)
    team = TeamFactory(name="客户服务部")
    admin = UserFactory(
        username="admin", last_name="张", first_name="伟", role=Role.ADMINISTRATOR, team=team
    )
    customer = CustomerFactory(
        name="北京华信科技有限公司", account_manager=admin, phone="010-88886666"
    )
    ContactFactory(customer=customer, name="李雷", mobile="13900001111", is_primary=True)
    now = timezone.now()
    log = services.service_request_create
    made = {
        "breached": log(
            actor=admin,
            customer=customer,
            service_type="inquiry",
            priority="urgent",
            summary="生产线停机，急需技术支持",
            received_at=now - timedelta(hours=2),
            assignee=admin,
        ),
        "at_risk": log(
            actor=admin,
            customer=customer,
            service_type="complaint",
            summary="送货延误三天",
            received_at=now - timedelta(hours=20),
        ),
        "on_track": log(
            actor=admin, customer=customer, service_type="suggestion", summary="希望增加夜间服务"
        ),
        "paused": log(
            actor=admin,
            customer=customer,
            service_type="inquiry",
            summary="发票抬头如何修改",
            assignee=admin,
        ),
    }
    services.service_request_pause(actor=admin, request=made["paused"], note="等客户发营业执照")
    services.sla_sweep()
    return {"admin": admin, "customer": customer, **made}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_complaint_from_logging_to_archive(browser, live_server, desk, language) -> None:  # type: ignore[no-untyped-def]
    locale = "zh-CN" if language == "zh-hans" else "en-US"
    context = browser.new_context(locale=locale, viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    sign_in(page, live_server, language)
    page.goto(f"{live_server.url}/service/new/")
    page.fill("#customer-search", "华信")
    page.click("[data-customer]")
    page.wait_for_selector("#contact-select")
    page.select_option("#contact-select", index=1)
    page.select_option("#id_service_type", "complaint")
    page.select_option("#id_priority", "high")
    page.fill("#id_summary", "安装的空压机噪音很大")
    page.fill("#id_details", "客户反映夜间噪音影响休息")
    page.screenshot(path=SCREENSHOTS / f"service-new-{language}.png", full_page=True)
    page.click("#save")
    page.wait_for_selector("#sla-clocks")
    created = ServiceRequest.objects.get(summary="安装的空压机噪音很大")
    assert created.contact.name == "李雷"
    assert (created.status, created.priority) == ("created", "high")
    assert page.locator("#sla-clocks .progress").count() == 2

    page.click("#take")
    page.wait_for_selector("#comment-form")
    page.select_option("#comment-form select[name=kind]", "reply")
    page.fill("#comment-form textarea[name=body]", "已收到，明天安排工程师上门")
    page.click("#comment-form button[type=submit]")
    page.wait_for_selector("#timeline:has-text('已收到，明天安排工程师上门')")
    page.fill("#handle-form textarea[name=result]", "加装减震垫")
    page.click("#handle")
    page.wait_for_selector("#feedback-form")
    page.check("#feedback-form input[name=satisfaction][value='2']")
    page.click("#record-feedback")
    page.wait_for_selector("#handle-form")
    created.refresh_from_db()
    assert (created.status, created.reopen_count) == ("assigned", 1)

    page.fill("#handle-form textarea[name=result]", "更换低噪音型号")
    page.click("#handle")
    page.check("#feedback-form input[name=satisfaction][value='5']")
    page.click("#record-feedback")
    page.wait_for_selector("#archive-form")
    page.click("#archive-button")  # a complaint without its review is refused
    page.wait_for_selector(".alert-danger, .alert-error")
    assert ServiceRequest.objects.get(pk=created.pk).status == "handled"
    page.fill("#id_root_cause", "安装时未加减震垫")
    page.fill("#id_corrective_action", "安装清单增加减震垫一项")
    page.fill("#id_review", "周例会复盘，更新安装规范")
    page.click("#archive-button")
    page.wait_for_selector("#complaint-review:has-text('周例会复盘')")
    created.refresh_from_db()
    assert created.status == "archived"
    assert created.callback.status == "pending"
    page.screenshot(path=SCREENSHOTS / f"service-request-{language}.png", full_page=True)

    page.goto(f"{live_server.url}/service/callbacks/")
    page.click("#callback-table a.btn")
    page.select_option("#id_attitude", "5")
    page.select_option("#id_efficiency", "4")
    page.select_option("#id_information", "5")
    page.screenshot(path=SCREENSHOTS / f"service-callback-{language}.png", full_page=True)
    page.click("#save")
    page.wait_for_url(f"{live_server.url}/service/callbacks/")
    desk["customer"].refresh_from_db()
    assert desk["customer"].satisfaction == "5"
    context.close()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_queues_and_every_service_page(browser, live_server, desk, language, viewport) -> None:  # type: ignore[no-untyped-def]
    locale = "zh-CN" if language == "zh-hans" else "en-US"
    context = browser.new_context(locale=locale, viewport=VIEWPORTS[viewport])
    page = context.new_page()
    sign_in(page, live_server, language)
    page.goto(f"{live_server.url}/service/?queue=team")
    states = page.locator("#request-table [data-sla]").evaluate_all(
        "badges => badges.map(b => b.dataset.sla)"
    )
    # The team queue is sorted by SLA due time: the breached request first.
    assert states[0] == "breached"
    assert sorted(states) == ["at_risk", "breached", "on_track", "paused"]
    page.screenshot(path=SCREENSHOTS / f"service-queue-{language}-{viewport}.png", full_page=True)
    page.click("[data-queue=breached]")
    assert page.locator("#request-table tbody tr").count() == 1
    page.goto(f"{live_server.url}/service/dashboard/")
    page.wait_for_selector("#volume-chart canvas")
    assert page.locator("#channel-chart canvas").count() == 1
    page.screenshot(
        path=SCREENSHOTS / f"service-dashboard-{language}-{viewport}.png", full_page=True
    )
    intake = IntakeForm.objects.create(name="售后服务", team=desk["admin"].team)
    calendar = SlaPolicy.objects.get(rank=40).calendar
    pages = {
        "service-request": f"/service/{desk['breached'].pk}/",
        "service-paused": f"/service/{desk['paused'].pk}/",
        "service-new": "/service/new/",
        "service-callbacks": "/service/callbacks/?status=all",
        "service-setup": "/service/setup/",
        "service-calendar": f"/service/setup/calendars/{calendar.pk}/",
        "service-policy": f"/service/setup/policies/{SlaPolicy.objects.first().pk}/",
        "service-intake": f"/help/{intake.token}/",
        "customer-360": f"/customers/{desk['customer'].pk}/",
    }
    for name, url in pages.items():
        page.goto(f"{live_server.url}{url}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        page.screenshot(path=SCREENSHOTS / f"{name}-{language}-{viewport}.png", full_page=True)
        assert overflow <= 0, f"{name} is {overflow}px too wide"
    assert "生产线停机" in page.locator("#section-service").inner_text()
    context.close()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_reply_is_e_mailed_and_shows_it_was_sent(  # type: ignore[no-untyped-def]
    browser, live_server, desk, smtp, language, viewport
) -> None:
    request = desk["paused"]
    ServiceRequest.objects.filter(pk=request.pk).update(requester_email="lilei@huaxin.example")
    context = browser.new_context(
        locale="zh-CN" if language == "zh-hans" else "en-US", viewport=VIEWPORTS[viewport]
    )
    page = context.new_page()
    sign_in(page, live_server, language)
    page.goto(f"{live_server.url}/service/{request.pk}/")
    assert page.is_checked("#comment-form input[name=email]")
    assert "lilei@huaxin.example" in page.locator("#comment-form").inner_text()
    page.fill("#comment-form textarea[name=body]", "营业执照收到了，发票今天重开")
    page.click("#comment-form button[type=submit]")
    page.wait_for_selector("#timeline [data-delivery=sent]")
    assert smtp.messages[0][0] == ["lilei@huaxin.example"]
    assert "营业执照收到了" in smtp.emails()[0].get_content()
    page.screenshot(
        path=SCREENSHOTS / f"service-reply-sent-{language}-{viewport}.png", full_page=True
    )
    context.close()
