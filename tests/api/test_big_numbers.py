"""Numbers too large for the database are bad input (422), not a server error."""

import pytest
from django.db import connection

from tests.conftest import People, bearer_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/service-requests?customer=99999999999999999999",
    ],
)
def test_an_id_too_large_is_bad_input(url: str, people: People) -> None:
    response = bearer_for(people.admin).get(url)
    if connection.vendor == "sqlite":  # SQLite's driver refuses the number
        assert response.status_code == 422
        assert response.json()["detail"] == "A number in the request is too large."
    else:  # PostgreSQL compares it as a numeric: nothing matches
        assert response.status_code == 200
        assert response.json()["items"] == []


def test_a_page_too_far_is_bad_input(people: People) -> None:
    response = bearer_for(people.admin).get("/api/v1/service-requests?page=99999999999")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "page"


@pytest.mark.parametrize(
    ("url", "field"),
    [("/api/v1/customers", "account_manager"), ("/api/v1/opportunities", "assignee")],
)
def test_a_person_outside_the_choices_is_named(people: People, url: str, field: str) -> None:
    # A list's filters offer the people the caller may choose; any other id is refused by
    # name, however large.
    for person in ("99999999999999999999", str(people.rep_west.pk)):
        response = bearer_for(people.sup_east).get(f"{url}?{field}={person}")
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {
                "field": field,
                "message": "Select a valid choice. "
                "That choice is not one of the available choices.",
            }
        ]


def test_an_id_list_too_large_is_refused_by_name(people: People) -> None:
    response = bearer_for(people.rep_east).post(
        "/api/v1/notifications/read", {"ids": [2**70]}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "ids.0"
    # The transaction is intact: the next call works.
    assert bearer_for(people.rep_east).get("/api/v1/notifications").status_code == 200
