"""Where you are signed in: each browser recorded at sign-in, listed for its owner only, and
signed out from another browser or the API."""

import pytest
from django.test import Client

from guanxi.accounts.models import UserSession
from tests.conftest import People, bearer_for
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def browser(user_agent: str, address: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)
    response = client.post("/login/", {"username": "rep_east", "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_signing_in_records_the_browser_and_signing_out_forgets_it(people: People) -> None:
    laptop = browser("Firefox on Linux", "10.0.0.5")
    phone = browser("Safari on iPhone", "10.0.0.6")
    found = list(UserSession.objects.values_list("user__username", "user_agent", "address"))
    assert sorted(found) == [
        ("rep_east", "Firefox on Linux", "10.0.0.5"),
        ("rep_east", "Safari on iPhone", "10.0.0.6"),
    ]
    page = laptop.get("/account/sessions/").content.decode()
    assert "Safari on iPhone" in page and "this browser" in page
    phone.post("/logout/")
    assert list(UserSession.objects.values_list("user_agent", flat=True)) == ["Firefox on Linux"]


def test_another_browser_is_signed_out(people: People) -> None:
    laptop = browser("Firefox on Linux", "10.0.0.5")
    phone = browser("Safari on iPhone", "10.0.0.6")
    other = UserSession.objects.get(user_agent="Safari on iPhone")
    response = laptop.post(f"/account/sessions/{other.pk}/signout/")
    assert (response.status_code, response["Location"]) == (302, "/account/sessions/")
    assert phone.get("/").status_code == 302  # back to the sign-in page
    assert laptop.get("/").status_code == 200


def test_the_api_lists_and_revokes_only_your_own(people: People) -> None:
    phone = browser("Safari on iPhone", "10.0.0.6")
    mine = UserSession.objects.get(user_agent="Safari on iPhone")
    assert bearer_for(people.rep_west).get("/api/v1/me/sessions").json() == []
    refused = bearer_for(people.rep_west).delete(f"/api/v1/me/sessions/{mine.pk}")
    assert refused.status_code == 404
    assert phone.get("/").status_code == 200
    listed = bearer_for(people.rep_east).get("/api/v1/me/sessions").json()
    assert [(s["id"], s["user_agent"], s["address"]) for s in listed] == [
        (mine.pk, "Safari on iPhone", "10.0.0.6")
    ]
    assert bearer_for(people.rep_east).delete(f"/api/v1/me/sessions/{mine.pk}").status_code == 204
    assert phone.get("/").status_code == 302
    assert not UserSession.objects.exists()
