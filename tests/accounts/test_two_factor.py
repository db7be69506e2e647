"""Two-factor sign-in: enrolment with a QR code, the code step after the password, recovery
codes, the per-role requirement, an administrator's reset, and the token API's second factor;
the wrong user everywhere and refusals word for word in both languages."""

import re
import time
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from guanxi.accounts import twofactor
from guanxi.accounts.models import TwoFactorPolicy, User
from guanxi.core.models import AuditEntry
from guanxi.core.roles import Role
from tests.conftest import People, bearer_for, client_for, post
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

INVALID = (
    "This code is not valid. Enter the 6-digit code your authenticator app shows now, "
    "or one of your recovery codes."
)


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def enrolled(user: User) -> list[str]:
    """Set up two-factor sign-in for ``user`` through the services; the recovery codes."""
    device = twofactor.enrol_start(user=user)
    return twofactor.enrol_confirm(user=user, code=code_for(device))


def device_of(user: User) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=True)


def english() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def password_step(client: Client, username: str = "rep_east") -> Any:
    return client.post("/login/", {"username": username, "password": PASSWORD})


class TestEnrolment:
    def test_the_page_shows_a_qr_code_and_the_key_and_turns_it_on(self, people: People) -> None:
        client = client_for(people.rep_east)
        page = client.get("/account/two-factor/").content.decode()
        assert "<svg" in page and 'id="two-factor-secret"' in page
        secret = re.search(r'id="two-factor-secret">([A-Z2-7 ]+)<', page)
        device = TOTPDevice.objects.get(user=people.rep_east, confirmed=False)
        assert secret is not None and secret.group(1) == twofactor.secret(device)
        # Reloading keeps the same secret, so a half-scanned code still works.
        assert twofactor.secret(device) in client.get("/account/two-factor/").content.decode()

        wrong = client.post("/account/two-factor/", {"action": "confirm", "code": "000000"})
        assert (
            "This code does not match. Check that your phone&#x27;s clock is right and enter "
            "the code the app shows now."
        ) in wrong.content.decode()
        assert not twofactor.is_enrolled(people.rep_east)

        done = client.post("/account/two-factor/", {"action": "confirm", "code": code_for(device)})
        body = done.content.decode()
        assert "Two-factor sign-in is on." in body
        codes = re.findall(r"<li>([a-z2-7]{4}-[a-z2-7]{4})</li>", body)
        assert len(codes) == 10
        assert twofactor.is_enrolled(people.rep_east)
        assert twofactor.recovery_codes_left(people.rep_east) == 10
        assert client.session[twofactor.SESSION_KEY] == twofactor.VERIFIED
        entry = AuditEntry.objects.filter(model="accounts.user", object_id=str(people.rep_east.pk))
        assert entry.latest("id").changes == {"two-factor": ["off", "on"]}
        # Shown once: the page no longer lists them.
        again = client.get("/account/two-factor/").content.decode()
        assert "10 recovery codes left." in again and codes[0] not in again

    def test_an_empty_code_is_named_in_chinese(self, people: People) -> None:
        client = client_for(people.rep_east, language="zh-hans")
        client.get("/account/two-factor/")
        page = client.post("/account/two-factor/", {"action": "confirm", "code": ""})
        assert "请输入身份验证器应用中的 6 位验证码。" in page.content.decode()

    def test_new_recovery_codes_need_an_app_code_and_replace_the_old(self, people: People) -> None:
        old = enrolled(people.rep_east)
        client = client_for(people.rep_east)
        refused = client.post("/account/two-factor/", {"action": "renew", "code": old[0]})
        assert INVALID in refused.content.decode()
        code = code_for(device_of(people.rep_east), steps_ahead=1)
        page = client.post("/account/two-factor/", {"action": "renew", "code": code})
        assert "Your old recovery codes no longer work." in page.content.decode()
        assert not StaticToken.objects.filter(token=old[0].replace("-", "")).exists()
        assert twofactor.recovery_codes_left(people.rep_east) == 10

    def test_turning_it_off_needs_a_code(self, people: People) -> None:
        enrolled(people.rep_east)
        client = client_for(people.rep_east)
        refused = client.post("/account/two-factor/", {"action": "disable", "code": "123"})
        assert INVALID in refused.content.decode()
        assert twofactor.is_enrolled(people.rep_east)
        code = code_for(device_of(people.rep_east), steps_ahead=1)
        done = client.post("/account/two-factor/", {"action": "disable", "code": code})
        assert done.status_code == 302
        assert not twofactor.is_enrolled(people.rep_east)
        assert twofactor.recovery_codes_left(people.rep_east) == 0

    def test_the_page_needs_a_signed_in_user(self) -> None:
        response = english().get("/account/two-factor/")
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


class TestSignIn:
    def test_the_password_alone_does_not_sign_in(self, people: People) -> None:
        enrolled(people.rep_east)
        client = english()
        step = password_step(client)
        assert step.status_code == 302 and step["Location"] == "/login/code/"
        assert client.get("/customers/").status_code == 302
        assert "_auth_user_id" not in client.session

    def test_the_app_code_finishes_it(self, people: People) -> None:
        enrolled(people.rep_east)
        client = english()
        client.post("/login/?next=/customers/", {"username": "rep_east", "password": PASSWORD})
        wrong = client.post("/login/code/", {"code": "000000"})
        assert INVALID in wrong.content.decode()
        code = code_for(device_of(people.rep_east), steps_ahead=1)
        done = client.post("/login/code/", {"code": code})
        assert done.status_code == 302 and done["Location"] == "/customers/"
        assert client.get("/customers/").status_code == 200
        assert client.session[twofactor.SESSION_KEY] == twofactor.VERIFIED
        # The same code cannot be used twice.
        other = english()
        password_step(other)
        assert INVALID in other.post("/login/code/", {"code": code}).content.decode()

    def test_a_recovery_code_works_once(self, people: People) -> None:
        codes = enrolled(people.rep_east)
        client = english()
        password_step(client)
        done = client.post("/login/code/", {"code": codes[3].upper()}, follow=True)
        assert (
            "You signed in with a recovery code; 9 are left. Make new ones under "
            "Two-factor sign-in."
        ) in done.content.decode()
        again = english()
        password_step(again)
        assert INVALID in again.post("/login/code/", {"code": codes[3]}).content.decode()

    def test_five_wrong_codes_lock_the_account(self, people: People) -> None:
        enrolled(people.rep_east)
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        password_step(client)
        for _ in range(4):
            client.post("/login/code/", {"code": "111111"})
        fifth = client.post("/login/code/", {"code": "111111"}).content.decode()
        assert "此账号密码错误次数过多，请 15 分钟后再试。" in fifth
        right = code_for(device_of(people.rep_east), steps_ahead=1)
        assert (
            "此账号密码错误次数过多"
            in client.post("/login/code/", {"code": right}).content.decode()
        )

    def test_the_code_must_follow_within_five_minutes(
        self, people: People, time_machine: Any
    ) -> None:
        enrolled(people.rep_east)
        client = english()
        password_step(client)
        time_machine.move_to(time.time() + 301)
        late = client.post("/login/code/", {"code": "123456"}, follow=True)
        assert late.redirect_chain[-1][0] == "/login/"
        assert "Sign in again: give the code within five minutes of your password." in (
            late.content.decode()
        )

    def test_the_code_page_without_a_password_goes_back(self) -> None:
        response = english().get("/login/code/")
        assert response.status_code == 302 and response["Location"] == "/login/"


class TestRequiredByRole:
    def test_an_administrator_requires_it_on_the_security_page(self, people: People) -> None:
        admin = client_for(people.admin)
        page = admin.get("/security/").content.decode()
        assert 'value="account_manager"' in page
        saved = admin.post("/security/", {"roles": ["account_manager", "service_staff"]})
        assert saved.status_code == 302
        assert twofactor.required_roles() == {Role.ACCOUNT_MANAGER, Role.SERVICE_STAFF}
        assert TwoFactorPolicy.objects.get(role=Role.ACCOUNT_MANAGER).updated_by == people.admin
        change = AuditEntry.objects.filter(model="accounts.twofactorpolicy").latest("id")
        assert change.changes == {"required": [False, True]}

        # The rep, signing in with a password alone, is kept on the set-up page …
        rep = english()
        assert password_step(rep).status_code == 302
        blocked = rep.get("/customers/")
        assert blocked.status_code == 302 and blocked["Location"] == "/account/two-factor/"
        api = rep.get("/api/v1/customers")
        assert api.status_code == 403
        assert api.json()["detail"] == (
            "Your role requires two-factor sign-in. Set it up to go on using Guanxi."
        )
        page = rep.get("/account/two-factor/").content.decode()
        assert 'id="two-factor-required"' in page
        # … until it is set up; then it cannot be turned off.
        device = TOTPDevice.objects.get(user=people.rep_east, confirmed=False)
        rep.post("/account/two-factor/", {"action": "confirm", "code": code_for(device)})
        assert rep.get("/customers/").status_code == 200
        with pytest.raises(Exception) as refused:
            twofactor.disable(user=people.rep_east, code="123456")
        assert refused.value.message_dict == {  # type: ignore[attr-defined]
            "code": ["Your role requires two-factor sign-in, so it cannot be turned off."]
        }
        # A role that is not required is not kept back.
        assert password_step(english(), "sup_east").status_code == 302

    def test_a_policy_set_after_sign_in_applies_within_five_minutes(
        self, people: People, time_machine: Any
    ) -> None:
        rep = english()
        password_step(rep)
        assert rep.get("/customers/").status_code == 200
        twofactor.policy_set(actor=people.admin, roles=[Role.ACCOUNT_MANAGER])
        time_machine.move_to(time.time() + 301)
        assert rep.get("/customers/")["Location"] == "/account/two-factor/"

    def test_only_administrators_set_the_policy(self, people: People) -> None:
        for name in ("sup_east", "rep_east", "executive", "service_east"):
            user = people.by_name(name)
            assert client_for(user).get("/security/").status_code == 403
            assert client_for(user).post("/security/", {"roles": []}).status_code == 403
            api = bearer_for(user)
            assert api.get("/api/v1/security/two-factor").status_code == 403
            put = api.put("/api/v1/security/two-factor", {"required_roles": []}, "application/json")
            assert put.status_code == 403
        assert not TwoFactorPolicy.objects.exists()

    def test_the_policy_api(self, people: People) -> None:
        api = bearer_for(people.admin)
        bad = api.put(
            "/api/v1/security/two-factor", {"required_roles": ["boss"]}, "application/json"
        )
        assert bad.status_code == 422
        assert bad.json()["errors"] == [{"field": "roles", "message": "Unknown role: boss."}]
        put = api.put(
            "/api/v1/security/two-factor",
            {"required_roles": ["administrator"]},
            "application/json",
        )
        assert put.status_code == 200
        rows = {row["role"]: row for row in put.json()}
        assert rows["administrator"] == {
            "role": "administrator",
            "label": "Administrator",
            "required": True,
            "users": 1,
            "enrolled": 0,
        }
        assert rows["account_manager"]["required"] is False
        assert rows["account_manager"]["users"] == 3


class TestAdministratorReset:
    def test_a_lost_phone_is_reset_by_an_administrator(self, people: People) -> None:
        enrolled(people.rep_east)
        page = client_for(people.admin).get(f"/users/{people.rep_east.pk}/").content.decode()
        assert 'id="two-factor-reset"' in page
        done = client_for(people.admin).post(f"/users/{people.rep_east.pk}/two-factor/reset/")
        assert done.status_code == 302
        assert not twofactor.is_enrolled(people.rep_east)
        assert twofactor.recovery_codes_left(people.rep_east) == 0
        entry = AuditEntry.objects.filter(object_id=str(people.rep_east.pk)).latest("id")
        assert entry.actor == people.admin
        assert entry.changes == {"two-factor": ["on", "reset by an administrator"]}
        # The password alone signs in again.
        assert password_step(english())["Location"] == "/"

    def test_the_api_reset_and_its_refusals(self, people: People) -> None:
        enrolled(people.rep_east)
        url = f"/api/v1/users/{people.rep_east.pk}/two-factor"
        for name in ("sup_east", "rep_east2", "executive"):
            assert bearer_for(people.by_name(name)).delete(url).status_code in (403, 404)
            assert client_for(people.by_name(name)).post(
                f"/users/{people.rep_east.pk}/two-factor/reset/"
            ).status_code in (403, 404)
        assert twofactor.is_enrolled(people.rep_east)
        admin = bearer_for(people.admin, language="zh-hans")
        assert admin.delete(url).status_code == 204
        again = admin.delete(url)
        assert again.status_code == 422
        assert again.json()["errors"][0]["field"] == "user"
        assert again.json()["errors"][0]["message"].endswith("没有可重置的两步验证。")


class TestTokenApi:
    def token(self, otp: str | None = None, language: str = "en") -> Any:
        body: dict[str, Any] = {"username": "rep_east", "password": PASSWORD, "name": "ERP"}
        if otp is not None:
            body["otp"] = otp
        return post(Client(HTTP_ACCEPT_LANGUAGE=language), "/api/v1/auth/tokens", body)

    def test_an_enrolled_user_gives_a_code(self, people: People) -> None:
        codes = enrolled(people.rep_east)
        missing = self.token()
        assert missing.status_code == 401
        assert missing.json()["errors"] == [
            {"field": "otp", "message": "Enter the 6-digit code from your authenticator app."}
        ]
        wrong = self.token("000000", language="zh-hans")
        assert wrong.status_code == 401
        assert wrong.json()["errors"][0]["field"] == "otp"
        assert wrong.json()["errors"][0]["message"].startswith("验证码无效")
        right = self.token(code_for(device_of(people.rep_east), steps_ahead=1))
        assert right.status_code == 201 and right.json()["token"].startswith("gx_")
        assert self.token(codes[0]).status_code == 201

    def test_a_required_role_without_a_second_factor_is_refused(self, people: People) -> None:
        twofactor.policy_set(actor=people.admin, roles=[Role.ACCOUNT_MANAGER])
        refused = self.token()
        assert refused.status_code == 403
        assert refused.json()["errors"][0]["field"] == "otp"
        assert refused.json()["errors"][0]["message"].startswith(
            "Your role requires two-factor sign-in."
        )

    def test_no_second_factor_no_question(self, people: People) -> None:
        assert self.token().status_code == 201


class TestOwnApi:
    def test_set_up_renew_and_turn_off(self, people: People) -> None:
        api = bearer_for(people.rep_east)
        assert api.get("/api/v1/me/two-factor").json() == {
            "enabled": False,
            "required": False,
            "recovery_codes_left": 0,
        }
        started = api.post("/api/v1/me/two-factor")
        assert started.status_code == 201
        body = started.json()
        assert body["otpauth_url"].startswith("otpauth://totp/Guanxi%20CRM%3Arep_east?secret=")
        assert "&issuer=Guanxi%20CRM" in body["otpauth_url"]
        device = TOTPDevice.objects.get(user=people.rep_east, confirmed=False)
        assert body["secret"] == twofactor.secret(device)

        bad = post(api, "/api/v1/me/two-factor/confirm", {"code": "12"})
        assert bad.status_code == 422
        assert bad.json()["errors"][0]["field"] == "code"
        confirmed = post(api, "/api/v1/me/two-factor/confirm", {"code": code_for(device)})
        assert confirmed.status_code == 200
        assert len(confirmed.json()["recovery_codes"]) == 10
        assert api.get("/api/v1/me/two-factor").json()["enabled"] is True
        again = api.post("/api/v1/me/two-factor")
        assert again.status_code == 422
        assert again.json()["errors"] == [
            {"field": "code", "message": "Two-factor sign-in is already on for your account."}
        ]

        code = code_for(device_of(people.rep_east), steps_ahead=1)
        renewed = post(api, "/api/v1/me/two-factor/recovery-codes", {"code": code})
        assert renewed.status_code == 200 and len(renewed.json()["recovery_codes"]) == 10
        codes = renewed.json()["recovery_codes"]
        off = post(api, "/api/v1/me/two-factor/disable", {"code": codes[0]})
        assert off.status_code == 204
        assert api.get("/api/v1/me/two-factor").json()["enabled"] is False

    def test_anonymous_calls_are_refused(self) -> None:
        assert english().get("/api/v1/me/two-factor").status_code == 401
        assert post(english(), "/api/v1/me/two-factor/confirm", {"code": "1"}).status_code == 401
