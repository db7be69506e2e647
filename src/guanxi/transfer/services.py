"""Running imports (the CLI's, and a web upload's in the worker) and checking exports."""

from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.errors import field_error, require_perm
from guanxi.transfer.engine import ImportOptions, ImportResult, run_import
from guanxi.transfer.kinds import KINDS, Kind
from guanxi.transfer.models import ImportJob

PROGRESS_TTL = 24 * 3600
# Progress is saved at most this often (fractions of the file), not on every batch.
PROGRESS_STEP = 1


def progress_key(job_id: int) -> str:
    return f"import-progress:{job_id}"


def import_job_progress(job: ImportJob) -> ImportJob:
    """The job with the progress its worker reported so far filled in."""
    if job.state == ImportJob.State.RUNNING:
        reported = cache.get(progress_key(job.pk))
        if reported is not None:
            job.progress, job.rows = reported
    return job


def kind_for(name: str) -> Kind:
    if name not in KINDS:
        raise field_error(
            "kind",
            _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(KINDS)},
        )
    return KINDS[name]


def check_export(actor: User, kind: Kind) -> None:
    require_perm(actor, "transfer.export_data")
    require_perm(actor, kind.view_permission)


def import_file(
    *,
    actor: User,
    kind: str,
    path: Path,
    options: ImportOptions,
    on_progress: Any = None,
) -> ImportResult:
    """Import one file as ``actor``: the CLI's and the job's way in."""
    chosen = kind_for(kind)
    return run_import(
        actor=actor,
        importer_class=chosen.importer,
        path=path,
        options=options,
        on_progress=on_progress,
    )


def import_job_run(job: ImportJob) -> ImportJob:
    """Run a queued job, saving its progress as it goes (called by the worker)."""
    job.state = ImportJob.State.RUNNING
    job.save(update_fields=["state", "updated_at"])
    last = [-1]

    def progress(fraction: float, result: ImportResult) -> None:
        # The import's own transaction hides its writes until it ends: progress goes through
        # the cache (Redis, or files in the data dir), which the page reads while it runs.
        percent = int(fraction * 100)
        if percent - last[0] >= PROGRESS_STEP:
            last[0] = percent
            cache.set(progress_key(job.pk), (min(percent, 99), result.rows), PROGRESS_TTL)

    try:
        result = import_file(
            actor=job.started_by,
            kind=job.kind,
            path=Path(job.stored_path),
            options=ImportOptions(
                dry_run=job.dry_run,
                skip_bad_rows=job.skip_bad_rows,
                create_missing_customers=job.create_missing_customers,
            ),
            on_progress=progress,
        )
    except Exception as error:  # A job must always end, with the reason shown on its page.
        job.state = ImportJob.State.FAILED
        job.failure = str(error)[:2000]
    else:
        job.state = ImportJob.State.DONE
        job.rows = result.rows
        job.created = result.created
        job.updated = result.updated
        job.skipped = result.skipped
        job.errors = result.errors
        job.warnings = result.warnings
    job.progress = 100
    job.finished_at = timezone.now()
    job.save()
    cache.delete(progress_key(job.pk))
    Path(job.stored_path).unlink(missing_ok=True)
    return job
