"""Benchmark: importing customers from CSV, beside the raw database loader in the same run.

The raw loader puts the same rows into a plain table with no checks: ``COPY … FROM STDIN``
on PostgreSQL, ``executemany`` on SQLite. Guanxi's import validates every field, resolves
dictionary labels, derives pinyin, initials and bigrams, checks for duplicates and upserts
by code, all in one transaction. The ratio is Guanxi's rate over the raw loader's. A second
baseline loads the rows the import wrote back into the customers table itself (same columns,
same indexes) with the raw loader: the part of the import's time the database needs whatever
the application does.

    .venv/bin/python bench/generate_customers_csv.py 1000000 /tmp/customers-1m.csv
    GUANXI_DATA_DIR=/tmp/gx-import .venv/bin/python bench/bench_import.py /tmp/customers-1m.csv
    GUANXI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/guanxi_import \\
        .venv/bin/python bench/bench_import.py /tmp/customers-1m.csv
"""

import argparse
import csv
import json
import os
import sys
import time
from itertools import islice
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")
os.environ.setdefault("GUANXI_DATA_DIR", "/tmp/gx-import")
os.environ.setdefault("GUANXI_LOG_LEVEL", "WARNING")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from guanxi.accounts.models import User  # noqa: E402
from guanxi.core.roles import Role  # noqa: E402
from guanxi.customers.models import Customer  # noqa: E402
from guanxi.transfer.engine import ImportOptions  # noqa: E402
from guanxi.transfer.services import import_file  # noqa: E402

RAW_TABLE = "bench_raw_customers"


def empty_customers() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE customers_customer RESTART IDENTITY CASCADE")
        else:
            cursor.execute("DELETE FROM customers_customer_tags")
            cursor.execute("DELETE FROM customers_customer")
        cursor.execute("DELETE FROM core_auditentry WHERE model = 'customers.customer'")


def raw_load(path: Path) -> float:
    """Load the file into a plain table of text columns; return the seconds it took."""
    with path.open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    columns = ", ".join(f"c{i} text" for i in range(len(header)))
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {RAW_TABLE}")
        cursor.execute(f"CREATE TABLE {RAW_TABLE} ({columns})")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with (
                path.open("rb") as source,
                cursor.cursor.copy(
                    f"COPY {RAW_TABLE} FROM STDIN WITH (FORMAT csv, HEADER true)"
                ) as copy,
            ):
                while block := source.read(1 << 20):
                    copy.write(block)
        else:
            marks = ", ".join(["%s"] * len(header))
            with path.open(encoding="utf-8", newline="") as handle:
                reader = csv.reader(handle)
                next(reader)
                while chunk := list(islice(reader, 5000)):
                    cursor.executemany(f"INSERT INTO {RAW_TABLE} VALUES ({marks})", chunk)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {RAW_TABLE}")
    return seconds


def same_table_load() -> float:
    """Empty the customers table and load the rows the import wrote back into it, timed.

    The database doing the import's own writing — the same rows into the same table with the
    same indexes — and nothing else: COPY on PostgreSQL, INSERT … SELECT on SQLite.
    """
    dump = Path(os.environ.get("GUANXI_DATA_DIR", "/tmp")) / "customers.copy"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with (
                dump.open("wb") as target,
                cursor.cursor.copy("COPY customers_customer TO STDOUT") as copy,
            ):
                for block in copy:
                    target.write(block)
        else:
            cursor.execute(f"DROP TABLE IF EXISTS {RAW_TABLE}")
            cursor.execute(f"CREATE TABLE {RAW_TABLE} AS SELECT * FROM customers_customer")
    empty_customers()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with (
                dump.open("rb") as source,
                cursor.cursor.copy("COPY customers_customer FROM STDIN") as copy,
            ):
                while block := source.read(1 << 20):
                    copy.write(block)
        else:
            cursor.execute(f"INSERT INTO customers_customer SELECT * FROM {RAW_TABLE}")
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {RAW_TABLE}")
    dump.unlink(missing_ok=True)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", type=Path)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    admin = User.objects.filter(role=Role.ADMINISTRATOR).first() or User.objects.create(
        username="bench-admin", role=Role.ADMINISTRATOR
    )
    rows = sum(1 for _ in args.csv.open(encoding="utf-8")) - 1
    empty_customers()
    raw_seconds = raw_load(args.csv)
    started = time.perf_counter()
    result = import_file(actor=admin, kind="customers", path=args.csv, options=ImportOptions())
    import_seconds = time.perf_counter() - started
    assert result.created == rows and not result.errors, result.as_dict()["errors"][:3]
    assert Customer.objects.count() == rows
    same_seconds = same_table_load()
    assert Customer.objects.count() == rows
    report = {
        "database": connection.vendor,
        "rows": rows,
        "raw_loader": "COPY" if connection.vendor == "postgresql" else "executemany",
        "raw_seconds": round(raw_seconds, 1),
        "raw_rows_per_s": round(rows / raw_seconds),
        "import_seconds": round(import_seconds, 1),
        "import_rows_per_s": round(rows / import_seconds),
        "ratio": round(raw_seconds / import_seconds, 3),
        "same_table_seconds": round(same_seconds, 1),
        "ratio_to_same_table": round(same_seconds / import_seconds, 3),
        "duplicate_warnings": len(result.warnings),
    }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
