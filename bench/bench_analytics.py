"""Benchmark: the nightly analytics and the dashboards at 1,000,000 customers, 10,000,000 orders.

PostgreSQL only. ``--generate`` fills an empty database in SQL (``INSERT … SELECT`` over
``generate_series``, seconds instead of hours through the ORM): the demo's people, then
``--customers`` customers spread over the reps and ``--orders`` orders over three years —
each customer buys at its own rhythm and spend level, and a quarter of them stopped buying at
some point, so there is churn to find. Then it times, in the same run:

- the raw SQL aggregate of the RFM inputs alone (one row per customer), for comparison;
- the full score refresh (the same aggregate, both model fits, scoring, writing every row);
- the daily churn scan (first run opens the warnings; second run finds nothing new);
- the lifecycle derivation (first run moves the stages; second run changes nothing);
- the KPI figures computed afresh for the executive (what the nightly job does ahead);
- server times through Django's test client, after a warm-up: the KPI dashboard page and API,
  the four reports, the RFM segments, the customer list sorted by churn risk, the lifecycle page.

    createdb -h 127.0.0.1 -U postgres guanxi_bench_analytics
    export GUANXI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/guanxi_bench_analytics
    guanxi migrate && guanxi createadmin --username admin --password bench-pass-1
    .venv/bin/python bench/bench_analytics.py --generate --customers 1000000 --orders 10000000
"""

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")
os.environ.setdefault("GUANXI_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("GUANXI_LOG_LEVEL", "WARNING")

import django

django.setup()

from django.db import connection, models, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from guanxi.accounts.models import User  # noqa: E402
from guanxi.analytics.kpis import compute_kpis  # noqa: E402
from guanxi.analytics.lifecycle import lifecycle_scan  # noqa: E402
from guanxi.analytics.services import churn_scan, refresh_scores  # noqa: E402
from guanxi.analytics.services.scores import rfm_rows  # noqa: E402
from guanxi.core.dates import named_period  # noqa: E402
from guanxi.core.roles import Role  # noqa: E402
from guanxi.customers.models import Customer  # noqa: E402
from guanxi.demo.generate import generate as demo  # noqa: E402
from guanxi.orders.models import Order  # noqa: E402


def seconds(action: Callable[[], Any]) -> tuple[float, Any]:
    began = time.perf_counter()
    result = action()
    return round(time.perf_counter() - began, 2), result


def _column_values(model: type[models.Model], given: dict[str, str]) -> tuple[str, str]:
    """Column names and SQL expressions for every column: ``given`` or the field's default."""
    names, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        names.append(connection.ops.quote_name(field.column))
        if field.name in given:
            values.append(given[field.name])
        elif field.null:
            values.append("NULL")
        elif field.has_default() and not callable(field.default):
            values.append(connection.ops.adapt_unknown_value(field.default).__repr__())
        else:
            values.append("''")
    return ", ".join(names), ", ".join(values)


def generate(customers: int, orders: int) -> dict[str, float]:
    demo(customers=0, seed=7, password="bench-pass-1")  # the teams and people
    reps = list(User.objects.filter(role=Role.ACCOUNT_MANAGER).values_list("pk", flat=True))
    timings = {}
    names, values = _column_values(
        Customer,
        {
            "code": "'B' || lpad(g::text, 9, '0')",
            "name": "'基准客户' || g || '有限公司'",
            "name_key": "'基准客户' || g",
            "search_text": "'基准客户' || g",
            "level": "(ARRAY['ordinary','ordinary','key_prospect','major','partner'])[1 + g % 5]",
            "satisfaction": "(1 + g % 5)::text",
            "region": "(ARRAY['beijing','shanghai','guangdong','jiangsu','zhejiang'])[1 + g % 5]",
            "account_manager": f"(ARRAY{reps})[1 + g % {len(reps)}]",
            "kind": "'company'",
            "lifecycle_stage": "'mature'",
            "lifecycle_derived": "'mature'",
            "status": "'normal'",
            "version": "1",
            "created_at": "now() - interval '4 years'",
            "updated_at": "now()",
        },
    )
    table = Customer._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        began = time.perf_counter()
        cursor.execute(
            # No parameters: the expressions use % (modulo), which psycopg would read as one.
            f"INSERT INTO {table} ({names}) SELECT {values} FROM generate_series(1, {customers}) g"
        )
        timings["customers_s"] = round(time.perf_counter() - began, 1)
    first, last = Customer.objects.aggregate(models.Min("pk"), models.Max("pk")).values()
    # Customers with low ids buy more often (orders pick customers with a skewed chance), each
    # has a spend level from its id, and a quarter stopped buying between 0 and 600 days ago.
    # Order dates fall between three years ago and that stop.
    names, values = _column_values(
        Order,
        {
            "number": "'BO' || lpad(g::text, 10, '0')",
            "customer": "c",
            "order_date": "current_date - (stop + floor(random() * (1095 - stop)))::int",
            "status": "'completed'",
            "total": "round(((100 + (c % 50) * 200) * (0.5 + random()))::numeric, 2)",
            "created_at": "now()",
            "updated_at": "now()",
        },
    )
    table = Order._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        began = time.perf_counter()
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SELECT setseed(0.2026)")
        cursor.execute(
            f"""
            INSERT INTO {table} ({names})
            SELECT {values} FROM (
                SELECT g, c, CASE WHEN c % 4 = 0 THEN (c::bigint * 7919) % 600 ELSE 0 END AS stop
                FROM (
                    SELECT g, {first} + floor(power(random(), 1.5) * {last - first + 1})::int AS c
                    FROM generate_series(1, {orders}) g
                ) picked
            ) shaped
            """
        )
        timings["orders_s"] = round(time.perf_counter() - began, 1)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {Customer._meta.db_table}")
        cursor.execute(f"VACUUM ANALYZE {Order._meta.db_table}")
    return timings


def timed(client: Client, url: str, runs: int) -> dict[str, float]:
    response = client.get(url)  # warm up (and fill the KPI figures the nightly job keeps)
    assert response.status_code == 200, (url, response.status_code)
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, url
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[max(0, int(len(samples) * 0.95) - 1)], 1),
    }


def raw_rfm_aggregate() -> int:
    """The SQL alone: the RFM inputs of every customer, fetched."""
    return len(rfm_rows(timezone.localdate()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--generate", action="store_true", help="fill an empty database first")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("bench_analytics: PostgreSQL only (set GUANXI_DATABASE_URL)", file=sys.stderr)
        return 1
    result: dict[str, Any] = {}
    if args.generate:
        result["generate"] = generate(args.customers, args.orders)
    result["customers"] = Customer.objects.count()
    result["orders"] = Order.objects.count()
    result["raw_rfm_aggregate_s"], rows = seconds(raw_rfm_aggregate)
    result["customers_with_orders"] = rows
    result["refresh_scores_s"], refreshed = seconds(refresh_scores)
    result["model"] = {key: refreshed.model[key] for key in ("bgnbd", "gamma_gamma")}
    result["churn_scan_first_s"], scan = seconds(churn_scan)
    result["churn_warnings_opened"] = scan.opened
    result["churn_scan_again_s"], again = seconds(churn_scan)
    assert again.opened == 0
    result["lifecycle_first_s"], stages = seconds(lifecycle_scan)
    result["lifecycle_changed"], result["lifecycle_stages"] = stages.changed, stages.stages
    result["lifecycle_again_s"], again_stages = seconds(lifecycle_scan)
    assert again_stages.changed == 0
    executive = User.objects.filter(role=Role.EXECUTIVE).order_by("pk").first()
    assert executive is not None
    period, _choice = named_period("year")
    result["kpis_fresh_year_s"], _values = seconds(
        lambda: compute_kpis(actor=executive, period=period)
    )
    client = Client()
    client.force_login(executive)
    pages = {
        "dashboard_page": "/analytics/",
        "dashboard_api": "/api/v1/analytics/kpis",
        "report_contribution": "/analytics/reports/contribution/",
        "report_composition": "/analytics/reports/composition/",
        "report_service": "/analytics/reports/service/",
        "report_churn": "/analytics/reports/churn/",
        "segments": "/analytics/segments/",
        "customers_by_churn_risk": "/api/v1/customers?ordering=-churn_risk",
        "churn_warnings": "/analytics/churn/",
        "lifecycle": "/analytics/lifecycle/",
    }
    result["server"] = {}
    for name, url in pages.items():
        runs = args.runs if name.startswith("dashboard") else max(3, args.runs // 4)
        began = time.perf_counter()
        result["server"][name] = timed(client, url, runs)
        result["server"][name]["first_s"] = round(time.perf_counter() - began, 1)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
