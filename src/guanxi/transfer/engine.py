"""Import runs: read a file in batches, validate every row, write in one transaction.

Without ``skip_bad_rows`` one bad row means nothing is written (the transaction is rolled
back, but every row is still checked so the report lists all problems at once). A dry run
does all the work and rolls back, so its counts are exactly what a real run would do.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.transfer.columns import Column, HeaderError, map_header
from guanxi.transfer.readers import TableReader, UnreadableFile
from guanxi.transfer.writers import unneutralise

BATCH_SIZE = 2000
# Errors kept in the report; all of them are counted.
MAX_REPORTED = 10000


@dataclass
class ImportOptions:
    dry_run: bool = False
    skip_bad_rows: bool = False
    create_missing_customers: bool = False


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    error_count: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False

    def add_error(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED:
            self.errors.append({"row": row, "column": column, "message": message})

    def add_warning(self, row: int, column: str, message: str) -> None:
        if len(self.warnings) < MAX_REPORTED:
            self.warnings.append({"row": row, "column": column, "message": message})

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "errors": self.errors,
            "warnings": self.warnings,
            "rows": self.rows,
            "dry_run": self.dry_run,
            "written": self.written,
        }


@dataclass
class ParsedRow:
    number: int
    values: dict[str, str]


class Importer:
    """One kind of record. Subclasses validate a batch and write its good rows."""

    columns: list[Column] = []
    permission = ""

    def __init__(self, actor: User, options: ImportOptions, result: ImportResult) -> None:
        self.actor = actor
        self.options = options
        self.result = result
        # The file's own header for each field, so errors name the column the user sees.
        self.headers: dict[str, str] = {}

    def label(self, field_name: str) -> str:
        if field_name in self.headers:
            return self.headers[field_name]
        for column in self.columns:
            if column.field == field_name:
                return str(column.label)
        return field_name

    def fail(self, row: ParsedRow, field_name: str, message: str) -> None:
        self.result.add_error(row.number, self.label(field_name), message)

    def process(self, rows: list[ParsedRow], *, write: bool) -> int:
        """Validate ``rows``, write the good ones if ``write``; return how many were bad."""
        raise NotImplementedError


ProgressCallback = Callable[[float, ImportResult], None]


def run_import(
    *,
    actor: User,
    importer_class: type[Importer],
    path: Path,
    options: ImportOptions,
    on_progress: ProgressCallback | None = None,
) -> ImportResult:
    result = ImportResult(dry_run=options.dry_run)
    if not actor.has_perm("transfer.import_data") or not actor.has_perm(importer_class.permission):
        raise PermissionDenied(_("You do not have permission to import this kind of data."))
    try:
        reader = TableReader(path)
        positions = map_header(reader.header, importer_class.columns)
    except UnreadableFile as error:
        result.add_error(1, "", str(error))
        return result
    except HeaderError as error:
        for problem in error.errors:
            result.add_error(problem["row"], problem["column"], problem["message"])
        return result
    importer = importer_class(actor, options, result)
    importer.headers = {name: reader.header[index] for name, index in positions.items()}
    used = set(positions.values())
    for index, title in enumerate(reader.header):
        if index not in used and title.strip():
            result.add_warning(1, title, _("This column is not imported; its values are ignored."))

    def flush(batch: list[ParsedRow]) -> None:
        write = options.skip_bad_rows or result.error_count == 0
        bad = importer.process(batch, write=write)
        if options.skip_bad_rows:
            result.skipped += bad

    with transaction.atomic():
        batch: list[ParsedRow] = []
        for row in reader.rows():
            result.rows += 1
            values = {
                name: (unneutralise(row.values[index].strip()) if index < len(row.values) else "")
                for name, index in positions.items()
            }
            batch.append(ParsedRow(row.number, values))
            if len(batch) >= BATCH_SIZE:
                flush(batch)
                batch = []
                if on_progress:
                    on_progress(reader.fraction, result)
        if batch:
            flush(batch)
        failed = result.error_count > 0 and not options.skip_bad_rows
        if options.dry_run or failed:
            transaction.set_rollback(True)
    result.errors.sort(key=lambda error: error["row"])
    result.warnings.sort(key=lambda warning: warning["row"])
    if failed:
        result.created = result.updated = 0
        result.skipped = result.rows
    result.written = not options.dry_run and not failed and result.rows > 0
    if on_progress:
        on_progress(1.0, result)
    return result
