"""Hot paths stay at a fixed number of queries however many rows they show (no N+1)."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from guanxi.analytics.models import AnalyticsSettings
from guanxi.customers.models import Customer, Tag
from tests.conftest import People, bearer_for, client_for
from tests.factories import ContactFactory, CustomerFactory, InteractionFactory, OrderFactory

pytestmark = pytest.mark.django_db


def many_customers(people: People, count: int) -> list[Customer]:
    tag = Tag.objects.create(name="VIP")
    customers = []
    for index in range(count):
        customer = CustomerFactory(name=f"测试{index}科技有限公司", account_manager=people.rep_east)
        customer.tags.add(tag)
        ContactFactory(customer=customer, name=f"联系人{index}", is_primary=True)
        InteractionFactory(
            customer=customer, occurred_at=timezone.now(), channel="phone", summary="回访"
        )
        OrderFactory(
            number=f"SO{index}", customer=customer, order_date=date(2026, 1, 1), total=Decimal(1)
        )
        customers.append(customer)
    return customers


@pytest.mark.parametrize("count", [3, 30])
def test_customer_list_api(people: People, count: int, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    many_customers(people, count)
    client = bearer_for(people.sup_east)
    # token lookup + last-used update, user, permissions, count, page, tags prefetch
    with django_assert_max_num_queries(9):
        body = client.get("/api/v1/customers?page_size=50&q=科技").json()
    assert body["count"] == count


@pytest.mark.parametrize("count", [3, 30])
def test_customer_list_page(people: People, count: int, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    many_customers(people, count)
    client = client_for(people.sup_east)
    with django_assert_max_num_queries(14):
        response = client.get("/customers/")
    assert response.context["table"].paginator.count == count


def test_360_api_and_page(people: People, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    customer = many_customers(people, 1)[0]
    for index in range(20):
        InteractionFactory(
            customer=customer, occurred_at=timezone.now(), channel="visit", summary=f"第{index}次"
        )
        OrderFactory(
            number=f"SO-X{index}", customer=customer, order_date=date(2026, 2, 1), total=Decimal(5)
        )
    api, browser = bearer_for(people.rep_east), client_for(people.rep_east)
    AnalyticsSettings.load()  # the settings row, as every installation has it
    # +2 each for opportunities and activities, +3 service, +3 callbacks, +3 scores, +3
    # lifecycle (strategy, settings, the customer's purchase figures), +1 the read audit's row
    with django_assert_max_num_queries(35):
        body = api.get(f"/api/v1/customers/{customer.pk}/360").json()
    assert body["sections"]["orders"]["count"] == 21
    with django_assert_max_num_queries(41):
        response = browser.get(f"/customers/{customer.pk}/")
    assert response.status_code == 200
