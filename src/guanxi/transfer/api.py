"""Imports and exports: upload a file to import in the job worker and follow it; download what
you may see as CSV or XLSX — the same services as the import page and the export links."""

from datetime import datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from guanxi.accounts.models import User
from guanxi.api.pagination import CappedPageNumberPagination
from guanxi.core.access import recorded_export
from guanxi.core.errors import require_perm
from guanxi.transfer import selectors, services, uploads
from guanxi.transfer.kinds import KINDS
from guanxi.transfer.models import ImportJob
from guanxi.transfer.writers import download

router = Router(tags=["imports and exports"])


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


class ColumnOut(Schema):
    field: str
    label: str
    aliases: list[str]
    required: bool


class KindOut(Schema):
    name: str
    label: str
    columns: list[ColumnOut]


@router.get(
    "/imports/kinds",
    response=list[KindOut],
    summary="What can be imported, and the columns each kind reads (header names accepted)",
)
def import_kinds(request: HttpRequest) -> list[dict[str, Any]]:
    require_perm(_actor(request), "transfer.import_data")
    return [
        {
            "name": kind.name,
            "label": str(kind.label),
            "columns": [
                {
                    "field": column.field,
                    "label": str(column.label),
                    "aliases": list(column.aliases),
                    "required": column.required,
                }
                for column in kind.importer.columns
            ],
        }
        for kind in KINDS.values()
    ]


class ProblemOut(Schema):
    row: int
    column: str
    message: str


class ImportJobOut(Schema):
    id: int
    kind: str
    file_name: str
    dry_run: bool
    skip_bad_rows: bool
    create_missing_customers: bool
    state: str = Field(..., description="queued, running, done or failed")
    progress: int = Field(..., description="Percent of the file read")
    rows: int
    created: int
    updated: int
    skipped: int
    errors: list[ProblemOut]
    warnings: list[ProblemOut]
    failure: str
    started_by: int | None = Field(None, alias="started_by_id")
    created_at: datetime
    finished_at: datetime | None


class ImportIn(Schema):
    kind: Literal["customers", "contacts", "products", "inventory", "orders"]
    dry_run: bool = Field(False, description="Check every row; write nothing")
    skip_bad_rows: bool = Field(False, description="Import the good rows of a file with bad ones")
    create_missing_customers: bool = Field(
        False, description="Orders and contacts: create a customer named in the file but absent"
    )


@router.get(
    "/imports", response=list[ImportJobOut], summary="Your imports (all, for administrators)"
)
@paginate(CappedPageNumberPagination)
def import_list(request: HttpRequest) -> Any:
    actor = _actor(request)
    require_perm(actor, "transfer.import_data")
    return selectors.import_job_list(actor=actor).order_by("-created_at", "-id")


@router.post(
    "/imports",
    response={202: ImportJobOut},
    summary="Upload a .csv or .xlsx file (multipart: `file`, `kind`, options) to import in the "
    "job worker; follow it at GET /imports/{id}",
)
def import_create(
    request: HttpRequest, options: Form[ImportIn], file: File[UploadedFile]
) -> Status:
    job = uploads.import_job_start(actor=_actor(request), upload=file, **options.dict())
    return Status(202, job)


@router.get(
    "/imports/{job_id}",
    response=ImportJobOut,
    summary="One import: its state, progress and, once done, counts, errors and warnings",
)
def import_detail(request: HttpRequest, job_id: int) -> ImportJob:
    actor = _actor(request)
    require_perm(actor, "transfer.import_data")
    return services.import_job_progress(selectors.import_job_get(actor=actor, pk=job_id))


@router.get(
    "/exports/{kind}",
    summary="Download what you may see: customers, contacts, products, inventory or orders, as "
    "format=csv (UTF-8 with BOM) or xlsx; customers take the customer list's filters",
    response={200: None},
)
def export(
    request: HttpRequest, kind: str, format: Literal["csv", "xlsx"] = "csv"
) -> HttpResponseBase:
    chosen = KINDS.get(kind)
    if chosen is None:
        raise Http404(_("Nothing can be exported under that name."))
    actor = _actor(request)
    services.check_export(actor, chosen)
    header, rows = chosen.export(actor, request.GET)
    rows = recorded_export(actor, kind, rows, detail=request.GET.urlencode(), request=request)
    return download(kind, header, rows, format)
