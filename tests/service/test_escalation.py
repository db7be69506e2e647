"""The escalation sweep with a frozen clock: warn, breach, next level — each once."""

from typing import Any

import pytest

from guanxi.core.models import Notification
from guanxi.service.models import Escalation, RequestEvent, ServiceRequest
from guanxi.service.services import sla_sweep
from guanxi.service.tasks import sweep_service_levels
from tests.conftest import Book, People
from tests.service.conftest import at, log_request

pytestmark = pytest.mark.django_db


def told(people: People) -> list[tuple[str, str]]:
    return [
        (people_name(people, n.user_id), n.title)
        for n in Notification.objects.filter(key__startswith="sr:").order_by("pk")
        if ":assigned:" not in n.key
    ]


def people_name(people: People, user_id: int) -> str:
    for name in ("admin", "sup_east", "service_east", "rep_east"):
        if people.by_name(name).pk == user_id:
            return name
    return str(user_id)


@pytest.fixture
def late_inquiry(people: People, book: Book, clock: Any) -> ServiceRequest:
    """Logged Tuesday 10:00, assigned: first response due 12:00, warned at 80 % (11:36)."""
    body = log_request(people, book.east.pk, assignee=people.service_east.pk)
    return ServiceRequest.objects.get(pk=body["id"])


def test_it_warns_then_breaches_then_goes_up_a_level(
    people: People, late_inquiry: ServiceRequest, clock: Any
) -> None:
    assert late_inquiry.escalate_at == at(2026, 9, 1, 11, 36)
    clock.move_to(at(2026, 9, 1, 11, 35))
    assert sla_sweep().warnings == 0

    clock.move_to(at(2026, 9, 1, 11, 36))
    assert sla_sweep().warnings == 1
    assert sla_sweep().warnings == 0  # never twice
    # Each person is told in their own language (the test users read Chinese).
    assert told(people) == [("service_east", "SR0000000001：首次响应将于 2026-09-01 12:00 到期")]

    clock.move_to(at(2026, 9, 1, 12, 0))
    result = sla_sweep()
    assert (result.warnings, result.breaches, result.next_level) == (0, 1, 0)
    assert told(people)[1:] == [
        ("sup_east", "SR0000000001 首次响应已超时（截止 2026-09-01 12:00）")
    ]
    late_inquiry.refresh_from_db()
    assert late_inquiry.first_response_breached
    assert late_inquiry.sla_state() == "breached"
    # The next level comes 120 minutes after the breach.
    assert late_inquiry.escalate_at == at(2026, 9, 1, 14, 0)

    clock.move_to(at(2026, 9, 1, 14, 0))
    assert sla_sweep().next_level == 1
    assert told(people)[2:] == [
        ("admin", "SR0000000001 仍然超时：首次响应截止时间为 2026-09-01 12:00")
    ]
    assert sla_sweep().next_level == 0
    levels = list(Escalation.objects.values_list("clock", "level", "recipients"))
    assert levels == [
        ("first_response", 1, str(people.service_east)),
        ("first_response", 2, str(people.sup_east)),
        ("first_response", 3, str(people.admin)),
    ]


def test_a_worker_down_for_an_hour_tells_of_the_breach_once(
    people: People, late_inquiry: ServiceRequest, clock: Any
) -> None:
    # No sweep ran from 11:30 to 12:30: the warning time and the due time both passed.
    clock.move_to(at(2026, 9, 1, 12, 30))
    result = sla_sweep()
    assert (result.warnings, result.breaches, result.next_level) == (0, 1, 0)
    assert [who for who, _title in told(people)] == ["sup_east"]  # no stale warning
    # The missed minutes are not replayed.
    for minute in (31, 32, 33):
        clock.move_to(at(2026, 9, 1, 12, minute))
        sweep_service_levels.call_local()
    assert len(told(people)) == 1
    assert RequestEvent.objects.filter(action="escalated").count() == 1


def test_a_worker_down_past_the_next_level_does_both_at_once(
    people: People, late_inquiry: ServiceRequest, clock: Any
) -> None:
    clock.move_to(at(2026, 9, 1, 15, 0))
    result = sla_sweep()
    assert (result.breaches, result.next_level) == (1, 1)
    assert [who for who, _title in told(people)] == ["sup_east", "admin"]


def test_responding_in_time_stops_the_first_response_clock(
    people: People, late_inquiry: ServiceRequest, clock: Any
) -> None:
    from guanxi.service.services import service_request_comment

    clock.move_to(at(2026, 9, 1, 11, 0))
    service_request_comment(
        actor=people.service_east, request=late_inquiry, kind="reply", body="已收到"
    )
    late_inquiry.refresh_from_db()
    # Only the resolution clock runs now: due Wednesday 10:00, warned at 80 % of 8 h.
    assert late_inquiry.next_due_at == at(2026, 9, 2, 10, 0)
    clock.move_to(at(2026, 9, 1, 13, 0))
    assert (sla_sweep().warnings, sla_sweep().breaches) == (0, 0)
    assert not late_inquiry.first_response_breached


def test_a_paused_request_is_not_escalated(
    people: People, late_inquiry: ServiceRequest, clock: Any
) -> None:
    from guanxi.service.services import service_request_pause

    service_request_pause(actor=people.service_east, request=late_inquiry)
    clock.move_to(at(2026, 9, 3, 10, 0))  # two days later
    result = sla_sweep()
    assert (result.warnings, result.breaches) == (0, 0)
    late_inquiry.refresh_from_db()
    assert late_inquiry.sla_state() == "paused"


def test_a_reopened_request_gets_a_fresh_set_of_escalations(
    people: People, late_inquiry: ServiceRequest, clock: Any
) -> None:
    from guanxi.service.services import service_request_feedback, service_request_handle

    clock.move_to(at(2026, 9, 2, 11, 0))  # past the resolution due time (Wednesday 10:00)
    sla_sweep()
    handled = service_request_handle(actor=people.service_east, request=late_inquiry, result="x")
    reopened = service_request_feedback(actor=people.service_east, request=handled, satisfaction=1)
    assert (reopened.reopen_count, reopened.resolution_breached) == (1, True)
    # The new cycle: 8 working hours from Wednesday 11:00 → Thursday 11:00.
    assert reopened.resolution_due == at(2026, 9, 3, 11, 0)
    clock.move_to(at(2026, 9, 3, 11, 0))
    assert sla_sweep().breaches == 1
    assert Escalation.objects.filter(cycle=1, level=2).count() == 1


def test_an_unassigned_request_warns_the_supervisor(people: People, book: Book, clock: Any) -> None:
    log_request(people, book.east.pk)
    clock.move_to(at(2026, 9, 1, 11, 40))
    sla_sweep()
    assert [who for who, _title in told(people)] == ["sup_east"]
