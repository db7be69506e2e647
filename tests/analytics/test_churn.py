"""Churn warnings: opened once per episode, retention measures, confirmed churn, recovery,
win-back — through the daily job, the order services, the API and the pages."""

from datetime import date
from typing import Any

import pytest

from guanxi.analytics.models import AnalyticsSettings, ChurnWarning, RetentionMeasure
from guanxi.analytics.services import churn_scan
from guanxi.core.dates import months_before
from guanxi.core.models import AuditEntry, Notification
from guanxi.customers.models import Customer
from guanxi.orders.services import LineInput, order_create
from tests.analytics.conftest import TODAY, buy
from tests.conftest import Book, People, bearer_for, client_for, post

pytestmark = pytest.mark.django_db


class TestMonthsBefore:
    @pytest.mark.parametrize(
        ("day", "months", "expected"),
        [
            ("2026-12-02", 6, "2026-06-02"),
            ("2026-08-31", 6, "2026-02-28"),
            ("2026-03-31", 1, "2026-02-28"),
            ("2026-01-15", 13, "2024-12-15"),
            ("2028-08-29", 6, "2028-02-29"),
        ],
    )
    def test_it_keeps_the_day_or_takes_the_months_last(self, day, months, expected) -> None:
        assert months_before(date.fromisoformat(day), months) == date.fromisoformat(expected)


class TestScan:
    def test_it_warns_once_for_six_silent_months(self, book: Book, clock: Any) -> None:
        buy(book.east, "2026-01-10")
        buy(book.east, "2026-06-01")  # the day before the cut-off (2026-06-02): silent
        buy(book.east2, "2026-06-02")  # exactly six months: not yet
        buy(book.west, "2026-11-20", status="cancelled")  # cancelled orders are no purchase
        buy(book.west, "2025-01-01")
        result = churn_scan(today=TODAY)
        assert (result.opened, result.recovered, result.won_back) == (2, 0, 0)
        warnings = {w.customer_id: w for w in ChurnWarning.objects.all()}
        assert set(warnings) == {book.east.pk, book.west.pk}
        assert warnings[book.east.pk].last_order_date == date(2026, 6, 1)
        assert warnings[book.west.pk].last_order_date == date(2025, 1, 1)
        book.east.refresh_from_db()
        book.east2.refresh_from_db()
        assert (book.east.status, book.east2.status) == ("churn_warning", "normal")
        # The status change is the customer's: a new version and an audit entry by the job.
        assert book.east.version == 2
        entry = AuditEntry.objects.get(object_id=str(book.east.pk), model="customers.customer")
        assert (entry.actor, entry.changes) == (
            None,
            {"status": ["normal", "churn_warning"], "version": [1, 2]},
        )
        # Running again (the next day, or twice the same day) opens nothing more.
        assert churn_scan(today=TODAY).opened == 0
        assert churn_scan(today=date(2026, 12, 3)).opened == 1  # east2 now crossed the line
        assert ChurnWarning.objects.count() == 3

    def test_customers_who_never_ordered_are_not_warned(self, book: Book, clock: Any) -> None:
        assert churn_scan(today=TODAY).opened == 0

    def test_the_months_are_configurable(self, book: Book, clock: Any) -> None:
        buy(book.east, "2026-09-01")
        AnalyticsSettings.objects.update_or_create(pk=1, defaults={"churn_months": 3})
        assert churn_scan(today=TODAY).opened == 1

    def test_the_manager_hears_once_a_day(self, people: People, book: Book, clock: Any) -> None:
        buy(book.east, "2026-01-10")
        buy(book.east2, "2026-02-10")
        with self.capture() as callbacks:
            churn_scan(today=TODAY)
        assert callbacks
        told = Notification.objects.get(user=people.rep_east)
        assert told.title == "您有 1 个客户长期未下单"  # in the reader's language
        assert told.url == "/analytics/churn/?status=open&mine=1"

    @staticmethod
    def capture() -> Any:
        from django.test import TestCase

        return TestCase.captureOnCommitCallbacks(execute=True)

    def test_an_order_placed_elsewhere_ends_the_episode(self, book: Book, clock: Any) -> None:
        # An import writes orders without the order services: the next scan sees them.
        buy(book.east, "2026-03-01")
        churn_scan(today=TODAY)
        order = buy(book.east, "2026-12-01")
        result = churn_scan(today=TODAY)
        assert (result.opened, result.recovered) == (0, 1)
        warning = ChurnWarning.objects.get()
        assert (warning.status, warning.recovered_by_order) == ("recovered", order)
        book.east.refresh_from_db()
        assert book.east.status == "normal"


class TestOrdersEndEpisodes:
    def test_a_new_order_recovers_the_customer(
        self, people: People, book: Book, clock: Any
    ) -> None:
        buy(book.east, "2026-03-01")
        churn_scan(today=TODAY)
        order = order_create(
            actor=people.rep_east,
            customer=book.east,
            order_date=TODAY,
            lines=[LineInput(quantity=2, unit_price="50", description="样品")],
        )
        warning = ChurnWarning.objects.get()
        assert warning.status == "recovered"
        assert warning.recovered_by_order == order
        book.east.refresh_from_db()
        assert book.east.status == "normal"
        # The new silence will be a new episode, warned about again later.
        assert churn_scan(today=date(2027, 6, 3)).opened == 1
        assert ChurnWarning.objects.filter(status="open").get().last_order_date == TODAY

    def test_a_draft_order_does_not_count(self, people: People, book: Book, clock: Any) -> None:
        buy(book.east, "2026-03-01")
        churn_scan(today=TODAY)
        order_create(
            actor=people.rep_east,
            customer=book.east,
            order_date=TODAY,
            status="draft",
            total="100",
        )
        assert ChurnWarning.objects.get().status == "open"

    def test_a_churned_customer_who_orders_again_is_won_back(
        self, people: People, book: Book, clock: Any
    ) -> None:
        buy(book.east, "2026-03-01")
        churn_scan(today=TODAY)
        warning = ChurnWarning.objects.get()
        response = post(
            bearer_for(people.rep_east),
            f"/api/v1/churn-warnings/{warning.pk}/confirm",
            {"reason": "competitor"},
        )
        assert response.status_code == 200
        book.east.refresh_from_db()
        assert (book.east.status, book.east.lifecycle_stage) == ("churned", "churned")
        order = order_create(actor=people.rep_east, customer=book.east, order_date=TODAY, total=9)
        warning.refresh_from_db()
        assert warning.status == "churned"  # the churn stays on record…
        assert warning.won_back_order == order  # …with its win-back
        assert warning.won_back_at is not None
        book.east.refresh_from_db()
        assert (book.east.status, book.east.lifecycle_stage) == ("normal", "growing")
        # A churned customer is not warned again for the old silence.
        assert churn_scan(today=TODAY).opened == 0


@pytest.fixture
def warning(book: Book, clock: Any) -> ChurnWarning:
    buy(book.east, "2026-03-01")
    churn_scan(today=TODAY)
    return ChurnWarning.objects.get()


class TestApi:
    def test_the_manager_records_dated_measures(
        self, people: People, warning: ChurnWarning
    ) -> None:
        client = bearer_for(people.rep_east)
        url = f"/api/v1/churn-warnings/{warning.pk}/measures"
        response = post(client, url, {"measure_date": "2026-11-20", "description": "上门拜访"})
        assert response.status_code == 201
        assert response.json()["description"] == "上门拜访"
        post(client, url, {"measure_date": "2026-11-25", "description": "季度返利 3%"})
        detail = client.get(f"/api/v1/churn-warnings/{warning.pk}").json()
        assert [m["description"] for m in detail["measures"]] == ["上门拜访", "季度返利 3%"]
        assert detail["status"] == "open"
        assert detail["customer"] == warning.customer_id

    def test_the_list_filters_by_status(self, people: People, warning: ChurnWarning) -> None:
        client = bearer_for(people.sup_east)
        assert client.get("/api/v1/churn-warnings?status=open").json()["count"] == 1
        assert client.get("/api/v1/churn-warnings?status=churned").json()["count"] == 0
        response = client.get("/api/v1/churn-warnings?status=gone")
        assert response.status_code == 422

    @pytest.mark.parametrize(
        ("body", "language", "field", "message"),
        [
            ({"reason": ""}, "en", "reason", "Choose the reason for the churn."),
            ({"reason": "bored"}, "en", "reason", "“bored” is not in the dictionary."),
            ({"reason": ""}, "zh-hans", "reason", "请选择流失原因。"),
        ],
    )
    def test_a_confirmation_needs_a_reason_from_the_dictionary(
        self, people: People, warning: ChurnWarning, body, language, field, message
    ) -> None:
        client = bearer_for(people.rep_east, language)
        response = post(client, f"/api/v1/churn-warnings/{warning.pk}/confirm", body)
        assert response.status_code == 422
        errors = response.json()["errors"]
        assert errors[0]["field"] == field
        assert errors[0]["message"].startswith(message)
        warning.refresh_from_db()
        assert warning.status == "open"
        assert Customer.objects.get(pk=warning.customer_id).status == "churn_warning"

    def test_the_reason_may_be_a_chinese_label(self, people: People, warning: ChurnWarning) -> None:
        response = post(
            bearer_for(people.sup_east),
            f"/api/v1/churn-warnings/{warning.pk}/confirm",
            {"reason": "转向竞争对手", "notes": "对方降价 10%"},
        )
        assert response.status_code == 200
        assert (response.json()["reason"], response.json()["status"]) == ("competitor", "churned")

    def test_a_closed_warning_takes_no_more_measures(
        self, people: People, warning: ChurnWarning
    ) -> None:
        client = bearer_for(people.rep_east)
        post(client, f"/api/v1/churn-warnings/{warning.pk}/confirm", {"reason": "price"})
        response = post(
            client,
            f"/api/v1/churn-warnings/{warning.pk}/measures",
            {"measure_date": "2026-12-01", "description": "再试一次"},
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["message"] == "This churn warning is closed."
        again = post(client, f"/api/v1/churn-warnings/{warning.pk}/confirm", {"reason": "price"})
        assert again.status_code == 422

    def test_a_measure_needs_words(self, people: People, warning: ChurnWarning) -> None:
        response = post(
            bearer_for(people.rep_east, "zh-hans"),
            f"/api/v1/churn-warnings/{warning.pk}/measures",
            {"measure_date": "2026-12-01", "description": "  "},
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [{"field": "description", "message": "请描述措施。"}]
        assert RetentionMeasure.objects.count() == 0


class TestWrongUser:
    def test_another_teams_rep_does_not_see_it(self, people: People, warning: ChurnWarning) -> None:
        client = bearer_for(people.rep_west)
        assert client.get(f"/api/v1/churn-warnings/{warning.pk}").status_code == 404
        assert client.get("/api/v1/churn-warnings").json()["count"] == 0
        response = post(client, f"/api/v1/churn-warnings/{warning.pk}/confirm", {"reason": "price"})
        assert response.status_code == 404

    def test_a_teammate_sees_it_but_may_not_act_on_it(
        self, people: People, warning: ChurnWarning
    ) -> None:
        # Reps see only their own customers: rep_east2 cannot even see rep_east's warning.
        client = bearer_for(people.rep_east2)
        assert client.get(f"/api/v1/churn-warnings/{warning.pk}").status_code == 404

    def test_the_executive_reads_but_does_not_write(
        self, people: People, warning: ChurnWarning
    ) -> None:
        client = bearer_for(people.executive)
        assert client.get(f"/api/v1/churn-warnings/{warning.pk}").status_code == 200
        response = post(
            client,
            f"/api/v1/churn-warnings/{warning.pk}/measures",
            {"measure_date": "2026-12-01", "description": "看看"},
        )
        assert response.status_code == 403

    def test_service_staff_read_but_do_not_manage_churn(
        self, people: People, warning: ChurnWarning
    ) -> None:
        client = bearer_for(people.service_east)
        assert client.get(f"/api/v1/churn-warnings/{warning.pk}").status_code == 200
        response = post(client, f"/api/v1/churn-warnings/{warning.pk}/confirm", {"reason": "x"})
        assert response.status_code == 403

    def test_anonymous_is_refused(self, warning: ChurnWarning) -> None:
        from django.test import Client

        assert Client().get("/api/v1/churn-warnings").status_code == 401


class TestPages:
    def test_the_manager_adds_a_measure_and_confirms(
        self, people: People, warning: ChurnWarning
    ) -> None:
        client = client_for(people.rep_east)
        url = f"/analytics/churn/{warning.pk}/"
        page = client.get(url)
        assert page.status_code == 200
        assert b'id="measure-form"' in page.content
        response = client.post(
            url, {"measure-measure_date": "2026-12-01", "measure-description": "电话回访"}
        )
        assert response.status_code == 302
        assert RetentionMeasure.objects.get().description == "电话回访"
        bad = client.post(url, {"confirm-reason": "", "confirm-notes": ""})
        assert bad.status_code == 400
        assert "This field is required." in bad.content.decode()
        response = client.post(url, {"confirm-reason": "price", "confirm-notes": ""})
        assert response.status_code == 302
        warning.refresh_from_db()
        assert (warning.status, warning.reason, warning.closed_by) == (
            "churned",
            "price",
            people.rep_east,
        )

    def test_the_list_shows_the_open_warnings_in_scope(
        self, people: People, warning: ChurnWarning
    ) -> None:
        page = client_for(people.sup_east, "zh-hans").get("/analytics/churn/")
        assert page.status_code == 200
        assert warning.customer.name in page.content.decode()
        other = client_for(people.sup_west).get("/analytics/churn/")
        assert warning.customer.name not in other.content.decode()

    def test_the_executive_gets_no_forms(self, people: People, warning: ChurnWarning) -> None:
        page = client_for(people.executive).get(f"/analytics/churn/{warning.pk}/")
        assert page.status_code == 200
        assert b'id="measure-form"' not in page.content
        assert b'id="confirm-form"' not in page.content
        response = client_for(people.executive).post(
            f"/analytics/churn/{warning.pk}/", {"confirm-reason": "price"}
        )
        assert response.status_code == 403
        warning.refresh_from_db()
        assert warning.status == "open"
