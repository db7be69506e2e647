"""Periodic jobs of the core: the worker heartbeat that ``/healthz`` reads."""

import socket

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from guanxi.core.models import WorkerHeartbeat


def record_heartbeat() -> WorkerHeartbeat:
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(
        name=socket.gethostname(), defaults={"beat_at": timezone.now()}
    )
    return heartbeat


@db_periodic_task(crontab(minute="*"))
def heartbeat() -> None:
    record_heartbeat()
