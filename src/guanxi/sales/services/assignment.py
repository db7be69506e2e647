"""The rules that give a team's new leads an owner: round robin, or by region or industry."""

from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.accounts.models import Team, User
from guanxi.core.audit import audit_create, audit_update, snapshot
from guanxi.core.dictionary import DictionaryLookup
from guanxi.core.errors import field_error, require_perm, require_write
from guanxi.core.notifications import in_language_of, notify
from guanxi.core.roles import Role
from guanxi.sales.models import AssignmentRule, AssignmentTarget, Opportunity
from guanxi.sales.services.periods import open_period


def check_own_team(actor: User, team: Team) -> None:
    """A supervisor sets up their own team; administrators any."""
    if actor.role != Role.ADMINISTRATOR and team.pk != actor.team_id:
        raise field_error("team", _("You can only set this up for your own team."))


def _members(team: Team) -> list[User]:
    return list(
        User.objects.filter(
            team=team, is_active=True, role__in=[Role.ACCOUNT_MANAGER, Role.SALES_SUPERVISOR]
        ).order_by("pk")
    )


def _next_in_turn(rule: AssignmentRule, members: list[User]) -> User | None:
    if not members:
        return None
    after = rule.last_assignee_id or 0
    later = [member for member in members if member.pk > after]
    return later[0] if later else members[0]


def apply_assignment_rule(opportunity: Opportunity) -> User | None:
    """Assign a new unassigned lead by its team's active rule; returns the chosen member.

    By region or industry, a lead whose value has no target falls back to round robin.
    """
    if opportunity.team_id is None or opportunity.assignee_id is not None:
        return None
    rule = (
        AssignmentRule.objects.select_for_update()
        .filter(team_id=opportunity.team_id, active=True)
        .first()
    )
    if rule is None:
        return None
    members = _members(opportunity.team)  # type: ignore[arg-type]
    chosen: User | None = None
    value = {"region": opportunity.region, "industry": opportunity.industry}.get(rule.method)
    if value:
        target = rule.targets.select_related("user").filter(value=value).first()
        if target and target.user in members:
            chosen = target.user
    if chosen is None:
        chosen = _next_in_turn(rule, members)
        if chosen is None:
            return None
        rule.last_assignee = chosen
        rule.save(update_fields=["last_assignee", "updated_at"])
    opportunity.assignee = chosen
    opportunity.status = Opportunity.Status.ASSIGNED
    opportunity.assigned_at = opportunity.created_at
    opportunity.save(update_fields=["assignee", "status", "assigned_at"])
    open_period(opportunity, None)
    with in_language_of(chosen):
        notify(
            user=chosen,
            title=_("New lead for you: %(name)s") % {"name": opportunity.customer_name},
            body=opportunity.summary,
            url=opportunity.get_absolute_url(),
            key=f"opportunity:{opportunity.pk}:assigned:{chosen.pk}",
        )
    return chosen


@transaction.atomic
def assignment_rule_save(
    *,
    actor: User,
    team: Team,
    method: str,
    active: bool,
    targets: dict[str, User] | None = None,
) -> AssignmentRule:
    """Set a team's rule; ``targets`` maps region or industry codes to members."""
    require_perm(actor, "sales.manage_pipeline")
    require_write(actor)
    check_own_team(actor, team)
    if method not in AssignmentRule.Method.values:
        raise field_error(
            "method",
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": method, "choices": ", ".join(AssignmentRule.Method.values)},
        )
    rule, created = AssignmentRule.objects.get_or_create(team=team, defaults={"method": method})
    before = snapshot(rule)
    rule.method = method
    rule.active = active
    rule.save()
    if targets is not None:
        lookup = DictionaryLookup()
        category = "region" if method == AssignmentRule.Method.REGION else "industry"
        rows = []
        for value, user in targets.items():
            code = lookup.resolve(category, value)
            if code is None:
                raise field_error(
                    "targets", _("“%(value)s” is not in the dictionary.") % {"value": value}
                )
            if user.team_id != team.pk or not user.is_active:
                raise field_error(
                    "targets",
                    _("%(name)s is not an active member of %(team)s.")
                    % {"name": user, "team": team},
                )
            rows.append(AssignmentTarget(rule=rule, value=code, user=user))
        rule.targets.all().delete()
        AssignmentTarget.objects.bulk_create(rows)
    if created:
        audit_create(actor=actor, instance=rule)
    else:
        audit_update(actor=actor, instance=rule, before=before)
    return rule
