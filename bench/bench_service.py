"""Benchmark: the service desk at scale — queues, the request page, the dashboard, the sweep.

Generates ``--requests`` service requests (its own generator, below) spread over the customers
on file and the last year: most archived, a few percent open with real clocks (due times from
the shipped policies and calendars) — some at risk, some breached. Then it times, in-process
through Django's test client after a warm-up:

- the team queue sorted by due time, the breached queue, the at-risk filter, the default list;
- one request's page data (API detail and history);
- the service dashboard for the year;
- the escalation sweep when nothing is due, and when 1,000 requests have a step due.

    export GUANXI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/guanxi_bench_service
    guanxi migrate && guanxi createadmin --username admin && guanxi demo --customers 100000
    .venv/bin/python bench/bench_service.py --requests 1000000 --runs 200
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")
os.environ.setdefault("GUANXI_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("GUANXI_LOG_LEVEL", "WARNING")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from guanxi.accounts.models import Team, User  # noqa: E402
from guanxi.core.bulk import copy_rows, insert_fields  # noqa: E402
from guanxi.core.dates import named_period  # noqa: E402
from guanxi.core.models import Notification  # noqa: E402
from guanxi.core.roles import Role  # noqa: E402
from guanxi.core.sequences import next_numbers  # noqa: E402
from guanxi.customers.models import Customer  # noqa: E402
from guanxi.service.models import Escalation, ServiceRequest, SlaPolicy  # noqa: E402
from guanxi.service.selectors import dashboard  # noqa: E402
from guanxi.service.services import sla  # noqa: E402

SR = ServiceRequest
URL = "/api/v1/service-requests"
TYPES = ["inquiry"] * 50 + ["suggestion"] * 15 + ["complaint"] * 20 + ["complex_problem"] * 15
OPEN_SHARE = 0.03


def timed(client: Client, urls: Callable[[], str], runs: int) -> dict[str, float]:
    client.get(urls())  # warm up
    samples = []
    for _ in range(runs):
        url = urls()
        began = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (url, response.content[:300])
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 1),
    }


def generate(count: int, rng: random.Random) -> float:
    """Insert ``count`` requests through the bulk path; open ones get real clocks."""
    customers = list(Customer.objects.values_list("pk", "level")[:200_000])
    team = Team.objects.get(name="客户服务部")
    staff = list(User.objects.filter(role=Role.SERVICE_STAFF).values_list("pk", flat=True))
    policies = list(SlaPolicy.objects.filter(active=True).select_related("calendar"))
    for policy in policies:
        # Built (and cached) now: the connection can run no query while COPY streams.
        sla.work_calendar(policy.calendar)
    fields = insert_fields(SR)
    attnames = [SR._meta.get_field(name).attname for name in fields]
    now = timezone.now()
    numbers = iter(next_numbers("service_request", count))

    def rows() -> Iterator[tuple[Any, ...]]:
        for _ in range(count):
            number = next(numbers)
            customer, level = rng.choice(customers)
            kind = rng.choice(TYPES)
            opened = rng.random() < OPEN_SHARE
            minutes = rng.randint(5, 3 * 24 * 60) if opened else rng.randint(0, 525_600)
            age = timedelta(minutes=minutes)
            request = SR(
                number=f"SR{number:010d}",
                service_type=kind,
                customer_id=customer,
                summary="基准测试请求",
                received_at=now - age,
                team_id=team.pk,
                assignee_id=rng.choice(staff) if rng.random() < 0.8 else None,
            )
            request.resolution_started_at = request.received_at
            request.policy = sla.policy_for(
                service_type=kind, priority="normal", customer_level=level, policies=policies
            )
            if opened:
                request.status = SR.Status.ASSIGNED if request.assignee_id else SR.Status.CREATED
                sla.refresh_clock(request)
            else:
                request.status = SR.Status.ARCHIVED
                responded = request.received_at + timedelta(minutes=rng.randint(5, 300))
                request.first_response_at = responded
                request.handled_at = responded + timedelta(hours=rng.randint(1, 30))
                request.archived_at = request.handled_at + timedelta(days=1)
                request.first_response_minutes = rng.randint(5, 300)
                request.resolution_minutes = rng.randint(60, 1800)
                request.satisfaction = rng.choice([5, 5, 4, 4, 4, 3, 2])
                request.first_response_breached = rng.random() < 0.06
            request.created_at = request.updated_at = now
            yield tuple(getattr(request, attname) for attname in attnames)

    started = time.perf_counter()
    with transaction.atomic():
        copy_rows(SR, fields, rows())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE service_servicerequest")
    return time.perf_counter() - started


def sweep_timings() -> dict[str, Any]:
    """The sweep draining the generated backlog (every open request past its warning or due
    time, told for the first time), with nothing due, then with up to 1,000 requests whose
    warning time has just come."""
    began = time.perf_counter()
    backlog_steps = 0
    while True:  # each run takes at most 5,000 requests, as the minute job does
        swept = sla.sla_sweep()
        steps = swept.warnings + swept.breaches + swept.next_level
        if not steps:
            break
        backlog_steps += steps
    backlog_s = time.perf_counter() - began
    began = time.perf_counter()
    sla.sla_sweep()
    idle_ms = (time.perf_counter() - began) * 1000
    now = timezone.now()
    due = list(
        SR.objects.filter(
            status__in=SR.OPEN,
            escalate_at__gt=now,
            first_response_at__isnull=True,
            escalations__isnull=True,
        ).values_list("pk", flat=True)[:1000]
    )
    # Their first-response warning time is a minute ago.
    SR.objects.filter(pk__in=due).update(
        escalate_at=now - timedelta(minutes=1), first_response_warn_at=now - timedelta(minutes=1)
    )
    began = time.perf_counter()
    busy = sla.sla_sweep()
    busy_s = time.perf_counter() - began
    began = time.perf_counter()
    again = sla.sla_sweep()
    again_ms = (time.perf_counter() - began) * 1000
    return {
        "sweep_backlog_s": round(backlog_s, 2),
        "sweep_backlog_steps": backlog_steps,
        "sweep_nothing_due_ms": round(idle_ms, 1),
        "sweep_due_requests": len(due),
        "sweep_due_s": round(busy_s, 2),
        "sweep_due_steps": busy.warnings + busy.breaches + busy.next_level,
        "sweep_repeated_ms": round(again_ms, 1),
        "repeated_steps": again.warnings + again.breaches + again.next_level,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    result: dict[str, Any] = {"database": connection.vendor}
    have = SR.objects.count()
    if have < args.requests:
        result["generate_s"] = round(generate(args.requests - have, rng), 1)
    result["requests"] = SR.objects.count()
    result["open"] = SR.objects.filter(status__in=SR.OPEN).count()
    staff = User.objects.filter(role=Role.SERVICE_STAFF).order_by("pk").first()
    admin = User.objects.filter(role=Role.ADMINISTRATOR).order_by("pk").first()
    desk, boss = Client(), Client()
    desk.force_login(staff)
    boss.force_login(admin)
    ids = list(SR.objects.order_by("?").values_list("pk", flat=True)[:500])
    cases: dict[str, tuple[Client, Callable[[], str]]] = {
        "team queue by due time (page of 50)": (
            desk,
            lambda: f"{URL}?queue=team&ordering=due&page_size=50",
        ),
        "breached queue": (desk, lambda: f"{URL}?queue=breached&ordering=due"),
        "at risk (sla_state filter)": (desk, lambda: f"{URL}?sla_state=at_risk"),
        "all requests, newest first": (boss, lambda: URL),
        "queue counts": (desk, lambda: "/api/v1/service-queues"),
        "one request": (boss, lambda: f"{URL}/{rng.choice(ids)}"),
        "one request's history": (boss, lambda: f"{URL}/{rng.choice(ids)}/history"),
        "queue page (HTML)": (desk, lambda: "/service/?queue=team"),
        "dashboard, this year (kept a minute)": (boss, lambda: "/api/v1/service/dashboard"),
    }
    for name, (client, urls) in cases.items():
        result[name] = timed(client, urls, args.runs)
    period, _choice = named_period("year")
    samples = []
    for _ in range(5):
        began = time.perf_counter()
        dashboard(actor=admin, period=period)
        samples.append((time.perf_counter() - began) * 1000)
    result["dashboard figures read afresh (selector)"] = {
        "p50_ms": round(statistics.median(samples), 1),
        "max_ms": round(max(samples), 1),
    }
    with transaction.atomic():
        result.update(sweep_timings())
        transaction.set_rollback(True)  # leave the data as generated for the next run
    Notification.objects.filter(key__startswith="sr:").delete()
    Escalation.objects.filter(at__gte=timezone.now() - timedelta(minutes=5)).delete()
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
