"""Imports started in the web UI run in the job worker, off the request path."""

from huey.contrib.djhuey import db_task

from guanxi.transfer.models import ImportJob
from guanxi.transfer.services import import_job_run


@db_task()
def run_import_job(job_id: int) -> None:
    job = ImportJob.objects.select_related("started_by").filter(pk=job_id).first()
    if job is not None and job.state == ImportJob.State.QUEUED:
        import_job_run(job)
