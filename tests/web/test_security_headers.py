"""Every page says where scripts may come from (this site only) and which browser features it
never uses; the API's documentation page gets its own, looser policy."""

import pytest
from django.test import Client

from tests.conftest import People, client_for

pytestmark = pytest.mark.django_db


def test_pages_send_a_strict_policy(people: People) -> None:
    for response in (
        Client().get("/login/"),
        client_for(people.rep_east).get("/customers/"),
        client_for(people.rep_east).get("/api/v1/me"),
    ):
        policy = response["Content-Security-Policy"]
        assert "script-src 'self';" in policy
        assert "'unsafe-eval'" not in policy and "script-src 'self' 'unsafe-inline'" not in policy
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        assert response["Permissions-Policy"].startswith("accelerometer=(), camera=()")
        assert "geolocation=()" in response["Permissions-Policy"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"


def test_the_api_documentation_has_its_own(people: People) -> None:
    response = client_for(people.rep_east).get("/api/v1/docs")
    assert response.status_code == 200
    assert "script-src 'self' 'unsafe-inline'" in response["Content-Security-Policy"]
