"""The bulk path for large loads (imports, demo data): COPY on PostgreSQL, executemany on SQLite.

Rows are tuples in the order of ``fields``; nothing is validated here — callers validate first.
"""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from typing import Any

from django.db import connection, models

SQLITE_CHUNK = 5000


def copy_rows(model: type[models.Model], fields: list[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """Insert ``rows`` into ``model``'s table as fast as the database allows; return the count."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [str(model._meta.get_field(name).column) for name in fields]  # type: ignore[union-attr]
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})"
        iterator = iter(rows)
        while chunk := list(islice(iterator, SQLITE_CHUNK)):
            cursor.executemany(sql, [_sqlite_row(row) for row in chunk])
            count += len(chunk)
    return count


def _sqlite_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    converted = []
    for value in row:
        if isinstance(value, Decimal):
            converted.append(str(value))
        elif isinstance(value, datetime):
            converted.append(str(connection.ops.adapt_datetimefield_value(value)))
        elif isinstance(value, date):
            converted.append(value.isoformat())
        else:
            converted.append(value)
    return tuple(converted)
