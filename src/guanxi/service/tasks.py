"""Periodic service jobs: the SLA sweep every minute, the service mailbox every 2 minutes."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from guanxi.service.mailbox import poll_mailbox
from guanxi.service.services import sla_sweep


@db_periodic_task(crontab(minute="*"))
def sweep_service_levels() -> dict[str, int]:
    result = sla_sweep()
    return {"warnings": result.warnings, "breaches": result.breaches, "next": result.next_level}


@db_periodic_task(crontab(minute="*/2"))
def read_service_mailbox() -> dict[str, int]:
    """New e-mails to the service mailbox become requests (none without GUANXI_IMAP_HOST)."""
    result = poll_mailbox()
    return {"created": result.created, "replies": result.replies, "skipped": result.skipped}
