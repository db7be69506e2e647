"""Starting and running imports from the web UI; exports for files and HTTP responses."""

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.errors import field_error, require_perm
from guanxi.transfer.engine import ImportOptions, ImportResult, run_import
from guanxi.transfer.kinds import KINDS, Kind
from guanxi.transfer.models import ImportJob

ALLOWED_SUFFIXES = {".csv", ".xlsx"}
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


def import_job_start(
    *,
    actor: User,
    kind: str,
    upload: UploadedFile,
    dry_run: bool = False,
    skip_bad_rows: bool = False,
    create_missing_customers: bool = False,
) -> ImportJob:
    """Store the uploaded file and queue its import; the page follows the job's progress."""
    chosen = kind_for(kind)
    if not actor.has_perm("transfer.import_data") or not actor.has_perm(chosen.importer.permission):
        raise PermissionDenied(_("You do not have permission to import this kind of data."))
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise field_error("file", _("Use a .csv or .xlsx file."))
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / f"{uuid.uuid4().hex}{suffix}"
    with stored.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    job = ImportJob.objects.create(
        kind=kind,
        file_name=(upload.name or stored.name)[:255],
        stored_path=str(stored),
        dry_run=dry_run,
        skip_bad_rows=skip_bad_rows,
        create_missing_customers=create_missing_customers,
        started_by=actor,
    )
    from guanxi.transfer.tasks import run_import_job

    transaction.on_commit(lambda: run_import_job(job.pk))
    return job


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
