"""The KPI dashboard's formulas and thresholds, and the four reports with their exports."""

import csv
import io
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook

from guanxi.analytics.kpis import KPI_BY_KEY, compute_kpis, kpi_dashboard
from guanxi.analytics.models import ChurnWarning, KpiSnapshot
from guanxi.core.dates import Period
from guanxi.customers.models import Customer
from tests.analytics.conftest import at, buy, rate
from tests.conftest import Book, People, bearer_for, client_for
from tests.factories import CustomerFactory, InteractionFactory

pytestmark = pytest.mark.django_db
YEAR = Period(date(2026, 1, 1), date(2026, 12, 2))


def churned(customer: Customer, day: str) -> ChurnWarning:
    return ChurnWarning.objects.create(
        customer=customer,
        last_order_date=date(2025, 1, 1),
        status=ChurnWarning.Status.CHURNED,
        opened_at=at(day),
        closed_at=at(day),
        reason="price",
    )


class TestThresholds:
    @pytest.mark.parametrize(
        ("key", "value", "state"),
        [
            ("retention_rate", 85.0, "good"),
            ("retention_rate", 70.0, "warning"),
            ("retention_rate", 50.0, "bad"),
            ("complaint_rate", 4.9, "good"),
            ("complaint_rate", 5.0, "bad"),
            ("avg_first_response", 4.0, "good"),
            ("avg_first_response", 6.5, "warning"),
            ("avg_satisfaction", 4.0, "excellent"),
            ("avg_satisfaction", 3.5, "warning"),
            ("avg_satisfaction", 3.49, "bad"),
            ("interactions_per_customer", 2.0, "good"),
            ("sales_cycle", 95.0, "bad"),
            ("average_clv", 100.0, ""),
            ("win_rate", None, ""),
        ],
    )
    def test_state(self, key: str, value: float | None, state: str) -> None:
        assert KPI_BY_KEY[key].state(value) == state


class TestFormulas:
    def test_retention_and_churn(self, people: People, clock: Any) -> None:
        old = CustomerFactory.create_batch(10, account_manager=people.rep_east)
        Customer.objects.filter(pk__in=[c.pk for c in old]).update(created_at=at("2025-06-01"))
        churned(old[0], "2026-03-01")  # lost in the period
        churned(old[1], "2026-05-01")  # lost in the period
        churned(old[2], "2025-11-01")  # already gone at the start: not counted
        CustomerFactory(account_manager=people.rep_east)  # new this year: not at the start
        values = compute_kpis(actor=people.admin, period=YEAR)
        assert (values["customers_at_start"], values["customers_lost"]) == (9, 2)
        assert values["retention_rate"] == 77.8  # (9 − 2) / 9
        assert values["churn_rate"] == 22.2

    def test_interactions_per_customer_per_month(
        self, people: People, book: Book, clock: Any
    ) -> None:
        month = Period(date(2026, 11, 1), date(2026, 11, 30))
        Customer.objects.update(created_at=at("2026-01-05"))
        for customer, count in ((book.east, 4), (book.east2, 1)):
            for _ in range(count):
                InteractionFactory(
                    customer=customer, occurred_at=at("2026-11-10"), channel="phone",
                    summary="回访", effective=True,
                )  # fmt: skip
        InteractionFactory(
            customer=book.west, occurred_at=at("2026-11-10"), channel="phone", summary="x",
            effective=False,
        )  # fmt: skip
        values = compute_kpis(actor=people.admin, period=month)
        assert values["interactions"] == 5
        assert values["interactions_per_customer"] == round(5 / 3, 2)
        # A rep divides by their own customers.
        assert compute_kpis(actor=people.rep_east, period=month)["interactions_per_customer"] == 4

    def test_service_figures_come_from_the_desk(
        self, people: People, book: Book, clock: Any
    ) -> None:
        rate(book.east, 2, at("2026-11-02"), first_response_minutes=120)
        rate(book.east, 4, at("2026-11-03"), service_type="complaint", first_response_minutes=360)
        values = compute_kpis(actor=people.admin, period=YEAR)
        assert values["avg_satisfaction"] == 3.0
        assert values["avg_first_response"] == 4.0  # (120 + 360) / 2 minutes, in hours
        assert values["complaints"] == 1
        assert values["complaint_rate"] == 100.0  # 1 complaint, 1 customer served

    def test_a_rep_sees_no_desk_figures_without_desk_rights(
        self, people: People, book: Book, clock: Any
    ) -> None:
        values = compute_kpis(actor=people.rep_east, period=YEAR)
        assert "retention_rate" in values and "win_rate" in values

    def test_the_dashboard_keeps_and_recomputes_its_figures(
        self, people: People, book: Book, clock: Any
    ) -> None:
        first = kpi_dashboard(actor=people.executive, period_choice="year")
        assert [kpi["key"] for kpi in first["kpis"]][:3] == [
            "retention_rate",
            "churn_rate",
            "complaint_rate",
        ]
        assert len(first["kpis"][0]["trend"]) == 6
        assert first["kpis"][0]["definition"] == str(KPI_BY_KEY["retention_rate"].definition)
        assert KpiSnapshot.objects.filter(scope_key="executive:all").count() == 7
        buy(book.east, "2026-11-01")
        churned(book.east, "2026-11-02")
        Customer.objects.filter(pk=book.east.pk).update(created_at=at("2025-01-01"))
        kept = kpi_dashboard(actor=people.executive, period_choice="year")
        assert kept["figures"]["customers_lost"] == 0  # the kept figures
        fresh = kpi_dashboard(actor=people.executive, period_choice="year", force=True)
        assert fresh["figures"]["customers_lost"] == 1


class TestKpiApi:
    def test_every_role_reads_its_own_scope(self, people: People, book: Book, clock: Any) -> None:
        for user in (people.executive, people.sup_east, people.rep_west, people.service_east):
            response = bearer_for(user).get("/api/v1/analytics/kpis?period=quarter")
            assert response.status_code == 200, user
            assert response.json()["period"] == {
                "key": "quarter",
                "start": "2026-10-01",
                "end": "2026-12-02",
            }

    def test_a_bad_period_is_named(self, people: People, clock: Any) -> None:
        response = bearer_for(people.executive).get("/api/v1/analytics/kpis?period=decade")
        assert response.status_code == 422

    def test_the_dashboard_page_in_both_languages(
        self, people: People, book: Book, clock: Any
    ) -> None:
        english = client_for(people.executive).get("/analytics/?period=month")
        assert english.status_code == 200
        assert b'id="kpi-retention_rate"' in english.content
        chinese = client_for(people.executive, "zh-hans").get("/analytics/")
        assert "客户保持率" in chinese.content.decode()


@pytest.fixture
def sales(people: People, book: Book, clock: Any) -> Book:
    buy(book.east, "2026-02-01", "3000")
    buy(book.east, "2026-03-01", "1000")
    buy(book.east2, "2026-04-01", "6000")
    buy(book.west, "2026-05-01", "10000")
    buy(book.west, "2025-05-01", "99999")  # another year
    buy(book.west, "2026-05-02", "500", status="cancelled")
    return book


class TestReports:
    def test_contribution_ranks_customers_by_amount(self, people: People, sales: Book) -> None:
        body = bearer_for(people.admin).get("/api/v1/analytics/reports/contribution?year=2026")
        body = body.json()
        assert body["totals"] == {"amount": "20000.00", "orders": 4, "customers": 3}
        assert body["count"] == 3
        assert [(row["name"], row["amount"], row["share"]) for row in body["items"]] == [
            ("广州恒通物流有限公司", "10000.00", 50.0),
            ("上海宏达贸易有限公司", "6000.00", 30.0),
            ("北京华信科技有限公司", "4000.00", 20.0),
        ]
        assert body["chart"]["amounts"] == [10000.0, 6000.0, 4000.0]

    def test_it_is_in_the_actors_scope(self, people: People, sales: Book) -> None:
        body = bearer_for(people.sup_east).get("/api/v1/analytics/reports/contribution").json()
        assert [row["name"] for row in body["items"]] == [
            "上海宏达贸易有限公司",
            "北京华信科技有限公司",
        ]
        own = bearer_for(people.rep_east).get("/api/v1/analytics/reports/contribution").json()
        assert own["totals"]["amount"] == "4000.00"

    def test_filters_by_manager_region_and_period(self, people: People, sales: Book) -> None:
        client = bearer_for(people.admin)
        url = "/api/v1/analytics/reports/contribution"
        by_manager = client.get(f"{url}?manager={people.rep_west.pk}").json()
        assert by_manager["totals"]["amount"] == "10000.00"
        period = client.get(f"{url}?start=2026-02-01&end=2026-03-31").json()
        assert period["totals"]["amount"] == "4000.00"
        assert period["period"] == {"start": "2026-02-01", "end": "2026-03-31"}
        Customer.objects.filter(pk=sales.east.pk).update(region="beijing")
        by_region = client.get(f"{url}?region=beijing").json()
        assert by_region["totals"]["amount"] == "4000.00"
        last_year = client.get(f"{url}?year=2025").json()
        assert last_year["totals"]["amount"] == "99999.00"

    @pytest.mark.parametrize(
        ("query", "field", "message"),
        [
            ("start=2026-05-01&end=2026-01-01", "end", "The period ends before it starts."),
            ("start=2026-05-01", "start", "Give both dates of the period, or neither."),
            ("manager=999999", "manager", "Select a valid choice."),
            ("region=atlantis", "region", "Select a valid choice."),
        ],
    )
    def test_bad_filters_are_named(
        self, people: People, sales: Book, query: str, field: str, message: str
    ) -> None:
        response = bearer_for(people.admin).get(f"/api/v1/analytics/reports/contribution?{query}")
        assert response.status_code == 422
        error = response.json()["errors"][0]
        assert error["field"] == field
        assert error["message"].startswith(message)

    def test_composition_counts_by_level_credit_and_satisfaction(
        self, people: People, sales: Book
    ) -> None:
        Customer.objects.filter(pk=sales.east.pk).update(level="major", satisfaction="5")
        body = bearer_for(people.admin).get("/api/v1/analytics/reports/composition").json()
        rows = {(row["dimension"], row["value"]): row["customers"] for row in body["items"]}
        assert rows[("Level", "Major customer")] == 1
        assert rows[("Level", "Ordinary customer")] == 2
        assert rows[("Satisfaction", "Not set")] == 2
        assert body["totals"] == {"customers": 3}

    def test_service_analysis_by_month_and_type(self, people: People, sales: Book) -> None:
        rate(sales.east, 4, at("2026-10-05"))
        rate(sales.east, 2, at("2026-10-06"), service_type="complaint")
        rate(sales.west, 5, at("2026-11-06"))
        body = bearer_for(people.admin).get("/api/v1/analytics/reports/service").json()
        assert [(r["month"], r["type"], r["requests"]) for r in body["items"]] == [
            ("2026-10", "Complaint", 1),
            ("2026-10", "Inquiry", 1),
            ("2026-11", "Inquiry", 1),
        ]
        assert body["chart"]["months"] == ["2026-10", "2026-11"]

    def test_churn_analysis_lists_reasons(self, people: People, sales: Book) -> None:
        churned(sales.east, "2026-04-01")
        churned(sales.west, "2025-04-01")
        body = bearer_for(people.executive).get("/api/v1/analytics/reports/churn").json()
        assert [(row["name"], row["reason"]) for row in body["items"]] == [
            ("北京华信科技有限公司", "Price")
        ]
        assert body["chart"]["years"] == [
            {"year": 2025, "churned": 1},
            {"year": 2026, "churned": 1},
        ]

    def test_exports_every_row_as_csv_and_xlsx(self, people: People, sales: Book) -> None:
        client = client_for(people.admin, "zh-hans")
        response = client.get("/analytics/reports/contribution/?year=2026&format=csv")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == ["编码", "客户", "地区", "客户经理", "订单", "金额", "占比 %"]
        assert [row[1] for row in rows[1:]] == [
            "广州恒通物流有限公司",
            "上海宏达贸易有限公司",
            "北京华信科技有限公司",
        ]
        response = client.get("/analytics/reports/contribution/?year=2026&format=xlsx")
        workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        sheet = workbook.active
        assert sheet.max_row == 4
        assert sheet.cell(2, 6).value == 10000

    def test_the_report_pages(self, people: People, sales: Book) -> None:
        client = client_for(people.sup_east)
        for key in ("contribution", "composition", "service", "churn"):
            page = client.get(f"/analytics/reports/{key}/")
            assert page.status_code == 200, key
            assert b'id="report-chart"' in page.content
        assert client.get("/analytics/reports/nothing/").status_code == 404
        bad = client.get("/analytics/reports/contribution/?start=2026-05-01&end=2026-01-01")
        assert bad.status_code == 400


class TestWrongUser:
    def test_reports_need_the_right_to_their_data(
        self, people: People, sales: Book, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from guanxi.accounts.permissions import ROLE_PERMISSIONS

        def take(permission: str) -> None:
            kept = ROLE_PERMISSIONS["account_manager"] - {permission}
            monkeypatch.setitem(ROLE_PERMISSIONS, "account_manager", kept)

        # A role without the right to see service requests is refused their analysis.
        take("service.view_servicerequest")
        response = bearer_for(people.rep_east).get("/api/v1/analytics/reports/service")
        assert response.status_code == 403
        assert response.json()["detail"] == "You may not see this report."
        take("analytics.view_reports")
        assert bearer_for(people.rep_east).get("/api/v1/analytics/kpis").status_code == 403
        assert client_for(people.rep_east).get("/analytics/").status_code == 403

    def test_anonymous_gets_nothing(self, sales: Book) -> None:
        from django.test import Client

        assert Client().get("/api/v1/analytics/kpis").status_code == 401
        assert Client().get("/analytics/").status_code == 302

    def test_settings_are_for_administrators(self, people: People, clock: Any) -> None:
        client = bearer_for(people.executive)
        assert client.get("/api/v1/analytics/settings").status_code == 200
        response = client.patch(
            "/api/v1/analytics/settings", '{"churn_months": 3}', content_type="application/json"
        )
        assert response.status_code == 403
        assert client_for(people.sup_east).get("/analytics/settings/").status_code == 403


class TestSettings:
    def patch(self, client, body):  # type: ignore[no-untyped-def]
        import json

        return client.patch(
            "/api/v1/analytics/settings", json.dumps(body), content_type="application/json"
        )

    def test_an_administrator_changes_them(self, people: People, clock: Any) -> None:
        response = self.patch(
            bearer_for(people.admin), {"churn_months": 3, "clv_horizon_weeks": 26}
        )
        assert response.status_code == 200
        assert (response.json()["churn_months"], response.json()["clv_horizon_weeks"]) == (3, 26)

    @pytest.mark.parametrize(
        ("body", "language", "field", "message"),
        [
            ({"churn_months": 0}, "en", "churn_months", "Choose a whole number from 1 to 60."),
            ({"churn_months": 61}, "zh-hans", "churn_months", "请选择 1 到 60 之间的整数。"),
            ({"monthly_discount_rate": "1.5"}, "en", "monthly_discount_rate",
             "A monthly rate from 0 to below 1, e.g. 0.01."),
            ({"high_value_spend": "5000", "medium_value_spend": "8000"}, "en",
             "high_value_spend", "High value must start above medium value."),
            ({"medium_value_spend": "-1"}, "en", "medium_value_spend",
             "Enter an amount from 0 to below a trillion."),
        ],
    )  # fmt: skip
    def test_bad_values_are_named_and_nothing_changes(
        self, people: People, clock: Any, body, language, field, message
    ) -> None:
        from guanxi.analytics.models import AnalyticsSettings

        before = AnalyticsSettings.load()
        response = self.patch(bearer_for(people.admin, language), body)
        assert response.status_code == 422
        assert response.json()["errors"] == [{"field": field, "message": message}]
        after = AnalyticsSettings.load()
        assert (after.churn_months, after.high_value_spend, after.medium_value_spend) == (
            before.churn_months,
            before.high_value_spend,
            before.medium_value_spend,
        )
