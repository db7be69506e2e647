"""One FilterSet for the customer list: the page, the API and the export pick the same rows
for the same query, and refuse (API, export) or flag (page) the same bad value."""

import csv
import io

import pytest

from guanxi.customers.models import Customer
from tests.conftest import Book, People, bearer_for, client_for
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread(people: People, book: Book) -> list[Customer]:
    return [
        CustomerFactory(
            name="杭州甲科技有限公司",
            level="major",
            region="zhejiang",
            account_manager=people.rep_east,
        ),
        CustomerFactory(
            name="杭州乙贸易有限公司",
            level="major",
            region="zhejiang",
            account_manager=people.rep_west,
        ),
        CustomerFactory(
            name="宁波丙科技有限公司",
            level="ordinary",
            region="zhejiang",
            account_manager=people.rep_east2,
        ),
    ]


def page_names(client, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    table = client.get(f"/customers/?{query}").context["table"]
    return sorted(row.record.name for row in table.paginated_rows)


def api_names(client, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(c["name"] for c in client.get(f"/api/v1/customers?{query}").json()["items"])


def export_names(client, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    response = client.get(f"/export/customers/?{query}&format=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    return sorted(row[1] for row in rows[1:])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("level=major&region=zhejiang", ["杭州甲科技有限公司"]),
        ("q=科技", ["北京华信科技有限公司", "宁波丙科技有限公司", "杭州甲科技有限公司"]),
        ("q=科技&level=ordinary", ["北京华信科技有限公司", "宁波丙科技有限公司"]),
    ],
)
def test_page_api_and_export_pick_the_same_rows(
    people: People, spread: list[Customer], query: str, expected: list[str]
) -> None:
    # The supervisor's scope (team East) comes first: a filter narrows it, never widens it.
    page, api = client_for(people.sup_east), bearer_for(people.sup_east)
    assert page_names(page, query) == expected
    assert api_names(api, query) == expected
    assert export_names(page, query) == expected


def test_archived_customers_only_when_asked(people: People, book: Book) -> None:
    book.east.archived_at = book.east.created_at
    book.east.save()
    api = bearer_for(people.sup_east)
    assert api_names(api, "") == ["上海宏达贸易有限公司"]
    assert api_names(api, "archived=true") == ["北京华信科技有限公司"]
    assert api_names(api, "archived=false") == ["上海宏达贸易有限公司"]
    assert page_names(client_for(people.sup_east), "archived=on") == ["北京华信科技有限公司"]


def test_a_bad_value_is_refused_by_the_api_and_flagged_on_the_page(
    people: People, book: Book
) -> None:
    message = "Select a valid choice. gold is not one of the available choices."
    response = bearer_for(people.sup_east).get("/api/v1/customers?level=gold")
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "level", "message": message}]
    page = client_for(people.sup_east).get("/customers/?level=gold&q=华信")
    # The page shows the problem on its field and applies the filters that are fine.
    assert page.status_code == 200
    assert page.context["filters"].errors == {"level": [message]}
    assert [row.record.name for row in page.context["table"].paginated_rows] == [
        "北京华信科技有限公司"
    ]


def test_a_bad_value_stops_an_export_before_it_starts(people: People, book: Book) -> None:
    client = client_for(people.sup_east)
    response = client.get(
        "/export/customers/?churn_risk_min=101&format=csv", HTTP_REFERER="/customers/"
    )
    assert (response.status_code, response["Location"]) == (302, "/customers/")
    shown = [str(m) for m in client.get("/customers/").context["messages"]]
    assert shown == ["Churn risk runs from 0 to 100."]


def test_a_rep_cannot_filter_by_another_manager(people: People, book: Book) -> None:
    response = bearer_for(people.rep_east).get(
        f"/api/v1/customers?account_manager={people.rep_east2.pk}"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "account_manager"
    mine = bearer_for(people.rep_east).get(
        f"/api/v1/customers?account_manager={people.rep_east.pk}"
    )
    assert [c["name"] for c in mine.json()["items"]] == ["北京华信科技有限公司"]


def test_the_messages_follow_the_language(people: People, book: Book) -> None:
    response = bearer_for(people.sup_east, "zh-hans").get("/api/v1/customers?churn_risk_min=-1")
    assert response.json()["errors"] == [
        {"field": "churn_risk_min", "message": "流失风险取值范围为 0 到 100。"}
    ]
