"""Masked personal data in a real browser: an executive opens an individual customer's 360
page, sees 138****1234, clicks *Show* and gets the number, recorded under Who saw; at both
widths, both languages."""

from importlib import import_module

import pytest
from django.apps import apps

from guanxi.core.models import AccessEntry, DictCategory
from guanxi.core.roles import Role
from guanxi.customers.models import Customer
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_browser import VIEWPORTS
from tests.factories import PASSWORD, ContactFactory, CustomerFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def person(transactional_db: None) -> Customer:
    if not DictCategory.objects.exists():
        import_module("guanxi.core.migrations.0002_seed_dictionary").seed(apps, None)
        import_module("guanxi.core.migrations.0003_satisfaction_and_sequence").seed(apps, None)
    UserFactory(username="boss", last_name="王", first_name="总", role=Role.EXECUTIVE)
    customer = CustomerFactory(
        name="李娜",
        kind=Customer.Kind.INDIVIDUAL,
        phone="010-88886666",
        email="lina@example.com",
        address="北京市海淀区中关村大街1号",
    )
    ContactFactory(customer=customer, name="李娜", mobile="13812341234", is_primary=True)
    return customer


@pytest.mark.parametrize(("language", "viewport"), [("en", "desktop"), ("zh-hans", "phone")])
def test_an_executive_reveals_a_mobile(browser, live_server, person, language, viewport) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        locale="zh-CN" if language == "zh-hans" else "en-US", viewport=VIEWPORTS[viewport]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "boss")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/customers/{person.pk}/")
    mobile = page.locator('#section-contacts .personal[data-field="mobile"]')
    assert mobile.inner_text().startswith("138****1234")
    assert "13812341234" not in page.content()
    page.screenshot(path=SCREENSHOTS / f"privacy-masked-{language}-{viewport}.png", full_page=True)
    mobile.locator("button.reveal").click()
    revealed = page.locator('#section-contacts .personal.revealed[data-field="mobile"]')
    revealed.wait_for()
    assert revealed.inner_text() == "13812341234"
    page.screenshot(
        path=SCREENSHOTS / f"privacy-revealed-{language}-{viewport}.png", full_page=True
    )
    entry = AccessEntry.objects.get(action=AccessEntry.Action.REVEAL)
    assert (entry.actor.username, entry.detail) == ("boss", "mobile")
    context.close()


@pytest.mark.parametrize(("language", "viewport"), [("zh-hans", "desktop"), ("en", "phone")])
def test_an_administrator_finds_and_anonymises_a_person(  # type: ignore[no-untyped-def]
    browser, live_server, person, language, viewport
) -> None:
    UserFactory(username="root", role=Role.ADMINISTRATOR)
    context = browser.new_context(
        locale="zh-CN" if language == "zh-hans" else "en-US", viewport=VIEWPORTS[viewport]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "root")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    contact = person.contacts.get()
    page.goto(f"{live_server.url}/contacts/{contact.pk}/consents/")
    page.select_option("#consent-form select[name=purpose]", "marketing_sms")
    page.select_option("#consent-form select[name=source]", "phone")
    page.click("#consent-form button")
    page.wait_for_selector("#consent-history .badge")
    page.screenshot(path=SCREENSHOTS / f"consents-{language}-{viewport}.png", full_page=True)

    page.goto(f"{live_server.url}/privacy/")
    page.fill("#privacy-q", "13812341234")
    page.click("#privacy-search button")
    page.click("#privacy-found a")
    assert (
        page.locator('#privacy-holdings tr[data-key="customers.contact"] td').nth(1).inner_text()
        == "1"
    )
    page.screenshot(path=SCREENSHOTS / f"privacy-subject-{language}-{viewport}.png", full_page=True)
    page.fill("#forget-form input[name=reason]", "2026-12-06 phone request")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#forget-form button")
    page.wait_for_url(f"{live_server.url}/privacy/")
    assert page.locator("#privacy-log tbody tr").count() == 1
    page.screenshot(path=SCREENSHOTS / f"privacy-log-{language}-{viewport}.png", full_page=True)
    context.close()
