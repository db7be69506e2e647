"""Streaming readers for CSV and XLSX: one row at a time, with how far into the file we are."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl import load_workbook

SAMPLE_BYTES = 65536


class UnreadableFile(Exception):
    """The file is not a CSV or XLSX file we can read; the message says why."""


@dataclass
class Row:
    number: int  # as a spreadsheet shows it: the header is row 1
    values: list[str]


class TableReader:
    """Header and rows of a CSV (UTF-8, UTF-8 with BOM or GB18030) or XLSX file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.size = path.stat().st_size or 1
        self.header: list[str] = []
        self._position = 0.0
        suffix = path.suffix.lower()
        if suffix in {".xlsx", ".xlsm"}:
            self._rows = self._xlsx_rows()
        elif suffix in {".csv", ".txt"}:
            self._rows = self._csv_rows()
        else:
            raise UnreadableFile(_("Use a .csv or .xlsx file."))
        try:
            first = next(self._rows)
        except StopIteration:
            raise UnreadableFile(_("The file is empty.")) from None
        self.header = [value.strip() for value in first]

    @property
    def fraction(self) -> float:
        """How much of the file has been read, 0 to 1."""
        return min(self._position, 1.0)

    def rows(self) -> Iterator[Row]:
        number = 1
        for values in self._rows:
            number += 1
            if any(value.strip() for value in values):
                yield Row(number, values)
        self._position = 1.0

    def _csv_rows(self) -> Iterator[list[str]]:
        raw = self.path.open("rb")
        sample = raw.read(SAMPLE_BYTES)
        raw.seek(0)
        encoding = "utf-8-sig"
        try:
            sample.decode("utf-8")
        except UnicodeDecodeError as error:
            # A cut multi-byte character at the end of the sample is not an error.
            if error.start < len(sample) - 4:
                encoding = "gb18030"
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        try:
            for values in csv.reader(text):
                self._position = raw.tell() / self.size
                yield values
        except UnicodeDecodeError:
            raise UnreadableFile(
                _("The file is not UTF-8 or GB18030 text; save it as CSV UTF-8.")
            ) from None
        finally:
            text.close()

    def _xlsx_rows(self) -> Iterator[list[str]]:
        try:
            workbook = load_workbook(self.path, read_only=True, data_only=True)
        except Exception:
            raise UnreadableFile(_("The file is not a valid Excel (.xlsx) workbook.")) from None
        try:
            sheet = workbook.worksheets[0]
            total = sheet.max_row or 1
            for index, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                self._position = index / total
                yield [_cell_text(cell) for cell in cells]
        finally:
            workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        text = value.isoformat()  # type: ignore[attr-defined]
        return text[:10] if text.endswith("T00:00:00") else text
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
