"""Every write to a service request: log it, assign, respond, wait, handle, feedback, archive."""

import hashlib
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import Team, User
from guanxi.accounts.selectors import visible_users
from guanxi.core import validators
from guanxi.core.audit import audit_create, audit_update, snapshot
from guanxi.core.errors import field_error, require_perm, require_write
from guanxi.core.notifications import in_language_of, notify
from guanxi.core.roles import Role
from guanxi.core.sequences import next_numbers
from guanxi.core.validation import full_clean
from guanxi.customers.models import Contact, Customer
from guanxi.customers.selectors import require_visible_customer
from guanxi.service.models import (
    COMPLAINT_FIELDS,
    EDITABLE_FIELDS,
    REQUEST_FIELDS,
    Callback,
    Escalation,
    RequestAttachment,
    RequestComment,
    RequestEvent,
    ServiceRequest,
    ServiceSettings,
)
from guanxi.service.selectors import request_for_update
from guanxi.service.services import replies, sla

S = ServiceRequest.Status
Action = RequestEvent.Action
# What a complaint cannot be archived without.
COMPLAINT_REQUIRED = ("root_cause", "corrective_action", "review")


def clean_score(field: str, value: Any) -> int:
    """A 1–5 answer: the customer's satisfaction, the callback's questions."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise field_error(field, _("Give a whole number from 1 to 5."))
    return value


def _lock(
    actor: User, request: ServiceRequest, perm: str = "service.change_servicerequest"
) -> ServiceRequest:
    require_perm(actor, perm)
    require_write(actor)
    return request_for_update(actor=actor, pk=request.pk)


def _event(
    request: ServiceRequest,
    action: str,
    actor: User | None,
    *,
    before: str = "",
    note: str = "",
    at: datetime | None = None,
) -> None:
    RequestEvent.objects.create(
        request=request,
        action=action,
        from_status=before,
        to_status=request.status,
        actor=actor,
        at=at or timezone.now(),
        note=note,
    )


def _check_assignee(actor: User | None, assignee: User) -> None:
    if not assignee.is_active:
        raise field_error(
            "assignee", _("%(name)s is inactive and cannot take requests.") % {"name": assignee}
        )
    if not assignee.has_perm("service.change_servicerequest") or assignee.role == Role.EXECUTIVE:
        raise field_error(
            "assignee",
            _("%(name)s's role does not work on service requests.") % {"name": assignee},
        )
    if actor is None or assignee.pk == actor.pk:
        return
    if not actor.has_perm("service.assign_servicerequest"):
        raise PermissionDenied(_("You may take requests yourself but not give them to others."))
    if not visible_users(actor).filter(pk=assignee.pk).exists():
        raise field_error(
            "assignee",
            _("You cannot assign requests to %(name)s: they are outside your team.")
            % {"name": assignee},
        )


def _tell_assignee(request: ServiceRequest, actor: User | None) -> None:
    assignee = request.assignee
    if assignee is None or (actor is not None and assignee.pk == actor.pk):
        return
    with in_language_of(assignee):
        notify(
            user=assignee,
            title=_("Service request for you: %(number)s") % {"number": request.number},
            body=request.summary,
            url=request.get_absolute_url(),
            key=f"sr:{request.pk}:assigned:{assignee.pk}:{request.reopen_count}",
        )


def _default_team(actor: User | None, assignee: User | None) -> Team | None:
    if assignee is not None and assignee.team_id:
        return assignee.team
    if actor is not None and actor.role == Role.SERVICE_STAFF and actor.team_id:
        return actor.team
    default = ServiceSettings.load().default_team
    if default is not None:
        return default
    return actor.team if actor is not None else None


def _check_fields(values: dict[str, Any]) -> None:
    unknown = set(values) - set(REQUEST_FIELDS)
    if unknown:
        raise TypeError(f"unknown service request fields: {sorted(unknown)}")


def new_request_numbers(count: int) -> list[str]:
    return [f"SR{n:010d}" for n in next_numbers("service_request", count)]


@transaction.atomic
def service_request_create(
    *,
    actor: User | None,
    customer: Customer | None = None,
    contact: Contact | None = None,
    assignee: User | None = None,
    team: Team | None = None,
    **values: Any,
) -> ServiceRequest:
    """Log a request from any channel; its SLA clock starts at ``received_at`` (default now).

    ``actor`` is None only for the public intake form.
    """
    if actor is not None:
        require_perm(actor, "service.add_servicerequest")
        require_write(actor)
    _check_fields(values)
    if values.get("received_at") is None:
        values.pop("received_at", None)
    request = ServiceRequest(customer=customer, contact=contact, created_by=actor, **values)
    full_clean(request, fields=REQUEST_FIELDS)
    if customer is not None and actor is not None:
        require_visible_customer(actor=actor, customer=customer)
    if assignee is not None:
        _check_assignee(actor, assignee)
    now = timezone.now()
    request.number = new_request_numbers(1)[0]
    request.team = team or _default_team(actor, assignee)
    request.resolution_started_at = request.received_at
    if assignee is not None:
        request.assignee, request.assigned_at, request.status = assignee, now, S.ASSIGNED
    request.policy = sla.policy_for(
        service_type=request.service_type,
        priority=request.priority,
        customer_level=customer.level if customer else "",
    )
    sla.refresh_clock(request)
    request.save()
    audit_create(actor=actor, instance=request)
    _event(request, Action.CREATED, actor, at=request.received_at)
    if assignee is not None:
        _event(request, Action.ASSIGNED, actor, before=S.CREATED, note=str(assignee))
        _tell_assignee(request, actor)
    return request


@transaction.atomic
def service_request_update(
    *, actor: User, request: ServiceRequest, customer: Any = ..., contact: Any = ..., **values: Any
) -> ServiceRequest:
    """Change what the request is about; a new type or priority re-matches its SLA policy."""
    locked = _lock(actor, request)
    if locked.status == S.ARCHIVED:
        raise field_error("status", _("An archived request cannot be changed."))
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown service request fields: {sorted(unknown)}")
    values = {field: value for field, value in values.items() if value is not None}
    before = snapshot(locked)
    if customer is not ...:
        if customer is not None:
            require_visible_customer(actor=actor, customer=customer)
        locked.customer = customer
        if contact is ...:
            contact = None
    if contact is not ...:
        locked.contact = contact
    rematch_before = (locked.service_type, locked.priority)
    for field, value in values.items():
        setattr(locked, field, value)
    full_clean(locked, fields=values)
    rematch = (locked.service_type, locked.priority) != rematch_before or (
        customer is not ... and customer is not None
    )
    if rematch and locked.is_open:
        locked.policy = sla.policy_for(
            service_type=locked.service_type,
            priority=locked.priority,
            customer_level=locked.customer.level if locked.customer else "",
        )
        sla.refresh_clock(locked)
    locked.version += 1
    locked.save()
    audit_update(actor=actor, instance=locked, before=before)
    return locked


@transaction.atomic
def service_request_assign(
    *, actor: User, request: ServiceRequest, assignee: User
) -> ServiceRequest:
    locked = _lock(actor, request)
    if not locked.is_open:
        raise field_error(
            "status",
            _("Only open requests can be assigned (this one is %(status)s).")
            % {"status": locked.get_status_display()},
        )
    _check_assignee(actor, assignee)
    before = locked.status
    locked.assignee, locked.assigned_at, locked.status = assignee, timezone.now(), S.ASSIGNED
    if assignee.team_id and locked.team_id != assignee.team_id:
        locked.team_id = assignee.team_id
    sla.schedule_next(locked)
    locked.version += 1
    locked.save()
    _event(locked, Action.ASSIGNED, actor, before=before, note=str(assignee))
    _tell_assignee(locked, actor)
    return locked


def _respond(request: ServiceRequest, actor: User | None, now: datetime) -> None:
    """The first response to the customer stops the first-response clock."""
    if request.first_response_at is not None:
        return
    request.first_response_at = now
    sla.record_late_stop(request, Escalation.Clock.FIRST_RESPONSE, now)
    request.first_response_minutes = sla.working_minutes(request, request.received_at, now)
    _event(request, Action.RESPONDED, actor, before=request.status, at=now)


def _resume(request: ServiceRequest, actor: User | None, now: datetime) -> None:
    if request.paused_at is None:
        return
    if request.policy is not None:
        calendar = sla.work_calendar(request.policy.calendar)
        request.paused_seconds += calendar.between(request.paused_at, now)
    request.paused_at = None
    sla.refresh_clock(request)
    _event(request, Action.RESUMED, actor, before=request.status, at=now)


def _may_work_on(actor: User, request: ServiceRequest) -> None:
    if request.assignee_id in (None, actor.pk) or actor.has_perm("service.assign_servicerequest"):
        return
    raise PermissionDenied(
        _("Only %(name)s or a supervisor can work on this request.") % {"name": request.assignee}
    )


def _take(request: ServiceRequest, actor: User, now: datetime) -> None:
    """Working on an unassigned request makes it yours."""
    if request.status != S.CREATED:
        return
    _check_assignee(actor, actor)
    request.assignee, request.assigned_at, request.status = actor, now, S.ASSIGNED
    _event(request, Action.ASSIGNED, actor, before=S.CREATED, note=str(actor))


@transaction.atomic
def service_request_comment(
    *,
    actor: User,
    request: ServiceRequest,
    body: str,
    kind: str = RequestComment.Kind.NOTE,
    email: bool | None = None,
) -> RequestComment:
    """A note, a reply to the customer (the first one is the first response), or what the
    customer said (which ends a wait on the customer).

    A reply is e-mailed to the customer in the request's thread once this commits — unless
    ``email`` is False (it was given on the phone); see ``replies.prepare_reply``.
    """
    locked = _lock(actor, request)
    now = timezone.now()
    comment = RequestComment(
        request=locked, kind=kind, body=(body or "").strip(), author=actor, created_at=now
    )
    full_clean(comment, fields=["kind", "body"])
    replies.prepare_reply(comment, email)
    comment.save()
    replies.queue_reply(comment)
    if locked.is_open and comment.kind == RequestComment.Kind.REPLY:
        _respond(locked, actor, now)
    if locked.is_open and comment.kind == RequestComment.Kind.CUSTOMER:
        _resume(locked, actor, now)
    sla.schedule_next(locked)
    locked.save()
    return comment


@transaction.atomic
def service_request_reply_resend(
    *, actor: User, request: ServiceRequest, comment_id: int
) -> RequestComment:
    """Send again a reply that was not delivered, to the address it was meant for."""
    locked = _lock(actor, request)
    _may_work_on(actor, locked)
    comment = (
        RequestComment.objects.select_for_update()
        .filter(request=locked, pk=comment_id, kind=RequestComment.Kind.REPLY)
        .first()
    )
    if comment is None:
        raise field_error("comment", _("This request has no such reply."))
    if comment.delivery != RequestComment.Delivery.FAILED:
        raise field_error("comment", _("Only a reply that was not delivered can be sent again."))
    comment.delivery, comment.delivery_error = RequestComment.Delivery.QUEUED, ""
    comment.save(update_fields=["delivery", "delivery_error"])
    replies.queue_reply(comment)
    return comment


@transaction.atomic
def customer_reply_add(
    *, request: ServiceRequest, body: str, message_id: str = ""
) -> RequestComment:
    """What the customer wrote back (by e-mail): their comment, and the end of a wait on them."""
    locked = (
        ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("policy__calendar")
        .get(pk=request.pk)
    )
    now = timezone.now()
    comment = RequestComment.objects.create(
        request=locked,
        kind=RequestComment.Kind.CUSTOMER,
        body=body,
        created_at=now,
        message_id=message_id[:250],
    )
    if locked.is_open and locked.paused_at is not None:
        _resume(locked, None, now)
        locked.save()
    if locked.assignee is not None:
        with in_language_of(locked.assignee):
            notify(
                user=locked.assignee,
                title=_("%(number)s: the customer wrote back") % {"number": locked.number},
                body=body[:500],
                url=locked.get_absolute_url(),
                key=f"sr:{locked.pk}:reply:{comment.pk}",
            )
    return comment


@transaction.atomic
def service_request_pause(
    *, actor: User, request: ServiceRequest, note: str = ""
) -> ServiceRequest:
    """Waiting on the customer: the resolution clock stops until they answer."""
    locked = _lock(actor, request)
    _may_work_on(actor, locked)
    if not locked.is_open:
        raise field_error("status", _("Only an open request can wait on the customer."))
    if locked.paused_at is not None:
        raise field_error("status", _("This request is already waiting on the customer."))
    now = timezone.now()
    _take(locked, actor, now)
    # Asking the customer for something is a response.
    _respond(locked, actor, now)
    locked.paused_at = now
    sla.schedule_next(locked)
    locked.version += 1
    locked.save()
    _event(locked, Action.PAUSED, actor, before=locked.status, note=validators.clean_text(note))
    return locked


@transaction.atomic
def service_request_resume(*, actor: User, request: ServiceRequest) -> ServiceRequest:
    locked = _lock(actor, request)
    if locked.paused_at is None:
        raise field_error("status", _("This request is not waiting on the customer."))
    _resume(locked, actor, timezone.now())
    locked.version += 1
    locked.save()
    return locked


@transaction.atomic
def service_request_handle(*, actor: User, request: ServiceRequest, result: str) -> ServiceRequest:
    """The work is done: record what was done; the resolution clock stops."""
    locked = _lock(actor, request)
    _may_work_on(actor, locked)
    if not locked.is_open:
        raise field_error(
            "status",
            _("Only open requests can be handled (this one is %(status)s).")
            % {"status": locked.get_status_display()},
        )
    text = validators.clean_text(result)
    if not text:
        raise field_error("result", _("Say what was done."))
    now = timezone.now()
    _take(locked, actor, now)
    _resume(locked, actor, now)
    _respond(locked, actor, now)
    before = locked.status
    locked.status, locked.handled_at, locked.result = S.HANDLED, now, text
    sla.record_late_stop(locked, Escalation.Clock.RESOLUTION, now)
    start = locked.resolution_started_at or locked.received_at
    worked = sla.working_minutes(locked, start, now) or 0
    locked.resolution_minutes = max(0, worked - locked.paused_seconds // 60)
    sla.schedule_next(locked)
    locked.version += 1
    locked.save()
    _event(locked, Action.HANDLED, actor, before=before, note=text)
    return locked


# Below this the customer is not satisfied and the work goes back (SPEC §1.3).
REOPEN_BELOW = 3


@transaction.atomic
def service_request_feedback(
    *, actor: User, request: ServiceRequest, satisfaction: int, note: str = ""
) -> ServiceRequest:
    """The customer's score, 1–5. Below 3 sends the request back to its assignee; 3 or more
    archives it (SPEC §1.3) — a complaint only once its root cause, corrective action and
    review are recorded, else it waits for them as handled."""
    locked = _lock(actor, request)
    if locked.status != S.HANDLED:
        raise field_error(
            "status",
            _("Feedback is given on a handled request (this one is %(status)s).")
            % {"status": locked.get_status_display()},
        )
    clean_score("satisfaction", satisfaction)
    now = timezone.now()
    locked.satisfaction, locked.feedback_at = satisfaction, now
    locked.feedback_note = validators.clean_text(note)
    _event(locked, Action.FEEDBACK, actor, before=S.HANDLED, note=f"{satisfaction}/5")
    if satisfaction < REOPEN_BELOW:
        locked.status = S.ASSIGNED if locked.assignee_id else S.CREATED
        locked.reopen_count += 1
        locked.handled_at = None
        locked.resolution_started_at = now
        locked.paused_seconds = 0
        sla.refresh_clock(locked)
        _event(
            locked,
            Action.REOPENED,
            actor,
            before=S.HANDLED,
            note=_("Satisfaction %(score)s/5: back to handling.") % {"score": satisfaction},
        )
        if locked.assignee is not None:
            with in_language_of(locked.assignee):
                notify(
                    user=locked.assignee,
                    title=_("%(number)s is back: the customer rated it %(score)s/5")
                    % {"number": locked.number, "score": satisfaction},
                    body=locked.feedback_note or locked.summary,
                    url=locked.get_absolute_url(),
                    key=f"sr:{locked.pk}:reopened:{locked.reopen_count}",
                )
    elif not locked.is_complaint or _complaint_reviewed(locked):
        _archive(
            locked,
            actor,
            now,
            note=_("Satisfaction %(score)s/5: archived.") % {"score": satisfaction},
        )
    locked.version += 1
    locked.save()
    return locked


def _needs_callback(request: ServiceRequest, percent: int) -> bool:
    """Every complaint; of the others, a steady share picked by a hash of the number."""
    if request.is_complaint:
        return True
    bucket = int(hashlib.sha256(request.number.encode()).hexdigest(), 16) % 100
    return bucket < percent


@transaction.atomic
def service_request_archive(
    *, actor: User, request: ServiceRequest, **complaint: str | None
) -> ServiceRequest:
    """Close the request. A complaint needs its root cause, corrective action and review."""
    locked = _lock(actor, request, "service.archive_servicerequest")
    if locked.status != S.HANDLED:
        raise field_error(
            "status",
            _("Only handled requests can be archived (this one is %(status)s).")
            % {"status": locked.get_status_display()},
        )
    before = snapshot(locked, COMPLAINT_FIELDS)
    for field in COMPLAINT_FIELDS:
        value = complaint.get(field)
        if value is not None and validators.clean_text(value):
            setattr(locked, field, validators.clean_text(value))
    if locked.is_complaint and not _complaint_reviewed(locked):
        raise ValidationError(
            {
                field: [_("A complaint needs this before it is archived.")]
                for field in COMPLAINT_REQUIRED
                if not getattr(locked, field)
            }
        )
    _archive(locked, actor, timezone.now())
    locked.version += 1
    locked.save()
    audit_update(actor=actor, instance=locked, before=before)
    return locked


def _complaint_reviewed(request: ServiceRequest) -> bool:
    return all(getattr(request, field) for field in COMPLAINT_REQUIRED)


def _archive(locked: ServiceRequest, actor: User | None, now: datetime, note: str = "") -> None:
    """Archive a handled request (the caller saves it) and plan its callback."""
    locked.status, locked.archived_at = S.ARCHIVED, now
    _event(locked, Action.ARCHIVED, actor, before=S.HANDLED, note=note, at=now)
    service_settings = ServiceSettings.load()
    if _needs_callback(locked, service_settings.callback_percent):
        Callback.objects.get_or_create(
            request=locked,
            defaults={
                "customer": locked.customer,
                "assignee": locked.assignee,
                "due_date": timezone.localdate(now)
                + timedelta(days=service_settings.callback_after_days),
            },
        )


@transaction.atomic
def attachment_add(
    *, actor: User, request: ServiceRequest, upload: UploadedFile
) -> RequestAttachment:
    locked = _lock(actor, request)
    limit = settings.SERVICE_ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise field_error(
            "file",
            _("Files can be at most %(mb)d MB (this one is %(size).1f MB).")
            % {"mb": limit // (1024 * 1024), "size": (upload.size or 0) / (1024 * 1024)},
        )
    name = (upload.name or "file")[-200:]
    return RequestAttachment.objects.create(
        request=locked, file=upload, name=name, size=upload.size, uploaded_by=actor
    )
