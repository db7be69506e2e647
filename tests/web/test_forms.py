"""Forms: bad input gets field-level messages in the user's language; good input is saved."""

import re

import pytest
from django.test import Client

from guanxi.accounts.models import ApiToken, Team, User
from guanxi.core.models import AuditEntry, DictItem
from tests.conftest import People, client_for
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def errors_of(response) -> dict:  # type: ignore[no-untyped-def]
    form = response.context["form"]
    return {field: list(messages) for field, messages in form.errors.items()}


class TestLogin:
    def test_it_signs_in_and_out(self, people: People) -> None:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        response = client.post("/login/", {"username": "rep_east", "password": PASSWORD})
        assert response.status_code == 302
        assert client.get("/").status_code == 200
        assert client.post("/logout/").status_code == 302
        assert client.get("/").status_code == 302

    def test_a_wrong_password_says_so_in_the_browsers_language(self, people: People) -> None:
        zh = Client(HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").post(
            "/login/", {"username": "rep_east", "password": "nope"}
        )
        assert "请输入一个正确的用户名和密码。" in zh.content.decode()
        en = Client(HTTP_ACCEPT_LANGUAGE="en-US").post(
            "/login/", {"username": "rep_east", "password": "nope"}
        )
        assert "Please enter a correct username and password" in en.content.decode()

    def test_first_visit_follows_the_browser(self, db: None) -> None:
        assert "<title>登录" in Client(HTTP_ACCEPT_LANGUAGE="zh-CN").get("/login/").content.decode()
        assert (
            "<title>Sign in" in Client(HTTP_ACCEPT_LANGUAGE="en-GB").get("/login/").content.decode()
        )


class TestLanguage:
    def test_the_choice_is_kept_for_the_user(self, people: People) -> None:
        client = client_for(people.rep_east, language="en")
        response = client.post("/language/", {"language": "zh-hans", "next": "/dictionary/"})
        assert response.status_code == 302
        assert response["Location"] == "/dictionary/"
        people.rep_east.refresh_from_db()
        assert people.rep_east.language == "zh-hans"
        # Another device with an English browser still gets Chinese.
        other = client_for(people.rep_east, language="en")
        assert "数据字典" in other.get("/dictionary/").content.decode()

    def test_an_unknown_language_changes_nothing(self, people: People) -> None:
        client_for(people.rep_east).post("/language/", {"language": "xx"})
        people.rep_east.refresh_from_db()
        assert people.rep_east.language == ""

    def test_it_never_redirects_off_site(self, people: People) -> None:
        response = client_for(people.rep_east).post(
            "/language/", {"language": "en", "next": "https://evil.example/"}
        )
        assert response["Location"] == "/"


class TestUserForms:
    def test_admin_creates_a_user(self, people: People) -> None:
        response = client_for(people.admin).post(
            "/users/new/",
            {
                "username": "lina",
                "last_name": "李",
                "first_name": "娜",
                "role": "account_manager",
                "team": people.west.pk,
                "password": "a-long-secret-9",
            },
        )
        user = User.objects.get(username="lina")
        assert response["Location"] == f"/users/{user.pk}/"
        assert user.team == people.west
        assert str(user) == "李娜"

    def test_bad_input_is_explained_in_english(self, people: People) -> None:
        response = client_for(people.admin).post(
            "/users/new/", {"username": "rep_east", "role": "boss", "password": "123", "email": "x"}
        )
        assert response.status_code == 200
        assert errors_of(response) == {
            "email": ["Enter a valid email address."],
            "role": ["Select a valid choice. boss is not one of the available choices."],
        }

    def test_service_errors_are_shown_on_fields_in_chinese(self, people: People) -> None:
        response = client_for(people.admin, language="zh-hans").post(
            "/users/new/", {"username": "rep_east", "role": "account_manager", "password": "123"}
        )
        assert errors_of(response) == {
            "username": ["已存在一位使用该名字的用户。"],
            "password": ["密码太短，至少需要 8 个字符。", "这个密码太常见了。", "密码只包含数字。"],
        }
        assert not User.objects.filter(username="rep_east").exclude(pk=people.rep_east.pk).exists()

    def test_admin_deactivates_a_user_and_history_shows_it(self, people: People) -> None:
        client = client_for(people.admin)
        form = {
            "last_name": "王",
            "first_name": "五",
            "email": "",
            "mobile": "",
            "role": "account_manager",
            "team": people.east.pk,
        }
        response = client.post(f"/users/{people.rep_east.pk}/edit/", form)
        assert response.status_code == 302
        people.rep_east.refresh_from_db()
        assert people.rep_east.is_active is False
        page = client.get(f"/users/{people.rep_east.pk}/").content.decode()
        assert "<code>is_active</code>" in page

    def test_admin_cannot_deactivate_themselves(self, people: People) -> None:
        form = {"username": "admin", "role": "administrator", "email": ""}
        response = client_for(people.admin).post(f"/users/{people.admin.pk}/edit/", form)
        assert errors_of(response) == {"is_active": ["You cannot deactivate your own account."]}

    def test_password_reset_needs_matching_passwords(self, people: People) -> None:
        response = client_for(people.admin).post(
            f"/users/{people.rep_east.pk}/password/",
            {"password": "brand-new-pass-7", "password_again": "brand-new-pass-8"},
        )
        assert errors_of(response) == {"password_again": ["The two passwords differ."]}

    def test_supervisor_cannot_post_to_admin_forms(self, people: People) -> None:
        client = client_for(people.sup_east)
        response = client.post(
            f"/users/{people.rep_east.pk}/edit/", {"role": "administrator", "is_active": "on"}
        )
        assert response.status_code == 403
        people.rep_east.refresh_from_db()
        assert people.rep_east.role == "account_manager"


class TestTeamForms:
    def test_duplicate_name_is_refused(self, people: People) -> None:
        response = client_for(people.admin).post("/teams/new/", {"name": "华东销售部"})
        assert errors_of(response) == {"name": ["Team with this Name already exists."]}

    def test_admin_creates_a_team(self, people: People) -> None:
        response = client_for(people.admin).post(
            "/teams/new/", {"name": "大客户部", "supervisor": people.rep_west.pk}
        )
        team = Team.objects.get(name="大客户部")
        assert response["Location"] == f"/teams/{team.pk}/"
        assert team.supervisor == people.rep_west


class TestDictionaryForms:
    def test_admin_adds_an_item(self, people: People) -> None:
        response = client_for(people.admin).post(
            "/dictionary/source/",
            {
                "code": "wechat_ad",
                "label_zh": "微信广告",
                "label_en": "WeChat ads",
                "order": 90,
                "active": "on",
            },
        )
        assert response.status_code == 302
        assert DictItem.objects.filter(category__code="source", code="wechat_ad").exists()

    def test_bad_item_fields_are_named(self, people: People) -> None:
        response = client_for(people.admin).post(
            "/dictionary/source/",
            {"code": "bad code", "label_zh": "", "label_en": "x", "order": -1},
        )
        assert set(errors_of(response)) == {"code", "label_zh", "order"}

    def test_protected_item_cannot_be_deleted_through_the_page(self, people: People) -> None:
        item = DictItem.objects.get(category__code="customer_level", code="major")
        client = client_for(people.admin)
        response = client.post(f"/dictionary/customer_level/{item.pk}/delete/", follow=True)
        assert "is a protected item and cannot be changed or deleted." in response.content.decode()
        assert DictItem.objects.filter(pk=item.pk).exists()

    def test_rep_cannot_add_items(self, people: People) -> None:
        response = client_for(people.rep_east).post(
            "/dictionary/source/", {"code": "x", "label_zh": "x", "label_en": "x", "order": 1}
        )
        assert response.status_code == 403
        assert not DictItem.objects.filter(category__code="source", code="x").exists()


class TestTokensPage:
    def test_it_creates_shows_once_and_revokes(self, people: People) -> None:
        client = client_for(people.rep_east)
        response = client.post(
            "/account/tokens/", {"name": "Excel 插件", "expires_on": "2099-01-01"}
        )
        raw = response.context["created"]
        assert raw.startswith("gx_")
        assert raw not in client.get("/account/tokens/").content.decode()
        token = ApiToken.objects.get(user=people.rep_east)
        assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me").status_code == 200
        client.post(f"/account/tokens/{token.pk}/revoke/")
        assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me").status_code == 401

    def test_an_empty_name_is_refused(self, people: People) -> None:
        response = client_for(people.rep_east).post("/account/tokens/", {"name": ""})
        assert errors_of(response) == {"name": ["This field is required."]}

    def test_another_users_token_cannot_be_revoked(self, people: People) -> None:
        from guanxi.accounts.services import api_token_create

        token, _ = api_token_create(user=people.rep_west, name="t")
        assert (
            client_for(people.rep_east).post(f"/account/tokens/{token.pk}/revoke/").status_code
            == 404
        )


class TestAuditPage:
    def test_admin_finds_a_change(self, people: People) -> None:
        client = client_for(people.admin)
        client.post("/teams/new/", {"name": "大客户部"})
        page = client.get("/audit/?model=accounts.team&q=大客户部").content.decode()
        assert "大客户部" in page
        assert AuditEntry.objects.filter(model="accounts.team").count() == 1

    def test_dates_out_of_order_are_explained(self, people: People) -> None:
        response = client_for(people.admin).get("/audit/?date_from=2026-05-02&date_to=2026-05-01")
        assert errors_of(response) == {"date_to": ["The end date is before the start date."]}


class TestPasswordChange:
    def test_wrong_old_password_is_named(self, people: People) -> None:
        response = client_for(people.rep_east).post(
            "/account/password/",
            {"old_password": "x", "new_password1": "n-e-w-pass-1", "new_password2": "n-e-w-pass-1"},
        )
        assert list(errors_of(response)) == ["old_password"]

    def test_it_changes_the_password(self, people: People) -> None:
        client_for(people.rep_east).post(
            "/account/password/",
            {
                "old_password": PASSWORD,
                "new_password1": "n-e-w-pass-1",
                "new_password2": "n-e-w-pass-1",
            },
        )
        people.rep_east.refresh_from_db()
        assert people.rep_east.check_password("n-e-w-pass-1")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("url", ["/orders/new/", "/activities/new/"])
def test_date_pickers_get_iso_values_in_every_language(
    people: People, language: str, url: str
) -> None:
    # A type=date input shows nothing for a localised value such as 2026/12/02.
    page = client_for(people.sup_east, language).get(url).content.decode()
    values = re.findall(r'type="(?:date|datetime-local)"[^>]*value="([^"]+)"', page)
    assert values
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?", value) for value in values)
