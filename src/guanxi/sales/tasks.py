"""Periodic sales jobs: activity reminders, every minute."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from guanxi.sales.services import send_due_reminders


@db_periodic_task(crontab(minute="*"))
def remind_activities() -> int:
    return send_due_reminders()
