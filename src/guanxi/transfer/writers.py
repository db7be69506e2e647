"""Writing exports: CSV (UTF-8 with BOM, so Excel opens Chinese correctly) or XLSX, streamed.

Neither can carry a formula (formula injection): a CSV cell beginning with = + - @ or a tab is
quoted with ' (the import takes the quote off again), and XLSX text is always a text cell."""

import csv
import os
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

# A cell a spreadsheet would read as a formula (or DDE) when it begins with one of these.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Text a spreadsheet would run as a formula, quoted so it is shown as text (CSV)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def unneutralise(text: str) -> str:
    """The cell an export wrote, as it was before ``neutralise`` (for imports)."""
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    """An XLSX value: numbers as numbers, and text always as text — never a formula."""
    if isinstance(value, Decimal):
        return float(value)
    value = _plain(value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    """CSV text a line at a time, for a streaming HTTP response."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([neutralise(v) for v in header])
    for row in rows:
        yield writer.writerow([neutralise(_plain(v)) for v in row])


def write_file(path: Path, header: list[str], rows: Iterable[list[Any]]) -> int:
    """Write ``rows`` to ``path`` (.csv or .xlsx by its suffix); return the number of rows."""
    count = 0
    if path.suffix.lower() == ".xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append([_xlsx_cell(sheet, v) for v in header])
        for row in rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
            count += 1
        workbook.save(path)
        return count
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([neutralise(v) for v in header])
        for row in rows:
            writer.writerow([neutralise(_plain(v)) for v in row])
            count += 1
    return count


def download(stem: str, header: list[str], rows: Iterable[list[Any]], fmt: str) -> HttpResponseBase:
    """A table as an attachment: XLSX when ``fmt`` is "xlsx", else CSV streamed as it is read."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        # openpyxl's write-only mode streams rows to a temporary file, not to memory.
        descriptor, name = tempfile.mkstemp(suffix=".xlsx")
        os.close(descriptor)
        path = Path(name)
        write_file(path, header, rows)
        response = FileResponse(
            path.open("rb"), as_attachment=True, filename=f"{stem}-{stamp}.xlsx"
        )
        path.unlink()
        return response
    streaming = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    streaming["Content-Disposition"] = f'attachment; filename="{stem}-{stamp}.csv"'
    return streaming
