from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from guanxi.accounts.models import ApiToken
from guanxi.accounts.services import api_token_create, api_token_revoke
from tests.conftest import People, bearer_for, client_for
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


class TestCreateToken:
    def test_it_returns_the_token_once_for_username_and_password(self, people: People) -> None:
        response = Client().post(
            "/api/v1/auth/tokens",
            {"username": "rep_east", "password": PASSWORD, "name": "ERP sync"},
            content_type="application/json",
        )
        assert response.status_code == 201
        body = response.json()
        assert body["token"].startswith("gx_")
        assert body["name"] == "ERP sync"
        assert body["status"] == "active"
        stored = ApiToken.objects.get(pk=body["id"])
        assert stored.key_hash == ApiToken.hash(body["token"])
        assert body["token"] not in {stored.key_hash, stored.hint}
        listed = bearer_for(people.rep_east).get("/api/v1/auth/tokens").json()
        assert all("token" not in token for token in listed)

    def test_it_refuses_a_wrong_password(self, people: People) -> None:
        response = Client().post(
            "/api/v1/auth/tokens",
            {"username": "rep_east", "password": "wrong", "name": "x"},
            content_type="application/json",
        )
        assert response.status_code == 401
        assert response["Content-Type"] == "application/problem+json"

    def test_it_accepts_a_session_with_csrf(self, people: People) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(people.rep_east)
        refused = client.post(
            "/api/v1/auth/tokens", {"name": "cli"}, content_type="application/json"
        )
        assert refused.status_code == 403
        client.get("/")  # a page with a form sets the CSRF cookie
        csrf = client.cookies["csrftoken"].value
        created = client.post(
            "/api/v1/auth/tokens",
            {"name": "cli"},
            content_type="application/json",
            HTTP_X_CSRFTOKEN=csrf,
        )
        assert created.status_code == 201

    def test_it_needs_a_name(self, people: People) -> None:
        response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
            "/api/v1/auth/tokens",
            {"username": "rep_east", "password": PASSWORD},
            content_type="application/json",
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "name", "message": "This field is required."}
        ]

    def test_it_refuses_an_expiry_in_the_past_in_chinese(self, people: People) -> None:
        response = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").post(
            "/api/v1/auth/tokens",
            {
                "username": "rep_east",
                "password": PASSWORD,
                "name": "old",
                "expires_at": "2020-01-01T00:00:00+08:00",
            },
            content_type="application/json",
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "expires_at", "message": "过期时间必须晚于现在。"}
        ]


class TestBearer:
    def test_it_authenticates(self, people: People) -> None:
        response = bearer_for(people.rep_east).get("/api/v1/me")
        assert response.status_code == 200
        assert response.json()["username"] == "rep_east"
        assert response.json()["data_scope"] == "own"

    def test_it_refuses_a_revoked_token(self, people: People) -> None:
        token, raw = api_token_create(user=people.rep_east, name="t")
        api_token_revoke(actor=people.rep_east, token=token)
        response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me")
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Bearer"

    def test_it_refuses_an_expired_token(self, people: People) -> None:
        token, raw = api_token_create(
            user=people.rep_east, name="t", expires_at=timezone.now() + timedelta(hours=1)
        )
        ApiToken.objects.filter(pk=token.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
        assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me").status_code == 401

    def test_it_refuses_the_token_of_a_deactivated_user(self, people: People) -> None:
        _, raw = api_token_create(user=people.rep_east, name="t")
        people.rep_east.is_active = False
        people.rep_east.save()
        assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me").status_code == 401

    def test_it_refuses_a_made_up_token(self, people: People) -> None:
        response = Client(HTTP_AUTHORIZATION="Bearer gx_not-a-token").get("/api/v1/me")
        assert response.status_code == 401

    def test_it_records_last_use(self, people: People) -> None:
        token, raw = api_token_create(user=people.rep_east, name="t")
        Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me")
        token.refresh_from_db()
        assert token.last_used_at is not None


class TestRevoke:
    def test_it_revokes_own_token(self, people: People) -> None:
        token, raw = api_token_create(user=people.rep_east, name="t")
        client = client_for(people.rep_east)
        assert client.delete(f"/api/v1/auth/tokens/{token.pk}").status_code == 204
        assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me").status_code == 401

    def test_it_hides_another_users_token(self, people: People) -> None:
        token, _ = api_token_create(user=people.rep_west, name="t")
        response = bearer_for(people.rep_east).delete(f"/api/v1/auth/tokens/{token.pk}")
        assert response.status_code == 404
        token.refresh_from_db()
        assert token.revoked_at is None
