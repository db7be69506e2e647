"""A file uploaded on the import page becomes an import job queued for the worker."""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.errors import field_error
from guanxi.transfer.models import ImportJob
from guanxi.transfer.services import kind_for
from guanxi.transfer.tasks import run_import_job

ALLOWED_SUFFIXES = {".csv", ".xlsx"}


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
    transaction.on_commit(lambda: run_import_job(job.pk))
    return job
