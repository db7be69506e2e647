"""The service request API: logging, the flow, the SLA clock, roles and bad input."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from guanxi.customers.models import Customer
from guanxi.service import services
from guanxi.service.models import Callback, RequestEvent, ServiceRequest
from tests.conftest import Book, People, bearer_for, patch, post
from tests.factories import ContactFactory
from tests.service.conftest import at, log_request

pytestmark = pytest.mark.django_db
URL = "/api/v1/service-requests"


class TestCreate:
    def test_an_inquiry_gets_two_working_hours_to_a_first_response(
        self, people: People, book: Book, clock: Any
    ) -> None:
        body = log_request(people, book.east.pk)
        assert body["number"] == "SR0000000001"
        assert (body["type"], body["priority"], body["channel"]) == ("inquiry", "normal", "hotline")
        assert (body["status"], body["sla_state"]) == ("created", "on_track")
        assert body["team"] == people.east.pk
        assert body["assignee"] is None
        # Received 10:00 on a Tuesday: first response by 12:00; resolution in 8 working
        # hours: 10–12, 13–18, then 9–10 on Wednesday.
        assert body["first_response_due"] == "2026-09-01T04:00:00Z"
        assert body["resolution_due"] == "2026-09-02T02:00:00Z"
        assert RequestEvent.objects.get(request_id=body["id"]).action == "created"

    def test_an_urgent_request_gets_30_minutes_round_the_clock(
        self, people: People, book: Book, clock: Any
    ) -> None:
        clock.move_to(at(2026, 9, 5, 23, 0))  # Saturday night
        body = log_request(people, book.east.pk, priority="urgent", type="complaint")
        assert body["first_response_due"] == "2026-09-05T15:30:00Z"  # 23:30 in Shanghai
        assert ServiceRequest.objects.get(pk=body["id"]).policy.name == "紧急 Urgent"

    def test_a_complaint_gets_24_hours(self, people: People, book: Book, clock: Any) -> None:
        body = log_request(people, book.east.pk, type="投诉")
        assert body["type"] == "complaint"
        assert body["first_response_due"] == "2026-09-02T02:00:00Z"  # 24 h later
        assert body["resolution_due"] == "2026-09-04T02:00:00Z"  # 72 h later

    def test_a_request_received_before_the_weekend_waits_for_monday(
        self, people: People, book: Book, clock: Any
    ) -> None:
        clock.move_to(at(2026, 9, 4, 17, 0))  # Friday 17:00
        body = log_request(people, book.east.pk)
        assert body["first_response_due"] == "2026-09-07T02:00:00Z"  # Monday 10:00

    def test_it_can_be_assigned_at_once(self, people: People, book: Book, clock: Any) -> None:
        body = log_request(people, book.east.pk, assignee=people.service_east.pk)
        assert (body["status"], body["assignee"]) == ("assigned", people.service_east.pk)

    def test_a_visitor_without_a_customer_needs_a_name(self, people: People, clock: Any) -> None:
        response = post(
            bearer_for(people.service_east), URL, {"type": "inquiry", "summary": "问价格"}
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "customer", "message": "Choose the customer, or give the requester's name."}
        ]

    def test_bad_input_names_each_field(self, people: People, book: Book) -> None:
        response = post(
            bearer_for(people.service_east),
            URL,
            {
                "type": "praise",
                "summary": " ",
                "priority": "asap",
                "customer": book.east.pk,
                "requester_phone": "12345",
            },
        )
        assert response.status_code == 422
        errors = {e["field"]: e["message"] for e in response.json()["errors"]}
        assert errors == {
            "type": (
                "“praise” is not in the dictionary. Choose from: Inquiry, Suggestion, "
                "Complaint, Complex problem."
            ),
            "summary": "This field is required.",
            "priority": "“asap” is not one of: low, normal, high, urgent.",
            "requester_phone": (
                "Enter a mobile number or a landline with its area code, such as 010-12345678."
            ),
        }

    def test_bad_input_in_chinese(self, people: People, book: Book) -> None:
        response = post(
            bearer_for(people.service_east, "zh-hans"),
            URL,
            {"type": "inquiry", "summary": "", "customer": book.east.pk},
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [{"field": "summary", "message": "此字段为必填项。"}]

    def test_an_executive_cannot_log_requests(self, people: People, book: Book) -> None:
        body = {"type": "inquiry", "summary": "x", "customer": book.east.pk}
        response = post(bearer_for(people.executive), URL, body)
        assert response.status_code == 403
        assert response.json()["detail"] == "You do not have permission to do this."


class TestScope:
    def test_who_sees_a_request(self, people: People, book: Book) -> None:
        body = log_request(people, book.east.pk)
        url = f"{URL}/{body['id']}"
        for persona, status in [
            ("admin", 200),
            ("executive", 200),
            ("sup_east", 200),
            ("rep_east", 200),  # the customer's account manager
            ("rep_east2", 404),  # same team, not their customer, not theirs
            ("service_east", 200),
            ("sup_west", 404),
            ("rep_west", 404),
        ]:
            response = bearer_for(people.by_name(persona)).get(url)
            assert response.status_code == status, persona

    def test_the_list_is_scoped(self, people: People, book: Book) -> None:
        log_request(people, book.east.pk)
        log_request(people, book.west.pk)  # service staff read every customer
        mine = bearer_for(people.rep_west).get(URL).json()
        assert [item["customer"] for item in mine["items"]] == [book.west.pk]
        assert bearer_for(people.rep_east2).get(URL).json()["count"] == 0
        assert bearer_for(people.sup_east).get(URL).json()["count"] == 2

    def test_the_wrong_user_cannot_act(self, people: People, book: Book) -> None:
        body = log_request(people, book.east.pk)
        url = f"{URL}/{body['id']}"
        west = bearer_for(people.rep_west)
        for action, payload in [
            ("assign", {"assignee": people.rep_west.pk}),
            ("handle", {"result": "x"}),
            ("feedback", {"satisfaction": 5}),
            ("archive", {}),
            ("pause", {}),
        ]:
            assert post(west, f"{url}/{action}", payload).status_code == 404, action
        assert patch(west, url, {"summary": "x"}).status_code == 404
        executive = bearer_for(people.executive)
        assert post(executive, f"{url}/handle", {"result": "x"}).status_code == 403
        assert patch(executive, url, {"summary": "x"}).status_code == 403

    def test_an_account_manager_cannot_give_work_to_others(
        self, people: People, book: Book
    ) -> None:
        body = log_request(people, book.east.pk)
        # A rep sees no colleagues to give work to: the API names none.
        response = post(
            bearer_for(people.rep_east),
            f"{URL}/{body['id']}/assign",
            {"assignee": people.rep_east2.pk},
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "assignee", "message": f"No user has the id {people.rep_east2.pk}."}
        ]
        # The service refuses it all the same, whoever calls it.
        found = ServiceRequest.objects.get(pk=body["id"])
        with pytest.raises(PermissionDenied) as refused:
            services.service_request_assign(
                actor=people.rep_east, request=found, assignee=people.rep_east2
            )
        assert str(refused.value) == "You may take requests yourself but not give them to others."

    def test_a_supervisor_assigns_only_within_the_team(self, people: People, book: Book) -> None:
        body = log_request(people, book.east.pk)
        response = post(
            bearer_for(people.sup_east),
            f"{URL}/{body['id']}/assign",
            {"assignee": people.rep_west.pk},
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "assignee", "message": f"No user has the id {people.rep_west.pk}."}
        ]
        found = ServiceRequest.objects.get(pk=body["id"])
        with pytest.raises(ValidationError) as refused:
            services.service_request_assign(
                actor=people.sup_east, request=found, assignee=people.rep_west
            )
        assert refused.value.message_dict == {
            "assignee": [
                f"You cannot assign requests to {people.rep_west}: they are outside your team."
            ]
        }

    def test_a_contact_of_a_customer_out_of_scope_is_not_found(
        self, people: People, book: Book
    ) -> None:
        theirs = ContactFactory(customer=book.west, name="王五")
        response = post(
            bearer_for(people.rep_east),
            URL,
            {"type": "inquiry", "summary": "x", "customer": book.east.pk, "contact": theirs.pk},
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "contact", "message": f"No contact has the id {theirs.pk}."}
        ]
        # Seen, but of another customer: the request's own rule.
        mine = ContactFactory(customer=book.east2, name="李四")
        response = post(
            bearer_for(people.sup_east),
            URL,
            {"type": "inquiry", "summary": "x", "customer": book.east.pk, "contact": mine.pk},
        )
        assert response.json()["errors"] == [
            {"field": "contact", "message": "This contact does not belong to the customer."}
        ]


def flow(client: Any, request_id: int, action: str, payload: dict[str, Any]) -> Any:
    return post(client, f"{URL}/{request_id}/{action}", payload)


class TestFlow:
    def test_low_satisfaction_sends_it_back(self, people: People, book: Book, clock: Any) -> None:
        body = log_request(people, book.east.pk)
        desk = bearer_for(people.service_east)
        rid = body["id"]
        assigned = flow(desk, rid, "assign", {"assignee": people.service_east.pk}).json()
        assert assigned["status"] == "assigned"
        clock.move_to(at(2026, 9, 1, 11, 0))
        handled = flow(desk, rid, "handle", {"result": "已在系统中修改发票抬头"}).json()
        assert (handled["status"], handled["sla_state"]) == ("handled", "on_track")
        assert handled["first_response_at"] == "2026-09-01T03:00:00Z"
        clock.move_to(at(2026, 9, 2, 10, 0))
        back = flow(desk, rid, "feedback", {"satisfaction": 2, "note": "还是错的"}).json()
        assert (back["status"], back["reopen_count"], back["satisfaction"]) == ("assigned", 1, 2)
        # A new resolution cycle of 8 working hours from the reopening.
        assert back["resolution_due"] == "2026-09-03T02:00:00Z"
        flow(desk, rid, "handle", {"result": "重新开具发票"})
        good = flow(desk, rid, "feedback", {"satisfaction": 5}).json()
        # Satisfied: archived at once (SPEC §1.3), nothing left to archive by hand.
        assert (good["status"], good["satisfaction"]) == ("archived", 5)
        assert good["archived_at"] == "2026-09-02T02:00:00Z"
        again = flow(desk, rid, "archive", {})
        assert again.status_code == 422
        assert again.json()["errors"] == [
            {
                "field": "status",
                "message": "Only handled requests can be archived (this one is Archived).",
            }
        ]
        event = RequestEvent.objects.filter(request_id=rid).latest("at")
        assert (event.action, event.from_status, event.note) == (
            "archived",
            "handled",
            "Satisfaction 5/5: archived.",
        )
        actions = list(
            RequestEvent.objects.filter(request_id=rid).values_list("action", "actor__username")
        )
        assert actions == [
            ("created", "service_east"),
            ("assigned", "service_east"),
            ("responded", "service_east"),
            ("handled", "service_east"),
            ("feedback", "service_east"),
            ("reopened", "service_east"),
            ("handled", "service_east"),
            ("feedback", "service_east"),
            ("archived", "service_east"),
        ]

    def test_a_complaint_needs_its_review_to_be_archived(
        self, people: People, book: Book, clock: Any
    ) -> None:
        body = log_request(people, book.east.pk, type="complaint", assignee=people.service_east.pk)
        desk = bearer_for(people.service_east)
        flow(desk, body["id"], "handle", {"result": "更换了设备"})
        refused = flow(desk, body["id"], "archive", {"root_cause": "发货前未检测"})
        assert refused.status_code == 422
        assert refused.json()["errors"] == [
            {
                "field": "corrective_action",
                "message": "A complaint needs this before it is archived.",
            },
            {"field": "review", "message": "A complaint needs this before it is archived."},
        ]
        refused_request = ServiceRequest.objects.get(pk=body["id"])
        # Nothing of a refused archive is kept.
        assert (refused_request.status, refused_request.root_cause) == ("handled", "")
        patch(desk, f"{URL}/{body['id']}", {"root_cause": "发货前未检测"})
        archived = flow(
            desk,
            body["id"],
            "archive",
            {"corrective_action": "出库前增加检测", "review": "每周质量会复盘"},
        ).json()
        assert archived["status"] == "archived"
        assert archived["root_cause"] == "发货前未检测"
        callback = Callback.objects.get(request_id=body["id"])
        assert (callback.status, callback.assignee, str(callback.due_date)) == (
            "pending",
            people.service_east,
            "2026-09-03",
        )

    def test_a_satisfied_complaint_waits_for_its_review(
        self, people: People, book: Book, clock: Any
    ) -> None:
        body = log_request(people, book.east.pk, type="complaint", assignee=people.service_east.pk)
        desk = bearer_for(people.service_east)
        flow(desk, body["id"], "handle", {"result": "更换了设备"})
        rated = flow(desk, body["id"], "feedback", {"satisfaction": 4}).json()
        assert (rated["status"], rated["archived_at"]) == ("handled", None)
        assert not Callback.objects.filter(request_id=body["id"]).exists()
        review = {
            "root_cause": "发货前未检测",
            "corrective_action": "出库前检测",
            "review": "周会复盘",
        }
        assert flow(desk, body["id"], "archive", review).json()["status"] == "archived"

    def test_a_reviewed_complaint_is_archived_by_its_feedback(
        self, people: People, book: Book, clock: Any
    ) -> None:
        body = log_request(people, book.east.pk, type="complaint", assignee=people.service_east.pk)
        desk = bearer_for(people.service_east)
        review = {
            "root_cause": "发货前未检测",
            "corrective_action": "出库前检测",
            "review": "周会复盘",
        }
        patch(desk, f"{URL}/{body['id']}", review)
        flow(desk, body["id"], "handle", {"result": "更换了设备"})
        rated = flow(desk, body["id"], "feedback", {"satisfaction": 3}).json()
        assert rated["status"] == "archived"
        assert Callback.objects.get(request_id=body["id"]).status == "pending"

    def test_out_of_order_steps_are_refused(self, people: People, book: Book) -> None:
        body = log_request(people, book.east.pk)
        desk = bearer_for(people.service_east)
        feedback = flow(desk, body["id"], "feedback", {"satisfaction": 4})
        assert feedback.status_code == 422
        assert feedback.json()["errors"][0]["message"] == (
            "Feedback is given on a handled request (this one is Created)."
        )
        archive = flow(desk, body["id"], "archive", {})
        assert archive.json()["errors"][0]["message"] == (
            "Only handled requests can be archived (this one is Created)."
        )
        flow(desk, body["id"], "handle", {"result": "done"})
        for score in (0, 6):
            bad = flow(desk, body["id"], "feedback", {"satisfaction": score})
            assert bad.json()["errors"] == [
                {"field": "satisfaction", "message": "Give a whole number from 1 to 5."}
            ]
        empty = flow(desk, body["id"], "handle", {"result": "again"})
        assert empty.json()["errors"][0]["message"] == (
            "Only open requests can be handled (this one is Handled)."
        )

    def test_handling_an_unassigned_request_takes_it(self, people: People, book: Book) -> None:
        body = log_request(people, book.east.pk)
        handled = flow(bearer_for(people.service_east), body["id"], "handle", {"result": "答复了"})
        assert (handled.json()["assignee"], handled.json()["status"]) == (
            people.service_east.pk,
            "handled",
        )

    def test_only_the_assignee_or_a_supervisor_works_on_it(
        self, people: People, book: Book
    ) -> None:
        body = log_request(people, book.east.pk, assignee=people.service_east.pk)
        response = flow(bearer_for(people.rep_east), body["id"], "handle", {"result": "x"})
        assert response.status_code == 403
        assert response.json()["detail"] == (
            f"Only {people.service_east} or a supervisor can work on this request."
        )
        assert (
            flow(bearer_for(people.sup_east), body["id"], "handle", {"result": "x"}).status_code
            == 200
        )


class TestPause:
    def test_waiting_on_the_customer_stops_the_clock(
        self, people: People, book: Book, clock: Any
    ) -> None:
        body = log_request(people, book.east.pk, assignee=people.service_east.pk)
        desk = bearer_for(people.service_east)
        paused = flow(desk, body["id"], "pause", {"note": "等客户提供营业执照"}).json()
        assert paused["sla_state"] == "paused"
        assert paused["first_response_at"] == "2026-09-01T02:00:00Z"
        clock.move_to(at(2026, 9, 1, 14, 0))  # three working hours later (lunch excluded)
        resumed = flow(desk, body["id"], "resume", {}).json()
        assert resumed["sla_state"] == "on_track"
        # Due Wednesday 10:00 before; three working hours later: Wednesday 14:00.
        assert resumed["resolution_due"] == "2026-09-02T06:00:00Z"

    def test_the_customer_answering_resumes_it(
        self, people: People, book: Book, clock: Any
    ) -> None:
        body = log_request(people, book.east.pk, assignee=people.service_east.pk)
        desk = bearer_for(people.service_east)
        flow(desk, body["id"], "pause", {})
        clock.move_to(at(2026, 9, 1, 11, 0))
        comment = post(
            desk, f"{URL}/{body['id']}/comments", {"kind": "customer", "body": "执照已发邮件"}
        )
        assert comment.status_code == 201
        assert desk.get(f"{URL}/{body['id']}").json()["resolution_due"] == "2026-09-02T03:00:00Z"

    def test_a_reply_is_the_first_response(self, people: People, book: Book, clock: Any) -> None:
        body = log_request(people, book.east.pk, assignee=people.service_east.pk)
        clock.move_to(at(2026, 9, 1, 10, 45))
        post(
            bearer_for(people.service_east),
            f"{URL}/{body['id']}/comments",
            {"kind": "reply", "body": "您好，已收到"},
        )
        found = ServiceRequest.objects.get(pk=body["id"])
        assert (found.first_response_minutes, found.first_response_breached) == (45, False)


class TestUpdate:
    def test_raising_the_priority_tightens_the_clock(
        self, people: People, book: Book, clock: Any
    ) -> None:
        body = log_request(people, book.east.pk)
        changed = patch(
            bearer_for(people.service_east), f"{URL}/{body['id']}", {"priority": "urgent"}
        ).json()
        assert changed["first_response_due"] == "2026-09-01T02:30:00Z"
        assert changed["version"] == 2


class TestQueues:
    def test_the_queues_count_and_filter(self, people: People, book: Book, clock: Any) -> None:
        late = log_request(people, book.east.pk, assignee=people.service_east.pk)
        clock.move_to(at(2026, 9, 1, 11, 50))  # the first at risk (warned at 11:36)
        fresh = log_request(people, book.east.pk)
        desk = bearer_for(people.service_east)
        assert desk.get("/api/v1/service-queues").json() == {
            "mine": 1,
            "team": 2,
            "unassigned": 1,
            "breached": 0,
            "at_risk": 1,
            "waiting": 0,
        }
        risky = desk.get(f"{URL}?queue=at_risk").json()["items"]
        assert [item["id"] for item in risky] == [late["id"]]
        clock.move_to(at(2026, 9, 1, 12, 1))
        breached = desk.get(f"{URL}?sla_state=breached").json()["items"]
        assert [item["id"] for item in breached] == [late["id"]]
        by_due = desk.get(f"{URL}?queue=team&ordering=due").json()["items"]
        assert [item["id"] for item in by_due] == [late["id"], fresh["id"]]


def test_customers_served_and_the_complaint_rate(people: People, book: Book, clock: Any) -> None:
    log_request(people, book.east.pk, type="complaint")
    log_request(people, book.east2.pk)
    figures = (
        bearer_for(people.admin)
        .get("/api/v1/service/dashboard?start=2026-09-01&end=2026-09-30")
        .json()
    )
    assert (figures["total"], figures["complaints"], figures["customers_served"]) == (2, 1, 2)
    assert figures["complaint_rate"] == 50.0
    assert Customer.objects.count() == 3


def test_the_dashboard_figures_on_a_known_week(people: People, book: Book, clock: Any) -> None:
    desk = bearer_for(people.service_east)
    inquiry = log_request(people, book.east.pk, assignee=people.service_east.pk)
    complaint = log_request(people, book.east.pk, type="complaint", assignee=people.service_east.pk)
    log_request(people, book.east.pk, type="suggestion")  # still open
    clock.move_to(at(2026, 9, 1, 10, 30))
    flow(desk, inquiry["id"], "handle", {"result": "答复了"})  # 30 minutes, in time
    flow(desk, inquiry["id"], "feedback", {"satisfaction": 4})
    clock.move_to(at(2026, 9, 5, 10, 0))  # four days on: both complaint clocks breached
    flow(desk, complaint["id"], "handle", {"result": "补发"})
    flow(desk, complaint["id"], "feedback", {"satisfaction": 2})  # back to handling
    flow(desk, complaint["id"], "handle", {"result": "退款"})
    flow(desk, complaint["id"], "feedback", {"satisfaction": 5})
    figures = (
        bearer_for(people.admin)
        .get("/api/v1/service/dashboard?start=2026-09-01&end=2026-09-30")
        .json()
    )
    assert {
        key: figures[key]
        for key in (
            "total",
            "open",
            "closed",
            "sla_attainment",
            "resolution_rate",
            "reopen_rate",
            "avg_satisfaction",
            "rated",
            "complaints",
            "customers_served",
            "complaint_rate",
            "avg_first_response_minutes",
        )
    } == {
        "total": 3,
        "open": 1,
        "closed": 2,
        "sla_attainment": 50.0,  # the complaint breached
        "resolution_rate": 66.7,
        "reopen_rate": 50.0,
        "avg_satisfaction": 4.5,  # the last score of each
        "rated": 2,
        "complaints": 1,
        "customers_served": 1,
        "complaint_rate": 100.0,
        "avg_first_response_minutes": 2895.0,  # 30 and 5,760 (four days round the clock)
    }
    assert figures["by_month"] == [
        {"month": "2026-09", "type": "complaint", "count": 1},
        {"month": "2026-09", "type": "inquiry", "count": 1},
        {"month": "2026-09", "type": "suggestion", "count": 1},
    ]
    assert figures["sla_by_month"] == [{"month": "2026-09", "attainment": 50.0}]
    assert figures["by_channel"] == [{"channel": "hotline", "count": 3}]
    assert figures["satisfaction_scores"] == [
        {"satisfaction": 4, "count": 1},
        {"satisfaction": 5, "count": 1},
    ]


def test_list_filters_refuse_unknown_values(people: People) -> None:
    response = bearer_for(people.service_east).get(f"{URL}?sla_state=late&queue=everything")
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"sla_state", "queue"}
