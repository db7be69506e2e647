"""The bulk path for large loads (imports, demo data): COPY on PostgreSQL, executemany on SQLite.

Rows are tuples in the order of ``fields``; nothing is validated here — callers validate first.
"""

from collections.abc import Callable, Iterable
from datetime import date, datetime
from itertools import islice
from typing import Any

from django.db import connection, models

SQLITE_CHUNK = 5000


def _sqlite_converter(field: Any) -> Callable[[Any], Any] | None:
    """How a Python value of this field becomes what Django would store in SQLite."""
    if isinstance(field, models.DecimalField):
        return lambda value: None if value is None else str(value)
    if isinstance(field, models.DateTimeField):
        return lambda value: (
            value
            if not isinstance(value, datetime)
            else connection.ops.adapt_datetimefield_value(value)
        )
    if isinstance(field, models.DateField):
        return lambda value: value.isoformat() if isinstance(value, date) else value
    return None


def copy_rows(model: type[models.Model], fields: list[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """Insert ``rows`` into ``model``'s table as fast as the database allows; return the count."""
    table = connection.ops.quote_name(model._meta.db_table)
    model_fields = [model._meta.get_field(name) for name in fields]
    columns = [str(field.column) for field in model_fields]  # type: ignore[union-attr]
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
        converters = [(i, c) for i, f in enumerate(model_fields) if (c := _sqlite_converter(f))]
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})"
        iterator = iter(rows)
        while chunk := list(islice(iterator, SQLITE_CHUNK)):
            if converters:
                converted = []
                for row in chunk:
                    values = list(row)
                    for index, convert in converters:
                        values[index] = convert(values[index])
                    converted.append(values)
                cursor.executemany(sql, converted)
            else:
                cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


def insert_fields(model: type[models.Model]) -> list[str]:
    """The names of the columns a bulk insert of ``model`` fills (all but the primary key)."""
    return [f.name for f in model._meta.concrete_fields if not f.primary_key]


def field_defaults(model: type[models.Model]) -> dict[str, Any]:
    """Each column's Python-side default, for rows built without model instances."""
    return {f.name: f.get_default() for f in model._meta.concrete_fields if not f.primary_key}
