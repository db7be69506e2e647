"""RFM scores and segments, churn risk, value tiers: hand-made data with known answers, the
nightly refresh on the orders, one customer on demand, the held-out test, list filters."""

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from django.utils import translation

from guanxi.analytics import rfm
from guanxi.analytics.models import AnalyticsSettings, CustomerScore
from guanxi.analytics.risk import RiskInputs, auc, churn_risk, describe
from guanxi.analytics.services import refresh_scores, rescore_customer
from guanxi.analytics.services.scores import backtest
from guanxi.customers.models import Customer
from tests.analytics.conftest import TODAY, at, buy, rate
from tests.conftest import Book, People, bearer_for, client_for, post
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


class TestRfm:
    def test_scores_are_fifths(self) -> None:
        values = np.arange(1, 11, dtype=float)
        edges = rfm.quintile_edges(values)
        assert edges == pytest.approx([2.8, 4.6, 6.4, 8.2])
        assert rfm.score(values, edges).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
        # Recency: fewer days since the last order is better.
        assert rfm.score(values, edges, higher_is_better=False).tolist() == [
            5, 5, 4, 4, 3, 3, 2, 2, 1, 1,
        ]  # fmt: skip

    def test_equal_values_share_a_score(self) -> None:
        values = np.array([1.0] * 6 + [2.0, 3.0, 5.0, 9.0])
        scores = rfm.score(values, rfm.quintile_edges(values))
        assert scores.tolist() == [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]

    @pytest.mark.parametrize(
        ("r", "f", "m", "segment"),
        [
            (5, 5, 5, "champions"),
            (5, 4, 3, "champions"),  # FM = 4 (3.5 rounds up)
            (4, 5, 5, "loyal"),
            (3, 4, 4, "loyal"),
            (5, 2, 3, "potential"),
            (5, 1, 1, "new"),
            (4, 1, 1, "promising"),
            (3, 3, 3, "need_attention"),
            (3, 1, 2, "about_to_sleep"),
            (2, 5, 5, "cannot_lose"),
            (1, 4, 3, "at_risk"),
            (2, 2, 1, "hibernating"),
            (1, 1, 1, "lost"),
        ],
    )
    def test_segments(self, r: int, f: int, m: int, segment: str) -> None:
        found = rfm.segments(np.array([r]), np.array([f]), np.array([m]))
        assert found.tolist() == [segment]

    def test_every_cell_has_exactly_one_segment(self) -> None:
        for r in range(1, 6):
            for fm in range(1, 6):
                cells = [
                    name
                    for name, r_low, r_high, fm_low, fm_high in rfm.SEGMENT_GRID
                    if r_low <= r <= r_high and fm_low <= fm <= fm_high
                ]
                assert len(cells) == 1, (r, fm, cells)


class TestRisk:
    def inputs(self, **changes: Any) -> RiskInputs:
        values = {
            "p_alive": np.array([0.9]),
            "p_order_soon": np.array([0.9]),
            "days_since_last": np.array([30.0]),
            "typical_gap_days": np.array([30.0]),
            "complaints": np.array([0]),
            "satisfaction": np.array([np.nan]),
        }
        values.update({key: np.array([value]) for key, value in changes.items()})
        return RiskInputs(**values)

    def test_a_customer_buying_on_rhythm_is_safe(self) -> None:
        scores, reasons = churn_risk(self.inputs())
        assert scores.tolist() == [4]  # 40 × (1 − 0.9)
        assert reasons == [[]]

    def test_the_worst_case_is_100(self) -> None:
        scores, reasons = churn_risk(
            self.inputs(
                p_alive=0.1,
                p_order_soon=0.0,
                days_since_last=400.0,
                complaints=5,
                satisfaction=1.0,
            )
        )
        assert scores.tolist() == [100]
        assert [reason[0] for reason in reasons[0]] == ["inactive", "overdue", "complaints"]

    def test_each_part_is_weighted(self) -> None:
        # Two gaps overdue (half of "overdue": 17.5), 1 complaint (5), satisfaction 2.5 (5).
        scores, reasons = churn_risk(
            self.inputs(p_order_soon=1.0, days_since_last=60.0, complaints=1, satisfaction=2.5)
        )
        assert scores.tolist() == [28]
        assert reasons[0] == [
            ["overdue", {"days": 60, "gap": 30}],
            ["complaints", {"count": 1}],
            ["dissatisfied", {"score": 2.5}],
        ]

    def test_reasons_read_as_sentences(self) -> None:
        with translation.override("zh-hans"):
            assert describe(["overdue", {"days": 200, "gap": 45}]) == (
                "已 200 天无订单；平时约每 45 天下单一次"
            )
        with translation.override("en"):
            assert describe(["overdue", {"days": 200, "gap": 45}]) == (
                "No order for 200 days; usually orders every 45 days"
            )
            assert describe(["complaints", {"count": 2}]) == "2 complaints in the last 12 months"
            assert describe(["inactive", {"p_order": 12, "p_alive": 40}]) == (
                "Only 12 % likely to order in the next 6 months "
                "(purchase model; still active: 40 %)"
            )

    def test_auc_is_the_chance_a_churner_scores_higher(self) -> None:
        scores = np.array([0.9, 0.8, 0.3, 0.2])
        assert auc(scores, np.array([1, 1, 0, 0])) == 1.0
        assert auc(scores, np.array([0, 0, 1, 1])) == 0.0
        assert auc(scores, np.array([1, 0, 1, 0])) == 0.75


def history(customers: list[Customer], seed: int = 7) -> None:
    """Two years of orders for each customer, at their own rhythm; some stopped buying."""
    rng = np.random.default_rng(seed)
    for index, customer in enumerate(customers):
        gap = int(rng.integers(10, 90))
        stop = TODAY - dt.timedelta(days=int(rng.integers(0, 400)) if index % 3 == 0 else 0)
        day = TODAY - dt.timedelta(days=730 - int(rng.integers(0, 60)))
        while day <= stop:
            buy(customer, day, total=str(int(rng.integers(500, 20000))))
            day += dt.timedelta(days=gap + int(rng.integers(-5, 6)))


@pytest.fixture
def scored(people: People, book: Book, clock: Any) -> list[Customer]:
    customers = [
        book.east,
        book.east2,
        book.west,
        *CustomerFactory.create_batch(27, account_manager=people.rep_east),
    ]
    history(customers)
    refresh_scores(today=TODAY)
    return customers


class TestRefresh:
    def test_every_customer_with_purchases_is_scored(self, scored: list[Customer]) -> None:
        assert CustomerScore.objects.count() == 30
        config = AnalyticsSettings.load()
        assert config.scored_customers == 30
        assert set(config.model) >= {"bgnbd", "gamma_gamma", "rfm_edges", "typical_gap_days"}
        assert config.model["bgnbd"]["r"] > 0
        scores = CustomerScore.objects.all()
        assert {s.segment for s in scores} <= set(CustomerScore.Segment.values)
        assert all(1 <= s.r_score <= 5 and 1 <= s.f_score <= 5 for s in scores)
        assert all(0 <= s.churn_risk <= 100 for s in scores)
        assert all(s.clv is not None and s.clv >= 0 for s in scores)

    def test_the_stored_figures_match_the_orders(self, scored: list[Customer]) -> None:
        customer = scored[0]
        orders = customer.orders.order_by("order_date")
        score = CustomerScore.objects.get(customer=customer)
        assert score.first_order_date == orders.first().order_date
        assert score.last_order_date == orders.last().order_date
        assert score.recency_days == (TODAY - score.last_order_date).days
        assert score.order_days == orders.values("order_date").distinct().count()
        assert score.total_spend == sum(o.total for o in orders)
        year_ago = TODAY - dt.timedelta(days=365)
        assert score.annual_spend == sum(o.total for o in orders if o.order_date > year_ago)

    def test_value_tiers_follow_annual_spend(self, people: People, clock: Any) -> None:
        big, middle, small = CustomerFactory.create_batch(3, account_manager=people.rep_east)
        others = CustomerFactory.create_batch(12, account_manager=people.rep_east)
        history(others)
        buy(big, "2026-01-05", "30000")
        buy(big, "2026-06-05", "20000.01")  # 50,000.01 in the last year: high
        buy(middle, "2026-05-05", "50000")  # exactly 50,000: medium
        buy(small, "2025-06-01", "900000")  # more than a year ago: low
        refresh_scores(today=TODAY)
        tiers = dict(CustomerScore.objects.values_list("customer_id", "value_tier"))
        assert (tiers[big.pk], tiers[middle.pk], tiers[small.pk]) == ("high", "medium", "low")

    def test_a_refresh_replaces_the_scores(self, scored: list[Customer]) -> None:
        first = CustomerScore.objects.get(customer=scored[1]).computed_at
        refresh_scores(today=TODAY)
        assert CustomerScore.objects.count() == 30
        assert CustomerScore.objects.get(customer=scored[1]).computed_at >= first

    def test_complaints_and_satisfaction_raise_the_risk(
        self, scored: list[Customer], clock: Any
    ) -> None:
        customer = scored[1]
        before = CustomerScore.objects.get(customer=customer).churn_risk
        for day in ("2026-10-01", "2026-11-01", "2026-11-20"):
            rate(customer, 1, at(day), service_type="complaint")
        Customer.objects.filter(pk=customer.pk).update(satisfaction="1")
        after = rescore_customer(Customer.objects.get(pk=customer.pk), today=TODAY)
        assert after is not None
        assert after.churn_risk == before + 25  # complaints 15 + satisfaction 10
        assert ["complaints", {"count": 3}] in after.churn_reasons

    def test_with_too_little_history_nothing_is_fitted(self, book: Book, clock: Any) -> None:
        buy(book.east, "2026-01-01")
        result = refresh_scores(today=TODAY)
        assert result.customers == 0
        assert CustomerScore.objects.count() == 0
        assert rescore_customer(book.east) is None

    def test_the_nightly_job_keeps_an_unfitted_model_empty(self, book: Book, clock: Any) -> None:
        from guanxi.analytics.tasks import run_nightly

        buy(book.east, "2026-01-01")
        assert run_nightly()["customers_scored"] == 0
        # The held-out check adds nothing to an empty model: a re-score still finds no fit.
        assert AnalyticsSettings.load().model == {}
        assert rescore_customer(book.east) is None


class TestBacktest:
    def test_it_measures_the_ranking_on_a_later_period(self, scored: list[Customer]) -> None:
        result = backtest(today=TODAY, months=6)
        assert result["cutoff"] == "2026-06-02"
        assert result["customers"] == 30
        assert 0 < result["churned"] < 30
        # Customers who stopped buying score higher than those who kept buying.
        assert result["auc"] >= 0.8


class TestApi:
    def test_scores_show_on_the_customer(self, people: People, scored: list[Customer]) -> None:
        customer = scored[0]
        client = bearer_for(people.rep_east)
        body = client.get(f"/api/v1/customers/{customer.pk}/scores").json()
        stored = CustomerScore.objects.get(customer=customer)
        assert body["segment"] == stored.segment
        assert body["churn_risk"] == stored.churn_risk
        assert body["clv"] == str(stored.clv)
        assert body["value_tier"] in {"high", "medium", "low"}
        profile = client.get(f"/api/v1/customers/{customer.pk}/360").json()
        assert profile["sections"]["scores"]["score"]["segment"] == stored.segment

    def test_scores_can_be_recomputed_on_demand(
        self, people: People, scored: list[Customer]
    ) -> None:
        customer = scored[0]
        buy(customer, TODAY, "5000")
        body = post(
            bearer_for(people.rep_east), f"/api/v1/customers/{customer.pk}/scores/refresh", {}
        ).json()
        assert body["recency_days"] == 0
        assert body["last_order_date"] == TODAY.isoformat()

    def test_the_customer_list_filters_and_sorts_by_scores(
        self, people: People, scored: list[Customer]
    ) -> None:
        client = bearer_for(people.admin)
        riskiest = CustomerScore.objects.order_by("-churn_risk", "customer_id").first()
        body = client.get("/api/v1/customers?ordering=-churn_risk&page_size=5").json()
        assert body["items"][0]["id"] == riskiest.customer_id
        assert body["items"][0]["scores"]["churn_risk"] == riskiest.churn_risk
        segment = riskiest.segment
        listed = client.get(f"/api/v1/customers?segment={segment}&page_size=100").json()
        assert listed["count"] == CustomerScore.objects.filter(segment=segment).count()
        high = client.get("/api/v1/customers?churn_risk_min=50&page_size=100").json()
        assert high["count"] == CustomerScore.objects.filter(churn_risk__gte=50).count()
        by_clv = client.get("/api/v1/customers?ordering=-clv&page_size=3").json()["items"]
        clvs = [Decimal(item["scores"]["clv"]) for item in by_clv]
        assert clvs == sorted(clvs, reverse=True)

    def test_bad_score_filters_are_named(self, people: People, scored: list[Customer]) -> None:
        client = bearer_for(people.admin)
        response = client.get("/api/v1/customers?segment=vip")
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "segment"
        response = client.get("/api/v1/customers?churn_risk_min=101")
        assert response.json()["errors"] == [
            {"field": "churn_risk_min", "message": "Churn risk runs from 0 to 100."}
        ]

    def test_segments_are_counted_in_scope(self, people: People, scored: list[Customer]) -> None:
        body = bearer_for(people.rep_west).get("/api/v1/analytics/segments").json()
        assert body["scored"] == 1  # only book.west is rep_west's
        total = bearer_for(people.executive).get("/api/v1/analytics/segments").json()
        assert total["scored"] == 30
        assert sum(row["customers"] for row in total["segments"]) == 30

    def test_another_reps_customer_is_not_found(
        self, people: People, scored: list[Customer]
    ) -> None:
        client = bearer_for(people.rep_west)
        assert client.get(f"/api/v1/customers/{scored[0].pk}/scores").status_code == 404
        response = post(client, f"/api/v1/customers/{scored[0].pk}/scores/refresh", {})
        assert response.status_code == 404


class TestPages:
    def test_the_360_page_shows_the_scores(self, people: People, scored: list[Customer]) -> None:
        page = client_for(people.rep_east, "zh-hans").get(f"/customers/{scored[0].pk}/")
        assert page.status_code == 200
        assert b'id="customer-scores"' in page.content

    def test_the_segments_page_links_to_the_customers(
        self, people: People, scored: list[Customer]
    ) -> None:
        page = client_for(people.sup_east).get("/analytics/segments/")
        assert page.status_code == 200
        segment = CustomerScore.objects.values_list("segment", flat=True).first()
        assert f"/customers/?segment={segment}".encode() in page.content
        listed = client_for(people.sup_east).get(f"/customers/?segment={segment}&sort=-churn_risk")
        assert listed.status_code == 200

    def test_the_customer_page_rescores(self, people: People, scored: list[Customer]) -> None:
        response = client_for(people.rep_east).post(f"/customers/{scored[0].pk}/rescore/")
        assert response.status_code == 302
        assert (
            client_for(people.rep_west).post(f"/customers/{scored[0].pk}/rescore/").status_code
            == 404
        )


class TestArchived:
    def test_archived_customers_have_no_scores(
        self, people: People, scored: list[Customer]
    ) -> None:
        from guanxi.customers.services import customer_archive

        customer = scored[3]
        customer_archive(actor=people.sup_east, customer=customer)
        assert not CustomerScore.objects.filter(customer=customer).exists()
        refresh_scores(today=TODAY)
        assert CustomerScore.objects.count() == 29
        assert not CustomerScore.objects.filter(customer=customer).exists()
        assert rescore_customer(Customer.objects.get(pk=customer.pk), today=TODAY) is None
        body = bearer_for(people.executive).get("/api/v1/analytics/segments").json()
        assert body["scored"] == 29
