"""The desk's set-up: SLA policies, business calendars and their days, settings, intake forms."""

import itertools
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from guanxi.accounts.models import Team, User
from guanxi.core import validators
from guanxi.core.audit import audit_delete, audit_note, audit_saved, audit_update, snapshot
from guanxi.core.dictionary import DictionaryLookup
from guanxi.core.errors import field_error, require_perm, require_write
from guanxi.core.ratelimit import RateLimited, within_limit
from guanxi.core.validation import clean_values
from guanxi.customers.models import Contact, Customer
from guanxi.service.calendar import parse_clock
from guanxi.service.models import (
    BusinessCalendar,
    CalendarDay,
    IntakeForm,
    Priority,
    ServiceRequest,
    ServiceSettings,
    SlaPolicy,
)
from guanxi.service.services.requests import service_request_create

MANAGE = "service.manage_service"
# The longest time limit or escalation delay a policy may set: a year, in minutes.
MAX_MINUTES = 366 * 24 * 60
# A visitor (by IP address) may send this many requests per form in RATE_WINDOW seconds.
RATE_LIMIT = 5
RATE_WINDOW = 3600


def _require_manager(actor: User) -> None:
    require_perm(actor, MANAGE)
    require_write(actor)


def parse_working_hours(value: Any) -> list[list[str]]:
    """ "09:00-12:00, 13:00-18:00" (or a list of pairs) as sorted, non-overlapping pairs."""
    if isinstance(value, str):
        parts = [part.strip() for part in value.replace("，", ",").split(",") if part.strip()]
        pairs = [part.replace("–", "-").split("-") for part in parts]
    else:
        pairs = [list(pair) for pair in value or []]
    message = _("Write working hours as 09:00-12:00, 13:00-18:00.")
    if not pairs:
        raise ValidationError(message)
    spans = []
    for pair in pairs:
        if len(pair) != 2:
            raise ValidationError(message)
        try:
            start, end = parse_clock(str(pair[0])), parse_clock(str(pair[1]))
        except ValueError:
            raise ValidationError(message) from None
        if end <= start:
            raise ValidationError(
                _("%(start)s–%(end)s ends before it starts.")
                % {"start": pair[0].strip(), "end": pair[1].strip()}
            )
        spans.append((start, end))
    spans.sort()
    for (_s1, end1), (start2, _e2) in itertools.pairwise(spans):
        if start2 < end1:
            raise ValidationError(_("Working hours overlap."))
    return [
        [f"{s // 3600:02d}:{s % 3600 // 60:02d}", f"{e // 3600:02d}:{e % 3600 // 60:02d}"]
        for s, e in spans
    ]


def _clean_calendar(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    if "name" in values:
        cleaned["name"] = validators.clean_text(values["name"], 100)
        if not cleaned["name"]:
            errors["name"] = [_("This field is required.")]
    if "time_zone" in values:
        zone = validators.clean_text(values["time_zone"]) or "Asia/Shanghai"
        try:
            ZoneInfo(zone)
            cleaned["time_zone"] = zone
        except (ZoneInfoNotFoundError, ValueError):
            errors["time_zone"] = [_("“%(zone)s” is not a known time zone.") % {"zone": zone}]
    if "working_hours" in values:
        try:
            cleaned["working_hours"] = parse_working_hours(values["working_hours"])
        except ValidationError as error:
            errors["working_hours"] = error.messages
    if "days_off" in values:
        days = sorted({int(day) for day in values["days_off"] or []})
        if any(not 0 <= day <= 6 for day in days):
            errors["days_off"] = [_("Days off are weekday numbers from 0 (Monday) to 6.")]
        elif len(days) == 7:
            errors["days_off"] = [_("A calendar needs at least one working day a week.")]
        cleaned["days_off"] = days
    if "is_default" in values:
        cleaned["is_default"] = bool(values["is_default"])
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def business_calendar_save(
    *, actor: User, calendar: BusinessCalendar | None = None, **values: Any
) -> BusinessCalendar:
    _require_manager(actor)
    cleaned = _clean_calendar(values)
    name = cleaned.get("name")
    clash = BusinessCalendar.objects.filter(name=name)
    if calendar is not None:
        clash = clash.exclude(pk=calendar.pk)
    if name and clash.exists():
        raise field_error("name", _("A calendar with this name already exists."))
    before = snapshot(calendar) if calendar else None
    calendar = calendar or BusinessCalendar()
    for field, value in cleaned.items():
        setattr(calendar, field, value)
    calendar.save()
    if calendar.is_default:
        BusinessCalendar.objects.exclude(pk=calendar.pk).update(is_default=False)
    audit_saved(actor=actor, instance=calendar, before=before)
    return calendar


@transaction.atomic
def calendar_day_save(
    *, actor: User, calendar: BusinessCalendar, day: date, kind: str, name: str = ""
) -> CalendarDay:
    """Mark a date a holiday or a make-up working day (replacing what the date was)."""
    _require_manager(actor)
    if kind not in CalendarDay.Kind.values:
        raise field_error("kind", _("Choose holiday or make-up working day."))
    saved, _created = CalendarDay.objects.update_or_create(
        calendar=calendar,
        date=day,
        defaults={"kind": kind, "name": validators.clean_text(name, 100)},
    )
    calendar.save(update_fields=["updated_at"])  # built calendars are cached by updated_at
    audit_note(actor=actor, instance=calendar, field="days", before=None, after=f"{day} {kind}")
    return saved


@transaction.atomic
def calendar_day_delete(*, actor: User, day: CalendarDay) -> None:
    _require_manager(actor)
    calendar = day.calendar
    audit_delete(actor=actor, instance=day)
    day.delete()
    calendar.save(update_fields=["updated_at"])


def _clean_policy(values: dict[str, Any]) -> dict[str, Any]:
    lookup = DictionaryLookup()
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}

    def check(field: str, clean: Any) -> None:
        if field not in values:
            return
        try:
            cleaned[field] = clean(values[field])
        except ValidationError as error:
            errors[field] = error.messages

    def minutes(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValidationError(_("Enter a whole number of minutes, at least 1."))
        if value > MAX_MINUTES:
            raise ValidationError(_("At most 527,040 minutes (a year)."))
        return value

    def percent(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 99:
            raise ValidationError(_("Enter a whole number from 1 to 99."))
        return value

    def priority(value: Any) -> str:
        text = validators.clean_text(value)
        if text and text not in Priority.values:
            raise ValidationError(
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": text, "choices": ", ".join(Priority.values)}
            )
        return text

    def rank(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 32767:
            raise ValidationError(_("Enter a whole number from 0 to 32767."))
        return value

    def name(value: Any) -> str:
        text = validators.clean_text(value, 100)
        if not text:
            raise ValidationError(_("This field is required."))
        return text

    check("name", name)
    check("rank", rank)
    check("service_type", lambda v: lookup.code("service_type", v))
    check("priority", priority)
    check("customer_level", lambda v: lookup.code("customer_level", v))
    check("first_response_minutes", minutes)
    check("resolution_minutes", minutes)
    check("warn_percent", percent)
    check("escalate_after_minutes", minutes)
    for field in ("active",):
        if field in values:
            cleaned[field] = bool(values[field])
    first = cleaned.get("first_response_minutes")
    resolution = cleaned.get("resolution_minutes")
    if first and resolution and resolution < first and "resolution_minutes" not in errors:
        errors["resolution_minutes"] = [_("Resolution cannot be due before the first response.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def sla_policy_save(
    *,
    actor: User,
    policy: SlaPolicy | None = None,
    calendar: BusinessCalendar | None = None,
    next_level: Any = ...,
    **values: Any,
) -> SlaPolicy:
    """Create or change a policy; requests logged afterwards use it (running clocks keep theirs)."""
    _require_manager(actor)
    missing = {}
    if policy is None:
        missing = {
            field: [_("This field is required.")]
            for field in ("name", "first_response_minutes", "resolution_minutes")
            if values.get(field) in (None, "")
        }
    try:
        cleaned = _clean_policy({k: v for k, v in values.items() if k not in missing})
    except ValidationError as error:
        raise ValidationError({**missing, **error.message_dict}) from None
    if missing:
        raise ValidationError(missing)
    before = snapshot(policy) if policy else None
    policy = policy or SlaPolicy()
    for field, value in cleaned.items():
        setattr(policy, field, value)
    if policy.resolution_minutes < policy.first_response_minutes:
        raise field_error(
            "resolution_minutes", _("Resolution cannot be due before the first response.")
        )
    if calendar is not None:
        policy.calendar = calendar
    elif policy.calendar_id is None:
        default = BusinessCalendar.objects.order_by("-is_default", "pk").first()
        if default is None:
            raise field_error("calendar", _("Set up a business calendar first."))
        policy.calendar = default
    if next_level is not ...:
        if next_level is not None and not next_level.is_active:
            raise field_error("next_level", _("%(name)s is inactive.") % {"name": next_level})
        policy.next_level = next_level
    policy.save()
    audit_saved(actor=actor, instance=policy, before=before)
    return policy


@transaction.atomic
def service_settings_save(
    *, actor: User, callback_percent: int, callback_after_days: int, default_team: Team | None
) -> ServiceSettings:
    _require_manager(actor)
    errors = {}
    if not 0 <= callback_percent <= 100:
        errors["callback_percent"] = [_("Enter a whole number from 0 to 100.")]
    if not 0 <= callback_after_days <= 60:
        errors["callback_after_days"] = [_("Enter a whole number of days from 0 to 60.")]
    if errors:
        raise ValidationError(errors)
    found = ServiceSettings.load()
    before = snapshot(found)
    found.callback_percent = callback_percent
    found.callback_after_days = callback_after_days
    found.default_team = default_team
    found.save()
    audit_update(actor=actor, instance=found, before=before)
    return found


@transaction.atomic
def intake_form_save(*, actor: User, form: IntakeForm | None = None, **values: Any) -> IntakeForm:
    _require_manager(actor)
    before = snapshot(form) if form else None
    form = form or IntakeForm()
    name = validators.clean_text(values.get("name", form.name), 100)
    if not name:
        raise field_error("name", _("This field is required."))
    form.name = name
    if values.get("service_type"):
        form.service_type = DictionaryLookup().code("service_type", values["service_type"])
    if values.get("team") is not None:
        form.team = values["team"]
    if "active" in values:
        form.active = bool(values["active"])
    if form.team_id is None:
        raise field_error("team", _("This field is required."))
    form.save()
    audit_saved(actor=actor, instance=form, before=before)
    return form


def match_customer(phone: str, email: str) -> tuple[Customer | None, Contact | None]:
    """A visitor known by phone or e-mail is linked to their customer."""
    for field, value in (("mobile", phone), ("office_phone", phone), ("email", email)):
        if not value:
            continue
        contact = (
            Contact.objects.filter(**{field: value}, customer__archived_at__isnull=True)
            .select_related("customer")
            .first()
        )
        if contact is not None:
            return contact.customer, contact
    for field, value in (("phone", phone), ("email", email)):
        if value:
            customer = Customer.objects.filter(**{field: value}, archived_at__isnull=True).first()
            if customer is not None:
                return customer, None
    return None, None


@transaction.atomic
def intake_submit(*, form: IntakeForm, values: dict[str, Any], address: str) -> ServiceRequest:
    """A visitor's request through a public form joins the form's team queue."""

    if not form.active:
        raise field_error("form", _("This form no longer takes requests."))
    if not within_limit(f"intake:{form.pk}:{address}", limit=RATE_LIMIT, window=RATE_WINDOW):
        raise RateLimited
    given = {
        field: validators.clean_text(values.get(field))
        for field in ("requester_phone", "requester_email")
    }
    if not any(given.values()):
        raise field_error("requester_phone", _("Leave a phone number or an e-mail address."))
    # Matched as stored: the request's own fields normalise them.
    cleaned = clean_values(ServiceRequest, {k: v for k, v in given.items() if v})
    phone = cleaned.get("requester_phone", "")
    email = cleaned.get("requester_email", "")
    customer, contact = match_customer(phone, email)
    request = service_request_create(
        actor=None,
        customer=customer,
        contact=contact,
        team=form.team,
        service_type=values.get("service_type") or form.service_type,
        channel=ServiceRequest.Channel.WEB_FORM,
        summary=values.get("summary", ""),
        details=values.get("details", ""),
        requester_name=values.get("requester_name", ""),
        requester_phone=phone,
        requester_email=email,
    )
    IntakeForm.objects.filter(pk=form.pk).update(submissions=F("submissions") + 1)
    return request
