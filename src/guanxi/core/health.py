"""What ``/healthz`` reports: the database, the job queue and the workers' last heartbeat."""

from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from guanxi.core.models import WorkerHeartbeat


def _database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # a health check reports any failure rather than raising it
        return {"ok": False, "vendor": connection.vendor, "error": str(error)}
    return {"ok": True, "vendor": connection.vendor}


def _queue() -> dict[str, Any]:
    backend = type(HUEY).__name__
    try:
        pending = HUEY.pending_count()
    except Exception as error:
        return {"ok": False, "backend": backend, "error": str(error)}
    return {"ok": True, "backend": backend, "pending": pending}


def _worker() -> dict[str, Any]:
    try:
        last = WorkerHeartbeat.objects.order_by("-beat_at").first()
    except Exception as error:
        return {"ok": False, "error": str(error)}
    if last is None:
        return {"ok": False, "last_heartbeat": None, "age_seconds": None}
    age = (timezone.now() - last.beat_at).total_seconds()
    return {
        "ok": age <= settings.WORKER_STALE_AFTER,
        "last_heartbeat": last.beat_at.isoformat(),
        "age_seconds": round(age, 1),
        "host": last.name,
    }


def health() -> dict[str, Any]:
    database = _database()
    report = {"database": database, "queue": _queue(), "worker": _worker()}
    parts_ok = all(part["ok"] for part in report.values())
    return {"status": "ok" if parts_ok else "degraded", **report}
