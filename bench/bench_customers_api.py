"""Benchmark: customer list, search and 360 through the API on a large book.

Needs the demo data (its own generator): ``guanxi demo --customers 1000000`` makes a million
customers with about eleven orders each. Each case runs ``--runs`` requests in-process through
Django's test client after a warm-up; search and 360 draw a different customer every request.

    export GUANXI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/guanxi_bench
    guanxi migrate && guanxi createadmin --username admin && guanxi demo --customers 1000000
    .venv/bin/python bench/bench_customers_api.py --runs 300
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")
os.environ.setdefault("GUANXI_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("GUANXI_LOG_LEVEL", "WARNING")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from guanxi.accounts.models import User  # noqa: E402
from guanxi.core.roles import Role  # noqa: E402
from guanxi.customers.models import Customer  # noqa: E402
from guanxi.orders.models import Order  # noqa: E402

URL = "/api/v1/customers"


def timed(client: Client, urls: Callable[[], str], runs: int) -> dict[str, float]:
    client.get(urls())  # warm up
    samples = []
    started = time.perf_counter()
    for _ in range(runs):
        url = urls()
        began = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (url, response.content[:200])
    elapsed = time.perf_counter() - started
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 1),
        "p99_ms": round(samples[int(len(samples) * 0.99) - 1], 1),
        "req_per_s": round(runs / elapsed, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    customers = Customer.objects.count()
    orders = Order.objects.count()
    if customers < 1000:
        print("load data first: guanxi demo --customers 1000000", file=sys.stderr)
        return 1
    highest = Customer.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    sample = list(
        Customer.objects.filter(pk__in=[rng.randint(1, highest) for _ in range(3000)]).values_list(
            "pk", "name", "phone", "search_text"
        )
    )

    def pick() -> tuple[int, str, str, str]:
        return rng.choice(sample)

    def two_chars() -> str:
        # A two-character fragment of a real name: city-independent, often rare (刚浩, 丽磊).
        name = pick()[1]
        start = rng.randint(2, 3)
        return name[start : start + 2]

    def initials() -> str:
        return pick()[3].split()[2]

    admin = User.objects.filter(role=Role.ADMINISTRATOR, is_active=True).order_by("pk").first()
    supervisor = User.objects.filter(role=Role.SALES_SUPERVISOR).order_by("pk").first()
    rep = User.objects.filter(role=Role.ACCOUNT_MANAGER).order_by("pk").first()
    assert admin and supervisor and rep
    clients = {}
    for name, user in (("admin", admin), ("supervisor", supervisor), ("rep", rep)):
        clients[name] = Client()
        clients[name].force_login(user)
    cases: dict[str, tuple[str, Callable[[], str]]] = {
        "list, page 1 (all customers)": ("admin", lambda: f"{URL}?page_size=50"),
        "list, supervisor's team": ("supervisor", lambda: f"{URL}?page_size=50"),
        "list, rep's own book, by name": ("rep", lambda: f"{URL}?ordering=name"),
        "list, level+region filter": ("admin", lambda: f"{URL}?level=major&region=beijing"),
        "list, page 200 sorted by name": ("admin", lambda: f"{URL}?page=200&ordering=name"),
        "search, common 2 chars (科技)": ("admin", lambda: f"{URL}?q=科技"),
        "search, random 2 chars of a name": ("admin", lambda: f"{URL}?q={two_chars()}"),
        "search, 4+ chars of a name": ("admin", lambda: f"{URL}?q={pick()[1][2:6]}"),
        "search, pinyin initials": ("admin", lambda: f"{URL}?q={initials()}"),
        "search, phone": ("admin", lambda: f"{URL}?q={pick()[2]}"),
        "search, rep's book, 2 chars": ("rep", lambda: f"{URL}?q={two_chars()}"),
        "360 of a random customer": ("admin", lambda: f"{URL}/{pick()[0]}/360"),
    }
    print(
        json.dumps(
            {"database": connection.vendor, "customers": customers, "orders": orders},
            ensure_ascii=False,
        )
    )
    for name, (who, urls) in cases.items():
        print(
            json.dumps({"case": name, **timed(clients[who], urls, args.runs)}, ensure_ascii=False)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
