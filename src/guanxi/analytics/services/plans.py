"""Improvement plans (专项改进计划): opened when average satisfaction falls below 3.5.

Satisfaction is the customers' feedback score on service requests (1–5) over the last
``WINDOW_DAYS``, for the whole company, for each team (the customers its members manage) and
for each customer. One plan at a time per subject; a plan closes when its tasks are done.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from guanxi.accounts.models import Team, User
from guanxi.analytics.models import ImprovementPlan, ImprovementTask
from guanxi.core.audit import audit_create, audit_update, snapshot
from guanxi.core.errors import field_error, require_perm, require_write
from guanxi.core.notifications import in_language_of, notify
from guanxi.core.roles import Role
from guanxi.customers.models import Customer
from guanxi.service.models import ServiceRequest

PLAN_BELOW = Decimal("3.5")
EXCELLENT_FROM = Decimal("4.0")
WINDOW_DAYS = 90
# Fewer ratings than this say too little about a company or a team.
MIN_RATINGS = {"company": 5, "team": 5, "customer": 2}


@dataclass
class WatchResult:
    opened: int
    checked: int


def _rated(since: dt.datetime):
    return ServiceRequest.objects.filter(satisfaction__isnull=False, feedback_at__gte=since)


def satisfaction_watch(*, now: dt.datetime | None = None) -> WatchResult:
    """The nightly check: open a plan for each subject whose satisfaction is below 3.5."""
    now = now or timezone.now()
    rated = _rated(now - dt.timedelta(days=WINDOW_DAYS))
    candidates: list[tuple[str, Team | None, Customer | None, dict]] = []
    company = rated.aggregate(score=Avg("satisfaction"), n=Count("pk"))
    candidates.append(("company", None, None, company))
    by_team = (
        rated.filter(customer__account_manager__team__isnull=False)
        .values("customer__account_manager__team")
        .annotate(score=Avg("satisfaction"), n=Count("pk"))
        .order_by()
    )
    teams = Team.objects.select_related("supervisor").in_bulk(
        [row["customer__account_manager__team"] for row in by_team]
    )
    for row in by_team:
        candidates.append(("team", teams[row["customer__account_manager__team"]], None, row))
    by_customer = (
        rated.filter(customer__isnull=False)
        .values("customer")
        .annotate(score=Avg("satisfaction"), n=Count("pk"))
        .filter(score__lt=float(PLAN_BELOW), n__gte=MIN_RATINGS["customer"])
        .order_by()
    )
    customers = Customer.objects.select_related("account_manager").in_bulk(
        [row["customer"] for row in by_customer]
    )
    for row in by_customer:
        candidates.append(("customer", None, customers[row["customer"]], row))
    opened = 0
    for subject, team, customer, figures in candidates:
        if figures["score"] is None or figures["n"] < MIN_RATINGS[subject]:
            continue
        score = Decimal(str(float(figures["score"]))).quantize(Decimal("0.01"))
        if score < PLAN_BELOW and _open_plan(subject, team, customer, score, figures["n"], now):
            opened += 1
    return WatchResult(opened=opened, checked=len(candidates))


def subject_key(subject: str, team: Team | None, customer: Customer | None) -> str:
    if subject == "team" and team is not None:
        return f"team:{team.pk}"
    if subject == "customer" and customer is not None:
        return f"customer:{customer.pk}"
    return "company"


def _owner(subject: str, team: Team | None, customer: Customer | None) -> User | None:
    if customer is not None:
        return customer.account_manager
    if team is not None:
        return team.supervisor if team.supervisor and team.supervisor.is_active else None
    return User.objects.filter(is_active=True, role=Role.ADMINISTRATOR).order_by("pk").first()


def _open_plan(
    subject: str,
    team: Team | None,
    customer: Customer | None,
    score: Decimal,
    rated: int,
    now: dt.datetime,
) -> bool:
    key = subject_key(subject, team, customer)
    if ImprovementPlan.objects.filter(subject_key=key, status=ImprovementPlan.Status.OPEN).exists():
        return False
    owner = _owner(subject, team, customer)
    names = {"company": _("the company"), "team": str(team), "customer": str(customer)}
    try:
        with transaction.atomic():
            plan = ImprovementPlan.objects.create(
                subject=subject,
                team=team,
                customer=customer,
                subject_key=key,
                title=_("Raise satisfaction of %(subject)s (%(score)s of 5)")
                % {"subject": names[subject], "score": score},
                satisfaction=score,
                rated=rated,
                owner=owner,
                opened_at=now,
            )
            ImprovementTask.objects.create(
                plan=plan,
                title=_("Review the low-rated requests and call the customers back"),
                assignee=owner,
                due_date=timezone.localdate(now) + dt.timedelta(days=7),
            )
            audit_create(actor=None, instance=plan)
    except IntegrityError:  # another run opened it a moment ago
        return False
    if owner is not None:
        with in_language_of(owner):
            notify(
                user=owner,
                title=_("Improvement plan: %(title)s") % {"title": plan.title},
                body=_("Average satisfaction over the last %(days)s days is %(score)s.")
                % {"days": WINDOW_DAYS, "score": score},
                url=plan.get_absolute_url(),
                key=f"improvement-plan:{plan.pk}",
            )
    return True


def _check_manage(actor: User, plan: ImprovementPlan) -> None:
    require_perm(actor, "analytics.manage_improvementplan")
    require_write(actor)
    if plan.status != ImprovementPlan.Status.OPEN:
        raise field_error("plan", _("This improvement plan is closed."))


@transaction.atomic
def improvement_task_add(
    *,
    actor: User,
    plan: ImprovementPlan,
    title: str,
    assignee: User | None = None,
    due_date: dt.date | None = None,
) -> ImprovementTask:
    _check_manage(actor, plan)
    title = (title or "").strip()
    if not title:
        raise field_error("title", _("Name the task."))
    if len(title) > 200:
        raise field_error("title", _("Keep the task under 200 characters."))
    if assignee is not None and not assignee.is_active:
        raise field_error("assignee", _("This user is inactive."))
    task = ImprovementTask.objects.create(
        plan=plan, title=title, assignee=assignee, due_date=due_date
    )
    audit_create(actor=actor, instance=task)
    if assignee is not None and assignee != actor:
        with in_language_of(assignee):
            notify(
                user=assignee,
                title=_("New task: %(title)s") % {"title": title},
                body=plan.title,
                url=plan.get_absolute_url(),
                key=f"improvement-task:{task.pk}",
            )
    return task


@transaction.atomic
def improvement_task_done(*, actor: User, task: ImprovementTask) -> ImprovementTask:
    """Tick a task off: its assignee or whoever manages plans."""
    require_write(actor)
    if task.assignee_id != actor.pk and not actor.has_perm("analytics.manage_improvementplan"):
        raise PermissionDenied(_("Only its assignee or a plan manager can finish this task."))
    if task.plan.status != ImprovementPlan.Status.OPEN:
        raise field_error("plan", _("This improvement plan is closed."))
    if task.done_at is None:
        before = snapshot(task, ["done_at", "done_by"])
        task.done_at = timezone.now()
        task.done_by = actor
        task.save(update_fields=["done_at", "done_by"])
        audit_update(actor=actor, instance=task, before=before)
    return task


@transaction.atomic
def improvement_plan_close(*, actor: User, plan: ImprovementPlan, outcome: str) -> ImprovementPlan:
    """Close a plan once every task is done, with what it achieved."""
    _check_manage(actor, plan)
    outcome = (outcome or "").strip()
    if not outcome:
        raise field_error("outcome", _("Say what the plan achieved."))
    if not plan.tasks.exists():
        raise field_error("plan", _("Add and finish at least one task first."))
    open_tasks = plan.tasks.filter(done_at__isnull=True).count()
    if open_tasks:
        raise field_error(
            "plan",
            ngettext(
                "%(count)s task is not done yet.", "%(count)s tasks are not done yet.", open_tasks
            )
            % {"count": open_tasks},
        )
    before = snapshot(plan, ["status", "closed_at", "closed_by", "outcome"])
    plan.status = ImprovementPlan.Status.CLOSED
    plan.closed_at = timezone.now()
    plan.closed_by = actor
    plan.outcome = outcome
    plan.save(update_fields=["status", "closed_at", "closed_by", "outcome"])
    audit_update(actor=actor, instance=plan, before=before)
    return plan
