"""An activity's fields are judged by the model: the page and the API say the same."""

from typing import Any

import pytest

from guanxi.sales.models import Activity
from tests.conftest import People, bearer_for, client_for, post

pytestmark = pytest.mark.django_db

GOOD = {
    "kind": "call",
    "subject": "回访王经理",
    "due_at": "2026-12-31T10:00",
    "duration_minutes": 30,
    "remind_minutes": 15,
}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("duration_minutes", 2000, "Enter from 0 to 1440 minutes."),
        ("remind_minutes", 20000, "Enter from 0 to 10080 minutes, or leave it empty."),
        ("kind", "lunch", "“lunch” is not one of: call, meeting, visit, todo."),
        ("subject", "", "This field is required."),
    ],
)
def test_the_page_and_the_api_say_the_same(
    people: People, field: str, value: Any, message: str
) -> None:
    page = client_for(people.rep_east).post("/activities/new/", {**GOOD, field: value})
    assert page.status_code == 200
    assert list(page.context["form"].errors[field]) == [message]
    response = post(bearer_for(people.rep_east), "/api/v1/activities", {**GOOD, field: value})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": field, "message": message}]
    assert not Activity.objects.exists()


def test_a_time_without_a_zone_is_local(people: People) -> None:
    response = post(bearer_for(people.rep_east), "/api/v1/activities", GOOD)
    assert response.status_code == 201
    assert response.json()["due_at"] == "2026-12-31T10:00:00+08:00"
