"""The read audit (查看记录): who opened which customer, contact or 360 page, and every export
(what, how many rows, with which filters). Apps call these from their views and API; the
administrators search it on *Audit trail → Who saw*."""

from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from guanxi.core.models import AccessEntry
from guanxi.core.ratelimit import client_address


def record_view(actor: Any, instance: models.Model, request: HttpRequest | None = None) -> None:
    """``actor`` opened ``instance``'s page (or read it through the API)."""
    AccessEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=AccessEntry.Action.VIEW,
        model=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        address=client_address(request) if request is not None else "",
    )


def record_reveal(
    actor: Any, instance: models.Model, fields: list[str], request: HttpRequest | None = None
) -> None:
    """``actor`` asked to see ``instance``'s masked personal ``fields``."""
    AccessEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=AccessEntry.Action.REVEAL,
        model=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        detail=", ".join(fields)[:500],
        address=client_address(request) if request is not None else "",
    )


def recorded_export(
    actor: Any,
    kind: str,
    rows: Iterable[list[Any]],
    *,
    detail: str = "",
    request: HttpRequest | None = None,
) -> Iterator[list[Any]]:
    """The rows of an export, recorded with their number once the last one is written."""
    count = 0
    try:
        for row in rows:
            count += 1
            yield row
    finally:
        AccessEntry.objects.create(
            actor=actor if getattr(actor, "pk", None) else None,
            action=AccessEntry.Action.EXPORT,
            model=kind,
            rows=count,
            detail=detail[:500],
            address=client_address(request) if request is not None else "",
        )


def purge_access(now: Any = None) -> int:
    """Forget entries older than ``ACCESS_LOG_DAYS`` days (the nightly job)."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.ACCESS_LOG_DAYS)
    deleted, _ = AccessEntry.objects.filter(at__lt=cutoff).delete()
    return deleted
