"""Periodic service jobs: the SLA sweep (warnings, breaches, escalations), every minute."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from guanxi.service.services import sla_sweep


@db_periodic_task(crontab(minute="*"))
def sweep_service_levels() -> dict[str, int]:
    result = sla_sweep()
    return {"warnings": result.warnings, "breaches": result.breaches, "next": result.next_level}
