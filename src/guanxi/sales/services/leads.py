"""Leads from outside: public web forms, and the rules that give a team's new leads an owner."""

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from guanxi.accounts.models import Team, User
from guanxi.core.audit import audit_create, audit_update, snapshot
from guanxi.core.dictionary import DictionaryLookup
from guanxi.core.errors import field_error, require_perm, require_write
from guanxi.core.notifications import in_language_of, notify
from guanxi.core.ratelimit import RateLimited, within_limit
from guanxi.core.roles import Role
from guanxi.sales.models import AssignmentRule, AssignmentTarget, LeadForm, Opportunity

# A visitor (by IP address) may send this many leads per form in RATE_WINDOW seconds.
RATE_LIMIT = 5
RATE_WINDOW = 3600
# The fields a visitor fills in; the rest of the opportunity is the form's settings.
PUBLIC_FIELDS = ("customer_name", "contact_name", "contact_phone", "contact_email", "description")


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
    from guanxi.sales.services.opportunities import S, _open_period

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
    opportunity.status = S.ASSIGNED
    opportunity.assigned_at = opportunity.created_at
    opportunity.save(update_fields=["assignee", "status", "assigned_at"])
    _open_period(opportunity, None)
    with in_language_of(chosen):
        notify(
            user=chosen,
            title=_("New lead for you: %(name)s") % {"name": opportunity.customer_name},
            body=opportunity.summary,
            url=opportunity.get_absolute_url(),
            key=f"opportunity:{opportunity.pk}:assigned:{chosen.pk}",
        )
    return chosen


def _check_rate(form: LeadForm, address: str) -> None:
    if not within_limit(f"leadform:{form.pk}:{address}", limit=RATE_LIMIT, window=RATE_WINDOW):
        raise RateLimited


@transaction.atomic
def lead_submit(*, form: LeadForm, values: dict[str, Any], address: str) -> Opportunity:
    """A visitor's submission becomes an unassigned opportunity of the form's team."""
    from guanxi.sales.services.opportunities import opportunity_create

    if not form.active:
        raise field_error("form", _("This form no longer takes submissions."))
    _check_rate(form, address)
    given = {field: values.get(field, "") for field in PUBLIC_FIELDS}
    if not (given["contact_phone"] or given["contact_email"]):
        raise field_error("contact_phone", _("Leave a phone number or an e-mail address."))
    opportunity = opportunity_create(
        actor=None,
        team=form.team,
        source=form.source,
        summary=_("Web form: %(form)s") % {"form": form.name},
        **given,
    )
    LeadForm.objects.filter(pk=form.pk).update(submissions=F("submissions") + 1)
    supervisor = form.team.supervisor
    if opportunity.assignee_id is None and supervisor is not None:
        with in_language_of(supervisor):
            notify(
                user=supervisor,
                title=_("New lead to assign: %(name)s") % {"name": opportunity.customer_name},
                body=opportunity.summary,
                url=opportunity.get_absolute_url(),
                key=f"opportunity:{opportunity.pk}:new",
            )
    return opportunity


def _clean_form(values: dict[str, Any]) -> dict[str, Any]:
    name = (values.get("name") or "").strip()
    if not name:
        raise field_error("name", _("This field is required."))
    cleaned = {
        "name": name[:100],
        "thank_you": (values.get("thank_you") or "").strip()[:300],
        "active": bool(values.get("active", True)),
    }
    if values.get("source"):
        cleaned["source"] = DictionaryLookup().code("source", values["source"])
    return cleaned


@transaction.atomic
def lead_form_save(
    *, actor: User, team: Team, form: LeadForm | None = None, **values: Any
) -> LeadForm:
    """Create or change a lead form; a supervisor's forms feed their own team."""
    require_perm(actor, "sales.manage_pipeline")
    require_write(actor)
    _check_team(actor, team)
    cleaned = _clean_form(values)
    if form is None:
        form = LeadForm.objects.create(team=team, **cleaned)
        audit_create(actor=actor, instance=form)
        return form
    before = snapshot(form)
    for field, value in cleaned.items():
        setattr(form, field, value)
    form.team = team
    form.save()
    audit_update(actor=actor, instance=form, before=before)
    return form


def _check_team(actor: User, team: Team) -> None:
    if actor.role != Role.ADMINISTRATOR and team.pk != actor.team_id:
        raise field_error("team", _("You can only set this up for your own team."))


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
    _check_team(actor, team)
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
