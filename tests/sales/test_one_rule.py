"""An opportunity's fields are judged by the model: the page and the API give the same message
for the same bad value, and the rule normalises alike (a lead's phone, its source by label)."""

from typing import Any

import pytest

from guanxi.sales.models import Opportunity
from tests.conftest import People, bearer_for, client_for, post

pytestmark = pytest.mark.django_db

GOOD = {"customer_name": "杭州云栖信息技术有限公司", "summary": "要一套CRM"}
BAD_VALUES = [
    (
        "contact_phone",
        "12",
        "Enter a mobile number or a landline with its area code, such as 010-12345678.",
    ),
    ("contact_email", "a@", "Enter a valid e-mail address, such as name@example.com."),
    ("probability", 150, "Enter a whole number from 0 to 100."),
    ("amount", -1, "The amount cannot be negative."),
    ("customer_name", "", "This field is required."),
    (
        "source",
        "radio",
        "“radio” is not in the dictionary. Choose from: Customer referral, Website, Trade show, "
        "Cold call, Advertising, Partner referral, Social media, Other.",
    ),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_VALUES)
def test_the_page_and_the_api_say_the_same(
    people: People, field: str, value: Any, message: str
) -> None:
    page = client_for(people.sup_east).post("/opportunities/new/", {**GOOD, field: value})
    assert page.status_code == 200
    assert list(page.context["form"].errors[field]) == [message]
    response = post(bearer_for(people.sup_east), "/api/v1/opportunities", {**GOOD, field: value})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": field, "message": message}]
    assert not Opportunity.objects.exists()


def test_values_are_stored_as_the_rule_writes_them(people: People) -> None:
    client_for(people.sup_east).post(
        "/opportunities/new/", {**GOOD, "contact_phone": "01088886666", "source": "website"}
    )
    post(
        bearer_for(people.sup_east),
        "/api/v1/opportunities",
        {**GOOD, "customer_name": "乙", "contact_phone": "(010)88886666", "source": "Website"},
    )
    stored = Opportunity.objects.values_list("contact_phone", "source", "amount", "probability")
    assert sorted(stored) == [("010-88886666", "website", 0, 10)] * 2
