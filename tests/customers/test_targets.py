"""The monthly effective-communication target per customer level (每月有效沟通次数 ≥ 2, adjusted
to the trade): set by administrators, read by the list badge, the 360 chart and the KPI."""

import json
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from guanxi.analytics.kpis import KPI_BY_KEY, compute_kpis
from guanxi.core.dates import Period
from guanxi.core.models import AuditEntry
from guanxi.customers.models import CommunicationTarget, Customer
from guanxi.customers.selectors import communication_targets, monthly_targets
from guanxi.customers.services import communication_targets_set
from tests.conftest import Book, People, bearer_for, client_for
from tests.factories import InteractionFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
LEVELS = ["ordinary", "key_prospect", "major", "partner", "strategic_partner"]


def put(client: Any, url: str, body: Any) -> Any:
    return client.put(url, json.dumps(body), content_type="application/json")


def talk(customer: Customer, times: int, effective: bool = True) -> None:
    for _ in range(times):
        InteractionFactory(
            customer=customer,
            occurred_at=datetime.now(SHANGHAI),
            channel="visit",
            summary="拜访",
            effective=effective,
        )


class TestService:
    def test_every_level_has_a_target_the_default_two(self, people: People) -> None:
        rows = communication_targets()
        assert [(r["level"], r["per_month"], r["is_default"]) for r in rows] == [
            (level, 2, True) for level in LEVELS
        ]
        assert monthly_targets()["major"] == 2

    def test_set_by_code_or_label_audited(self, people: People) -> None:
        changed = communication_targets_set(
            actor=people.admin, targets={"major": 3, "战略合作伙伴": 4, "ordinary": 2}
        )
        assert changed == 2  # "ordinary" at the default stores nothing
        assert dict(CommunicationTarget.objects.values_list("level", "per_month")) == {
            "major": 3,
            "strategic_partner": 4,
        }
        targets = monthly_targets()
        assert (targets["major"], targets["strategic_partner"], targets["partner"]) == (3, 4, 2)
        assert AuditEntry.objects.filter(model="customers.communicationtarget").count() == 2
        assert communication_targets_set(actor=people.admin, targets={"major": 3}) == 0
        assert communication_targets_set(actor=people.admin, targets={"major": 0}) == 1
        entry = AuditEntry.objects.filter(model="customers.communicationtarget").latest("at")
        assert entry.changes == {"per_month": [3, 0]}

    @translation.override("en")
    def test_one_bad_value_stores_none(self, people: People) -> None:
        with pytest.raises(ValidationError) as error:
            communication_targets_set(
                actor=people.admin, targets={"major": 3, "partner": 32, "vip": 2}
            )
        assert error.value.message_dict == {
            "partner": ["Ensure this value is less than or equal to 31."],
            "vip": [
                "“vip” is not in the dictionary. Choose from: Ordinary customer, Key prospect, "
                "Major customer, Partner, Strategic partner."
            ],
        }
        assert not CommunicationTarget.objects.exists()

    def test_only_administrators(self, people: People) -> None:
        for name in ("sup_east", "rep_east", "executive", "service_east"):
            with pytest.raises(Exception) as error:
                communication_targets_set(actor=people.by_name(name), targets={"major": 3})
            assert type(error.value).__name__ == "PermissionDenied", name
        assert not CommunicationTarget.objects.exists()


class TestWhereItIsUsed:
    def test_the_list_badge_follows_the_level(self, people: People, book: Book) -> None:
        Customer.objects.filter(pk=book.east.pk).update(level="major")
        communication_targets_set(actor=people.admin, targets={"major": 3})
        talk(book.east, 2)
        talk(book.east2, 2)
        html = client_for(people.sup_east).get("/customers/").content.decode()
        assert '<span class="badge text-bg-light">2 / 3</span>' in html  # major: 3 a month
        assert '<span class="badge text-bg-success">2 / 2</span>' in html  # ordinary: 2

    def test_a_level_without_target_shows_the_count_alone(self, people: People, book: Book) -> None:
        communication_targets_set(actor=people.admin, targets={"ordinary": 0})
        talk(book.east, 1)
        html = client_for(people.rep_east).get("/customers/").content.decode()
        assert '<span class="badge text-bg-light">1</span>' in html

    def test_the_360_section_and_chart(self, people: People, book: Book) -> None:
        Customer.objects.filter(pk=book.east.pk).update(level="major")
        communication_targets_set(actor=people.admin, targets={"major": 3})
        talk(book.east, 3)
        body = bearer_for(people.rep_east).get(f"/api/v1/customers/{book.east.pk}/360").json()
        section = body["sections"]["interactions"]
        assert (section["this_month"], section["monthly_target"], section["target_level"]) == (
            3,
            3,
            "Major customer",
        )
        html = (
            client_for(people.rep_east, "zh-hans")
            .get(book.east.get_absolute_url())
            .content.decode()
        )
        assert "大客户的目标：每月 3 次" in html
        assert 'data-target="3"' in html  # the chart draws its target line at 3

    def test_the_kpi_weighs_each_level_target(self, people: People, book: Book) -> None:
        Customer.objects.filter(pk=book.east.pk).update(level="strategic_partner")
        communication_targets_set(actor=people.admin, targets={"strategic_partner": 5})
        today = date.today()
        month = Period(today.replace(day=1), today)
        Customer.objects.update(created_at=datetime(2025, 1, 1, tzinfo=SHANGHAI))
        talk(book.east, 3)
        talk(book.east2, 3)
        values = compute_kpis(actor=people.admin, period=month)
        # (5 + 2 + 2) / 3 customers; 6 interactions / 3 customers / 1 month = 2.0
        assert (values["interactions_target"], values["interactions_per_customer"]) == (3.0, 2.0)
        kpi = KPI_BY_KEY["interactions_per_customer"]
        assert (kpi.target(values), kpi.state(2.0, values)) == (3.0, "warning")
        assert kpi.state(1.4, values) == "bad"  # below half the target
        assert kpi.state(3.0, values) == "good"
        rep = compute_kpis(actor=people.rep_east, period=month)  # their one strategic partner
        assert (rep["interactions_target"], kpi.state(rep["interactions_per_customer"], rep)) == (
            5.0,
            "warning",
        )


class TestApi:
    def test_read_and_set(self, people: People) -> None:
        rows = bearer_for(people.rep_east, "zh-hans").get("/api/v1/communication-targets").json()
        assert rows[2] == {
            "level": "major",
            "label": "大客户",
            "per_month": 2,
            "is_default": True,
            "updated_by": None,
            "updated_at": None,
        }
        response = put(
            bearer_for(people.admin), "/api/v1/communication-targets", {"targets": {"major": 3}}
        )
        assert response.status_code == 200
        major = response.json()[2]
        assert (major["per_month"], major["is_default"], major["updated_by"]) == (
            3,
            False,
            people.admin.pk,
        )

    def test_bad_input(self, people: People) -> None:
        api = bearer_for(people.admin, "zh-hans")
        response = put(api, "/api/v1/communication-targets", {"targets": {"major": 40}})
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "targets.major", "message": "确保该值小于或等于31。"}
        ]
        response = put(api, "/api/v1/communication-targets", {"targets": {"major": "many"}})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"].startswith("targets")
        assert not CommunicationTarget.objects.exists()

    def test_the_wrong_user(self, people: People) -> None:
        for name in ("sup_east", "rep_east", "executive", "service_east"):
            response = put(
                bearer_for(people.by_name(name)),
                "/api/v1/communication-targets",
                {"targets": {"major": 3}},
            )
            assert response.status_code == 403, name
        assert not CommunicationTarget.objects.exists()


class TestPage:
    def test_administrators_set_the_targets(self, people: People) -> None:
        client = client_for(people.admin)
        page = client.get("/customers/communication-targets/")
        assert page.status_code == 200
        assert 'name="strategic_partner"' in page.content.decode()
        values = dict.fromkeys(LEVELS, "2") | {"major": "3"}
        response = client.post("/customers/communication-targets/", values)
        assert (response.status_code, response["Location"]) == (
            302,
            "/customers/communication-targets/",
        )
        assert monthly_targets()["major"] == 3

    def test_a_bad_value_is_shown_and_nothing_stored(self, people: People) -> None:
        client = client_for(people.admin, "zh-hans")
        values = dict.fromkeys(LEVELS, "2") | {"major": "3", "partner": "-1"}
        response = client.post("/customers/communication-targets/", values)
        assert response.status_code == 200
        assert "确保该值大于或等于0。" in response.content.decode()
        assert not CommunicationTarget.objects.exists()

    def test_others_may_not_open_it(self, people: People) -> None:
        for name in ("sup_east", "rep_east", "executive", "service_east"):
            client = client_for(people.by_name(name))
            assert client.get("/customers/communication-targets/").status_code == 403, name
            response = client.post("/customers/communication-targets/", {"major": "3"})
            assert response.status_code == 403, name
        assert "/customers/communication-targets/" not in (
            client_for(people.sup_east).get("/").content.decode()
        )
        assert "/customers/communication-targets/" in (
            client_for(people.admin).get("/").content.decode()
        )
