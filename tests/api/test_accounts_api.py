import pytest
from django.test import Client

from guanxi.accounts.models import Team, User
from guanxi.core.models import AuditEntry
from tests.conftest import ROLE_PERSONAS, People, bearer_for, client_for

pytestmark = pytest.mark.django_db


def usernames(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [user["username"] for user in response.json()["items"]]


class TestMe:
    def test_it_shows_role_team_and_scope(self, people: People) -> None:
        body = client_for(people.sup_east).get("/api/v1/me").json()
        assert body["role"] == "sales_supervisor"
        assert body["team"] == {"id": people.east.pk, "name": "华东销售部"}
        assert body["data_scope"] == "team"
        assert "accounts.view_user" in body["permissions"]

    def test_it_needs_authentication(self, people: People) -> None:
        response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/me")
        assert response.status_code == 401
        assert response.json()["title"] == "Authentication required."
        chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-CN").get("/api/v1/me")
        assert chinese.json()["title"] == "需要登录。"

    def test_it_changes_the_language(self, people: People) -> None:
        response = bearer_for(people.rep_east).patch(
            "/api/v1/me", {"language": "zh-hans"}, content_type="application/json"
        )
        assert response.status_code == 200
        people.rep_east.refresh_from_db()
        assert people.rep_east.language == "zh-hans"

    def test_it_refuses_an_unknown_language(self, people: People) -> None:
        response = bearer_for(people.rep_east).patch(
            "/api/v1/me", {"language": "fr"}, content_type="application/json"
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "language", "message": "Choose one of the offered languages."}
        ]


class TestUserList:
    def test_admin_sees_everyone(self, people: People) -> None:
        response = client_for(people.admin).get("/api/v1/users?page_size=200")
        assert response.json()["count"] == 8

    def test_supervisor_sees_only_own_team(self, people: People) -> None:
        response = client_for(people.sup_east).get("/api/v1/users")
        assert usernames(response) == ["rep_east", "rep_east2", "service_east", "sup_east"]
        assert response.json()["count"] == 4

    def test_rep_sees_only_self(self, people: People) -> None:
        assert usernames(client_for(people.rep_east).get("/api/v1/users")) == ["rep_east"]

    def test_supervisor_cannot_read_another_teams_user(self, people: People) -> None:
        response = client_for(people.sup_east).get(f"/api/v1/users/{people.rep_west.pk}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"

    def test_it_filters_and_orders(self, people: People) -> None:
        client = client_for(people.admin)
        response = client.get("/api/v1/users?role=account_manager&ordering=-username")
        assert usernames(response) == ["rep_west", "rep_east2", "rep_east"]
        response = client.get(f"/api/v1/users?team={people.west.pk}&q=sup")
        assert usernames(response) == ["sup_west"]

    def test_it_paginates(self, people: People) -> None:
        client = client_for(people.admin)
        first = client.get("/api/v1/users?page=1&page_size=3").json()
        second = client.get("/api/v1/users?page=2&page_size=3").json()
        assert first["count"] == second["count"] == 8
        assert [u["username"] for u in first["items"]] == ["admin", "executive", "rep_east"]
        assert [u["username"] for u in second["items"]] == ["rep_east2", "rep_west", "service_east"]

    def test_it_caps_the_page_size(self, people: People) -> None:
        response = client_for(people.admin).get("/api/v1/users?page_size=500")
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "page_size", "message": "Enter a value of at most 200."}
        ]

    def test_it_refuses_an_unknown_ordering(self, people: People) -> None:
        response = client_for(people.admin).get("/api/v1/users?ordering=password")
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "ordering"

    def test_it_runs_a_fixed_number_of_queries(
        self, people: People, django_assert_max_num_queries
    ) -> None:  # type: ignore[no-untyped-def]
        client = client_for(people.admin)
        client.get("/api/v1/users")
        with django_assert_max_num_queries(5):
            client.get("/api/v1/users?page_size=200")


class TestUserCreate:
    payload = {
        "username": "new_rep",
        "password": "a-long-secret-9",
        "role": "account_manager",
        "email": "new@example.com",
    }

    def test_admin_creates_a_user_in_a_team(self, people: People) -> None:
        response = client_for(people.admin).post(
            "/api/v1/users",
            {**self.payload, "team": people.east.pk},
            content_type="application/json",
        )
        assert response.status_code == 201
        user = User.objects.get(username="new_rep")
        assert user.team == people.east
        assert user.check_password("a-long-secret-9")
        entry = AuditEntry.objects.get(model="accounts.user", object_id=str(user.pk))
        assert entry.actor == people.admin
        assert entry.changes["username"] == [None, "new_rep"]
        assert "password" not in entry.changes

    @pytest.mark.parametrize("persona", [p for p in ROLE_PERSONAS if p != "admin"])
    def test_other_roles_are_refused(self, people: People, persona: str) -> None:
        response = client_for(people.by_name(persona)).post(
            "/api/v1/users", self.payload, content_type="application/json"
        )
        assert response.status_code == 403
        assert not User.objects.filter(username="new_rep").exists()

    def test_it_reports_every_bad_field_in_english(self, people: People) -> None:
        response = client_for(people.admin).post(
            "/api/v1/users",
            {"username": "rep_east", "password": "123", "role": "boss", "team": 999999},
            content_type="application/json",
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {
                "field": "role",
                "message": "Choose one of: 'administrator', 'sales_supervisor', "
                "'account_manager', 'service_staff' or 'executive'.",
            }
        ]
        response = client_for(people.admin).post(
            "/api/v1/users",
            {"username": "rep_east", "password": "123", "email": "not-mail"},
            content_type="application/json",
        )
        assert response.json()["errors"] == [
            {"field": "email", "message": "Enter a valid email address."},
            {"field": "username", "message": "A user with that username already exists."},
            {
                "field": "password",
                "message": "This password is too short. It must contain at least 8 characters.",
            },
            {"field": "password", "message": "This password is too common."},
            {"field": "password", "message": "This password is entirely numeric."},
        ]

    def test_it_reports_bad_fields_in_chinese(self, people: People) -> None:
        response = client_for(people.admin, language="zh-hans").post(
            "/api/v1/users", {"password": "x-long-secret-9"}, content_type="application/json"
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [{"field": "username", "message": "此字段为必填项。"}]
        assert response.json()["title"] == "提交的数据无效。"

    def test_it_reports_an_unknown_team(self, people: People) -> None:
        response = client_for(people.admin).post(
            "/api/v1/users", {**self.payload, "team": 999999}, content_type="application/json"
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "team", "message": "No team has the id 999999."}
        ]

    def test_it_refuses_malformed_json(self, people: People) -> None:
        response = client_for(people.admin).post(
            "/api/v1/users", "{not json", content_type="application/json"
        )
        assert response.status_code in {400, 422}
        assert response["Content-Type"] == "application/problem+json"


class TestUserUpdate:
    def test_admin_moves_a_user_and_the_change_is_audited(self, people: People) -> None:
        response = client_for(people.admin).patch(
            f"/api/v1/users/{people.rep_east.pk}",
            {"team": people.west.pk, "role": "sales_supervisor"},
            content_type="application/json",
        )
        assert response.status_code == 200
        entry = AuditEntry.objects.filter(model="accounts.user", action="update").get()
        assert entry.changes == {
            "role": ["account_manager", "sales_supervisor"],
            "team": [people.east.pk, people.west.pk],
        }

    def test_supervisor_cannot_change_a_teammate(self, people: People) -> None:
        response = client_for(people.sup_east).patch(
            f"/api/v1/users/{people.rep_east.pk}",
            {"role": "administrator"},
            content_type="application/json",
        )
        assert response.status_code == 403
        people.rep_east.refresh_from_db()
        assert people.rep_east.role == "account_manager"

    def test_supervisor_cannot_touch_another_team(self, people: People) -> None:
        response = client_for(people.sup_east).patch(
            f"/api/v1/users/{people.rep_west.pk}",
            {"is_active": False},
            content_type="application/json",
        )
        assert response.status_code == 404

    def test_admin_cannot_deactivate_themselves(self, people: People) -> None:
        response = client_for(people.admin).patch(
            f"/api/v1/users/{people.admin.pk}",
            {"is_active": False},
            content_type="application/json",
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "is_active", "message": "You cannot deactivate your own account."}
        ]

    def test_admin_resets_a_password(self, people: People) -> None:
        client = client_for(people.admin)
        url = f"/api/v1/users/{people.rep_east.pk}/password"
        too_short = client.post(url, {"password": "abc"}, content_type="application/json")
        assert too_short.status_code == 422
        assert (
            client.post(
                url, {"password": "brand-new-pass-7"}, content_type="application/json"
            ).status_code
            == 204
        )
        people.rep_east.refresh_from_db()
        assert people.rep_east.check_password("brand-new-pass-7")

    def test_rep_cannot_reset_someone_elses_password(self, people: People) -> None:
        response = client_for(people.sup_east).post(
            f"/api/v1/users/{people.rep_east.pk}/password",
            {"password": "brand-new-pass-7"},
            content_type="application/json",
        )
        assert response.status_code == 403


class TestTeams:
    def test_admin_lists_all_teams(self, people: People) -> None:
        body = client_for(people.admin).get("/api/v1/teams").json()
        assert [team["name"] for team in body["items"]] == ["华东销售部", "华南销售部"]
        assert body["items"][0]["member_count"] == 4
        assert body["items"][0]["supervisor"]["username"] == "sup_east"

    @pytest.mark.parametrize("persona", ["sup_east", "rep_east", "service_east"])
    def test_team_members_see_only_their_team(self, people: People, persona: str) -> None:
        body = client_for(people.by_name(persona)).get("/api/v1/teams").json()
        assert [team["name"] for team in body["items"]] == ["华东销售部"]
        response = client_for(people.by_name(persona)).get(f"/api/v1/teams/{people.west.pk}")
        assert response.status_code == 404

    def test_admin_creates_a_team_and_its_supervisor_joins_it(self, people: People) -> None:
        response = client_for(people.admin).post(
            "/api/v1/teams",
            {"name": "华北销售部", "supervisor": people.rep_west.pk},
            content_type="application/json",
        )
        assert response.status_code == 201
        team = Team.objects.get(name="华北销售部")
        people.rep_west.refresh_from_db()
        assert people.rep_west.team == team

    def test_it_refuses_a_duplicate_name(self, people: People) -> None:
        response = client_for(people.admin).post(
            "/api/v1/teams", {"name": "华东销售部"}, content_type="application/json"
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "name", "message": "Team with this Name already exists."}
        ]

    @pytest.mark.parametrize("persona", [p for p in ROLE_PERSONAS if p != "admin"])
    def test_only_admins_create_or_rename(self, people: People, persona: str) -> None:
        client = client_for(people.by_name(persona))
        created = client.post("/api/v1/teams", {"name": "X"}, content_type="application/json")
        assert created.status_code == 403
        renamed = client.patch(
            f"/api/v1/teams/{people.east.pk}", {"name": "Y"}, content_type="application/json"
        )
        assert renamed.status_code in {403, 404}
        people.east.refresh_from_db()
        assert people.east.name == "华东销售部"

    def test_admin_renames_a_team(self, people: People) -> None:
        response = client_for(people.admin).patch(
            f"/api/v1/teams/{people.east.pk}", {"name": "华东大区"}, content_type="application/json"
        )
        assert response.status_code == 200
        assert response.json()["name"] == "华东大区"
        assert response.json()["supervisor"]["username"] == "sup_east"
