"""Sign-in throttling: per account and per address, on the sign-in page and the token API,
with the wait in the user's language; a success clears the account's count."""

from typing import Any

import pytest
from django.test import Client

from guanxi.accounts.signin import locked_for, unlock
from tests.conftest import People
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def page_sign_in(
    password: str, *, username: str = "rep_east", address: str = "10.0.0.1", language: str = "en"
) -> Any:
    client = Client(HTTP_ACCEPT_LANGUAGE=language, REMOTE_ADDR=address)
    return client.post("/login/", {"username": username, "password": password})


def api_sign_in(
    password: str, *, username: str = "rep_east", address: str = "10.0.0.1", language: str = "en"
) -> Any:
    client = Client(HTTP_ACCEPT_LANGUAGE=language, REMOTE_ADDR=address)
    return client.post(
        "/api/v1/auth/tokens",
        {"username": username, "password": password, "name": "x"},
        content_type="application/json",
    )


class TestAccount:
    def test_five_wrong_passwords_lock_the_account_on_the_page(self, people: People) -> None:
        for _ in range(4):
            assert "Please enter a correct username" in page_sign_in("nope").content.decode()
        fifth = page_sign_in("nope").content.decode()
        assert "Too many wrong passwords for this account. Try again in 15 minutes." in fifth
        # Even the right password waits, from another address too.
        right = page_sign_in(PASSWORD, address="10.0.0.99", language="zh-hans")
        assert right.status_code == 200
        assert "此账号密码错误次数过多，请 15 分钟后再试。" in right.content.decode()
        assert 14 * 60 < locked_for("rep_east") <= 15 * 60
        # Another account is not touched.
        assert page_sign_in(PASSWORD, username="rep_east2").status_code == 302

    def test_the_api_answers_429_with_the_wait(self, people: People) -> None:
        for _ in range(4):
            assert api_sign_in("nope").status_code == 401
        locked = api_sign_in("nope", language="zh-hans")
        assert locked.status_code == 429
        assert int(locked["Retry-After"]) == 900
        assert locked.json()["errors"] == [
            {"field": "username", "message": "此账号密码错误次数过多，请 15 分钟后再试。"}
        ]
        assert api_sign_in(PASSWORD).status_code == 429
        # The page and the API count together: the account is locked on the page as well.
        assert "Too many wrong passwords" in page_sign_in(PASSWORD).content.decode()

    def test_a_success_clears_the_count(self, people: People) -> None:
        for _ in range(4):
            page_sign_in("nope")
        assert page_sign_in(PASSWORD).status_code == 302
        for _ in range(4):
            page_sign_in("nope")
        assert page_sign_in(PASSWORD).status_code == 302

    def test_an_administrator_can_unlock(self, people: People) -> None:
        for _ in range(5):
            api_sign_in("nope")
        unlock("rep_east")
        assert locked_for("rep_east") == 0
        assert api_sign_in(PASSWORD).status_code == 201

    def test_the_lock_ends(self, people: People, time_machine: Any) -> None:
        time_machine.move_to("2026-12-01 10:00:00+08:00", tick=False)
        for _ in range(5):
            api_sign_in("nope")
        assert api_sign_in(PASSWORD).status_code == 429
        time_machine.move_to("2026-12-01 10:15:01+08:00", tick=False)
        assert api_sign_in(PASSWORD).status_code == 201


class TestAddress:
    def test_twenty_failures_from_one_address_lock_it(self, people: People) -> None:
        names = ["rep_east", "rep_east2", "rep_west", "sup_east", "sup_west"]
        for index in range(19):
            api_sign_in("nope", username=names[index % 5] + ("x" if index >= 15 else ""))
        locked = api_sign_in("nope", username="nobody")
        assert locked.status_code == 429
        assert locked.json()["errors"][0]["message"] == (
            "Too many failed sign-ins from your address. Try again in 15 minutes."
        )
        # The right password from that address waits; from another address it works.
        assert api_sign_in(PASSWORD, username="admin").status_code == 429
        assert api_sign_in(PASSWORD, username="admin", address="10.0.0.2").status_code == 201


class TestUnlockPage:
    def test_an_administrator_sees_the_lock_and_lifts_it(self, people: People) -> None:
        from guanxi.core.models import AuditEntry
        from tests.conftest import client_for

        for _ in range(5):
            api_sign_in("nope")
        admin = client_for(people.admin, "zh-hans")
        page = admin.get(f"/users/{people.rep_east.pk}/").content.decode()
        assert "登录已锁定，还剩 15 分钟" in page
        assert (
            client_for(people.sup_east).post(f"/users/{people.rep_east.pk}/unlock/").status_code
            == 403
        )
        assert locked_for("rep_east") > 0
        response = admin.post(f"/users/{people.rep_east.pk}/unlock/")
        assert (response.status_code, response["Location"]) == (
            302,
            f"/users/{people.rep_east.pk}/",
        )
        assert locked_for("rep_east") == 0
        assert AuditEntry.objects.filter(
            object_id=str(people.rep_east.pk), actor=people.admin
        ).exists()
        assert api_sign_in(PASSWORD).status_code == 201


def test_behind_a_trusted_proxy_the_forwarded_address_counts(people: People, settings: Any) -> None:
    from django.test import RequestFactory

    from guanxi.core.ratelimit import client_address

    factory = RequestFactory()
    direct = factory.get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(direct) == "203.0.113.5"  # not a proxy: its header is not believed
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.9"]
    proxied = factory.get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7, 10.0.0.9"
    )
    assert client_address(proxied) == "198.51.100.7"
