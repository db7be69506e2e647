"""Leads from outside: public web forms and what a visitor sends through them."""

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
from guanxi.sales.models import LeadForm, Opportunity
from guanxi.sales.services.assignment import check_own_team
from guanxi.sales.services.opportunities import opportunity_create

# A visitor (by IP address) may send this many leads per form in RATE_WINDOW seconds.
RATE_LIMIT = 5
RATE_WINDOW = 3600
# The fields a visitor fills in; the rest of the opportunity is the form's settings.
PUBLIC_FIELDS = ("customer_name", "contact_name", "contact_phone", "contact_email", "description")


def _check_rate(form: LeadForm, address: str) -> None:
    if not within_limit(f"leadform:{form.pk}:{address}", limit=RATE_LIMIT, window=RATE_WINDOW):
        raise RateLimited


@transaction.atomic
def lead_submit(*, form: LeadForm, values: dict[str, Any], address: str) -> Opportunity:
    """A visitor's submission becomes an unassigned opportunity of the form's team."""
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
    check_own_team(actor, team)
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
