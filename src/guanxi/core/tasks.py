"""Periodic jobs of the core: the worker heartbeat that ``/healthz`` reads, the nightly backup."""

import socket
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from guanxi.core.access import purge_access
from guanxi.core.backup import scheduled_backup
from guanxi.core.models import WorkerHeartbeat


def record_heartbeat() -> WorkerHeartbeat:
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(
        name=socket.gethostname(), defaults={"beat_at": timezone.now()}
    )
    return heartbeat


@db_periodic_task(crontab(minute="*"))
def heartbeat() -> None:
    record_heartbeat()


@db_periodic_task(crontab(hour=str(settings.BACKUP_HOUR), minute="15"))
def nightly_backup() -> None:
    """With ``GUANXI_BACKUP_DIR`` set, a backup every night; the newest ``BACKUP_KEEP`` stay."""
    if settings.BACKUP_DIR:
        scheduled_backup(Path(settings.BACKUP_DIR), settings.BACKUP_KEEP)


@db_periodic_task(crontab(hour="3", minute="40"))
def purge_old_access_entries() -> None:
    """The read audit keeps ``ACCESS_LOG_DAYS`` days."""
    purge_access()
