"""The rules that give a team's new leads an owner: round robin, or by region or industry."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.accounts.models import Team, User
from guanxi.core.audit import audit_create, audit_note, audit_update, snapshot
from guanxi.core.dictionary import DictionaryLookup
from guanxi.core.errors import field_error, require_perm, require_write
from guanxi.core.notifications import in_language_of, notify
from guanxi.core.roles import Role
from guanxi.core.validation import clean_values
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


def target_category(method: str) -> str | None:
    """The dictionary a rule's targets are values of: regions, industries, or none."""
    return {
        AssignmentRule.Method.REGION: "region",
        AssignmentRule.Method.INDUSTRY: "industry",
    }.get(AssignmentRule.Method(method))


def eligible_members(team: Team) -> list[User]:
    """Who may receive the team's leads: its active account managers and supervisors."""
    return _members(team)


@transaction.atomic
def assignment_rule_save(
    *,
    actor: User,
    team: Team,
    method: str,
    active: bool,
    targets: dict[str, User] | None = None,
) -> AssignmentRule:
    """Set a team's rule. By region or industry, ``targets`` maps the dictionary's codes (or
    labels) to members, replacing those set before; a value with no member goes round robin.
    Round robin keeps no targets. Nothing is stored if anything is refused."""
    require_perm(actor, "sales.manage_pipeline")
    require_write(actor)
    check_own_team(actor, team)
    method = clean_values(AssignmentRule, {"method": method})["method"]
    rule = AssignmentRule.objects.select_for_update().filter(team=team).first()
    created = rule is None
    rule = rule or AssignmentRule(team=team)
    before = None if created else snapshot(rule)
    targets_before = [] if created else _target_list(rule)
    rule.method = method
    rule.active = active
    rule.save()
    category = target_category(method)
    if category is None:
        rule.targets.all().delete()
    elif targets is not None:
        rule.targets.all().delete()
        AssignmentTarget.objects.bulk_create(_targets(rule, team, category, targets))
    entry = (
        audit_create(actor=actor, instance=rule)
        if created
        else audit_update(actor=actor, instance=rule, before=before or {})
    )
    targets_after = _target_list(rule)
    if targets_after != targets_before:
        if entry is None:
            entry = audit_note(
                actor=actor,
                instance=rule,
                field="targets",
                before=targets_before,
                after=targets_after,
            )
        else:
            entry.changes["targets"] = [targets_before, targets_after]
            entry.save(update_fields=["changes"])
    return rule


def _target_list(rule: AssignmentRule) -> list[list[Any]]:
    return [[target.value, target.user_id] for target in rule.targets.order_by("value")]


def _targets(
    rule: AssignmentRule, team: Team, category: str, targets: dict[str, User]
) -> list[AssignmentTarget]:
    lookup = DictionaryLookup([category])
    members = {member.pk for member in eligible_members(team)}
    rows: dict[str, AssignmentTarget] = {}
    for value, user in targets.items():
        try:
            code = lookup.code(category, value)
        except ValidationError as error:
            raise field_error("targets", error.messages[0]) from None
        if user.pk not in members:
            raise field_error(
                "targets",
                _("%(name)s is not an active account manager or supervisor of %(team)s.")
                % {"name": user, "team": team},
            )
        rows[code] = AssignmentTarget(rule=rule, value=code, user=user)
    return list(rows.values())
