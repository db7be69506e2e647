"""No N+1 on the analytics' hot pages: the same number of queries at 12 and at 40 rows."""

from typing import Any

import pytest

from guanxi.analytics.kpis import kpi_dashboard
from guanxi.analytics.services import churn_scan, refresh_scores
from tests.analytics.conftest import TODAY, buy
from tests.conftest import People, bearer_for, client_for
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[12, 40])
def silent(request: Any, people: People, clock: Any) -> int:
    for index, customer in enumerate(
        CustomerFactory.create_batch(request.param, account_manager=people.rep_east)
    ):
        buy(customer, "2025-01-10", "5000")
        buy(customer, "2026-01-10" if index % 2 else "2025-03-10", "7000")
    buy(CustomerFactory(account_manager=people.rep_east), TODAY, "100")
    churn_scan(today=TODAY)
    refresh_scores(today=TODAY)
    return request.param


def test_churn_list(people: People, silent: int, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = client_for(people.sup_east)
    client.get("/analytics/churn/")  # warm the session and the dictionary
    with django_assert_max_num_queries(12):
        assert client.get("/analytics/churn/").status_code == 200
    api = bearer_for(people.sup_east)
    with django_assert_max_num_queries(8):
        assert api.get("/api/v1/churn-warnings?page_size=100").json()["count"] == silent


def test_reports(people: People, silent: int, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = client_for(people.sup_east)
    for key, most in (("contribution", 14), ("composition", 14), ("churn", 14)):
        with django_assert_max_num_queries(most):
            assert client.get(f"/analytics/reports/{key}/?year=2025").status_code == 200, key


def test_dashboard_reads_kept_figures(
    people: People, silent: int, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    kpi_dashboard(actor=people.sup_east, period_choice="year")  # the nightly job's work
    client = client_for(people.sup_east)
    with django_assert_max_num_queries(16):
        assert client.get("/analytics/?period=year").status_code == 200


def test_customer_list_with_scores(
    people: People, silent: int, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    api = bearer_for(people.sup_east)
    with django_assert_max_num_queries(9):
        body = api.get("/api/v1/customers?ordering=-churn_risk&page_size=50").json()
    assert body["items"][0]["scores"]["churn_risk"] >= body["items"][-1]["scores"]["churn_risk"]


def test_lifecycle_overview(people: People, silent: int, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    from guanxi.analytics.lifecycle import lifecycle_scan

    lifecycle_scan(today=TODAY)
    client = client_for(people.sup_east)
    client.get("/analytics/lifecycle/")
    with django_assert_max_num_queries(8):
        page = client.get("/analytics/lifecycle/")
    assert page.status_code == 200
    api = bearer_for(people.sup_east)
    with django_assert_max_num_queries(6):
        stages = api.get("/api/v1/lifecycle").json()["stages"]
    assert sum(stage["customers"] for stage in stages) == silent + 1
