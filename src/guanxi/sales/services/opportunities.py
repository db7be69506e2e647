"""Every write to an opportunity: create, edit, assign, move on the board, win, lose, plan."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import Team, User
from guanxi.accounts.selectors import visible_users
from guanxi.core import validators
from guanxi.core.audit import audit_create, audit_update, snapshot
from guanxi.core.dictionary import DictionaryLookup
from guanxi.core.errors import field_error, require_perm, require_write
from guanxi.core.sequences import next_numbers
from guanxi.core.validation import full_clean
from guanxi.customers.models import Contact, Customer
from guanxi.customers.selectors import customer_for_update
from guanxi.customers.services.contacts import contact_create
from guanxi.customers.services.customers import customer_create, find_duplicates
from guanxi.sales.models import (
    OPPORTUNITY_FIELDS,
    DevelopmentPlanStep,
    Opportunity,
    PipelineStage,
)
from guanxi.sales.selectors import opportunity_for_update
from guanxi.sales.services.assignment import apply_assignment_rule
from guanxi.sales.services.periods import open_period

S = Opportunity.Status


class StaleOpportunity(Exception):
    """The opportunity changed after the person acting on it loaded it."""

    def __init__(self, opportunity: Opportunity) -> None:
        super().__init__("stale opportunity")
        self.opportunity = opportunity

    @property
    def message(self) -> str:
        return _(
            "%(number)s was changed by someone else a moment ago (it is now in %(stage)s, "
            "%(status)s). Look at it again before you move it."
        ) % {
            "number": self.opportunity.number,
            "stage": self.opportunity.stage.label,
            "status": self.opportunity.get_status_display(),
        }


def _check_fields(values: dict[str, Any]) -> None:
    unknown = set(values) - set(OPPORTUNITY_FIELDS)
    if unknown:
        raise TypeError(f"unknown opportunity fields: {sorted(unknown)}")


def default_stage() -> PipelineStage:
    stage = PipelineStage.objects.filter(active=True).order_by("order", "id").first()
    if stage is None:
        raise field_error("stage", _("Set up at least one active pipeline stage first."))
    return stage


def _lock(actor: User, opportunity: Opportunity) -> Opportunity:
    """The opportunity, locked for a change the actor may make."""
    require_perm(actor, "sales.change_opportunity")
    require_write(actor)
    return opportunity_for_update(actor=actor, pk=opportunity.pk)


def _check_assignee(actor: User, assignee: User) -> None:
    if not assignee.is_active:
        raise field_error(
            "assignee",
            _("%(name)s is inactive and cannot take opportunities.") % {"name": assignee},
        )
    if not assignee.has_perm("sales.change_opportunity"):
        raise field_error(
            "assignee", _("%(name)s's role does not work on opportunities.") % {"name": assignee}
        )
    if not visible_users(actor).filter(pk=assignee.pk).exists():
        raise field_error(
            "assignee",
            _("You cannot assign opportunities to %(name)s: they are outside your team.")
            % {"name": assignee},
        )


def new_opportunity_numbers(count: int) -> list[str]:
    return [f"OP{n:010d}" for n in next_numbers("opportunity", count)]


@transaction.atomic
def opportunity_create(
    *,
    actor: User | None,
    assignee: User | None = None,
    team: Team | None = None,
    stage: PipelineStage | None = None,
    **values: Any,
) -> Opportunity:
    """A new opportunity; without an assignee it waits unassigned (or the team's rule assigns it).

    ``actor`` is None only for a lead from a public web form.
    """
    if actor is not None:
        require_perm(actor, "sales.add_opportunity")
        require_write(actor)
        may_assign = actor.has_perm("sales.assign_opportunity")
        if assignee is not None and assignee.pk != actor.pk and not may_assign:
            raise PermissionDenied(_("You may create opportunities only for yourself."))
        if assignee is None and not may_assign:
            assignee = actor
        if assignee is not None:
            _check_assignee(actor, assignee)
    _check_fields(values)
    stage = stage or default_stage()
    values.setdefault("probability", stage.probability)
    if team is None:
        team = assignee.team if assignee else (actor.team if actor else None)
    opportunity = Opportunity(stage=stage, team=team, created_by=actor, **values)
    full_clean(opportunity, fields=OPPORTUNITY_FIELDS)
    duplicates = find_duplicates(
        name=opportunity.customer_name, phone=opportunity.contact_phone, limit=1
    )
    opportunity.number = new_opportunity_numbers(1)[0]
    opportunity.possible_duplicate = duplicates[0] if duplicates else None
    now = timezone.now()
    if assignee is not None:
        opportunity.assignee = assignee
        opportunity.assigned_by = actor
        opportunity.assigned_at = now
        opportunity.status = S.ASSIGNED
    opportunity.save()
    open_period(opportunity, actor, now)
    if actor is not None:
        audit_create(actor=actor, instance=opportunity)
    if assignee is None:
        apply_assignment_rule(opportunity)
    return opportunity


def _check_version(opportunity: Opportunity, version: int | None) -> None:
    if version is not None and version != opportunity.version:
        raise StaleOpportunity(opportunity)


def _require_open(opportunity: Opportunity) -> None:
    if not opportunity.is_open:
        raise field_error(
            "status",
            _("This opportunity is closed (%(status)s): it cannot change any more.")
            % {"status": opportunity.get_status_display()},
        )


@transaction.atomic
def opportunity_update(
    *, actor: User, opportunity: Opportunity, version: int | None = None, **values: Any
) -> Opportunity:
    """Change an open opportunity's details (not its status: see assign, succeed and fail)."""
    opportunity = _lock(actor, opportunity)
    _check_version(opportunity, version)
    _require_open(opportunity)
    _check_fields(values)
    before = snapshot(opportunity)
    for field, value in values.items():
        setattr(opportunity, field, value)
    full_clean(opportunity, fields=values)
    if snapshot(opportunity) == before:
        return opportunity
    opportunity.version += 1
    opportunity.save()
    audit_update(actor=actor, instance=opportunity, before=before)
    return opportunity


@transaction.atomic
def opportunity_assign(
    *, actor: User, opportunity: Opportunity, assignee: User, version: int | None = None
) -> Opportunity:
    """Give an open opportunity to a rep (supervisors only); who and when are recorded."""
    require_perm(actor, "sales.assign_opportunity")
    opportunity = _lock(actor, opportunity)
    _check_version(opportunity, version)
    _require_open(opportunity)
    _check_assignee(actor, assignee)
    before = snapshot(opportunity)
    now = timezone.now()
    opportunity.assignee = assignee
    opportunity.assigned_by = actor
    opportunity.assigned_at = now
    opportunity.team = assignee.team or opportunity.team
    opportunity.status = S.ASSIGNED
    opportunity.version += 1
    opportunity.save()
    open_period(opportunity, actor, now)
    audit_update(actor=actor, instance=opportunity, before=before)
    return opportunity


def _start_developing(opportunity: Opportunity, actor: User) -> None:
    if opportunity.status == S.ASSIGNED:
        opportunity.status = S.DEVELOPING


@transaction.atomic
def opportunity_move(
    *, actor: User, opportunity: Opportunity, stage: PipelineStage, version: int | None
) -> Opportunity:
    """Move a card to another stage of the board; its probability becomes the stage's."""
    opportunity = _lock(actor, opportunity)
    _check_version(opportunity, version)
    _require_open(opportunity)
    if not stage.active:
        raise field_error("stage", _("The stage %(stage)s is not in use.") % {"stage": stage})
    if opportunity.status == S.UNASSIGNED:
        raise field_error("status", _("Assign the opportunity before working on it."))
    if stage.pk == opportunity.stage_id:
        return opportunity
    before = snapshot(opportunity)
    opportunity.stage = stage
    opportunity.probability = stage.probability
    _start_developing(opportunity, actor)
    opportunity.version += 1
    opportunity.save()
    open_period(opportunity, actor)
    audit_update(actor=actor, instance=opportunity, before=before)
    return opportunity


def _close(opportunity: Opportunity, actor: User, status: str) -> None:
    opportunity.status = status
    opportunity.closed_at = timezone.now()
    opportunity.version += 1
    opportunity.save()
    # The closing period stays open-ended: a won or lost opportunity stays so.
    open_period(opportunity, actor, opportunity.closed_at)


@transaction.atomic
def opportunity_succeed(
    *,
    actor: User,
    opportunity: Opportunity,
    customer: Customer | None = None,
    allow_duplicate: bool = False,
) -> Opportunity:
    """Won (开发成功): the lead becomes a customer with its contact, or joins ``customer``.

    A likely duplicate of a customer on file raises ``DuplicateCustomer`` unless allowed, so
    the rep can link the existing customer instead.
    """
    opportunity = _lock(actor, opportunity)
    _require_open(opportunity)
    if opportunity.assignee is None:
        raise field_error("status", _("Assign the opportunity before working on it."))
    before = snapshot(opportunity)
    if customer is None:
        customer = customer_create(
            actor=actor,
            account_manager=opportunity.assignee,
            allow_duplicate=allow_duplicate,
            name=opportunity.customer_name,
            phone=opportunity.contact_phone,
            email=opportunity.contact_email,
            source=opportunity.source,
            region=opportunity.region,
            industry=opportunity.industry,
            lifecycle_stage=Customer.Lifecycle.NEW,
            notes=_("From sales opportunity %(number)s: %(summary)s")
            % {"number": opportunity.number, "summary": opportunity.summary},
        )
    else:
        customer = customer_for_update(actor=actor, pk=customer.pk)
        if customer.is_archived:
            raise field_error("customer", _("This customer is archived."))
    opportunity.customer = customer
    opportunity.contact = _contact_for(actor, opportunity, customer)
    opportunity.probability = 100
    _close(opportunity, actor, S.SUCCESS)
    audit_update(actor=actor, instance=opportunity, before=before)
    return opportunity


def _contact_for(actor: User, opportunity: Opportunity, customer: Customer) -> Contact | None:
    """The lead's contact on the customer: the one with that name, or a new one."""
    name = opportunity.contact_name.strip()
    if not name:
        return None
    existing = customer.contacts.filter(name=name).first()
    if existing:
        return existing
    phone = opportunity.contact_phone
    is_mobile = bool(validators.MOBILE.match(phone))
    return contact_create(
        actor=actor,
        customer=customer,
        name=name,
        mobile=phone if is_mobile else "",
        office_phone="" if is_mobile else phone,
        email=opportunity.contact_email,
    )


@transaction.atomic
def opportunity_fail(
    *, actor: User, opportunity: Opportunity, reason: str, note: str = ""
) -> Opportunity:
    """Lost or stopped (开发失败 / 终止开发): a reason from the dictionary is required."""
    opportunity = _lock(actor, opportunity)
    _require_open(opportunity)
    lookup = DictionaryLookup()
    text = (reason or "").strip()
    if not text:
        raise field_error("reason", _("Choose why the opportunity was lost."))
    code = lookup.resolve("lost_reason", text)
    if code is None:
        raise field_error(
            "reason",
            _("“%(value)s” is not in the dictionary. Choose from: %(choices)s.")
            % {"value": text, "choices": ", ".join(c for c, _l in lookup.choices("lost_reason"))},
        )
    before = snapshot(opportunity)
    opportunity.lost_reason = code
    opportunity.lost_note = validators.clean_text(note)
    opportunity.probability = 0
    _close(opportunity, actor, S.FAILED)
    audit_update(actor=actor, instance=opportunity, before=before)
    return opportunity


def _plan_text(field: str, value: Any, *, required: bool) -> str:
    text = validators.clean_text(value)
    if required and not text:
        raise field_error(field, _("This field is required."))
    return text


@transaction.atomic
def plan_step_create(
    *, actor: User, opportunity: Opportunity, date: date | None, content: str
) -> DevelopmentPlanStep:
    """Add a dated step to the development plan; the opportunity is now being developed."""
    require_perm(actor, "sales.add_developmentplanstep")
    opportunity = _lock(actor, opportunity)
    _require_open(opportunity)
    if opportunity.assignee is None:
        raise field_error("status", _("Assign the opportunity before working on it."))
    if date is None:
        raise field_error("date", _("Enter a date, such as 2026-12-31."))
    step = DevelopmentPlanStep.objects.create(
        opportunity=opportunity,
        date=date,
        content=_plan_text("content", content, required=True),
        created_by=actor,
    )
    if opportunity.status == S.ASSIGNED:
        _start_developing(opportunity, actor)
        opportunity.version += 1
        opportunity.save()
        open_period(opportunity, actor)
    audit_create(actor=actor, instance=step)
    return step


@transaction.atomic
def plan_step_update(
    *, actor: User, step: DevelopmentPlanStep, **values: Any
) -> DevelopmentPlanStep:
    """Change a step's date or plan, or record its result (执行效果)."""
    require_perm(actor, "sales.change_developmentplanstep")
    _lock(actor, step.opportunity)
    step = DevelopmentPlanStep.objects.select_for_update().get(pk=step.pk)
    before = snapshot(step)
    if "date" in values:
        if values["date"] is None:
            raise field_error("date", _("Enter a date, such as 2026-12-31."))
        step.date = values["date"]
    if "content" in values:
        step.content = _plan_text("content", values["content"], required=True)
    if "result" in values:
        step.result = _plan_text("result", values["result"], required=False)
        step.result_at = timezone.now() if step.result else None
    step.save()
    audit_update(actor=actor, instance=step, before=before)
    return step
