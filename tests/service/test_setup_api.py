"""SLA policies, business calendars, callbacks and the request history through the API."""

from datetime import date
from typing import Any

import pytest

from guanxi.core.models import AuditEntry
from guanxi.service.models import BusinessCalendar, CalendarDay, Callback, SlaPolicy
from tests.conftest import Book, People, bearer_for, patch, post
from tests.service.conftest import at, log_request

pytestmark = pytest.mark.django_db


class TestPolicies:
    def test_everyone_who_works_the_desk_reads_the_seeded_policies(self, people: People) -> None:
        for persona in ("admin", "executive", "sup_east", "rep_east", "service_east"):
            body = bearer_for(people.by_name(persona)).get("/api/v1/sla-policies").json()["items"]
            assert [(p["name"], p["first_response_minutes"]) for p in body] == [
                ("紧急 Urgent", 30),
                ("投诉 Complaint", 1440),
                ("复杂问题 Complex problem", 1440),
                ("咨询 Inquiry", 120),
                ("标准 Standard", 240),
            ], persona

    def test_an_administrator_adds_one_for_major_customers(
        self, people: People, book: Book, clock: Any
    ) -> None:
        response = post(
            bearer_for(people.admin),
            "/api/v1/sla-policies",
            {
                "name": "大客户",
                "rank": 5,
                "customer_level": "大客户",
                "first_response_minutes": 60,
                "resolution_minutes": 240,
            },
        )
        assert response.status_code == 201
        body = response.json()
        assert (body["customer_level"], body["type"], body["warn_percent"]) == ("major", "", 80)
        assert body["calendar"] == BusinessCalendar.objects.get(is_default=True).pk
        book.east.level = "major"
        book.east.save()
        logged = log_request(people, book.east.pk)
        assert logged["first_response_due"] == "2026-09-01T03:00:00Z"  # 11:00, one hour
        assert AuditEntry.objects.filter(model="service.slapolicy", action="create").count() == 1

    def test_bad_policies_are_refused_field_by_field(self, people: People) -> None:
        response = post(
            bearer_for(people.admin, "zh-hans"),
            "/api/v1/sla-policies",
            {
                "name": "",
                "type": "praise",
                "priority": "asap",
                "first_response_minutes": 0,
                "resolution_minutes": 60,
                "warn_percent": 120,
            },
        )
        assert response.status_code == 422
        errors = {e["field"]: e["message"] for e in response.json()["errors"]}
        assert errors == {
            "name": "此字段为必填项。",
            "type": "“praise”不在数据字典中。可选：咨询, 建议, 投诉, 复杂问题。",
            "priority": "“asap”不是以下选项之一：low, normal, high, urgent。",
            "first_response_minutes": "请填写至少为 1 的整数分钟。",
            "warn_percent": "请填写 1 到 99 的整数。",
        }
        assert SlaPolicy.objects.count() == 5

    def test_resolution_cannot_come_before_the_first_response(self, people: People) -> None:
        policy = SlaPolicy.objects.get(rank=40)
        response = patch(
            bearer_for(people.admin),
            f"/api/v1/sla-policies/{policy.pk}",
            {"resolution_minutes": 60},
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {
                "field": "resolution_minutes",
                "message": "Resolution cannot be due before the first response.",
            }
        ]

    @pytest.mark.parametrize("persona", ["executive", "sup_east", "rep_east", "service_east"])
    def test_only_administrators_change_policies(self, persona: str, people: People) -> None:
        client = bearer_for(people.by_name(persona))
        policy = SlaPolicy.objects.first()
        assert (
            post(
                client,
                "/api/v1/sla-policies",
                {"name": "x", "first_response_minutes": 1, "resolution_minutes": 2},
            ).status_code
            == 403
        )
        assert patch(client, f"/api/v1/sla-policies/{policy.pk}", {"name": "y"}).status_code == 403


class TestCalendars:
    def test_the_china_calendar_ships_2026_holidays_and_make_up_days(self, people: People) -> None:
        body = bearer_for(people.service_east).get("/api/v1/business-calendars").json()["items"]
        china = next(c for c in body if c["is_default"])
        assert china["working_hours"] == [["09:00", "12:00"], ["13:00", "18:00"]]
        assert china["days_off"] == [5, 6]
        days = {d["date"]: d["kind"] for d in china["days"]}
        assert days["2026-02-17"] == "holiday"  # Spring Festival
        assert days["2026-10-01"] == "holiday"
        assert [d for d, kind in days.items() if kind == "workday"] == [
            "2026-01-04",
            "2026-02-14",
            "2026-02-28",
            "2026-05-09",
            "2026-09-20",
            "2026-10-10",
        ]
        assert days["2027-02-06"] == "holiday"

    def test_an_administrator_adds_a_calendar_with_its_days(self, people: People) -> None:
        response = post(
            bearer_for(people.admin),
            "/api/v1/business-calendars",
            {
                "name": "上海门店",
                "working_hours": "10:00-22:00",
                "days_off": [],
                "days": [{"date": "2026-12-25", "kind": "holiday", "name": "店庆"}],
            },
        )
        assert response.status_code == 201
        body = response.json()
        assert body["working_hours"] == [["10:00", "22:00"]]
        assert body["days"] == [{"date": "2026-12-25", "kind": "holiday", "name": "店庆"}]

    def test_a_day_is_marked_and_unmarked(self, people: People, book: Book, clock: Any) -> None:
        china = BusinessCalendar.objects.get(is_default=True)
        client = bearer_for(people.admin)
        response = post(
            client,
            f"/api/v1/business-calendars/{china.pk}/days",
            {"date": "2026-09-02", "kind": "holiday", "name": "台风停工"},
        )
        assert response.status_code == 201
        # The cached calendar sees the new holiday at once: due Thursday instead of Wednesday.
        logged = log_request(people, book.east.pk)
        assert logged["resolution_due"] == "2026-09-03T02:00:00Z"
        gone = client.delete(f"/api/v1/business-calendars/{china.pk}/days/2026-09-02")
        assert gone.status_code == 204
        assert not CalendarDay.objects.filter(date=date(2026, 9, 2)).exists()
        missing = client.delete(f"/api/v1/business-calendars/{china.pk}/days/2026-09-02")
        assert missing.json()["errors"] == [
            {"field": "date", "message": "2026-09-02 is not marked on this calendar."}
        ]

    def test_bad_calendars_are_refused(self, people: People) -> None:
        response = post(
            bearer_for(people.admin),
            "/api/v1/business-calendars",
            {
                "name": "中国工作日 China working days",
                "time_zone": "Mars/Olympus",
                "working_hours": "13:00-12:00",
                "days_off": [0, 1, 2, 3, 4, 5, 6],
            },
        )
        assert response.status_code == 422
        errors = {e["field"]: e["message"] for e in response.json()["errors"]}
        assert errors == {
            "time_zone": "“Mars/Olympus” is not a known time zone.",
            "working_hours": "13:00–12:00 ends before it starts.",
            "days_off": "A calendar needs at least one working day a week.",
        }
        overlap = post(
            bearer_for(people.admin),
            "/api/v1/business-calendars",
            {"name": "重复", "working_hours": [["09:00", "12:00"], ["11:00", "13:00"]]},
        )
        assert overlap.json()["errors"] == [
            {"field": "working_hours", "message": "Working hours overlap."}
        ]
        taken = post(
            bearer_for(people.admin),
            "/api/v1/business-calendars",
            {"name": "中国工作日 China working days"},
        )
        assert taken.json()["errors"] == [
            {"field": "name", "message": "A calendar with this name already exists."}
        ]

    @pytest.mark.parametrize("persona", ["executive", "sup_east", "rep_east", "service_east"])
    def test_only_administrators_change_calendars(self, persona: str, people: People) -> None:
        client = bearer_for(people.by_name(persona))
        china = BusinessCalendar.objects.get(is_default=True)
        assert post(client, "/api/v1/business-calendars", {"name": "x"}).status_code == 403
        assert (
            patch(client, f"/api/v1/business-calendars/{china.pk}", {"name": "y"}).status_code
            == 403
        )
        day = {"date": "2026-09-02", "kind": "holiday"}
        assert post(client, f"/api/v1/business-calendars/{china.pk}/days", day).status_code == 403
        url = f"/api/v1/business-calendars/{china.pk}/days/2026-10-01"
        assert client.delete(url).status_code == 403


class TestCallbacksAndHistory:
    def _archived(self, people: People, book: Book) -> dict[str, Any]:
        body = log_request(people, book.east.pk, type="complaint", assignee=people.service_east.pk)
        desk = bearer_for(people.service_east)
        url = f"/api/v1/service-requests/{body['id']}"
        post(desk, f"{url}/handle", {"result": "已处理"})
        post(desk, f"{url}/archive", {"root_cause": "a", "corrective_action": "b", "review": "c"})
        return body

    def test_a_callback_is_recorded_and_sets_satisfaction(self, people: People, book: Book) -> None:
        body = self._archived(people, book)
        desk = bearer_for(people.service_east)
        pending = desk.get("/api/v1/callbacks?status=pending").json()
        assert [item["request"] for item in pending["items"]] == [body["id"]]
        callback_id = pending["items"][0]["id"]
        done = post(
            desk,
            f"/api/v1/callbacks/{callback_id}/complete",
            {"attitude": 2, "efficiency": 3, "information": 2, "resolved": False},
        ).json()
        assert (done["status"], done["score"]) == ("done", "2.33")
        book.east.refresh_from_db()
        assert book.east.satisfaction == "2"
        again = post(desk, f"/api/v1/callbacks/{callback_id}/complete", {"reached": False})
        assert again.json()["errors"] == [
            {"field": "status", "message": "This callback was already recorded."}
        ]

    def test_callbacks_are_scoped(self, people: People, book: Book) -> None:
        self._archived(people, book)
        callback = Callback.objects.get()
        assert bearer_for(people.rep_west).get("/api/v1/callbacks").json()["count"] == 0
        rep = bearer_for(people.rep_east)  # sees it (their customer) but makes no callbacks
        assert rep.get("/api/v1/callbacks").json()["count"] == 1
        response = post(rep, f"/api/v1/callbacks/{callback.pk}/complete", {"reached": False})
        assert response.status_code == 403
        sup_west = bearer_for(people.sup_west)
        response = post(sup_west, f"/api/v1/callbacks/{callback.pk}/complete", {"reached": False})
        assert response.status_code == 404

    def test_the_history_has_every_step(self, people: People, book: Book, clock: Any) -> None:
        body = self._archived(people, book)
        history = (
            bearer_for(people.rep_east).get(f"/api/v1/service-requests/{body['id']}/history").json()
        )
        assert [e["action"] for e in history["events"]] == [
            "created",
            "assigned",
            "responded",
            "handled",
            "archived",
        ]
        assert history["escalations"] == []
        assert (
            bearer_for(people.rep_west)
            .get(f"/api/v1/service-requests/{body['id']}/history")
            .status_code
            == 404
        )

    def test_a_file_is_attached_through_the_api(self, people: People, book: Book) -> None:
        body = log_request(people, book.east.pk)
        desk = bearer_for(people.service_east)
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = desk.post(
            f"/api/v1/service-requests/{body['id']}/attachments",
            {"file": SimpleUploadedFile("照片.jpg", b"\xff\xd8jpeg", content_type="image/jpeg")},
        )
        assert response.status_code == 201
        assert (response.json()["name"], response.json()["size"]) == ("照片.jpg", 6)

    def test_a_file_too_large_is_refused(self, people: People, book: Book, settings: Any) -> None:
        settings.SERVICE_ATTACHMENT_MAX_BYTES = 1024 * 1024
        body = log_request(people, book.east.pk)
        from django.core.files.uploadedfile import SimpleUploadedFile

        big = SimpleUploadedFile("大文件.zip", b"0" * (2 * 1024 * 1024))
        response = bearer_for(people.service_east).post(
            f"/api/v1/service-requests/{body['id']}/attachments", {"file": big}
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "file", "message": "Files can be at most 1 MB (this one is 2.0 MB)."}
        ]


def test_the_dashboard_is_scoped_and_checks_its_dates(people: People, book: Book) -> None:
    log_request(people, book.east.pk)
    log_request(people, book.west.pk)
    assert bearer_for(people.rep_west).get("/api/v1/service/dashboard").json()["total"] == 1
    assert bearer_for(people.executive).get("/api/v1/service/dashboard").json()["total"] == 2
    bad = bearer_for(people.admin).get("/api/v1/service/dashboard?start=2026-09-30&end=2026-09-01")
    assert bad.json()["errors"] == [{"field": "end", "message": "The end comes before the start."}]


def test_received_in_the_future_is_refused(people: People, book: Book, clock: Any) -> None:
    response = post(
        bearer_for(people.service_east),
        "/api/v1/service-requests",
        {
            "type": "inquiry",
            "summary": "x",
            "customer": book.east.pk,
            "received_at": at(2026, 9, 2, 10, 0).isoformat(),
        },
    )
    assert response.json()["errors"] == [
        {"field": "received_at", "message": "A request cannot be received in the future."}
    ]


def test_the_dashboard_period_is_bounded(people: People) -> None:
    response = bearer_for(people.admin).get(
        "/api/v1/service/dashboard?start=0001-01-01&end=9999-12-31"
    )
    assert response.json()["errors"] == [
        {"field": "start", "message": "Choose a period of at most five years."}
    ]


def test_requests_from_long_ago_are_refused(people: People, book: Book, clock: Any) -> None:
    response = post(
        bearer_for(people.service_east),
        "/api/v1/service-requests",
        {
            "type": "inquiry",
            "summary": "x",
            "customer": book.east.pk,
            "received_at": "2024-01-01T09:00:00+08:00",
        },
    )
    assert response.json()["errors"] == [
        {"field": "received_at", "message": "Log requests received within the last year."}
    ]


def test_a_time_limit_beyond_a_year_is_refused(people: People) -> None:
    response = post(
        bearer_for(people.admin),
        "/api/v1/sla-policies",
        {"name": "x", "first_response_minutes": 100, "resolution_minutes": 2147483648},
    )
    assert response.json()["errors"] == [
        {"field": "resolution_minutes", "message": "At most 527,040 minutes (a year)."}
    ]
