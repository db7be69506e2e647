"""A person in a real browser: signs in, switches to Chinese and back, at desktop and phone size."""

from importlib import import_module

import pytest
from django.apps import apps

from guanxi.core.models import DictCategory
from guanxi.core.roles import Role
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import PASSWORD, TeamFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def admin(transactional_db: None) -> object:
    # A transactional test empties every table afterwards, seeded ones too: seed again.
    if not DictCategory.objects.exists():
        import_module("guanxi.core.migrations.0002_seed_dictionary").seed(apps, None)
    team = TeamFactory(name="华东销售部")
    for index in range(6):
        UserFactory(username=f"rep{index}", team=team)
    return UserFactory(
        username="admin", last_name="张", first_name="伟", role=Role.ADMINISTRATOR, team=team
    )


def sign_in(page, live_server, language: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_sign_in_switch_language_and_back(browser, live_server, admin) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="en-US", viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    assert page.title() == "Sign in · Guanxi CRM"
    page.screenshot(path=SCREENSHOTS / "login-en-desktop.png")
    sign_in(page, live_server, "en")
    assert page.locator("h1").inner_text() == "Welcome, 张伟"
    assert page.locator("[data-role]").inner_text() == "Administrator"

    page.click("button[data-language=zh-hans]")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "欢迎，张伟"
    assert page.locator("[data-role]").inner_text() == "系统管理员"
    page.screenshot(path=SCREENSHOTS / "home-zh-desktop.png", full_page=True)

    page.click("button[data-language=en]")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Welcome, 张伟"
    context.close()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_pages_render_at_each_width(browser, live_server, admin, language, viewport) -> None:  # type: ignore[no-untyped-def]
    locale = "zh-CN" if language == "zh-hans" else "en-US"
    context = browser.new_context(locale=locale, viewport=VIEWPORTS[viewport])
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.screenshot(path=SCREENSHOTS / f"login-{language}-{viewport}.png")
    sign_in(page, live_server, language)
    for name, path in [
        ("home", "/"),
        ("users", "/users/"),
        ("teams", "/teams/"),
        ("dictionary", "/dictionary/customer_level/"),
        ("communication-targets", "/customers/communication-targets/"),
        ("tokens", "/account/tokens/"),
        ("sessions", "/account/sessions/"),
        ("security", "/security/"),
        ("privacy", "/privacy/"),
        ("audit", "/audit/"),
        ("audit-reads", "/audit/reads/"),
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        # Nothing may overflow sideways on a phone.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px too wide"
        page.screenshot(path=SCREENSHOTS / f"{name}-{language}-{viewport}.png", full_page=True)
    if viewport == "desktop":
        page.goto(f"{live_server.url}/customers/communication-targets/")
        page.fill("#id_strategic_partner", "4")
        page.fill("#id_partner", "40")
        page.click("#save")
        assert page.locator("#id_partner.is-invalid").count() == 1
        page.fill("#id_partner", "3")
        page.click("#save")
        page.wait_for_selector(".alert-success")
        assert page.locator("#id_strategic_partner").input_value() == "4"
        page.screenshot(
            path=SCREENSHOTS / f"communication-targets-saved-{language}.png", full_page=True
        )
    if viewport == "phone":
        page.goto(f"{live_server.url}/")
        page.click("button.navbar-toggler")
        page.wait_for_selector("#main-nav.show")
        page.screenshot(path=SCREENSHOTS / f"menu-{language}-phone.png")
    context.close()
