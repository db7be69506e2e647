"""Two-factor sign-in in a real browser: scan (read) the key, confirm, keep the recovery codes,
sign out, and sign in again with the password and the app's code; at both widths, both
languages."""

import base64
import re
import time

import pytest

from guanxi.core.roles import Role
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def app_code(secret: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for ``secret`` (RFC 6238, as Google Authenticator)."""
    from django_otp.oath import TOTP

    key = secret.replace(" ", "")
    key += "=" * (-len(key) % 8)
    totp = TOTP(base64.b32decode(key), 30, 0, 6, 0)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


@pytest.mark.parametrize(("language", "viewport"), [("en", "desktop"), ("zh-hans", "phone")])
def test_enrol_then_sign_in_with_a_code(
    browser, live_server, transactional_db, language, viewport
) -> None:  # type: ignore[no-untyped-def]
    UserFactory(username="lina", last_name="李", first_name="娜", role=Role.ACCOUNT_MANAGER)
    context = browser.new_context(
        locale="zh-CN" if language == "zh-hans" else "en-US", viewport=VIEWPORTS[viewport]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "lina")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/account/two-factor/")
    assert page.locator(".qr-code svg").is_visible()
    secret = page.locator("#two-factor-secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})+", secret)
    page.screenshot(
        path=SCREENSHOTS / f"two-factor-enrol-{language}-{viewport}.png", full_page=True
    )
    page.fill("#confirm-form input[name=code]", app_code(secret))
    page.click("#confirm-form button")
    page.wait_for_selector("#recovery-codes")
    assert page.locator("#recovery-codes li").count() == 10
    page.screenshot(
        path=SCREENSHOTS / f"two-factor-recovery-codes-{language}-{viewport}.png", full_page=True
    )

    if viewport == "phone":
        page.click(".navbar-toggler")
    page.click("#user-menu")
    page.click("#logout")
    page.wait_for_url(f"{live_server.url}/login/")
    page.fill("input[name=username]", "lina")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/login/code/")
    page.fill("input[name=code]", "000000")
    page.click("#signin-code-form button")
    invalid = "验证码无效" if language == "zh-hans" else "This code is not valid."
    assert invalid in page.locator("#signin-code-form").inner_text()
    page.screenshot(path=SCREENSHOTS / f"two-factor-code-{language}-{viewport}.png")
    page.fill("input[name=code]", app_code(secret, steps_ahead=1))
    page.click("#signin-code-form button")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/account/two-factor/")
    status = page.locator("#two-factor-status").inner_text()
    assert ("已开启" if language == "zh-hans" else "On") in status
    context.close()
