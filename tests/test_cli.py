"""The console script, run as a newcomer would: in a subprocess with its own data dir."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from guanxi.accounts.models import Team, User
from guanxi.catalog.models import Product, StockItem, Warehouse
from guanxi.cli import main
from guanxi.core.models import Sequence
from guanxi.customers.models import Contact, Customer, Interaction
from guanxi.demo.generate import generate
from guanxi.orders.models import Order, OrderLine
from guanxi.sales.models import Activity, DevelopmentPlanStep, Opportunity, OpportunityPeriod
from guanxi.service.models import Callback, Escalation, RequestEvent, ServiceRequest

pytestmark = pytest.mark.django_db


def run(args: list[str], data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "GUANXI_DATA_DIR": str(data_dir), "GUANXI_DATABASE_URL": "", **env}
    for inherited in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        environment.pop(inherited, None)
    return subprocess.run(
        [sys.executable, "-m", "guanxi.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


def test_help_lists_every_command(tmp_path: Path) -> None:
    result = run(["--help"], tmp_path)
    assert result.returncode == 0
    for command in ("serve", "worker", "migrate", "createadmin", "demo", "init", "check"):
        assert command in result.stdout
    assert (
        "--seed SEED           random seed (default 2026)"
        in run(["demo", "--help"], tmp_path).stdout
    )


def test_init_creates_admin_and_demo_once(tmp_path: Path) -> None:
    first = run(["init"], tmp_path, GUANXI_ADMIN_PASSWORD="first-admin-pass-1")
    assert first.returncode == 0, first.stderr
    assert "created administrator admin" in first.stdout
    assert "loaded demo data: 4 teams, 13 users" in first.stdout
    second = run(["init"], tmp_path)
    assert second.returncode == 0
    assert "users exist" in second.stdout
    check = run(["check", "--json"], tmp_path)
    report = json.loads(check.stdout)
    assert report["database"] == {"ok": True, "vendor": "sqlite"}
    assert report["queue"]["backend"] == "SqliteHuey"


def test_createadmin_fails_with_one_line_reason(tmp_path: Path) -> None:
    assert run(["migrate"], tmp_path).returncode == 0
    result = run(
        ["createadmin", "--username", "boss", "--password", "123"], tmp_path, GUANXI_LANGUAGE="en"
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "guanxi: error: password: This password is too short. It must contain at least 8 "
        "characters. This password is too common. This password is entirely numeric."
    ]


def test_createadmin_generates_a_password_when_none_is_given(db: None, capsys) -> None:  # type: ignore[no-untyped-def]
    os.environ.pop("GUANXI_ADMIN_PASSWORD", None)
    assert main(["createadmin", "--username", "boss", "--email", "boss@example.com"]) == 0
    out = capsys.readouterr().out
    password = out.split("password (shown once): ")[1].strip()
    boss = User.objects.get(username="boss")
    assert boss.role == "administrator"
    assert boss.check_password(password)


def test_redis_backs_the_queue_when_configured(tmp_path: Path) -> None:
    assert run(["migrate"], tmp_path).returncode == 0
    result = run(["check", "--json"], tmp_path, GUANXI_REDIS_URL="redis://127.0.0.1:6379/15")
    report = json.loads(result.stdout)
    assert report["queue"] == {"ok": True, "backend": "RedisHuey", "pending": 0}


DEMO_COUNTS = {
    "teams": 4,
    "users": 14,
    "products": 20,
    "stock items": 36,
    "customers": 600,
    "contacts": 1033,
    "interactions": 1191,
    "orders": 6286,
    "opportunities": 300,
    "plan steps": 941,
    "activities": 72,
    "service requests": 150,
}


def _demo_snapshot() -> tuple[list, list, list]:
    users = list(User.objects.order_by("pk").values_list("username", "last_name", "mobile", "role"))
    customers = list(
        Customer.objects.order_by("code").values_list(
            "code", "name", "level", "account_manager__username", "status"
        )
    )
    orders = list(
        Order.objects.order_by("number").values_list(
            "number", "customer__code", "order_date", "total"
        )
    )
    return users, customers, orders


def _wipe() -> None:
    for model in (Callback, Escalation, RequestEvent, ServiceRequest):
        model.objects.all().delete()
    for model in (Activity, DevelopmentPlanStep, OpportunityPeriod, Opportunity):
        model.objects.all().delete()
    for model in (OrderLine, Order, Interaction, Contact, Customer, StockItem, Product, Warehouse):
        model.objects.all().delete()
    User.objects.all().delete()
    Team.objects.all().delete()
    Sequence.objects.all().delete()


def test_demo_is_deterministic_per_seed(db: None) -> None:
    counts = generate(customers=600, seed=7, password="demo-pass-1")
    # Which service requests are closed (and called back) by now depends on the weekday the
    # demo runs on, since their clocks run on the business calendar.
    assert 20 <= counts.pop("callbacks") <= 90
    # Customers silent for six months, counted back from today by calendar months.
    assert 70 <= counts.pop("churn warnings") <= 110
    # Feedback of the last 90 days below 3.5 for a customer (or team) opens a plan: a few at most.
    assert 0 <= counts.pop("improvement plans") <= 5
    assert counts == DEMO_COUNTS
    first = _demo_snapshot()
    _wipe()
    generate(customers=600, seed=7, password="demo-pass-1")
    assert _demo_snapshot() == first
    assert generate(customers=600, seed=7, password="demo-pass-1") == {"teams": 4, "users": 0}
    users, customers, orders = first
    assert all(len(row[2]) == 11 and row[2].startswith("1") for row in users)
    roles = [row[3] for row in users]
    assert roles.count("sales_supervisor") == 3
    assert roles.count("account_manager") == 6
    assert roles.count("service_staff") == 3
    assert roles.count("executive") == 2
    assert Team.objects.get(name="华东销售部").supervisor.role == "sales_supervisor"
    # Every customer has a manager and exactly one primary contact; every order has its line.
    assert all(row[3] for row in customers)
    assert Contact.objects.filter(is_primary=True).count() == 600
    assert OrderLine.objects.count() == len(orders)


def test_demo_refuses_a_negative_size(db: None, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["demo", "--customers", "-1"]) == 1
    assert capsys.readouterr().err == "guanxi: error: customers must be zero or more\n"


def test_production_settings_pass_the_deploy_checks(tmp_path: Path) -> None:
    assert run(["migrate"], tmp_path).returncode == 0
    result = run(
        ["check", "--deploy", "--json"],
        tmp_path,
        GUANXI_DEBUG="0",
        GUANXI_SECRET_KEY="k" * 20 + "-production-secret-key-with-enough-entropy-0123456789",
        GUANXI_ALLOWED_HOSTS="crm.example.com",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["database"]["ok"] is True
