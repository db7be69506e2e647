"""Calls, meetings, visits and to-dos; their reminders; the private calendar feed."""

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.accounts.selectors import visible_users
from guanxi.core import validators
from guanxi.core.audit import audit_create, audit_delete, audit_update, snapshot
from guanxi.core.errors import field_error, require_perm, require_write
from guanxi.core.notifications import in_language_of, notify
from guanxi.core.validation import full_clean
from guanxi.customers.models import Customer
from guanxi.customers.selectors import require_visible_customer
from guanxi.sales.models import ACTIVITY_FIELDS, Activity, CalendarFeed, Opportunity, hash_token
from guanxi.sales.selectors import activity_for_update, visible_opportunities


def _check_fields(values: dict[str, Any]) -> None:
    unknown = set(values) - set(ACTIVITY_FIELDS)
    if unknown:
        raise TypeError(f"unknown activity fields: {sorted(unknown)}")


def _schedule_reminder(activity: Activity) -> None:
    """When the reminder goes out; changing the due time sends a fresh one."""
    if activity.done_at or activity.remind_minutes is None:
        activity.remind_at = None
    else:
        activity.remind_at = activity.due_at - timedelta(minutes=activity.remind_minutes)
        activity.reminded_at = None


def _check_links(
    actor: User, customer: Customer | None, opportunity: Opportunity | None
) -> Customer | None:
    if opportunity is not None:
        if not visible_opportunities(actor).filter(pk=opportunity.pk).exists():
            raise field_error("opportunity", _("This opportunity is outside your data scope."))
        customer = customer or opportunity.customer
    if customer is not None:
        require_visible_customer(actor=actor, customer=customer)
    return customer


def _check_assignee(actor: User, assignee: User) -> None:
    if assignee.pk == actor.pk:
        return
    if not assignee.is_active:
        raise field_error("assignee", _("%(name)s is inactive.") % {"name": assignee})
    if (
        not actor.has_perm("sales.assign_opportunity")
        or not visible_users(actor).filter(pk=assignee.pk).exists()
    ):
        raise field_error("assignee", _("You cannot give tasks to %(name)s.") % {"name": assignee})


@transaction.atomic
def activity_create(
    *,
    actor: User,
    assignee: User | None = None,
    customer: Customer | None = None,
    opportunity: Opportunity | None = None,
    **values: Any,
) -> Activity:
    """Plan an activity; a supervisor may give one to a member of the team."""
    require_perm(actor, "sales.add_activity")
    require_write(actor)
    assignee = assignee or actor
    _check_assignee(actor, assignee)
    customer = _check_links(actor, customer, opportunity)
    _check_fields(values)
    activity = Activity(
        assignee=assignee, customer=customer, opportunity=opportunity, created_by=actor, **values
    )
    full_clean(activity, fields=ACTIVITY_FIELDS)
    _schedule_reminder(activity)
    activity.save()
    audit_create(actor=actor, instance=activity)
    if assignee.pk != actor.pk:
        with in_language_of(assignee):
            notify(
                user=assignee,
                title=_("%(name)s gave you a task: %(subject)s")
                % {"name": actor, "subject": activity.subject},
                url=activity.get_absolute_url(),
                key=f"activity:{activity.pk}:given",
            )
    return activity


def _lock(actor: User, activity: Activity, perm: str) -> Activity:
    require_perm(actor, perm)
    require_write(actor)
    return activity_for_update(actor=actor, pk=activity.pk)


@transaction.atomic
def activity_update(
    *, actor: User, activity: Activity, assignee: User | None = None, **values: Any
) -> Activity:
    activity = _lock(actor, activity, "sales.change_activity")
    before = snapshot(activity)
    if assignee is not None and assignee.pk != activity.assignee_id:
        _check_assignee(actor, assignee)
        activity.assignee = assignee
    _check_fields(values)
    for field, value in values.items():
        setattr(activity, field, value)
    full_clean(activity, fields=values)
    if {"due_at", "remind_minutes"} & set(values):
        _schedule_reminder(activity)
    activity.save()
    audit_update(actor=actor, instance=activity, before=before)
    return activity


@transaction.atomic
def activity_complete(
    *, actor: User, activity: Activity, outcome: str = "", done: bool = True
) -> Activity:
    """Tick an activity off (or reopen it); the outcome says what came of it."""
    activity = _lock(actor, activity, "sales.change_activity")
    before = snapshot(activity)
    activity.done_at = timezone.now() if done else None
    if outcome:
        activity.outcome = validators.clean_text(outcome)
    _schedule_reminder(activity)
    activity.save()
    audit_update(actor=actor, instance=activity, before=before)
    return activity


@transaction.atomic
def activity_delete(*, actor: User, activity: Activity) -> None:
    activity = _lock(actor, activity, "sales.delete_activity")
    audit_delete(actor=actor, instance=activity)
    activity.delete()


def send_due_reminders(now: datetime | None = None) -> int:
    """Remind each assignee of activities coming due; safe to run twice or after a pause.

    A reminder is claimed by clearing ``remind_at`` in the same statement that checks it, so
    two workers never both send it; a worker that was down sends the missed ones late.
    """
    now = now or timezone.now()
    sent = 0
    due = Activity.objects.filter(remind_at__lte=now, done_at__isnull=True).select_related(
        "assignee"
    )
    for activity in due.order_by("remind_at")[:500]:
        with transaction.atomic():
            claimed = Activity.objects.filter(pk=activity.pk, remind_at__isnull=False).update(
                remind_at=None, reminded_at=now
            )
            if not claimed:
                continue
            user = activity.assignee
            with in_language_of(user):
                when = date_format(timezone.localtime(activity.due_at), "DATETIME_FORMAT")
                sent += notify(
                    user=user,
                    title=_("Reminder: %(subject)s at %(when)s")
                    % {"subject": activity.subject, "when": when},
                    body=activity.notes,
                    url=activity.get_absolute_url(),
                    key=f"activity:{activity.pk}:reminder:{activity.due_at:%Y%m%d%H%M}",
                )
    return sent


@transaction.atomic
def calendar_feed_create(*, actor: User) -> str:
    """A new secret feed address for the actor (any old one stops working); shown once."""
    require_perm(actor, "sales.view_activity")
    token = secrets.token_urlsafe(24)
    CalendarFeed.objects.filter(user=actor).delete()
    CalendarFeed.objects.create(user=actor, token_hash=hash_token(token))
    return token


def calendar_feed_revoke(*, actor: User) -> bool:
    deleted, _rows = CalendarFeed.objects.filter(user=actor).delete()
    return bool(deleted)
