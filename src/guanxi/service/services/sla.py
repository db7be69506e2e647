"""SLA clocks: which policy applies, when each clock is due, and the escalation sweep."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.notifications import in_language_of, notify
from guanxi.core.roles import Role
from guanxi.service.calendar import WorkCalendar
from guanxi.service.models import (
    BusinessCalendar,
    CalendarDay,
    Escalation,
    RequestEvent,
    ServiceRequest,
    SlaPolicy,
)

log = logging.getLogger(__name__)
Clock = Escalation.Clock
Level = Escalation.Level

# Built calendars by id, kept while the calendar's updated_at is unchanged (its set-up
# services touch updated_at whenever a day is added or removed).
_calendars: dict[int, tuple[datetime, WorkCalendar]] = {}


def work_calendar(calendar: BusinessCalendar) -> WorkCalendar:
    cached = _calendars.get(calendar.pk)
    if cached and cached[0] == calendar.updated_at:
        return cached[1]
    days = CalendarDay.objects.filter(calendar=calendar).values_list("date", "kind")
    built = WorkCalendar.build(
        time_zone=calendar.time_zone,
        working_hours=calendar.working_hours,
        days_off=calendar.days_off,
        holidays=[day for day, kind in days if kind == CalendarDay.Kind.HOLIDAY],
        workdays=[day for day, kind in days if kind == CalendarDay.Kind.WORKDAY],
    )
    _calendars[calendar.pk] = (calendar.updated_at, built)
    return built


def policy_for(
    *,
    service_type: str,
    priority: str,
    customer_level: str,
    policies: list[SlaPolicy] | None = None,
) -> SlaPolicy | None:
    """The first active policy, by rank, whose every given criterion matches."""
    if policies is None:
        policies = list(
            SlaPolicy.objects.filter(active=True).select_related("calendar").order_by("rank", "id")
        )
    for policy in policies:
        if policy.service_type and policy.service_type != service_type:
            continue
        if policy.priority and policy.priority != priority:
            continue
        if policy.customer_level and policy.customer_level != customer_level:
            continue
        return policy
    return None


def refresh_clock(request: ServiceRequest) -> None:
    """Work out the due and warning times of the clocks still running (the caller saves).

    The first-response clock runs from receipt until the first response; the resolution clock
    from ``resolution_started_at`` until handled, pushed back by time spent waiting on the
    customer. A stopped clock keeps its times, so the record shows what was due.
    """
    policy = request.policy
    if policy is None:
        request.next_due_at = request.next_warn_at = request.escalate_at = None
        return
    calendar = work_calendar(policy.calendar)
    if request.first_response_at is None:
        target = policy.first_response_minutes * 60
        request.first_response_due = calendar.add(request.received_at, target)
        request.first_response_warn_at = calendar.add(
            request.received_at, target * policy.warn_percent // 100
        )
    if request.is_open:
        target = policy.resolution_minutes * 60
        start = request.resolution_started_at or request.received_at
        request.resolution_due = calendar.add(start, target + request.paused_seconds)
        request.resolution_warn_at = calendar.add(
            start, target * policy.warn_percent // 100 + request.paused_seconds
        )
    schedule_next(request)


def running_clocks(request: ServiceRequest) -> list[tuple[str, datetime, datetime]]:
    """The clocks that are ticking now: (clock, warning time, due time)."""
    if not request.is_open or request.paused_at is not None or request.policy_id is None:
        return []
    clocks: list[tuple[str, datetime, datetime]] = []
    if request.first_response_at is None and request.first_response_due:
        assert request.first_response_warn_at is not None
        clocks.append(
            (Clock.FIRST_RESPONSE, request.first_response_warn_at, request.first_response_due)
        )
    if request.resolution_due:
        assert request.resolution_warn_at is not None
        clocks.append((Clock.RESOLUTION, request.resolution_warn_at, request.resolution_due))
    return clocks


def schedule_next(request: ServiceRequest, done: set[tuple[str, int]] | None = None) -> None:
    """The due time queues sort by, and when the escalation sweep must look next."""
    clocks = running_clocks(request)
    if not clocks:
        request.next_due_at = request.next_warn_at = request.escalate_at = None
        return
    # The clock that matters to the person working it: the first response until it is given.
    _clock, warn, due = clocks[0]
    request.next_due_at, request.next_warn_at = due, warn
    done = done if done is not None else _done_levels(request)
    upcoming = []
    delay = timedelta(minutes=request.policy.escalate_after_minutes if request.policy else 0)
    for clock, warn_at, due_at in clocks:
        if (clock, Level.BREACH) not in done:
            upcoming.append(warn_at if (clock, Level.WARNING) not in done else due_at)
        elif (clock, Level.NEXT_LEVEL) not in done:
            upcoming.append(due_at + delay)
    request.escalate_at = min(upcoming) if upcoming else None


def _done_levels(request: ServiceRequest) -> set[tuple[str, int]]:
    if request.pk is None:
        return set()
    return set(
        Escalation.objects.filter(request=request, cycle=request.reopen_count).values_list(
            "clock", "level"
        )
    )


def record_late_stop(request: ServiceRequest, clock: str, at: datetime) -> None:
    """A clock stopped after it was due: the breach stays on record even if no sweep saw it."""
    if clock == Clock.FIRST_RESPONSE and request.first_response_due:
        if at > request.first_response_due:
            request.first_response_breached = True
    elif clock == Clock.RESOLUTION and request.resolution_due and at > request.resolution_due:
        request.resolution_breached = True


def working_minutes(request: ServiceRequest, start: datetime, end: datetime) -> int | None:
    if request.policy is None:
        return round((end - start).total_seconds() / 60)
    return round(work_calendar(request.policy.calendar).between(start, end) / 60)


# --- The escalation sweep ------------------------------------------------------------------


@dataclass
class SweepResult:
    warnings: int = 0
    breaches: int = 0
    next_level: int = 0


def _administrators() -> list[User]:
    return list(User.objects.filter(role=Role.ADMINISTRATOR, is_active=True).order_by("pk"))


def _supervisor(request: ServiceRequest) -> list[User]:
    supervisor = request.team.supervisor if request.team_id and request.team else None
    if supervisor is not None and supervisor.is_active:
        return [supervisor]
    return _administrators()


def _recipients(request: ServiceRequest, level: int) -> list[User]:
    if level == Level.WARNING:
        if request.assignee is not None and request.assignee.is_active:
            return [request.assignee]
        return _supervisor(request)
    if level == Level.BREACH:
        return _supervisor(request)
    policy = request.policy
    if policy is not None and policy.next_level is not None and policy.next_level.is_active:
        return [policy.next_level]
    return _administrators()


def _message(request: ServiceRequest, clock: str, level: int, due: datetime) -> tuple[str, str]:
    what = _("first response") if clock == Clock.FIRST_RESPONSE else _("resolution")
    values = {
        "number": request.number,
        "what": what,
        "due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M"),
        "summary": request.summary,
    }
    if level == Level.WARNING:
        title = _("%(number)s: %(what)s due at %(due)s") % values
    elif level == Level.BREACH:
        title = _("%(number)s breached its %(what)s time (due %(due)s)") % values
    else:
        title = _("%(number)s is still breached: %(what)s was due at %(due)s") % values
    return title, request.summary


def _escalate(
    request: ServiceRequest, clock: str, level: int, due: datetime, now: datetime
) -> bool:
    """Record one escalation step and tell its people; False if it was already done."""
    recipients = _recipients(request, level)
    try:
        with transaction.atomic():
            Escalation.objects.create(
                request=request,
                clock=clock,
                cycle=request.reopen_count,
                level=level,
                at=now,
                recipients=", ".join(str(user) for user in recipients)[:500],
            )
    except IntegrityError:
        return False
    for user in recipients:
        with in_language_of(user):
            title, body = _message(request, clock, level, due)
            notify(
                user=user,
                title=title,
                body=body,
                url=request.get_absolute_url(),
                key=f"sr:{request.pk}:{clock}:{request.reopen_count}:{level}:{user.pk}",
            )
    if level != Level.WARNING:
        RequestEvent.objects.create(
            request=request,
            action=RequestEvent.Action.ESCALATED,
            at=now,
            note=f"{Clock(clock).label}: {Level(level).label}",
        )
    return True


def _sweep_one(request_id: int, now: datetime, result: SweepResult) -> None:
    with transaction.atomic():
        request = (
            ServiceRequest.objects.select_for_update(of=("self",))
            .select_related("policy__next_level", "team__supervisor", "assignee")
            .filter(pk=request_id)
            .first()
        )
        if request is None or request.escalate_at is None or request.escalate_at > now:
            return  # someone acted on it since the sweep listed it
        done = _done_levels(request)
        delay = timedelta(minutes=request.policy.escalate_after_minutes if request.policy else 0)
        for clock, warn, due in running_clocks(request):
            if now >= due:
                if clock == Clock.FIRST_RESPONSE:
                    request.first_response_breached = True
                else:
                    request.resolution_breached = True
                # A worker that was down past the due time tells of the breach, not a stale
                # warning.
                if (clock, Level.BREACH) not in done and _escalate(
                    request, clock, Level.BREACH, due, now
                ):
                    result.breaches += 1
                    done.add((clock, Level.BREACH))
                if (
                    now >= due + delay
                    and (clock, Level.NEXT_LEVEL) not in done
                    and _escalate(request, clock, Level.NEXT_LEVEL, due, now)
                ):
                    result.next_level += 1
                    done.add((clock, Level.NEXT_LEVEL))
            elif now >= warn and (clock, Level.WARNING) not in done:
                if _escalate(request, clock, Level.WARNING, due, now):
                    result.warnings += 1
                done.add((clock, Level.WARNING))
        schedule_next(request, done)
        request.save(
            update_fields=[
                "first_response_breached",
                "resolution_breached",
                "next_due_at",
                "next_warn_at",
                "escalate_at",
            ]
        )


def sla_sweep(*, now: datetime | None = None) -> SweepResult:
    """Warn, mark breaches and escalate every request whose next step is due.

    Safe to run as often as wanted, by several workers, or late: each step is recorded once
    (a unique escalation row) and the sweep only looks at requests whose step time has come.
    """
    now = now or timezone.now()
    result = SweepResult()
    due = (
        ServiceRequest.objects.filter(
            escalate_at__lte=now, status__in=ServiceRequest.OPEN, paused_at__isnull=True
        )
        .order_by("escalate_at")
        .values_list("pk", flat=True)
    )
    for request_id in list(due[:5000]):
        _sweep_one(request_id, now, result)
    return result
