"""The customer 360 view: a registry of sections that each module contributes.

A module adds its part of the page and of ``GET /api/v1/customers/{id}/360`` by calling
:func:`register` from its ``AppConfig.ready`` — this file never changes for it. A section's
``build`` returns JSON-safe data (the API sends it as is; the page renders it with the
section's template) and its ``timeline`` returns events for the merged timeline.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts.models import User
from guanxi.core.dictionary import DictionaryLookup
from guanxi.core.models import AuditEntry
from guanxi.core.privacy import masked_fields, shown
from guanxi.customers.models import Customer
from guanxi.customers.selectors import monthly_communications, monthly_targets


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    kind: str
    title: str
    detail: str = ""
    url: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "kind": self.kind,
            "title": self.title,
            "detail": self.detail,
            "url": self.url,
        }


@dataclass(frozen=True)
class Section:
    key: str
    title: str | Promise
    template: str
    order: int
    build: Callable[[Customer, User, DictionaryLookup], dict[str, Any]]
    timeline: Callable[[Customer, User, int], list[TimelineEvent]] | None = None
    # The permission a viewer needs for this section to appear at all.
    permission: str | None = None


SECTIONS: dict[str, Section] = {}
TIMELINE_LIMIT = 30


def register(section: Section) -> None:
    SECTIONS[section.key] = section


def customer_360(*, actor: User, customer: Customer) -> dict[str, Any]:
    """Every section the viewer may see, in order, and one timeline newest first."""
    lookup = DictionaryLookup()
    sections = []
    events: list[TimelineEvent] = []
    for section in sorted(SECTIONS.values(), key=lambda s: s.order):
        if section.permission and not actor.has_perm(section.permission):
            continue
        sections.append(
            {
                "key": section.key,
                "title": str(section.title),
                "template": section.template,
                "data": section.build(customer, actor, lookup),
            }
        )
        if section.timeline is not None:
            events.extend(section.timeline(customer, actor, TIMELINE_LIMIT))
    events.sort(key=lambda event: event.at, reverse=True)
    return {
        "customer": customer,
        "sections": sections,
        "timeline": [event.as_dict() for event in events[:TIMELINE_LIMIT]],
    }


# --- The customer module's own sections -----------------------------------------------------


def _user(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.username, "display_name": user.display_name}


def build_profile(customer: Customer, actor: User, lookup: DictionaryLookup) -> dict[str, Any]:
    labels = {
        field: lookup.label(category, getattr(customer, field))
        for field, category in (
            ("level", "customer_level"),
            ("credit_rating", "credit_rating"),
            ("satisfaction", "satisfaction"),
            ("region", "region"),
            ("industry", "industry"),
            ("source", "source"),
        )
    }
    return {
        "code": customer.code,
        "name": customer.name,
        "kind": customer.get_kind_display(),
        "status": customer.status,
        "status_label": customer.get_status_display(),
        "lifecycle_stage": customer.get_lifecycle_stage_display(),
        "account_manager": _user(customer.account_manager),
        "labels": labels,
        "scale": customer.get_scale_display(),
        "phone": shown(actor, customer, "phone"),
        "email": shown(actor, customer, "email"),
        "website": customer.website,
        "address": shown(actor, customer, "address"),
        "bank_name": customer.bank_name,
        "bank_account": shown(actor, customer, "bank_account"),
        "masked": masked_fields(actor, customer),
        "tags": sorted(tag.name for tag in customer.tags.all()),
    }


def build_contacts(customer: Customer, actor: User, lookup: DictionaryLookup) -> dict[str, Any]:
    contacts = customer.contacts.order_by("-is_primary", "name", "id")
    return {
        "items": [
            {
                "id": c.pk,
                "name": c.name,
                "title": c.title,
                "mobile": shown(actor, c, "mobile"),
                "office_phone": c.office_phone,
                "email": shown(actor, c, "email"),
                "masked": masked_fields(actor, c),
                "is_primary": c.is_primary,
            }
            for c in contacts
        ]
    }


def build_interactions(customer: Customer, actor: User, lookup: DictionaryLookup) -> dict[str, Any]:
    recent = customer.interactions.select_related("contact", "recorded_by")[:10]
    months = monthly_communications(customer=customer)
    return {
        "recent": [
            {
                "id": i.pk,
                "occurred_at": i.occurred_at.isoformat(),
                "channel": lookup.label("channel", i.channel),
                "place": i.place,
                "summary": i.summary,
                "contact": i.contact.name if i.contact else "",
                "effective": i.effective,
                "recorded_by": i.recorded_by.display_name if i.recorded_by else "",
            }
            for i in recent
        ],
        "total": customer.interactions.count(),
        "monthly": [{"month": month, "effective": n} for month, n in months],
        "this_month": months[-1][1],
        "monthly_target": monthly_targets()[customer.level],
        "target_level": lookup.label("customer_level", customer.level),
    }


def interaction_events(customer: Customer, actor: User, limit: int) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            at=i.occurred_at,
            kind="interaction",
            title=i.summary,
            detail=i.place,
            url=reverse("customer-detail", args=[customer.pk]) + "#section-interactions",
        )
        for i in customer.interactions.all()[:limit]
    ]


def _field_label(name: str) -> str:
    try:
        return str(Customer._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
    except FieldDoesNotExist:
        return {"tags": str(_("tags")), "merged_from": str(_("merged from"))}.get(name, name)


def record_events(customer: Customer, actor: User, limit: int) -> list[TimelineEvent]:
    """Creation, changes, archive, merge and reassignment of the record, from the audit trail."""
    entries = AuditEntry.objects.filter(
        model="customers.customer", object_id=str(customer.pk)
    ).select_related("actor")[:limit]
    titles = {
        "create": _("Customer created"),
        "update": _("Customer record changed"),
        "delete": _("Customer deleted"),
    }
    stages = dict(Customer.Lifecycle.choices)
    events = []
    for entry in entries:
        changed = [name for name in entry.changes if name != "version"]
        detail = (
            ", ".join(_field_label(name) for name in changed) if entry.action == "update" else ""
        )
        title = str(titles.get(entry.action, entry.action))
        who = entry.actor.display_name if entry.actor else str(_("System"))
        if entry.action == "update" and "lifecycle_stage" in entry.changes:
            old, new = entry.changes["lifecycle_stage"]
            title = _("Lifecycle stage: %(old)s → %(new)s") % {
                "old": stages.get(old, old),
                "new": stages.get(new, new),
            }
            detail = (entry.changes.get("lifecycle_reason") or ["", ""])[1]
        events.append(
            TimelineEvent(
                at=entry.at,
                kind="record",
                title=title,
                detail=f"{who} · {detail}" if detail else who,
            )
        )
    return events


register(
    Section(
        key="profile",
        title=gettext_lazy("Profile"),
        template="customers/sections/profile.html",
        order=10,
        build=build_profile,
        timeline=record_events,
    )
)
register(
    Section(
        key="contacts",
        title=gettext_lazy("Contacts"),
        template="customers/sections/contacts.html",
        order=20,
        build=build_contacts,
    )
)
register(
    Section(
        key="interactions",
        title=gettext_lazy("Interactions"),
        template="customers/sections/interactions.html",
        order=30,
        build=build_interactions,
        timeline=interaction_events,
    )
)
