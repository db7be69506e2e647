"""The 360 page's service section shows the customer's callbacks (回访): counts, the average
score, the latest with their answers, and done callbacks on the timeline — in the viewer's
scope, through the page and the API."""

from datetime import timedelta

import pytest
from django.utils import timezone

from guanxi.service.models import Callback, ServiceRequest
from guanxi.service.services import (
    callback_complete,
    service_request_create,
    service_request_feedback,
    service_request_handle,
    service_request_update,
)
from tests.conftest import Book, People, bearer_for, client_for

pytestmark = pytest.mark.django_db


def archived_complaint(people: People, customer, summary: str) -> ServiceRequest:  # type: ignore[no-untyped-def]
    found = service_request_create(
        actor=people.service_east,
        customer=customer,
        service_type="complaint",
        summary=summary,
        assignee=people.service_east,
    )
    found = service_request_update(
        actor=people.service_east,
        request=found,
        root_cause="物流延误",
        corrective_action="更换承运商",
        review="周会复盘",
    )
    service_request_handle(actor=people.service_east, request=found, result="补发")
    return service_request_feedback(actor=people.service_east, request=found, satisfaction=4)


@pytest.fixture
def callbacks(people: People, book: Book) -> list[Callback]:
    first = archived_complaint(people, book.east, "送货晚了")
    second = archived_complaint(people, book.east, "包装破损")
    third = archived_complaint(people, book.east, "发票错误")
    made = [Callback.objects.get(request=r) for r in (first, second, third)]
    callback_complete(
        actor=people.service_east,
        callback=made[0],
        attitude=5,
        efficiency=4,
        information=4,
        resolved=True,
        comment="处理及时",
    )
    callback_complete(actor=people.service_east, callback=made[1], reached=False)
    Callback.objects.filter(pk=made[2].pk).update(due_date=timezone.localdate() - timedelta(days=1))
    return made


def test_the_api_section_carries_the_callbacks(people: People, book: Book, callbacks) -> None:  # type: ignore[no-untyped-def]
    body = bearer_for(people.service_east).get(f"/api/v1/customers/{book.east.pk}/360").json()
    found = body["sections"]["service"]["callbacks"]
    assert (found["done"], found["pending"], found["unreachable"], found["average_score"]) == (
        1,
        1,
        1,
        4.33,
    )
    by_status = {item["status"]: item for item in found["items"]}
    assert by_status["done"]["comment"] == "处理及时"
    assert by_status["done"]["score"] == "4.33"
    assert by_status["pending"]["overdue"] is True
    assert by_status["pending"]["url"] == f"/service/callbacks/{callbacks[2].pk}/"
    titles = [event["title"] for event in body["timeline"] if event["kind"] == "callback"]
    assert sorted(titles) == sorted(
        [
            f"Callback on {callbacks[0].request.number}: 4.33/5",
            f"Callback on {callbacks[1].request.number}: could not reach the customer",
        ]
    )


def test_the_page_shows_them_in_chinese(people: People, book: Book, callbacks) -> None:  # type: ignore[no-untyped-def]
    html = client_for(people.service_east, "zh-hans").get(book.east.get_absolute_url())
    text = html.content.decode()
    assert 'id="customer-callbacks"' in text
    assert "处理及时" in text and "已逾期" in text
    assert f'href="/service/callbacks/{callbacks[2].pk}/"' in text


def test_who_sees_and_who_records(people: People, book: Book, callbacks) -> None:  # type: ignore[no-untyped-def]
    # The account manager and the executive read them, and may not record one (no link).
    for name in ("rep_east", "executive"):
        body = bearer_for(people.by_name(name)).get(f"/api/v1/customers/{book.east.pk}/360")
        items = body.json()["sections"]["service"]["callbacks"]["items"]
        assert len(items) == 3 and all(item["url"] == "" for item in items), name
    # Another team's supervisor does not see the customer at all.
    other = bearer_for(people.sup_west).get(f"/api/v1/customers/{book.east.pk}/360")
    assert other.status_code == 404


def test_no_n_plus_one(
    people: People, book: Book, callbacks, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    from guanxi.customers.profile import customer_360

    customer = book.east
    with django_assert_max_num_queries(40) as captured:
        customer_360(actor=people.service_east, customer=customer)
    before = len(captured.captured_queries)
    for index in range(4):
        archived_complaint(people, customer, f"再次投诉{index}")
    with django_assert_max_num_queries(before):
        customer_360(actor=people.service_east, customer=customer)
