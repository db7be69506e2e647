"""Reads of opportunities, activities and the funnel, always scoped to the actor."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Window,
)
from django.db.models.functions import RowNumber, TruncMonth
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import Team, User
from guanxi.accounts.selectors import colleagues
from guanxi.core.dates import Period, day_start
from guanxi.core.errors import require_perm
from guanxi.core.filters import filtered
from guanxi.core.roles import Role, scope_queryset
from guanxi.core.selectors import locked
from guanxi.customers.models import Customer
from guanxi.sales.filters import ActivityFilterSet, OpportunityFilterSet
from guanxi.sales.models import (
    Activity,
    AssignmentRule,
    AssignmentTarget,
    CalendarFeed,
    DevelopmentPlanStep,
    Opportunity,
    OpportunityPeriod,
    PipelineStage,
    hash_token,
)

OPPORTUNITY_ORDERING = {
    "number": "number",
    "amount": "amount",
    "expected_close": "expected_close",
    "probability": "probability",
    "created_at": "created_at",
    "status": "status",
}
BOARD_CARDS_PER_STAGE = 50
WEIGHTED = ExpressionWrapper(
    F("amount") * F("probability") / 100, output_field=DecimalField(max_digits=18, decimal_places=2)
)


def visible_opportunities(actor: User) -> QuerySet[Opportunity]:
    """An account manager sees what is assigned to them; a supervisor also the team's leads."""
    require_perm(actor, "sales.view_opportunity")
    return scope_queryset(
        Opportunity.objects.all(), actor, owner_field="assignee", team_field="team"
    )


def opportunity_for_update(*, actor: User, pk: int) -> Opportunity:
    """One opportunity locked for a change; refused when ``actor`` may not see it."""
    found = visible_opportunities(actor).select_related("assignee", "stage", "team")
    return locked(
        found, pk, field="opportunity", refusal=_("This opportunity is outside your data scope.")
    )


def opportunity_filters(
    *,
    actor: User,
    data: Mapping[str, Any] | None = None,
    filterset: type[OpportunityFilterSet] = OpportunityFilterSet,
) -> OpportunityFilterSet:
    """The opportunity list's FilterSet (or the board's) for ``actor``, over what they may
    see; its assignees are the people they may see."""
    found = visible_opportunities(actor).select_related("assignee", "stage")
    chosen = filterset(data, actor=actor, queryset=found)
    chosen.filters["assignee"].queryset = colleagues(actor)
    return chosen


def opportunity_list(
    *, actor: User, filters: Mapping[str, Any] | None = None
) -> QuerySet[Opportunity]:
    """The opportunities ``actor`` may see that match ``filters``; a bad value is refused."""
    return filtered(opportunity_filters(actor=actor, data=filters))


def opportunity_get(*, actor: User, pk: int) -> Opportunity:
    found = (
        visible_opportunities(actor)
        .select_related(
            "assignee",
            "assigned_by",
            "created_by",
            "stage",
            "team",
            "customer",
            "contact",
            "possible_duplicate",
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404(_("No such opportunity."))
    return found


def periods(opportunity: Opportunity) -> list[OpportunityPeriod]:
    return list(opportunity.periods.select_related("stage", "changed_by"))


def plan_steps(opportunity: Opportunity) -> QuerySet[DevelopmentPlanStep]:
    return opportunity.plan_steps.select_related("created_by")


def plan_step_get(*, opportunity: Opportunity, pk: int) -> DevelopmentPlanStep:
    """A step of an opportunity the caller already got through ``opportunity_get``."""
    step = opportunity.plan_steps.filter(pk=pk).first()
    if step is None:
        raise Http404(_("No such plan step."))
    return step


def stages(*, include_inactive: bool = False) -> list[PipelineStage]:
    found = PipelineStage.objects.all()
    if not include_inactive:
        found = found.filter(active=True)
    return list(found)


@dataclass
class BoardColumn:
    stage: PipelineStage
    cards: list[Opportunity]
    count: int
    amount: Decimal
    weighted: Decimal

    @property
    def more(self) -> int:
        return self.count - len(self.cards)


def board(*, actor: User, opportunities: QuerySet[Opportunity]) -> list[BoardColumn]:
    """The open ``opportunities`` by stage (a board FilterSet's rows): totals for every card,
    the first cards of each column.

    Three queries whatever the board's size: stages, totals per stage, and the cards.
    """
    base = opportunities.filter(status__in=Opportunity.OPEN)
    columns = stages()
    totals: dict[int, dict[str, Any]] = {
        row["stage_id"]: dict(row)
        for row in base.order_by()
        .values("stage_id")
        .annotate(count=Count("id"), total=Sum("amount"), weighted=Sum(WEIGHTED))
    }
    # The nearest closes first, at most BOARD_CARDS_PER_STAGE a column, in one query.
    ranked = base.annotate(
        rank=Window(
            RowNumber(),
            partition_by=F("stage_id"),
            order_by=[F("expected_close").asc(nulls_last=True), F("id").asc()],
        )
    ).filter(rank__lte=BOARD_CARDS_PER_STAGE)
    cards: dict[int, list[Opportunity]] = {column.pk: [] for column in columns}
    for card in ranked.order_by(F("expected_close").asc(nulls_last=True), "id"):
        cards.setdefault(card.stage_id, []).append(card)
    return [
        BoardColumn(
            stage=column,
            cards=cards.get(column.pk, []),
            count=totals.get(column.pk, {}).get("count", 0),
            amount=totals.get(column.pk, {}).get("total") or Decimal(0),
            weighted=Decimal(totals.get(column.pk, {}).get("weighted") or 0).quantize(
                Decimal("0.01")
            ),
        )
        for column in columns
    ]


def visible_activities(actor: User) -> QuerySet[Activity]:
    require_perm(actor, "sales.view_activity")
    return scope_queryset(Activity.objects.all(), actor, owner_field="assignee")


def activity_for_update(*, actor: User, pk: int) -> Activity:
    """One activity locked for a change; refused when ``actor`` may not see it."""
    found = visible_activities(actor).select_related("assignee")
    return locked(
        found, pk, field="activity", refusal=_("This activity is outside your data scope.")
    )


def activity_list(*, actor: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Activity]:
    """The activities ``actor`` may see that match ``filters``, soonest first."""
    found = visible_activities(actor).select_related("assignee", "customer", "opportunity")
    chosen = ActivityFilterSet(filters, actor=actor, queryset=found)
    return filtered(chosen).order_by("due_at", "id")


def activity_get(*, actor: User, pk: int) -> Activity:
    found = activity_list(actor=actor).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such activity."))
    return found


def my_day(*, actor: User, today: date | None = None) -> dict[str, list[Activity]]:
    """The actor's open activities: overdue, due today, and the next seven days."""
    today = today or timezone.localdate()
    start, tomorrow = day_start(today), day_start(today + timedelta(days=1))
    mine = activity_list(actor=actor, filters={"assignee": actor.pk, "done": False})
    now = timezone.now()
    return {
        "overdue": list(mine.filter(due_at__lt=min(now, tomorrow))[:100]),
        "today": list(mine.filter(due_at__gte=max(now, start), due_at__lt=tomorrow)),
        "upcoming": list(
            mine.filter(due_at__gte=tomorrow, due_at__lt=day_start(today + timedelta(days=8)))[:100]
        ),
        "done_today": list(
            activity_list(actor=actor, filters={"assignee": actor.pk, "done": True}).filter(
                done_at__gte=start
            )
        ),
    }


def month_activities(*, actor: User, year: int, month: int, assignee: int | None) -> list[Activity]:
    """Activities due in one month (with the days of the weeks around it), for the calendar."""
    first = date(year, month, 1)
    start = first - timedelta(days=first.weekday())
    end = start + timedelta(days=42)
    return list(
        activity_list(
            actor=actor,
            filters={
                "assignee": assignee,
                "due_from": day_start(start),
                "due_to": day_start(end),
            },
        )[:2000]
    )


def feed_user(token: str) -> User | None:
    """The user a calendar feed address belongs to, or None for an unknown or revoked one."""
    feed = CalendarFeed.objects.select_related("user").filter(token_hash=hash_token(token)).first()
    if feed is None or not feed.user.is_active:
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    return feed.user


def feed_activities(user: User) -> QuerySet[Activity]:
    since = timezone.now() - timedelta(days=60)
    return (
        Activity.objects.filter(assignee=user, due_at__gte=since)
        .select_related("customer", "opportunity")
        .order_by("due_at")[:1000]
    )


def customer_opportunities(*, actor: User, customer: Customer) -> QuerySet[Opportunity]:
    return opportunity_list(actor=actor, filters={"customer": customer.pk})


# --- The funnel -------------------------------------------------------------------------------


def _ratio(part: int | Decimal, whole: int | Decimal) -> float | None:
    return round(float(part) / float(whole) * 100, 1) if whole else None


def funnel(*, actor: User, period: Period) -> dict[str, Any]:
    """The sales figures for opportunities created in ``period`` in the actor's data scope.

    - stages: how many reached each stage (or a later one), and the conversion from the one
      before;
    - lead conversion: won / created; win rate: won / (won + lost) of those closed in the
      period; sales cycle: average days from creation to winning, for those won in the period;
    - forecast: the weighted value of open opportunities by expected month of closing;
    - top reps: by amount won in the period.
    """
    scoped = visible_opportunities(actor)
    created = scoped.filter(created_at__gte=period.start_at, created_at__lt=period.end_at)
    columns = stages(include_inactive=True)
    # An opportunity reached stage i if its history has any stage from i on: counted in the
    # database, one query for all the stages.
    history = OpportunityPeriod.objects.filter(opportunity__in=created.values("pk"))
    reach = history.aggregate(
        **{
            f"from_{index}": Count(
                "opportunity", distinct=True, filter=Q(stage__in=[s.pk for s in columns[index:]])
            )
            for index in range(len(columns))
        }
    )
    reached = [reach[f"from_{index}"] for index in range(len(columns))]
    stage_rows = []
    for index, stage in enumerate(columns):
        if not stage.active and not reached[index]:
            continue
        previous = reached[index - 1] if index else None
        stage_rows.append(
            {
                "stage": stage.label,
                "reached": reached[index],
                "conversion": _ratio(reached[index], previous) if previous is not None else None,
            }
        )
    counts = created.aggregate(
        total=Count("id"),
        won=Count("id", filter=Q(status=Opportunity.Status.SUCCESS)),
    )
    closed = scoped.filter(closed_at__gte=period.start_at, closed_at__lt=period.end_at)
    closed_counts = closed.aggregate(
        won=Count("id", filter=Q(status=Opportunity.Status.SUCCESS)),
        lost=Count("id", filter=Q(status=Opportunity.Status.FAILED)),
        won_amount=Sum("amount", filter=Q(status=Opportunity.Status.SUCCESS)),
        cycle=Avg(F("closed_at") - F("created_at"), filter=Q(status=Opportunity.Status.SUCCESS)),
    )
    cycle = closed_counts["cycle"]
    if cycle is not None and not isinstance(cycle, timedelta):  # SQLite answers microseconds
        cycle = timedelta(microseconds=float(cycle))
    open_ = scoped.filter(status__in=Opportunity.OPEN)
    pipeline = open_.aggregate(weighted=Sum(WEIGHTED), total=Sum("amount"), count=Count("id"))
    forecast = [
        {
            "month": row["month"].strftime("%Y-%m"),
            "weighted": str((row["weighted"] or Decimal(0)).quantize(Decimal("0.01"))),
            "amount": str(row["total"] or Decimal(0)),
        }
        for row in open_.filter(expected_close__isnull=False)
        .annotate(month=TruncMonth("expected_close"))
        .values("month")
        .annotate(weighted=Sum(WEIGHTED), total=Sum("amount"))
        .order_by("month")[:24]
    ]
    top = [
        {
            "assignee": row["assignee_id"],
            "name": "",
            "won": row["won"],
            "amount": str(row["amount"] or Decimal(0)),
        }
        for row in closed.filter(status=Opportunity.Status.SUCCESS, assignee__isnull=False)
        .values("assignee_id")
        .annotate(won=Count("id"), amount=Sum("amount"))
        .order_by("-amount")[:10]
    ]
    names = {
        user.pk: str(user) for user in User.objects.filter(pk__in=[r["assignee"] for r in top])
    }
    for row in top:
        row["name"] = names.get(row["assignee"], "")
    lost = [
        {"reason": row["lost_reason"], "count": row["count"]}
        for row in closed.filter(status=Opportunity.Status.FAILED)
        .values("lost_reason")
        .annotate(count=Count("id"))
        .order_by("-count")
    ]
    return {
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "created": counts["total"],
        "won": closed_counts["won"],
        "lost": closed_counts["lost"],
        "won_amount": str(closed_counts["won_amount"] or Decimal(0)),
        "lead_conversion_rate": _ratio(counts["won"], counts["total"]),
        "win_rate": _ratio(closed_counts["won"], closed_counts["won"] + closed_counts["lost"]),
        "average_cycle_days": round(cycle.total_seconds() / 86400, 1) if cycle else None,
        "open_count": pipeline["count"],
        "pipeline_amount": str(pipeline["total"] or Decimal(0)),
        "weighted_pipeline": str((pipeline["weighted"] or Decimal(0)).quantize(Decimal("0.01"))),
        "stages": stage_rows,
        "forecast": forecast,
        "top_reps": top,
        "lost_reasons": lost,
    }


def setup_teams(*, actor: User) -> QuerySet[Team]:
    """The teams whose sales set-up ``actor`` keeps: every team for administrators, else their
    own (a supervisor's)."""
    require_perm(actor, "sales.manage_pipeline")
    teams = Team.objects.order_by("name")
    if actor.role != Role.ADMINISTRATOR:
        teams = teams.filter(pk=actor.team_id or 0)
    return teams


def setup_team_get(*, actor: User, pk: int) -> Team:
    team = setup_teams(actor=actor).filter(pk=pk).first()
    if team is None:
        raise Http404(_("No such team."))
    return team


def assignment_rules(*, actor: User) -> QuerySet[AssignmentRule]:
    """The assignment rules of the teams ``actor`` sets up, with their targets."""
    return (
        AssignmentRule.objects.filter(team__in=setup_teams(actor=actor))
        .select_related("team")
        .prefetch_related(Prefetch("targets", AssignmentTarget.objects.select_related("user")))
        .order_by("team__name")
    )
