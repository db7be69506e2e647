"""A service request's fields are judged by the model: the page and the API give the same
message for the same bad value, and the API names the field as the API calls it."""

from typing import Any

import pytest

from guanxi.service.models import ServiceRequest
from tests.conftest import People, bearer_for, client_for, post

pytestmark = pytest.mark.django_db

GOOD = {
    "service_type": "inquiry",
    "priority": "normal",
    "channel": "hotline",
    "summary": "发票抬头怎么修改",
    "requester_name": "张先生",
}
# (model field, API field, bad value, message)
BAD_VALUES = [
    (
        "requester_phone",
        "requester_phone",
        "12",
        "Enter a mobile number or a landline with its area code, such as 010-12345678.",
    ),
    (
        "requester_email",
        "requester_email",
        "a@b",
        "Enter a valid e-mail address, such as name@example.com.",
    ),
    ("priority", "priority", "asap", "“asap” is not one of: low, normal, high, urgent."),
    (
        "service_type",
        "type",
        "spam",
        "“spam” is not in the dictionary. Choose from: Inquiry, Suggestion, Complaint, "
        "Complex problem.",
    ),
    ("summary", "summary", "", "This field is required."),
    (
        "received_at",
        "received_at",
        "2099-01-01T10:00",
        "A request cannot be received in the future.",
    ),
]
API_NAMES = {"service_type": "type", "details": "request"}


@pytest.mark.parametrize(("field", "api_field", "value", "message"), BAD_VALUES)
def test_the_page_and_the_api_say_the_same(
    people: People, field: str, api_field: str, value: Any, message: str
) -> None:
    page = client_for(people.service_east).post("/service/new/", {**GOOD, field: value})
    assert page.status_code == 200
    assert list(page.context["form"].errors[field]) == [message]
    body = {API_NAMES.get(k, k): v for k, v in {**GOOD, field: value}.items()}
    response = post(bearer_for(people.service_east), "/api/v1/service-requests", body)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": api_field, "message": message}]
    assert not ServiceRequest.objects.exists()


def test_values_are_stored_as_the_rule_writes_them(people: People) -> None:
    client_for(people.service_east).post(
        "/service/new/", {**GOOD, "requester_phone": "01088886666", "priority": "High"}
    )
    post(
        bearer_for(people.service_east),
        "/api/v1/service-requests",
        {"type": "咨询", "summary": "x", "requester_phone": "(010) 88886666", "priority": "高"},
    )
    assert (
        list(ServiceRequest.objects.values_list("requester_phone", "priority", "service_type"))
        == [("010-88886666", "high", "inquiry")] * 2
    )


def test_someone_must_have_asked(people: People) -> None:
    page = client_for(people.service_east).post("/service/new/", {**GOOD, "requester_name": ""})
    message = "Choose the customer, or give the requester's name."
    assert list(page.context["form"].errors["customer"]) == [message]
    response = post(
        bearer_for(people.service_east),
        "/api/v1/service-requests",
        {"type": "inquiry", "summary": "x"},
    )
    assert response.json()["errors"] == [{"field": "customer", "message": message}]
