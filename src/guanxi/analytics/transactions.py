"""Read a transactions file (CSV, or whitespace-separated text) for the CLV model."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np


class TransactionFileError(ValueError):
    """A file the model cannot read; the message names the row and the column."""


@dataclass(frozen=True)
class Transactions:
    customer_ids: list[str]
    days: np.ndarray  # proleptic Gregorian ordinals
    amounts: np.ndarray


def parse_day(text: str) -> int:
    """A date as YYYY-MM-DD or YYYYMMDD, as a day ordinal; ValueError otherwise."""
    text = text.strip()
    layout = "%Y%m%d" if len(text) == 8 and text.isdigit() else "%Y-%m-%d"
    return dt.datetime.strptime(text, layout).date().toordinal()


def read_transactions(
    path: str | Path, *, customer_col: str, date_col: str, amount_col: str
) -> Transactions:
    """Read the three named columns; a header row is required (CSV with commas, semicolons,
    tabs or spaces)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise TransactionFileError(f"{path}: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise TransactionFileError(f"{path}: not UTF-8 text") from error
    lines = text.splitlines()
    if not lines:
        raise TransactionFileError(f"{path}: the file is empty")
    rows = _split(lines)
    header = [name.strip() for name in rows[0]]
    columns = {}
    for option, name in (
        ("--customer-col", customer_col),
        ("--date-col", date_col),
        ("--amount-col", amount_col),
    ):
        if name not in header:
            raise TransactionFileError(
                f"{path}: no column {name!r} ({option}); the header has {', '.join(header)}"
            )
        columns[name] = header.index(name)

    customers: list[str] = []
    days: list[int] = []
    amounts: list[float] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            raise TransactionFileError(
                f"{path}: row {number}: {len(row)} values, the header has {len(header)}"
            )
        customer = row[columns[customer_col]].strip()
        if not customer:
            raise TransactionFileError(f"{path}: row {number}, column {customer_col}: empty")
        try:
            day = parse_day(row[columns[date_col]])
        except ValueError:
            raise TransactionFileError(
                f"{path}: row {number}, column {date_col}: "
                f"{row[columns[date_col]].strip()!r} is not a date (YYYY-MM-DD or YYYYMMDD)"
            ) from None
        raw_amount = row[columns[amount_col]].strip()
        try:
            amount = float(raw_amount.replace(",", ""))
        except ValueError:
            amount = float("nan")
        if not np.isfinite(amount) or amount < 0:
            raise TransactionFileError(
                f"{path}: row {number}, column {amount_col}: "
                f"{raw_amount!r} is not an amount of zero or more"
            )
        customers.append(customer)
        days.append(day)
        amounts.append(amount)
    if not customers:
        raise TransactionFileError(f"{path}: no transactions after the header")
    return Transactions(customers, np.array(days, dtype=np.int64), np.array(amounts))


def _split(lines: list[str]) -> list[list[str]]:
    first = lines[0]
    delimiter = next((mark for mark in (",", ";", "\t") if mark in first), None)
    if delimiter is None:
        return [line.split() for line in lines]
    return list(csv.reader(lines, delimiter=delimiter))
