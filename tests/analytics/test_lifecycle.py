"""The lifecycle stage (生命周期): derived from orders, deals and churn state by the nightly
run; set by hand with a reason (and kept); each stage's strategy, editable — through the
services, the API and the pages."""

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from guanxi.analytics.lifecycle import lifecycle_scan
from guanxi.analytics.models import AnalyticsSettings, LifecycleStrategy
from guanxi.core.models import AuditEntry
from guanxi.customers.models import Customer
from guanxi.customers.services import EditConflict, customer_lifecycle_set
from guanxi.sales.models import Opportunity
from tests.analytics.conftest import TODAY, buy
from tests.conftest import Book, People, bearer_for, client_for, post
from tests.factories import CustomerFactory, OpportunityFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def stage_of(customer: Customer) -> tuple[str, str]:
    customer.refresh_from_db()
    return customer.lifecycle_stage, customer.lifecycle_derived


def put(client: Any, url: str, body: Any) -> Any:
    return client.put(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def stages(people: People, clock: Any) -> dict[str, Customer]:
    """One customer per case of the rule, on 2 December 2026 with the default thresholds
    (new for 6 months, growing at +20 %, declining at −30 %). The last 12 months are orders
    after 2025-12-02, the 12 before those after 2024-12-02."""
    made = {
        name: CustomerFactory(name=f"{name}有限公司", account_manager=people.rep_east)
        for name in (
            "potential",
            "won_deal",
            "new",
            "young",
            "growing",
            "mature",
            "falling",
            "silent",
            "warned",
            "churned",
        )
    }
    OpportunityFactory(
        customer=made["won_deal"],
        status=Opportunity.Status.SUCCESS,
        closed_at=datetime(2026, 10, 1, 10, tzinfo=SHANGHAI),
    )
    buy(made["new"], "2026-08-01", "5000")  # first order within 6 months
    buy(made["young"], "2026-01-05", "800")  # older than 6 months, nothing the year before
    buy(made["growing"], "2025-03-01", "1000")
    buy(made["growing"], "2026-03-01", "1250")  # +25 %
    buy(made["mature"], "2025-03-01", "1000")
    buy(made["mature"], "2026-03-01", "1100")  # +10 %
    buy(made["falling"], "2025-03-01", "1000")
    buy(made["falling"], "2026-03-01", "650")  # −35 %
    buy(made["silent"], "2025-03-01", "1000")  # nothing in the last 12 months
    buy(made["warned"], "2025-03-01", "1000")
    buy(made["warned"], "2026-03-01", "1100")
    buy(made["churned"], "2024-01-01", "1000")
    Customer.objects.filter(pk=made["warned"].pk).update(status=Customer.Status.CHURN_WARNING)
    Customer.objects.filter(pk=made["churned"].pk).update(status=Customer.Status.CHURNED)
    return made


class TestRule:
    def test_each_stage_from_the_data(self, stages: dict[str, Customer]) -> None:
        result = lifecycle_scan(today=TODAY)
        found = {name: stage_of(customer)[0] for name, customer in stages.items()}
        assert found == {
            "potential": "potential",
            "won_deal": "new",
            "new": "new",
            "young": "growing",
            "growing": "growing",
            "mature": "mature",
            "falling": "declining",
            "silent": "declining",
            "warned": "declining",
            "churned": "churned",
        }
        assert (result.customers, result.changed) == (10, 9)  # "potential" was already so
        assert result.stages == {
            "potential": 1,
            "new": 2,
            "growing": 2,
            "mature": 1,
            "declining": 3,
            "churned": 1,
        }

    def test_a_move_is_a_version_and_an_audit_entry_and_a_second_run_changes_nothing(
        self, stages: dict[str, Customer]
    ) -> None:
        lifecycle_scan(today=TODAY)
        mature = stages["mature"]
        mature.refresh_from_db()
        assert mature.version == 2
        entry = AuditEntry.objects.get(model="customers.customer", object_id=str(mature.pk))
        assert (entry.actor, entry.changes) == (
            None,
            {"lifecycle_stage": ["potential", "mature"], "version": [1, 2]},
        )
        assert lifecycle_scan(today=TODAY).changed == 0
        assert AuditEntry.objects.filter(model="customers.customer").count() == 9

    def test_the_nightly_job_passes_the_history_it_read(self, stages: dict[str, Customer]) -> None:
        from datetime import timedelta

        from guanxi.analytics.services.scores import read_history

        given = read_history(TODAY)
        assert lifecycle_scan(today=TODAY, history=given).changed == 9
        assert stage_of(stages["growing"])[0] == "growing"
        # A history of another day is not used: the scan reads its own.
        stale = read_history(TODAY - timedelta(days=400))
        assert lifecycle_scan(today=TODAY, history=stale).changed == 0

    def test_the_thresholds_are_settings(self, stages: dict[str, Customer]) -> None:
        AnalyticsSettings.objects.update_or_create(
            pk=1,
            defaults={
                "lifecycle_new_months": 12,
                "lifecycle_growth_percent": 30,
                "lifecycle_decline_percent": 40,
            },
        )
        lifecycle_scan(today=TODAY)
        assert stage_of(stages["young"])[0] == "new"  # first order 11 months ago
        assert stage_of(stages["growing"])[0] == "mature"  # +25 % is under 30 %
        assert stage_of(stages["falling"])[0] == "mature"  # −35 % is under 40 %

    def test_a_deal_won_long_ago_without_orders_is_potential(
        self, people: People, clock: Any
    ) -> None:
        customer = CustomerFactory(account_manager=people.rep_east)
        OpportunityFactory(
            customer=customer,
            status=Opportunity.Status.SUCCESS,
            closed_at=datetime(2026, 5, 1, 10, tzinfo=SHANGHAI),
        )
        lifecycle_scan(today=TODAY)
        assert stage_of(customer) == ("potential", "potential")

    def test_archived_customers_are_left_alone(self, stages: dict[str, Customer]) -> None:
        Customer.objects.filter(pk=stages["mature"].pk).update(archived_at=datetime.now(SHANGHAI))
        assert lifecycle_scan(today=TODAY).customers == 9
        assert stage_of(stages["mature"]) == ("potential", "potential")


class TestByHand:
    def test_a_stage_set_by_hand_is_kept_by_the_nightly_run(
        self, people: People, stages: dict[str, Customer]
    ) -> None:
        customer = stages["mature"]
        customer_lifecycle_set(
            actor=people.rep_east, customer=customer, stage="growing", reason="新项目启动"
        )
        customer.refresh_from_db()
        assert (customer.lifecycle_stage, customer.lifecycle_set_by, customer.lifecycle_reason) == (
            "growing",
            people.rep_east,
            "新项目启动",
        )
        assert customer.version == 2
        lifecycle_scan(today=TODAY)
        assert stage_of(customer) == ("growing", "mature")
        entry = AuditEntry.objects.filter(object_id=str(customer.pk)).latest("at")
        assert entry.actor == people.rep_east
        assert entry.changes["lifecycle_stage"] == ["potential", "growing"]
        assert entry.changes["lifecycle_reason"] == ["", "新项目启动"]

    def test_clearing_puts_the_derived_stage_back(
        self, people: People, stages: dict[str, Customer]
    ) -> None:
        customer = stages["mature"]
        customer_lifecycle_set(actor=people.rep_east, customer=customer, stage="new", reason="x")
        lifecycle_scan(today=TODAY)
        customer.refresh_from_db()
        customer_lifecycle_set(actor=people.rep_east, customer=customer, stage=None)
        customer.refresh_from_db()
        assert (customer.lifecycle_stage, customer.lifecycle_set_at, customer.lifecycle_reason) == (
            "mature",
            None,
            "",
        )

    @translation.override("en")
    def test_refusals(self, people: People, book: Book) -> None:
        with pytest.raises(ValidationError) as error:
            customer_lifecycle_set(actor=people.rep_east, customer=book.east, stage="mature")
        assert error.value.message_dict == {
            "reason": ["Say why the stage differs from what the data shows."]
        }
        with pytest.raises(ValidationError) as error:
            customer_lifecycle_set(actor=people.rep_east, customer=book.east, stage=None)
        assert error.value.message_dict == {"stage": ["The stage was not set by hand."]}
        with pytest.raises(EditConflict):
            customer_lifecycle_set(
                actor=people.rep_east, customer=book.east, stage="new", reason="x", version=7
            )
        book.east.refresh_from_db()
        assert (book.east.lifecycle_stage, book.east.version) == ("potential", 1)


class TestApi:
    def test_overview_counts_what_the_reader_sees(
        self, people: People, book: Book, stages: dict[str, Customer]
    ) -> None:
        lifecycle_scan(today=TODAY)
        body = bearer_for(people.rep_west).get("/api/v1/lifecycle").json()
        assert body["rule"] == {"new_months": 6, "growth_percent": 20, "decline_percent": 30}
        assert [(s["stage"], s["customers"]) for s in body["stages"]] == [
            ("potential", 1),
            ("new", 0),
            ("growing", 0),
            ("mature", 0),
            ("declining", 0),
            ("churned", 0),
        ]
        east = bearer_for(people.rep_east, "zh-hans").get("/api/v1/lifecycle").json()
        assert [s["customers"] for s in east["stages"]] == [2, 2, 2, 1, 3, 1]  # + book.east
        assert east["stages"][4]["label"] == "衰退"
        assert east["stages"][0]["strategy"]["strategy_zh"].startswith("了解需求")

    def test_set_and_clear(self, people: People, book: Book) -> None:
        api = bearer_for(people.rep_east)
        url = f"/api/v1/customers/{book.east.pk}/lifecycle"
        response = post(api, url, {"stage": "mature", "reason": "老客户", "version": 1})
        assert response.status_code == 200
        body = response.json()
        assert (body["lifecycle_stage"], body["lifecycle_derived"], body["version"]) == (
            "mature",
            "potential",
            2,
        )
        assert body["lifecycle_set_by"] == people.rep_east.pk
        assert body["lifecycle_reason"] == "老客户"
        response = post(api, url, {"stage": None})
        assert response.status_code == 200
        assert (response.json()["lifecycle_stage"], response.json()["lifecycle_set_by"]) == (
            "potential",
            None,
        )

    def test_bad_input(self, people: People, book: Book) -> None:
        url = f"/api/v1/customers/{book.east.pk}/lifecycle"
        response = post(bearer_for(people.rep_east, "zh-hans"), url, {"stage": "mature"})
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "reason", "message": "请说明阶段为何与数据所示不同。"}
        ]
        response = post(bearer_for(people.rep_east), url, {"stage": "retired", "reason": "x"})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "stage"
        response = post(bearer_for(people.rep_east), url, {"stage": "new", "reason": "x" * 201})
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {
                "field": "lifecycle_reason",
                "message": "Ensure this value has at most 200 characters (it has 201).",
            }
        ]
        stale = {"stage": "new", "reason": "x", "version": 9}
        response = post(bearer_for(people.rep_east), url, stale)
        assert response.status_code == 409
        assert response.json()["version"] == 1
        book.east.refresh_from_db()
        assert (book.east.lifecycle_stage, book.east.version) == ("potential", 1)

    def test_the_wrong_user(self, people: People, book: Book) -> None:
        url = f"/api/v1/customers/{book.east.pk}/lifecycle"
        body = {"stage": "mature", "reason": "x"}
        assert post(bearer_for(people.rep_west), url, body).status_code == 404
        assert post(bearer_for(people.executive), url, body).status_code == 403
        assert post(bearer_for(people.service_east), url, body).status_code == 403
        assert Customer.objects.get(pk=book.east.pk).lifecycle_stage == "potential"

    def test_strategy_edit(self, people: People) -> None:
        response = put(
            bearer_for(people.sup_east), "/api/v1/lifecycle/declining", {"strategy_en": " Call. "}
        )
        assert response.status_code == 200
        assert response.json()["strategy_en"] == "Call."
        assert response.json()["strategy_zh"].startswith("尽快找出原因")
        assert response.json()["updated_by"] == people.sup_east.pk
        entry = AuditEntry.objects.get(model="analytics.lifecyclestrategy")
        assert entry.changes["strategy_en"][1] == "Call."

    def test_strategy_bad_input_and_wrong_user(self, people: People) -> None:
        url = "/api/v1/lifecycle/mature"
        response = put(bearer_for(people.admin), url, {"strategy_zh": "长" * 2001})
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {
                "field": "strategy_zh",
                "message": "Ensure this value has at most 2000 characters (it has 2001).",
            }
        ]
        assert put(bearer_for(people.admin), "/api/v1/lifecycle/retired", {}).status_code == 404
        for name in ("rep_east", "service_east", "executive"):
            response = put(bearer_for(people.by_name(name)), url, {"strategy_en": "x"})
            assert response.status_code == 403, name
        assert LifecycleStrategy.objects.get(stage="mature").strategy_en.startswith("Keep")
        assert not AuditEntry.objects.filter(model="analytics.lifecyclestrategy").exists()

    def test_the_360_api_carries_the_section(self, people: People, book: Book) -> None:
        customer_lifecycle_set(
            actor=people.rep_east, customer=book.east, stage="new", reason="签约"
        )
        body = bearer_for(people.rep_east).get(f"/api/v1/customers/{book.east.pk}/360").json()
        section = body["sections"]["lifecycle"]
        assert (section["stage"], section["derived"]) == ("new", "potential")
        assert (section["set_by_hand"], section["reason"]) == (True, "签约")
        assert section["strategy"].startswith("Deliver the first order well")
        assert section["figures"]["annual_spend"] == "0.00"


class TestPages:
    def test_the_overview_page(self, people: People, stages: dict[str, Customer]) -> None:
        lifecycle_scan(today=TODAY)
        page = client_for(people.rep_east, "zh-hans").get("/analytics/lifecycle/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "成熟" in html and "了解需求、建立联系" in html
        assert 'id="lifecycle-chart"' in html
        assert "/analytics/lifecycle/mature/" not in html  # a rep may not edit strategies
        sup = client_for(people.sup_east).get("/analytics/lifecycle/").content.decode()
        assert "/analytics/lifecycle/mature/" in sup

    def test_strategy_page(self, people: People) -> None:
        url = "/analytics/lifecycle/growing/"
        assert client_for(people.rep_east).get(url).status_code == 403
        assert client_for(people.rep_east).post(url, {"strategy_zh": "x"}).status_code == 403
        client = client_for(people.sup_east)
        assert client.get(url).status_code == 200
        assert client.get("/analytics/lifecycle/retired/").status_code == 404
        response = client.post(url, {"strategy_zh": "多推荐", "strategy_en": "Cross-sell"})
        assert (response.status_code, response["Location"]) == (302, "/analytics/lifecycle/")
        saved = LifecycleStrategy.objects.get(stage="growing")
        assert (saved.strategy_zh, saved.strategy_en) == ("多推荐", "Cross-sell")
        response = client.post(url, {"strategy_zh": "长" * 2001, "strategy_en": ""})
        assert response.status_code == 200
        assert "Ensure this value has at most 2000 characters (it has 2001)." in (
            response.content.decode()
        )
        assert LifecycleStrategy.objects.get(stage="growing").strategy_zh == "多推荐"

    def test_the_360_section_and_the_override_form(self, people: People, book: Book) -> None:
        client = client_for(people.rep_east)
        url = book.east.get_absolute_url()
        html = client.get(url).content.decode()
        assert 'id="lifecycle"' in html and 'id="lifecycle-form"' in html
        assert "From the data: no order yet." in html
        response = client.post(
            f"/customers/{book.east.pk}/lifecycle/",
            {"stage": "mature", "reason": "集团客户", "version": "1"},
        )
        assert (response.status_code, response["Location"]) == (302, f"{url}#section-lifecycle")
        html = client.get(url).content.decode()
        assert "集团客户" in html and 'id="lifecycle-clear"' in html
        assert "Lifecycle stage: Potential → Mature" in html  # on the timeline
        response = client.post(f"/customers/{book.east.pk}/lifecycle/", {"clear": "1"})
        assert Customer.objects.get(pk=book.east.pk).lifecycle_set_at is None

    def test_the_override_form_refuses_and_keeps(self, people: People, book: Book) -> None:
        client = client_for(people.rep_east, "zh-hans")
        response = client.post(
            f"/customers/{book.east.pk}/lifecycle/", {"stage": "mature", "reason": ""}, follow=True
        )
        assert "请说明阶段为何与数据所示不同。" in response.content.decode()
        assert Customer.objects.get(pk=book.east.pk).lifecycle_stage == "potential"
        wrong = client_for(people.rep_west).post(
            f"/customers/{book.east.pk}/lifecycle/", {"stage": "mature", "reason": "x"}
        )
        assert wrong.status_code == 404
        read_only = client_for(people.executive).post(
            f"/customers/{book.east.pk}/lifecycle/", {"stage": "mature", "reason": "x"}
        )
        assert read_only.status_code == 403
        html = client_for(people.executive).get(book.east.get_absolute_url()).content.decode()
        assert 'id="lifecycle"' in html and 'id="lifecycle-form"' not in html


def test_an_import_does_not_set_the_stage(people: People, tmp_path: Any) -> None:
    from guanxi.transfer.engine import ImportOptions
    from guanxi.transfer.services import import_file

    path = tmp_path / "c.csv"
    path.write_text("客户名称,生命周期,客户经理\n杭州云栖信息技术有限公司,成熟期,rep_east\n")
    result = import_file(
        actor=people.sup_east, kind="customers", path=path, options=ImportOptions()
    )
    assert (result.created, result.errors) == (1, [])
    assert result.warnings == [
        {
            "row": 1,
            "column": "生命周期",
            "message": "This column is not imported; its values are ignored.",
        }
    ]
    customer = Customer.objects.get(name="杭州云栖信息技术有限公司")
    assert (customer.lifecycle_stage, customer.lifecycle_set_at) == ("potential", None)


def test_the_cli_prints_the_counts(stages: dict[str, Customer], capsys: Any) -> None:
    from guanxi.cli import main

    assert main(["analytics", "lifecycle", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "customers": 10,
        "changed": 9,
        "potential": 1,
        "new": 2,
        "growing": 2,
        "mature": 1,
        "declining": 3,
        "churned": 1,
    }
