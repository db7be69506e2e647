"""The pipeline in a real browser: drag a card to another stage, then win it into a customer."""

from importlib import import_module

import pytest
from django.apps import apps

from guanxi.core.models import DictCategory
from guanxi.core.roles import Role
from guanxi.customers.models import Customer
from guanxi.sales import services
from guanxi.sales.models import LeadForm, Opportunity, PipelineStage
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_browser import VIEWPORTS, sign_in
from tests.factories import TeamFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pipeline(transactional_db: None) -> list[Opportunity]:
    # A transactional test empties every table afterwards, seeded ones too: seed again.
    if not DictCategory.objects.exists():
        import_module("guanxi.core.migrations.0002_seed_dictionary").seed(apps, None)
        import_module("guanxi.core.migrations.0003_satisfaction_and_sequence").seed(apps, None)
    if not PipelineStage.objects.exists():
        import_module("guanxi.sales.migrations.0002_seed").seed_pipeline(apps, None)
    team = TeamFactory(name="华东销售部")
    admin = UserFactory(
        username="admin", last_name="张", first_name="伟", role=Role.ADMINISTRATOR, team=team
    )
    leads = [
        ("杭州云栖信息技术有限公司", "王芳", "13812345678", "采购 CRM 系统", 250000),
        ("成都天府软件有限公司", "赵敏", "028-86612345", "门店收银系统", 80000),
        ("深圳瑞丰电子科技股份有限公司", "", "", "生产线自动化改造", 1200000),
    ]
    made = []
    for name, contact, phone, summary, amount in leads:
        made.append(
            services.opportunity_create(
                actor=admin,
                assignee=admin,
                customer_name=name,
                contact_name=contact,
                contact_phone=phone,
                summary=summary,
                amount=amount,
                source="website",
            )
        )
    services.opportunity_create(actor=admin, customer_name="南京金陵机电有限公司", summary="新线索")
    return made


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_drag_a_card_and_win_it(browser, live_server, pipeline, language) -> None:  # type: ignore[no-untyped-def]
    locale = "zh-CN" if language == "zh-hans" else "en-US"
    context = browser.new_context(locale=locale, viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    sign_in(page, live_server, language)
    page.goto(f"{live_server.url}/opportunities/board/")
    first = pipeline[0]
    proposal = PipelineStage.objects.get(code="proposal")
    card = page.locator(f"#card-{first.pk}")
    target = page.locator(f'.kanban-cards[data-stage="{proposal.pk}"]')
    assert target.locator(".kanban-card").count() == 0
    box, goal = card.bounding_box(), target.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 20)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(
            box["x"] + 20 + (goal["x"] + 40 - box["x"] - 20) * step / 10,
            box["y"] + 20 + (goal["y"] + 30 - box["y"] - 20) * step / 10,
        )
        page.wait_for_timeout(30)
    page.mouse.up()
    page.wait_for_selector(
        f'.kanban-cards[data-stage="{proposal.pk}"] #card-{first.pk}[data-version="2"]'
    )
    moved = Opportunity.objects.get(pk=first.pk)
    assert (moved.stage, moved.probability, moved.status) == (proposal, 60, "developing")
    page.screenshot(path=SCREENSHOTS / f"pipeline-board-{language}.png", full_page=True)

    # Someone else moves the second card; dragging the stale card is refused, not applied.
    second = pipeline[1]
    services.opportunity_move(
        actor=second.assignee,
        opportunity=second,
        stage=PipelineStage.objects.get(code="negotiation"),
        version=second.version,
    )
    card = page.locator(f"#card-{second.pk}")
    box = card.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 20)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(
            box["x"] + 20 + (goal["x"] + 40 - box["x"] - 20) * step / 10,
            box["y"] + 20 + (goal["y"] + 60 - box["y"] - 20) * step / 10,
        )
        page.wait_for_timeout(30)
    page.mouse.up()
    page.wait_for_selector("#board-message:not(.d-none)")
    assert (
        "changed by someone else" in page.locator("#board-message").inner_text()
        or "其他人" in page.locator("#board-message").inner_text()
    )
    assert Opportunity.objects.get(pk=second.pk).stage.code == "negotiation"

    page.goto(f"{live_server.url}/opportunities/{first.pk}/")
    page.fill("#plan-form textarea[name=content]", "上门拜访并演示产品")
    page.click("#plan-form button[type=submit]")
    page.wait_for_load_state()
    assert "上门拜访并演示产品" in page.locator("#plan").inner_text()
    page.screenshot(path=SCREENSHOTS / f"opportunity-{language}.png", full_page=True)
    page.click("#succeed")
    page.click("#confirm-succeed")
    page.wait_for_selector("#customer-name")
    customer = Customer.objects.get(name="杭州云栖信息技术有限公司")
    assert page.url == f"{live_server.url}/customers/{customer.pk}/"
    assert customer.contacts.get().mobile == "13812345678"
    assert Opportunity.objects.get(pk=first.pk).customer == customer
    assert page.locator("#customer-opportunities").inner_text().count(first.number) == 1
    context.close()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_dashboard_and_my_day(browser, live_server, pipeline, language, viewport) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from django.utils import timezone

    admin = pipeline[2].assignee
    services.activity_create(
        actor=admin,
        kind="call",
        subject="电话回访王芳",
        due_at=timezone.now() - timedelta(hours=2),
        opportunity=pipeline[2],
    )
    services.activity_create(
        actor=admin, kind="visit", subject="上门拜访", due_at=timezone.now() + timedelta(days=2)
    )
    services.opportunity_fail(actor=admin, opportunity=pipeline[2], reason="price")
    locale = "zh-CN" if language == "zh-hans" else "en-US"
    context = browser.new_context(locale=locale, viewport=VIEWPORTS[viewport])
    page = context.new_page()
    sign_in(page, live_server, language)
    page.goto(f"{live_server.url}/sales/")
    page.wait_for_selector("#funnel-chart canvas")
    assert page.locator("#lost-chart canvas").count() == 1
    page.screenshot(path=SCREENSHOTS / f"sales-dashboard-{language}-{viewport}.png", full_page=True)
    page.goto(f"{live_server.url}/activities/")
    assert page.locator("#overdue li").count() == 1
    page.locator("#overdue button[type=submit]").click()
    page.wait_for_selector("#overdue .btn-success")
    page.screenshot(path=SCREENSHOTS / f"my-day-{language}-{viewport}.png", full_page=True)
    page.goto(f"{live_server.url}/opportunities/board/")
    page.screenshot(path=SCREENSHOTS / f"board-{language}-{viewport}.png", full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the board is {overflow}px too wide"
    page.goto(f"{live_server.url}/activities/calendar/")
    page.screenshot(path=SCREENSHOTS / f"calendar-{language}-{viewport}.png", full_page=True)
    lead_form = LeadForm.objects.create(team=admin.team, name="官网咨询", source="website")
    other_pages = {
        "opportunity": f"/opportunities/{pipeline[0].pk}/",
        "succeed": f"/opportunities/{pipeline[0].pk}/succeed/",
        "opportunity-list": "/opportunities/",
        "sales-setup": "/sales/setup/",
        "calendar-feed": "/activities/feed/",
        "notifications": "/notifications/",
        "lead-form": f"/leads/{lead_form.token}/",
    }
    for name, url in other_pages.items():
        page.goto(f"{live_server.url}{url}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} is {overflow}px too wide"
        page.screenshot(path=SCREENSHOTS / f"{name}-{language}-{viewport}.png", full_page=True)
    context.close()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_members_by_region(browser, live_server, pipeline, language, viewport) -> None:  # type: ignore[no-untyped-def]
    """Choosing "by region" brings up the regions; a member chosen for one gets its leads."""
    admin = pipeline[0].assignee
    rep = UserFactory(
        username="wangfang",
        last_name="王",
        first_name="芳",
        role=Role.ACCOUNT_MANAGER,
        team=admin.team,
    )
    locale = "zh-CN" if language == "zh-hans" else "en-US"
    context = browser.new_context(locale=locale, viewport=VIEWPORTS[viewport])
    page = context.new_page()
    sign_in(page, live_server, language)
    page.goto(f"{live_server.url}/sales/assignment/{admin.team.pk}/")
    assert page.locator("select[name=target_beijing]").count() == 0
    page.select_option("select[name=method]", "region")
    page.wait_for_selector("select[name=target_beijing]")
    page.select_option("select[name=target_zhejiang]", str(rep.pk))
    page.screenshot(path=SCREENSHOTS / f"assignment-rule-{language}-{viewport}.png", full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px too wide"
    page.click("#assignment-rule button[type=submit]")
    page.wait_for_url(f"{live_server.url}/sales/setup/")
    lead = services.opportunity_create(
        actor=admin, customer_name="宁波甬江科技有限公司", summary="新线索", region="zhejiang"
    )
    assert lead.assignee == rep
    context.close()
