"""Opportunities, development plans, the funnel, activities and notifications."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, ModelSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from guanxi.accounts.models import User
from guanxi.accounts.selectors import person_for
from guanxi.api.errors import problem
from guanxi.api.filters import query_schema
from guanxi.api.pagination import CappedPageNumberPagination, PageNumberPagination, apply_ordering
from guanxi.api.schemas import Input, RecordId, model_values
from guanxi.core import privacy
from guanxi.core.dates import Period
from guanxi.core.errors import field_error, require_perm
from guanxi.core.models import Notification
from guanxi.core.notifications import mark_read
from guanxi.customers.selectors import customer_get
from guanxi.customers.services.customers import DuplicateCustomer
from guanxi.sales import selectors, services
from guanxi.sales.filters import ActivityFilterSet, OpportunityFilterSet
from guanxi.sales.models import (
    ACTIVITY_FIELDS,
    OPPORTUNITY_FIELDS,
    Activity,
    AssignmentRule,
    AssignmentTarget,
    Opportunity,
    PipelineStage,
)

router = Router(tags=["sales"])


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


class StageOut(Schema):
    id: int
    code: str
    label: str
    order: int
    probability: int
    active: bool


class OpportunityOut(Schema):
    id: int
    number: str
    status: Opportunity.Status
    stage: int = Field(..., alias="stage_id")
    source: str
    customer_name: str
    contact_name: str
    contact_phone: str
    contact_email: str
    region: str
    industry: str
    summary: str
    description: str
    probability: int
    amount: Decimal
    weighted_amount: Decimal
    expected_close: date | None
    team: int | None = Field(None, alias="team_id")
    assignee: int | None = Field(None, alias="assignee_id")
    assigned_at: datetime | None
    created_by: int | None = Field(None, alias="created_by_id")
    created_at: datetime
    closed_at: datetime | None
    lost_reason: str
    customer_id: int | None
    possible_duplicate: int | None = Field(None, alias="possible_duplicate_id")
    version: int
    masked: list[str] = Field([], description="Personal fields shown masked")

    @staticmethod
    def resolve_masked(obj: Opportunity, context: Any) -> list[str]:
        return privacy.masked_fields(context["request"].auth, obj)

    @staticmethod
    def resolve_contact_phone(obj: Opportunity, context: Any) -> str:
        return privacy.shown(context["request"].auth, obj, "contact_phone")

    @staticmethod
    def resolve_contact_email(obj: Opportunity, context: Any) -> str:
        return privacy.shown(context["request"].auth, obj, "contact_email")


class OpportunityIn(ModelSchema, Input):
    probability: int | None = Field(None, description="Default: the stage's probability.")
    stage: int | None = None
    assignee: int | None = Field(None, description="Leave out to create an unassigned lead.")

    class Meta:
        model = Opportunity
        fields = list(OPPORTUNITY_FIELDS)


class OpportunityPatch(ModelSchema, Input):
    version: int | None = Field(None, description="The version you read; 409 if it changed.")

    class Meta:
        model = Opportunity
        fields = list(OPPORTUNITY_FIELDS)
        fields_optional = "__all__"


OpportunityQuery = query_schema(
    "OpportunityQuery",
    OpportunityFilterSet,
    ordering=(
        str | None,
        Field(
            None,
            description="number, amount, expected_close, probability, created_at or status; "
            "- descends",
        ),
    ),
)


class AssignIn(Schema):
    assignee: int
    version: int | None = None


class MoveIn(Schema):
    stage: int
    version: int | None = None


class SucceedIn(Schema):
    customer: int | None = Field(None, description="Link this existing customer instead.")
    allow_duplicate: bool = False


class SucceedOut(Schema):
    customer_id: int
    contact_id: int | None
    opportunity: OpportunityOut


class FailIn(Schema):
    reason: str = Field(..., description="A code or label from the lost_reason dictionary.")
    note: str = ""


class PlanStepOut(Schema):
    id: int
    date: date
    content: str
    result: str
    result_at: datetime | None
    created_by: int | None = Field(None, alias="created_by_id")


class PlanStepIn(Schema):
    date: date
    content: str


# A field named "date" with a default would shadow the type in its own class body.
Day = date


class PlanStepPatch(Schema):
    date: Day | None = None
    content: str | None = None
    result: str | None = None


def stale_problem(error: services.StaleOpportunity) -> HttpResponse:
    return problem(
        409,
        _("Someone else changed this opportunity."),
        error.message,
        kind="edit-conflict",
        extra={"version": error.opportunity.version},
    )


@router.get("/pipeline-stages", response=list[StageOut], summary="The pipeline's stages")
@paginate(PageNumberPagination)
def stage_list(request: HttpRequest) -> list[PipelineStage]:
    selectors.visible_opportunities(_actor(request))
    return selectors.stages(include_inactive=True)


@router.get("/opportunities", response=list[OpportunityOut], summary="List opportunities")
@paginate(CappedPageNumberPagination)
def opportunity_list(request: HttpRequest, filters: Query[OpportunityQuery]) -> Any:  # type: ignore[valid-type]
    values = filters.dict(exclude={"ordering"})  # type: ignore[attr-defined]
    found = selectors.opportunity_list(actor=_actor(request), filters=values)
    ordering = filters.ordering  # type: ignore[attr-defined]
    return apply_ordering(found, ordering, selectors.OPPORTUNITY_ORDERING, "-created_at")


@router.post(
    "/opportunities",
    response={201: OpportunityOut},
    summary="Create an opportunity (without an assignee: an unassigned lead)",
)
def opportunity_create(request: HttpRequest, payload: OpportunityIn) -> Status:
    actor = _actor(request)
    values = model_values(payload, Opportunity, partial=False, exclude={"assignee", "stage"})
    stage = None
    if payload.stage is not None:
        stage = PipelineStage.objects.filter(pk=payload.stage, active=True).first()
        if stage is None:
            raise field_error(
                "stage", _("No active stage has the id %(id)s.") % {"id": payload.stage}
            )
    opportunity = services.opportunity_create(
        actor=actor,
        assignee=person_for(actor=actor, pk=payload.assignee, field="assignee")
        if payload.assignee
        else None,
        stage=stage,
        **values,
    )
    return Status(201, opportunity)


@router.get("/opportunities/{opportunity_id}", response=OpportunityOut, summary="One opportunity")
def opportunity_detail(request: HttpRequest, opportunity_id: int) -> Opportunity:
    return selectors.opportunity_get(actor=_actor(request), pk=opportunity_id)


@router.patch(
    "/opportunities/{opportunity_id}", response=OpportunityOut, summary="Change an opportunity"
)
def opportunity_update(request: HttpRequest, opportunity_id: int, payload: OpportunityPatch) -> Any:
    actor = _actor(request)
    opportunity = selectors.opportunity_get(actor=actor, pk=opportunity_id)
    values = model_values(payload, Opportunity, partial=True, exclude={"version"})
    try:
        return services.opportunity_update(
            actor=actor, opportunity=opportunity, version=payload.version, **values
        )
    except services.StaleOpportunity as error:
        return stale_problem(error)


@router.post(
    "/opportunities/{opportunity_id}/assign",
    response=OpportunityOut,
    summary="Assign to a rep (supervisors)",
)
def opportunity_assign(request: HttpRequest, opportunity_id: int, payload: AssignIn) -> Any:
    actor = _actor(request)
    # A rep may not assign at all: say so before looking up whom they named.
    require_perm(actor, "sales.assign_opportunity")
    opportunity = selectors.opportunity_get(actor=actor, pk=opportunity_id)
    try:
        return services.opportunity_assign(
            actor=actor,
            opportunity=opportunity,
            assignee=person_for(actor=actor, pk=payload.assignee, field="assignee"),
            version=payload.version,
        )
    except services.StaleOpportunity as error:
        return stale_problem(error)


@router.post(
    "/opportunities/{opportunity_id}/move",
    response=OpportunityOut,
    summary="Move to another pipeline stage (409 if it changed since `version`)",
)
def opportunity_move(request: HttpRequest, opportunity_id: int, payload: MoveIn) -> Any:
    actor = _actor(request)
    opportunity = selectors.opportunity_get(actor=actor, pk=opportunity_id)
    stage = PipelineStage.objects.filter(pk=payload.stage).first()
    if stage is None:
        raise field_error("stage", _("No stage has the id %(id)s.") % {"id": payload.stage})
    try:
        return services.opportunity_move(
            actor=actor, opportunity=opportunity, stage=stage, version=payload.version
        )
    except services.StaleOpportunity as error:
        return stale_problem(error)


@router.post(
    "/opportunities/{opportunity_id}/succeed",
    response=SucceedOut,
    summary="Won: make (or link) the customer and its contact",
)
def opportunity_succeed(request: HttpRequest, opportunity_id: int, payload: SucceedIn) -> Any:
    actor = _actor(request)
    opportunity = selectors.opportunity_get(actor=actor, pk=opportunity_id)
    customer = customer_get(actor=actor, pk=payload.customer) if payload.customer else None
    try:
        won = services.opportunity_succeed(
            actor=actor,
            opportunity=opportunity,
            customer=customer,
            allow_duplicate=payload.allow_duplicate,
        )
    except DuplicateCustomer as error:
        return problem(
            409,
            _("This looks like a customer already on file."),
            _("Link the existing customer (send its id as “customer”) or send allow_duplicate."),
            kind="duplicate",
            extra={
                "matches": [
                    {"id": match.pk, "code": match.code, "name": match.name}
                    for match in error.matches
                ]
            },
        )
    return {"customer_id": won.customer_id, "contact_id": won.contact_id, "opportunity": won}


@router.post(
    "/opportunities/{opportunity_id}/fail",
    response=OpportunityOut,
    summary="Lost or stopped, with a reason from the dictionary",
)
def opportunity_fail(request: HttpRequest, opportunity_id: int, payload: FailIn) -> Opportunity:
    actor = _actor(request)
    opportunity = selectors.opportunity_get(actor=actor, pk=opportunity_id)
    return services.opportunity_fail(
        actor=actor, opportunity=opportunity, reason=payload.reason, note=payload.note
    )


@router.get(
    "/opportunities/{opportunity_id}/plan-steps",
    response=list[PlanStepOut],
    summary="The development plan",
)
@paginate(PageNumberPagination)
def plan_step_list(request: HttpRequest, opportunity_id: int) -> Any:
    opportunity = selectors.opportunity_get(actor=_actor(request), pk=opportunity_id)
    return list(selectors.plan_steps(opportunity))


@router.post(
    "/opportunities/{opportunity_id}/plan-steps",
    response={201: PlanStepOut},
    summary="Add a plan step",
)
def plan_step_create(request: HttpRequest, opportunity_id: int, payload: PlanStepIn) -> Status:
    actor = _actor(request)
    opportunity = selectors.opportunity_get(actor=actor, pk=opportunity_id)
    step = services.plan_step_create(
        actor=actor, opportunity=opportunity, date=payload.date, content=payload.content
    )
    return Status(201, step)


@router.patch(
    "/opportunities/{opportunity_id}/plan-steps/{step_id}",
    response=PlanStepOut,
    summary="Change a plan step or record its result",
)
def plan_step_update(
    request: HttpRequest, opportunity_id: int, step_id: int, payload: PlanStepPatch
) -> Any:
    actor = _actor(request)
    opportunity = selectors.opportunity_get(actor=actor, pk=opportunity_id)
    step = selectors.plan_step_get(opportunity=opportunity, pk=step_id)
    values = payload.dict(exclude_unset=True)
    return services.plan_step_update(actor=actor, step=step, **values)


class FunnelQuery(Schema):
    start: date | None = None
    end: date | None = None


@router.get("/sales/funnel", summary="Funnel figures for a period (default: this year)")
def funnel(request: HttpRequest, query: Query[FunnelQuery]) -> dict[str, Any]:
    today = timezone.localdate()
    period = Period(query.start or date(today.year, 1, 1), query.end or today)
    if period.end < period.start:
        raise field_error("end", _("The end comes before the start."))
    return selectors.funnel(actor=_actor(request), period=period)


# --- Activities -------------------------------------------------------------------------------


class ActivityOut(Schema):
    id: int
    kind: Activity.Kind
    subject: str
    notes: str
    due_at: datetime
    duration_minutes: int
    assignee: int = Field(..., alias="assignee_id")
    customer: int | None = Field(None, alias="customer_id")
    opportunity: int | None = Field(None, alias="opportunity_id")
    remind_minutes: int | None
    done_at: datetime | None
    outcome: str
    overdue: bool = Field(..., alias="is_overdue")


class ActivityIn(ModelSchema, Input):
    assignee: int | None = None
    customer: int | None = None
    opportunity: int | None = None

    class Meta:
        model = Activity
        fields = list(ACTIVITY_FIELDS)


class ActivityPatch(ModelSchema, Input):
    assignee: int | None = None
    done: bool | None = None
    outcome: str | None = None

    class Meta:
        model = Activity
        fields = list(ACTIVITY_FIELDS)
        fields_optional = "__all__"


ActivityQuery = query_schema("ActivityQuery", ActivityFilterSet)


@router.get("/activities", response=list[ActivityOut], summary="List activities and tasks")
@paginate(CappedPageNumberPagination)
def activity_list(request: HttpRequest, filters: Query[ActivityQuery]) -> Any:  # type: ignore[valid-type]
    values = filters.dict()  # type: ignore[attr-defined]
    return selectors.activity_list(actor=_actor(request), filters=values)


@router.post("/activities", response={201: ActivityOut}, summary="Plan an activity or task")
def activity_create(request: HttpRequest, payload: ActivityIn) -> Status:
    actor = _actor(request)
    values = model_values(
        payload, Activity, partial=False, exclude={"assignee", "customer", "opportunity"}
    )
    activity = services.activity_create(
        actor=actor,
        assignee=person_for(actor=actor, pk=payload.assignee, field="assignee")
        if payload.assignee
        else None,
        customer=customer_get(actor=actor, pk=payload.customer) if payload.customer else None,
        opportunity=(
            selectors.opportunity_get(actor=actor, pk=payload.opportunity)
            if payload.opportunity
            else None
        ),
        **values,
    )
    return Status(201, activity)


@router.get("/activities/{activity_id}", response=ActivityOut, summary="One activity")
def activity_detail(request: HttpRequest, activity_id: int) -> Activity:
    return selectors.activity_get(actor=_actor(request), pk=activity_id)


@router.patch(
    "/activities/{activity_id}", response=ActivityOut, summary="Change, complete or reopen"
)
def activity_update(request: HttpRequest, activity_id: int, payload: ActivityPatch) -> Activity:
    actor = _actor(request)
    activity = selectors.activity_get(actor=actor, pk=activity_id)
    values = model_values(payload, Activity, partial=True, exclude={"done", "outcome", "assignee"})
    done, outcome, assignee = payload.done, payload.outcome, payload.assignee
    if values or assignee:
        activity = services.activity_update(
            actor=actor,
            activity=activity,
            assignee=person_for(actor=actor, pk=assignee, field="assignee") if assignee else None,
            **values,
        )
    if done is not None or outcome is not None:
        activity = services.activity_complete(
            actor=actor,
            activity=activity,
            outcome=outcome or "",
            done=done if done is not None else activity.done_at is not None,
        )
    elif not (values or assignee):
        # Nothing to change is still a change request: refused to those who may not change it.
        services.activity_update(actor=actor, activity=activity)
    return activity


@router.delete("/activities/{activity_id}", response={204: None}, summary="Delete an activity")
def activity_delete(request: HttpRequest, activity_id: int) -> Status:
    actor = _actor(request)
    services.activity_delete(
        actor=actor, activity=selectors.activity_get(actor=actor, pk=activity_id)
    )
    return Status(204, None)


# --- Notifications ----------------------------------------------------------------------------


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None


class ReadIn(Schema):
    ids: list[RecordId] | None = Field(None, description="Leave out to mark all read.")


@router.get("/notifications", response=list[NotificationOut], summary="My notifications")
@paginate(CappedPageNumberPagination)
def notification_list(request: HttpRequest, unread: bool = False) -> Any:
    found = Notification.objects.filter(user=_actor(request))
    return found.filter(read_at__isnull=True) if unread else found


@router.post("/notifications/read", summary="Mark my notifications read")
def notification_read(request: HttpRequest, payload: ReadIn) -> dict[str, int]:
    return {"marked": mark_read(user=_actor(request), ids=payload.ids)}


# --- Assignment rules -----------------------------------------------------------------------


class TargetOut(Schema):
    value: str = Field(..., description="The region or industry code")
    user: int = Field(..., alias="user_id")


class RuleOut(Schema):
    team: int = Field(..., alias="team_id")
    method: AssignmentRule.Method
    active: bool
    targets: list[TargetOut]

    @staticmethod
    def resolve_targets(rule: AssignmentRule) -> list[AssignmentTarget]:
        return list(rule.targets.all())


class TargetIn(Input):
    value: str = Field(..., description="A region or industry code (or label) of the dictionary")
    user: int = Field(..., description="An active account manager or supervisor of the team")


class RuleIn(Input):
    method: str = Field(..., description="round_robin, region or industry")
    active: bool = True
    targets: list[TargetIn] = Field(
        default_factory=list,
        description="By region or industry: who receives leads of each value (the rest go in "
        "turn). Replaces the targets set before; ignored for round robin.",
    )


@router.get(
    "/assignment-rules",
    response=list[RuleOut],
    summary="The lead assignment rules of the teams you set up",
)
@paginate(PageNumberPagination)
def assignment_rule_list(request: HttpRequest) -> Any:
    return selectors.assignment_rules(actor=_actor(request))


@router.get(
    "/teams/{team_id}/assignment-rule",
    response=RuleOut,
    summary="How a team's new leads are assigned (404 without a rule)",
)
def assignment_rule_detail(request: HttpRequest, team_id: int) -> AssignmentRule:
    actor = _actor(request)
    team = selectors.setup_team_get(actor=actor, pk=team_id)
    return get_object_or_404(selectors.assignment_rules(actor=actor), team=team)


@router.put(
    "/teams/{team_id}/assignment-rule",
    response=RuleOut,
    summary="Set how a team's new leads are assigned, with the members by region or industry",
)
def assignment_rule_put(request: HttpRequest, team_id: int, payload: RuleIn) -> AssignmentRule:
    actor = _actor(request)
    team = selectors.setup_team_get(actor=actor, pk=team_id)
    targets = {
        target.value: person_for(actor=actor, pk=target.user, field="targets")
        for target in payload.targets
    }
    services.assignment_rule_save(
        actor=actor, team=team, method=payload.method, active=payload.active, targets=targets
    )
    return selectors.assignment_rules(actor=actor).get(team=team)
