"""The sales API: opportunities, their plan, the board move, winning and losing, activities."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from guanxi.customers.models import Contact, Customer
from guanxi.sales import services
from guanxi.sales.models import Opportunity, OpportunityPeriod, PipelineStage
from tests.conftest import Book, People, bearer_for, patch, post

pytestmark = pytest.mark.django_db
LEAD = {
    "customer_name": "杭州云栖信息技术有限公司",
    "contact_name": "王芳",
    "contact_phone": "13812345678",
    "source": "website",
    "probability": 20,
    "summary": "采购 CRM 系统",
    "description": "300 个座席",
    "amount": "250000",
    "expected_close": "2027-03-31",
}


def stage(code: str) -> PipelineStage:
    return PipelineStage.objects.get(code=code)


def create(people: People, **changes):  # type: ignore[no-untyped-def]
    response = post(bearer_for(people.sup_east), "/api/v1/opportunities", {**LEAD, **changes})
    assert response.status_code == 201, response.content
    return response.json()


class TestCreate:
    def test_it_creates_an_unassigned_lead_for_a_supervisor(self, people: People) -> None:
        body = create(people)
        assert body["status"] == "unassigned"
        assert body["assignee"] is None
        assert body["team"] == people.sup_east.team_id
        assert body["number"] == "OP0000000001"
        assert body["weighted_amount"] == "50000.00"
        assert OpportunityPeriod.objects.get(opportunity_id=body["id"]).status == "unassigned"

    def test_an_account_manager_creates_only_for_themselves(self, people: People) -> None:
        client = bearer_for(people.rep_east)
        mine = post(client, "/api/v1/opportunities", LEAD)
        assert mine.status_code == 201
        assert (mine.json()["status"], mine.json()["assignee"]) == ("assigned", people.rep_east.pk)
        # A rep sees no colleague to name; the service refuses it all the same.
        other = post(client, "/api/v1/opportunities", {**LEAD, "assignee": people.rep_east2.pk})
        assert other.status_code == 422
        assert other.json()["errors"] == [
            {"field": "assignee", "message": f"No user has the id {people.rep_east2.pk}."}
        ]
        with pytest.raises(PermissionDenied) as refused:
            services.opportunity_create(
                actor=people.rep_east, assignee=people.rep_east2, customer_name="甲", summary="x"
            )
        assert str(refused.value) == "You may create opportunities only for yourself."

    def test_bad_input_names_each_field(self, people: People) -> None:
        response = post(
            bearer_for(people.sup_east),
            "/api/v1/opportunities",
            {
                **LEAD,
                "customer_name": " ",
                "contact_phone": "12345",
                "probability": 130,
                "source": "tv",
            },
        )
        assert response.status_code == 422
        errors = {e["field"]: e["message"] for e in response.json()["errors"]}
        assert errors == {
            "customer_name": "This field is required.",
            "contact_phone": (
                "Enter a mobile number or a landline with its area code, such as 010-12345678."
            ),
            "probability": "Enter a whole number from 0 to 100.",
            "source": (
                "“tv” is not in the dictionary. Choose from: Customer referral, Website, Trade "
                "show, Cold call, Advertising, Partner referral, Social media, Other."
            ),
        }
        assert not Opportunity.objects.exists()

    def test_bad_input_in_chinese(self, people: People) -> None:
        response = post(
            bearer_for(people.sup_east, "zh-hans"), "/api/v1/opportunities", {**LEAD, "summary": ""}
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [{"field": "summary", "message": "此字段为必填项。"}]

    def test_a_lead_like_a_customer_on_file_is_flagged(self, people: People, book: Book) -> None:
        body = create(people, customer_name="北京华信科技有限公司", contact_phone="")
        assert body["possible_duplicate"] == book.east.pk


class TestAssign:
    def test_a_supervisor_assigns_within_the_team(self, people: People) -> None:
        lead = create(people)
        response = post(
            bearer_for(people.sup_east),
            f"/api/v1/opportunities/{lead['id']}/assign",
            {"assignee": people.rep_east.pk},
        )
        assert response.status_code == 200
        body = response.json()
        assert (body["status"], body["assignee"]) == ("assigned", people.rep_east.pk)
        assert body["assigned_at"] is not None
        periods = OpportunityPeriod.objects.filter(opportunity_id=lead["id"]).order_by("id")
        assert [p.status for p in periods] == ["unassigned", "assigned"]
        assert periods[0].left_at == periods[1].entered_at

    def test_not_outside_the_team(self, people: People) -> None:
        lead = create(people)
        response = post(
            bearer_for(people.sup_east),
            f"/api/v1/opportunities/{lead['id']}/assign",
            {"assignee": people.rep_west.pk},
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "assignee", "message": f"No user has the id {people.rep_west.pk}."}
        ]
        with pytest.raises(ValidationError) as refused:
            services.opportunity_assign(
                actor=people.sup_east,
                opportunity=Opportunity.objects.get(pk=lead["id"]),
                assignee=people.rep_west,
            )
        assert refused.value.messages == [
            f"You cannot assign opportunities to {people.rep_west}: they are outside your team."
        ]

    def test_an_account_manager_may_not_assign(self, people: People) -> None:
        own = post(bearer_for(people.rep_east), "/api/v1/opportunities", LEAD).json()
        response = post(
            bearer_for(people.rep_east),
            f"/api/v1/opportunities/{own['id']}/assign",
            {"assignee": people.rep_east2.pk},
        )
        assert response.status_code == 403

    def test_the_other_team_sees_nothing(self, people: People) -> None:
        lead = create(people)
        for user in (people.sup_west, people.rep_west, people.rep_east):
            response = bearer_for(user).get(f"/api/v1/opportunities/{lead['id']}")
            assert response.status_code == 404, user
        assert bearer_for(people.rep_west).get("/api/v1/opportunities").json()["count"] == 0
        assert bearer_for(people.executive).get("/api/v1/opportunities").json()["count"] == 1

    def test_service_staff_have_no_pipeline(self, people: People) -> None:
        assert bearer_for(people.service_east).get("/api/v1/opportunities").status_code == 403


def assigned(people: People) -> dict:
    lead = create(people)
    return post(
        bearer_for(people.sup_east),
        f"/api/v1/opportunities/{lead['id']}/assign",
        {"assignee": people.rep_east.pk},
    ).json()


class TestMove:
    def test_it_moves_and_takes_the_stage_probability(self, people: People) -> None:
        opp = assigned(people)
        response = post(
            bearer_for(people.rep_east),
            f"/api/v1/opportunities/{opp['id']}/move",
            {"stage": stage("proposal").pk, "version": opp["version"]},
        )
        assert response.status_code == 200
        body = response.json()
        assert (body["status"], body["probability"], body["version"]) == (
            "developing",
            60,
            opp["version"] + 1,
        )

    def test_a_stale_version_is_a_conflict(self, people: People) -> None:
        opp = assigned(people)
        client = bearer_for(people.rep_east)
        post(
            client,
            f"/api/v1/opportunities/{opp['id']}/move",
            {"stage": stage("proposal").pk, "version": opp["version"]},
        )
        response = post(
            client,
            f"/api/v1/opportunities/{opp['id']}/move",
            {"stage": stage("negotiation").pk, "version": opp["version"]},
        )
        assert response.status_code == 409
        assert response.json()["detail"] == (
            "OP0000000001 was changed by someone else a moment ago (it is now in Proposal / "
            "quote, Developing). Look at it again before you move it."
        )
        assert Opportunity.objects.get().stage.code == "proposal"


class TestPlanAndClose:
    def test_plan_steps_and_results(self, people: People) -> None:
        opp = assigned(people)
        client = bearer_for(people.rep_east)
        url = f"/api/v1/opportunities/{opp['id']}/plan-steps"
        step = post(client, url, {"date": "2026-12-03", "content": "上门拜访并演示"})
        assert step.status_code == 201
        assert Opportunity.objects.get().status == "developing"
        recorded = patch(client, f"{url}/{step.json()['id']}", {"result": "客户有兴趣"})
        assert recorded.json()["result"] == "客户有兴趣"
        assert recorded.json()["result_at"] is not None
        moved = patch(client, f"{url}/{step.json()['id']}", {"date": "2026-12-08"})
        assert moved.json()["date"] == "2026-12-08"
        bad = patch(client, f"{url}/{step.json()['id']}", {"date": "next week"})
        assert bad.status_code == 422
        assert bad.json()["errors"] == [
            {"field": "date", "message": "Enter a date, such as 2026-12-31."}
        ]
        assert [s["content"] for s in client.get(url).json()["items"]] == ["上门拜访并演示"]
        empty = post(client, url, {"date": "2026-12-04", "content": "  "})
        assert empty.status_code == 422
        assert empty.json()["errors"] == [
            {"field": "content", "message": "This field is required."}
        ]
        assert bearer_for(people.rep_west).get(url).status_code == 404

    def test_success_makes_the_customer_and_contact(self, people: People) -> None:
        opp = assigned(people)
        response = post(
            bearer_for(people.rep_east), f"/api/v1/opportunities/{opp['id']}/succeed", {}
        )
        assert response.status_code == 200
        customer = Customer.objects.get(pk=response.json()["customer_id"])
        assert (customer.name, customer.account_manager, customer.source) == (
            LEAD["customer_name"],
            people.rep_east,
            "website",
        )
        contact = Contact.objects.get(customer=customer)
        assert (contact.name, contact.mobile, contact.is_primary) == ("王芳", "13812345678", True)
        won = Opportunity.objects.get()
        assert (won.status, won.customer, won.contact, won.probability) == (
            "success",
            customer,
            contact,
            100,
        )
        assert won.closed_at is not None
        again = post(bearer_for(people.rep_east), f"/api/v1/opportunities/{opp['id']}/succeed", {})
        assert again.status_code == 422
        assert again.json()["errors"][0]["message"] == (
            "This opportunity is closed (Won): it cannot change any more."
        )

    def test_a_duplicate_asks_to_link_the_customer(self, people: People, book: Book) -> None:
        opp = assigned(people)
        Opportunity.objects.filter(pk=opp["id"]).update(customer_name=book.east.name)
        client = bearer_for(people.rep_east)
        url = f"/api/v1/opportunities/{opp['id']}/succeed"
        response = post(client, url, {})
        assert response.status_code == 409
        assert response.json()["matches"][0]["id"] == book.east.pk
        linked = post(client, url, {"customer": book.east.pk})
        assert linked.json()["customer_id"] == book.east.pk
        assert Customer.objects.count() == 3

    def test_failure_needs_a_dictionary_reason(self, people: People) -> None:
        opp = assigned(people)
        client = bearer_for(people.rep_east)
        url = f"/api/v1/opportunities/{opp['id']}/fail"
        missing = post(client, url, {"reason": ""})
        assert missing.json()["errors"] == [
            {"field": "reason", "message": "Choose why the opportunity was lost."}
        ]
        wrong = post(client, url, {"reason": "weather"})
        assert wrong.status_code == 422
        assert wrong.json()["errors"][0]["message"].startswith(
            "“weather” is not in the dictionary."
        )
        lost = post(client, url, {"reason": "competitor", "note": "选了别家"})
        assert (lost.json()["status"], lost.json()["lost_reason"]) == ("failed", "competitor")

    def test_the_wrong_user_cannot_close(self, people: People) -> None:
        opp = assigned(people)
        for user in (people.rep_east2, people.rep_west, people.sup_west):
            response = post(
                bearer_for(user), f"/api/v1/opportunities/{opp['id']}/fail", {"reason": "price"}
            )
            assert response.status_code == 404, user
        response = post(
            bearer_for(people.executive),
            f"/api/v1/opportunities/{opp['id']}/fail",
            {"reason": "price"},
        )
        assert response.status_code == 403


class TestFunnel:
    def test_it_counts_the_period(self, people: People) -> None:
        won = assigned(people)
        post(
            bearer_for(people.rep_east),
            f"/api/v1/opportunities/{won['id']}/move",
            {"stage": stage("proposal").pk},
        )
        post(bearer_for(people.rep_east), f"/api/v1/opportunities/{won['id']}/succeed", {})
        lost = assigned(people)
        post(
            bearer_for(people.rep_east),
            f"/api/v1/opportunities/{lost['id']}/fail",
            {"reason": "price"},
        )
        create(people, amount="100000", probability=30)
        body = bearer_for(people.sup_east).get("/api/v1/sales/funnel").json()
        assert (body["created"], body["won"], body["lost"]) == (3, 1, 1)
        assert body["win_rate"] == 50.0
        assert body["lead_conversion_rate"] == 33.3
        assert body["weighted_pipeline"] == "30000.00"
        assert [(s["reached"], s["conversion"]) for s in body["stages"]] == [
            (3, None),
            (1, 33.3),
            (1, 100.0),
            (0, 0.0),
        ]
        assert body["top_reps"][0]["assignee"] == people.rep_east.pk
        assert body["lost_reasons"] == [{"reason": "price", "count": 1}]
        assert bearer_for(people.sup_west).get("/api/v1/sales/funnel").json()["created"] == 0


class TestActivities:
    def test_create_list_complete(self, people: People, book: Book) -> None:
        client = bearer_for(people.rep_east)
        created = post(
            client,
            "/api/v1/activities",
            {
                "kind": "call",
                "subject": "回访王总",
                "due_at": "2026-12-05T10:00:00+08:00",
                "customer": book.east.pk,
            },
        )
        assert created.status_code == 201
        body = created.json()
        assert (body["assignee"], body["customer"], body["remind_minutes"]) == (
            people.rep_east.pk,
            book.east.pk,
            15,
        )
        done = patch(
            client, f"/api/v1/activities/{body['id']}", {"done": True, "outcome": "已约拜访"}
        )
        assert done.json()["done_at"] is not None
        assert done.json()["outcome"] == "已约拜访"
        assert client.get("/api/v1/activities?done=false").json()["count"] == 0
        assert (
            bearer_for(people.rep_west).get(f"/api/v1/activities/{body['id']}").status_code == 404
        )

    def test_a_rep_cannot_give_tasks_or_touch_others_customers(
        self, people: People, book: Book
    ) -> None:
        client = bearer_for(people.rep_east)
        given = post(
            client,
            "/api/v1/activities",
            {
                "subject": "x",
                "due_at": "2026-12-05T10:00:00+08:00",
                "assignee": people.rep_east2.pk,
            },
        )
        assert given.status_code == 422
        assert given.json()["errors"][0]["field"] == "assignee"
        other = post(
            client,
            "/api/v1/activities",
            {"subject": "x", "due_at": "2026-12-05T10:00:00+08:00", "customer": book.west.pk},
        )
        assert other.status_code == 404

    def test_a_supervisor_gives_a_task_and_the_rep_is_told(self, people: People) -> None:
        # The rep reads English; the supervisor's Chinese request must not decide that.
        people.rep_east.language = "en"
        people.rep_east.save()
        response = post(
            bearer_for(people.sup_east, "zh-hans"),
            "/api/v1/activities",
            {
                "subject": "准备报价单",
                "due_at": "2026-12-05T10:00:00+08:00",
                "assignee": people.rep_east.pk,
            },
        )
        assert response.status_code == 201
        notes = bearer_for(people.rep_east).get("/api/v1/notifications").json()
        assert notes["count"] == 1
        assert notes["items"][0]["title"].endswith("gave you a task: 准备报价单")

    def test_bad_times(self, people: People) -> None:
        response = post(
            bearer_for(people.rep_east),
            "/api/v1/activities",
            {"subject": "x", "due_at": "tomorrow"},
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "due_at"
