"""Benchmark: the users list through the API, the hottest read of the foundation.

Generates N users across 20 teams (bulk insert), then times ``GET /api/v1/users`` as an
administrator (all rows), as a supervisor (team scope, filtered) and sorted by team name.

    GUANXI_DATA_DIR=/tmp/guanxi-bench .venv/bin/python bench/bench_users_api.py --users 20000
    GUANXI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/guanxi_bench \
        .venv/bin/python bench/bench_users_api.py --users 20000
"""

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")
os.environ.setdefault("GUANXI_DATA_DIR", "/tmp/guanxi-bench")
os.environ.setdefault("GUANXI_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("GUANXI_LOG_LEVEL", "WARNING")

import django

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from guanxi.accounts.models import Team, User  # noqa: E402
from guanxi.core.roles import Role  # noqa: E402


def generate(users: int) -> tuple[User, User]:
    User.objects.filter(username__startswith="bench").delete()
    Team.objects.filter(name__startswith="bench").delete()
    teams = Team.objects.bulk_create(Team(name=f"bench-team-{i:02d}") for i in range(20))
    password = make_password("bench-password-1")
    roles = [Role.ACCOUNT_MANAGER] * 8 + [Role.SERVICE_STAFF, Role.SALES_SUPERVISOR]
    User.objects.bulk_create(
        (
            User(
                username=f"bench{i:07d}",
                last_name="王",
                first_name=f"{i}",
                role=roles[(i // len(teams)) % len(roles)],
                team=teams[i % len(teams)],
                password=password,
            )
            for i in range(users)
        ),
        batch_size=2000,
    )
    admin = User.objects.create(username="bench-admin", role=Role.ADMINISTRATOR, password=password)
    supervisor = User.objects.filter(team=teams[0], role=Role.SALES_SUPERVISOR).first()
    assert supervisor is not None
    return admin, supervisor


def timed(client: Client, url: str, runs: int) -> dict[str, float]:
    client.get(url)  # warm up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content[:200]
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    admin, supervisor = generate(args.users)
    print(
        f"{connection.vendor}: generated {args.users} users in {time.perf_counter() - started:.1f}s"
    )
    as_admin, as_supervisor = Client(), Client()
    as_admin.force_login(admin)
    as_supervisor.force_login(supervisor)
    cases = {
        "admin, page 1 of all": (as_admin, "/api/v1/users?page_size=50"),
        "admin, page 100, by team": (as_admin, "/api/v1/users?page=100&ordering=team"),
        "admin, search 'bench00123'": (as_admin, "/api/v1/users?q=bench00123"),
        "supervisor, team scope": (as_supervisor, "/api/v1/users?role=account_manager"),
    }
    for name, (client, url) in cases.items():
        print(f"{name:32} {timed(client, url, args.runs)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
