"""Data-subject requests (PIPL art. 44–47, GDPR art. 15–17): find every record of one person
across the apps, hand it over as a ZIP (JSON and CSV), and anonymise or erase it.

A *subject* starts from one contact or one individual customer; its identifiers (names, phone
numbers, e-mail addresses, and the contact and customer ids) are what the apps match on. Each
app registers a finder (:func:`register`, from ``AppConfig.ready``) that returns its
:class:`Holding` s: a queryset of its records of that person, the columns a copy shows, how to
anonymise them, and whether erasing deletes them (a contact) or only anonymises them (an order
kept for the accounts). Core knows no app.

Every request done is logged as a ``PrivacyRequest`` that names the starting record and the
counts, not the person, so it outlives the erasure. Erasing also blanks the audit trail's and
the read audit's copies of the erased values.
"""

import csv
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from guanxi.core.access import record_view
from guanxi.core.audit import json_value
from guanxi.core.errors import field_error, require_perm
from guanxi.core.models import AccessEntry, AuditEntry, PrivacyRequest
from guanxi.core.privacy import record_for

MANAGE = "core.manage_personal_data"
ERASED = "[erased]"


@dataclass
class Subject:
    """One person, as the record a request starts from and what identifies them."""

    instance: models.Model
    label: str
    names: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    contact_ids: set[int] = field(default_factory=set)
    customer_ids: set[int] = field(default_factory=set)

    @property
    def key(self) -> str:
        return self.instance._meta.label_lower


@dataclass
class Holding:
    """One kind of record an app holds about a subject."""

    key: str
    label: str | Promise
    records: models.QuerySet
    columns: list[str]
    # Blanks the personal values of these records; returns how many changed.
    anonymise: Callable[[models.QuerySet], int]
    # Erasing deletes these records (else it anonymises them).
    erasable: bool = False
    order: int = 100


Finder = Callable[[Subject], list[Holding]]
Describer = Callable[[Any], Subject]
FINDERS: list[Finder] = []
DESCRIBERS: dict[str, Describer] = {}


def register(finder: Finder) -> None:
    FINDERS.append(finder)


def describe_with(model_name: str, describer: Describer) -> None:
    """How a subject is read off one kind of starting record (``contact``, ``customer``)."""
    DESCRIBERS[model_name] = describer


def subject_get(*, actor: Any, kind: str, pk: int) -> Subject:
    """The subject that starts from record ``kind``/``pk``, loaded as ``actor`` may see it."""
    require_perm(actor, MANAGE)
    describer = DESCRIBERS.get(kind)
    if describer is None:
        raise field_error("kind", _("A request starts from a contact or a customer."))
    instance = record_for(actor, kind, pk)
    return describer(instance)


def holdings(subject: Subject) -> list[Holding]:
    found = [holding for finder in FINDERS for holding in finder(subject)]
    return sorted(found, key=lambda h: (h.order, h.key))


def summary(subject: Subject) -> list[dict[str, Any]]:
    """Each kind of record held, with how many."""
    return [
        {"key": h.key, "label": str(h.label), "count": h.records.count(), "erasable": h.erasable}
        for h in holdings(subject)
    ]


def _rows(holding: Holding) -> list[dict[str, Any]]:
    return [
        {name: json_value(value) for name, value in row.items()}
        for row in holding.records.order_by("pk").values("pk", *holding.columns)
    ]


def export_zip(*, actor: Any, subject: Subject, request: HttpRequest | None = None) -> bytes:
    """Everything held about the subject: ``subject.json`` and one CSV per kind of record."""
    found = {h.key: (h, _rows(h)) for h in holdings(subject)}
    document = {
        "subject": {"record": subject.key, "id": subject.instance.pk, "name": subject.label},
        "exported_at": timezone.now(),
        "records": {key: rows for key, (_h, rows) in found.items()},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "subject.json",
            json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        )
        for key, (holding, rows) in found.items():
            text = io.StringIO()
            writer = csv.DictWriter(text, fieldnames=["pk", *holding.columns])
            writer.writeheader()
            writer.writerows(rows)
            archive.writestr(f"{key}.csv", "\ufeff" + text.getvalue())
    counts = {key: len(rows) for key, (_h, rows) in found.items()}
    _log(actor, PrivacyRequest.Action.EXPORT, subject, "", counts)
    record_view(actor, subject.instance, request)
    return buffer.getvalue()


def _log(
    actor: Any, action: str, subject: Subject, reason: str, counts: dict[str, int]
) -> PrivacyRequest:
    return PrivacyRequest.objects.create(
        actor=actor,
        action=action,
        subject_model=subject.key,
        subject_id=str(subject.instance.pk),
        reason=reason[:500],
        counts=counts,
    )


def _scrub_trails(model: str, ids: list[str]) -> None:
    """The audit trail and the read audit keep copies of values: blank them for these
    records, keeping that something happened, when and by whom."""
    for entry in AuditEntry.objects.filter(model=model, object_id__in=ids):
        entry.changes = {name: [ERASED, ERASED] for name in entry.changes}
        entry.object_repr = ERASED
        entry.save(update_fields=["changes", "object_repr"])
    AccessEntry.objects.filter(model=model, object_id__in=ids).update(object_repr=ERASED)


@transaction.atomic
def forget(*, actor: Any, subject: Subject, erase: bool, reason: str) -> PrivacyRequest:
    """Anonymise every record of the subject, or erase it: delete what exists only for them
    and anonymise what must be kept. One transaction: all of it or nothing."""
    require_perm(actor, MANAGE)
    reason = reason.strip()
    if not reason:
        raise field_error("reason", _("Say why, for example the person's request and its date."))
    # Every record is found before any is changed: deleting a contact unlinks its
    # interactions, which would then no longer be found as theirs.
    found = []
    for holding in holdings(subject):
        ids = list(holding.records.select_for_update().values_list("pk", flat=True))
        if ids:
            found.append((holding, holding.records.model, ids))
    counts: dict[str, int] = {}
    for holding, model, ids in found:
        _scrub_trails(model._meta.label_lower, [str(pk) for pk in ids])
        if erase and holding.erasable:
            model.objects.filter(pk__in=ids).delete()
        else:
            holding.anonymise(model.objects.filter(pk__in=ids))
        counts[holding.key] = len(ids)
    action = PrivacyRequest.Action.ERASE if erase else PrivacyRequest.Action.ANONYMISE
    return _log(actor, action, subject, reason, counts)


def request_list(*, actor: Any) -> models.QuerySet[PrivacyRequest]:
    require_perm(actor, MANAGE)
    return PrivacyRequest.objects.select_related("actor")
