"""One FilterSet for the request list: the queue page and the API filter alike."""

from typing import Any

import pytest

from tests.conftest import Book, People, bearer_for, client_for, post
from tests.service.conftest import log_request

pytestmark = pytest.mark.django_db
URL = "/api/v1/service-requests"


def numbers(body: dict[str, Any]) -> list[str]:
    return sorted(item["number"] for item in body["items"])


def page_numbers(response: Any) -> list[str]:
    return sorted(row.record.number for row in response.context["table"].paginated_rows)


@pytest.fixture
def requests(people: People, book: Book) -> dict[str, str]:
    inquiry = log_request(people, book.east.pk)
    complaint = log_request(people, book.east2.pk, type="complaint", priority="high")
    mine = log_request(people, book.east.pk, assignee=people.service_east.pk)
    handled = log_request(people, book.east.pk, assignee=people.service_east.pk)
    post(bearer_for(people.service_east), f"{URL}/{handled['id']}/handle", {"result": "已处理"})
    return {
        "inquiry": inquiry["number"],
        "complaint": complaint["number"],
        "mine": mine["number"],
        "handled": handled["number"],
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("type=complaint", ["complaint"]),
        ("priority=high", ["complaint"]),
        ("status=open", ["complaint", "inquiry", "mine"]),
        ("status=handled", ["handled"]),
        ("queue=mine", ["mine"]),
        ("queue=unassigned&type=inquiry", ["inquiry"]),
        ("q=发票&priority=normal", ["handled", "inquiry", "mine"]),
    ],
)
def test_the_page_and_the_api_pick_the_same_requests(
    people: People, requests: dict[str, str], query: str, expected: list[str]
) -> None:
    wanted = sorted(requests[name] for name in expected)
    assert numbers(bearer_for(people.service_east).get(f"{URL}?{query}").json()) == wanted
    # The page opens on the desk's own queue unless the query names one (the "All" tab: none).
    on_page = query if "queue=" in query else f"{query}&queue="
    page = client_for(people.service_east).get(f"/service/?{on_page}")
    assert page_numbers(page) == wanted


def test_the_page_starts_on_my_queue_and_keeps_it_when_filtering(
    people: People, requests: dict[str, str]
) -> None:
    client = client_for(people.service_east)
    start = client.get("/service/")
    assert (start.context["queue"], page_numbers(start)) == ("mine", [requests["mine"]])
    # The filter bar carries the queue along (a hidden field), so filtering stays in it.
    assert start.context["filters"]["queue"].value() == "mine"
    every = client.get("/service/?queue=")
    assert len(page_numbers(every)) == 4


def test_a_bad_value_is_named(people: People, requests: dict[str, str]) -> None:
    response = bearer_for(people.service_east).get(f"{URL}?sla_state=late&queue=all")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "sla_state",
            "message": "Select a valid choice. late is not one of the available choices.",
        },
        {
            "field": "queue",
            "message": "Select a valid choice. all is not one of the available choices.",
        },
    ]


def test_the_assignee_filter_offers_the_callers_colleagues_only(
    people: People, requests: dict[str, str]
) -> None:
    outside = bearer_for(people.service_east).get(f"{URL}?assignee={people.rep_west.pk}")
    assert outside.status_code == 422
    assert outside.json()["errors"][0]["field"] == "assignee"
    theirs = bearer_for(people.sup_east).get(f"{URL}?assignee={people.service_east.pk}")
    assert numbers(theirs.json()) == sorted([requests["mine"], requests["handled"]])
