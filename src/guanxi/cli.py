"""The ``guanxi`` console script: serve, worker, migrate, createadmin, demo, init, import,
export, backup, restore, check."""

import argparse
import io
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")
    import django

    django.setup()


def _fail(reason: str) -> int:
    print(f"guanxi: error: {reason}", file=sys.stderr)
    return 1


def _describe_validation(error: Any) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


# --- commands -------------------------------------------------------------------------------


def cmd_migrate(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1 if args.verbose else 0)
    print("database is up to date")
    return 0


def _create_admin(username: str, password: str, email: str) -> Any:
    """Create an administrator; with no password, GUANXI_ADMIN_PASSWORD or one printed once."""
    from guanxi.accounts.services import user_create
    from guanxi.core.roles import Role

    password = password or os.environ.get("GUANXI_ADMIN_PASSWORD", "")
    generated = not password
    if generated:
        # Four groups joined by hyphens: always two kinds of character, 96 random bits.
        password = "-".join(secrets.token_hex(3) for _ in range(4))
    user = user_create(
        actor=None, username=username, password=password, email=email, role=Role.ADMINISTRATOR
    )
    print(f"created administrator {user.username}")
    if generated:
        print(f"password (shown once): {password}")
    return user


def _summary(counts: dict[str, int]) -> str:
    return ", ".join(f"{count} {name}" for name, count in counts.items())


def cmd_createadmin(args: argparse.Namespace) -> int:
    _create_admin(args.username, args.password, args.email)
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    """First-run set-up: migrate; on an empty database, an administrator and demo data."""
    from django.conf import settings
    from django.core.management import call_command

    from guanxi.accounts.models import User

    call_command("migrate", interactive=False, verbosity=0)
    if User.objects.exists():
        print("database ready; users exist, so no administrator or demo data was added")
        return 0
    _create_admin(
        os.environ.get("GUANXI_ADMIN_USERNAME", "admin"),
        "",
        os.environ.get("GUANXI_ADMIN_EMAIL", ""),
    )
    if os.environ.get("GUANXI_DEMO", "1") != "0":
        from guanxi.demo.generate import generate

        counts = generate(password=_demo_password())
        print(
            f"loaded demo data: {_summary(counts)}; "
            f"demo users sign in with password {_demo_password()}"
        )
    print(f"data directory: {settings.DATA_DIR}")
    return 0


def _demo_password() -> str:
    return os.environ.get("GUANXI_DEMO_PASSWORD", "guanxi-demo")


def cmd_demo(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from guanxi.demo.generate import generate

    started = time.perf_counter()
    with tqdm(total=100, unit="%", desc="demo", disable=None, file=sys.stderr) as bar:
        counts = generate(
            customers=args.customers,
            seed=args.seed,
            password=_demo_password(),
            on_progress=lambda fraction: bar.update(round(fraction * 100) - bar.n),
        )
    seconds = round(time.perf_counter() - started, 2)
    if args.json:
        print(json.dumps({"created": counts, "seed": args.seed, "seconds": seconds}))
    else:
        print(f"demo data (seed {args.seed}): created {_summary(counts)} in {seconds}s")
    return 0


def _acting_user(username: str | None) -> Any:
    """The user a command acts as: ``--user``, else the first active administrator."""
    from django.conf import settings
    from django.utils import translation

    from guanxi.accounts.models import User
    from guanxi.core.roles import Role

    users = User.objects.filter(is_active=True)
    if username:
        user = users.filter(username=username).first()
        if user is None:
            raise ValueError(f"no active user is called {username!r}")
    else:
        user = users.filter(role=Role.ADMINISTRATOR).order_by("pk").first()
        if user is None:
            raise ValueError("no active administrator; pass --user")
    translation.activate(user.language or settings.LANGUAGE_CODE)
    return user


def cmd_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tqdm import tqdm

    from guanxi.transfer.engine import ImportOptions
    from guanxi.transfer.services import import_file

    path = Path(args.file)
    if not path.is_file():
        return _fail(f"{args.file}: no such file")
    user = _acting_user(args.user)
    # A bar on a terminal only; scripts reading --json get clean output.
    with tqdm(
        total=100, unit="%", desc=f"import {args.kind}", disable=None, file=sys.stderr
    ) as bar:

        def progress(fraction: float, result: Any) -> None:
            bar.update(round(fraction * 100) - bar.n)
            bar.set_postfix(rows=result.rows, errors=result.error_count, refresh=False)

        result = import_file(
            actor=user,
            kind=args.kind,
            path=path,
            options=ImportOptions(
                dry_run=args.dry_run,
                skip_bad_rows=args.skip_bad_rows,
                create_missing_customers=args.create_missing_customers,
            ),
            on_progress=progress,
        )
    failed = bool(result.errors) and not args.skip_bad_rows
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, default=str))
    else:
        for error in result.errors[:20]:
            print(f"row {error['row']}, {error['column']}: {error['message']}", file=sys.stderr)
        if result.error_count > 20:
            print(f"… and {result.error_count - 20} more errors", file=sys.stderr)
        mode = "dry run: would have " if args.dry_run else ""
        print(
            f"{mode}created {result.created}, updated {result.updated}, "
            f"skipped {result.skipped} of {result.rows} rows"
        )
    if failed:
        return _fail(f"{result.error_count} rows have errors; nothing was imported")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from django.http import QueryDict

    from guanxi.core.access import recorded_export
    from guanxi.transfer.services import check_export, kind_for
    from guanxi.transfer.writers import write_file

    path = Path(args.file)
    if path.suffix.lower() not in {".csv", ".xlsx"}:
        return _fail(f"{args.file}: name the file .csv or .xlsx")
    user = _acting_user(args.user)
    kind = kind_for(args.kind)
    check_export(user, kind)
    header, rows = kind.export(user, QueryDict())
    count = write_file(path, header, recorded_export(user, args.kind, rows, detail=f"cli: {path}"))
    print(
        json.dumps({"rows": count, "file": str(path)})
        if args.json
        else f"exported {count} rows to {path}"
    )
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from guanxi.core.backup import BackupError, backup

    try:
        result = backup(Path(args.file), verify=args.verify)
    except BackupError as error:
        return _fail(str(error))
    figures = {
        "file": str(result.path),
        "database": result.vendor,
        "tables": len(result.tables),
        "rows": sum(result.tables.values()),
        "media_files": result.files,
        "bytes": result.bytes,
    }
    print(json.dumps(figures) if args.json else f"backed up {_summary_of(figures)}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from guanxi.core.backup import BackupError, restore

    try:
        manifest = restore(Path(args.file))
    except BackupError as error:
        return _fail(str(error))
    figures = {
        "file": args.file,
        "database": manifest["vendor"],
        "created_at": manifest["created_at"],
        "tables": len(manifest["tables"]),
        "rows": sum(manifest["tables"].values()),
        "media_files": sum(1 for name in manifest["files"] if name.startswith("media/")),
    }
    print(json.dumps(figures) if args.json else f"restored {_summary_of(figures)}")
    return 0


def _summary_of(figures: dict[str, Any]) -> str:
    return ", ".join(f"{name} {value}" for name, value in figures.items())


def cmd_check(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    from guanxi.core.health import health

    # With --json, stdout carries the report alone; problems still raise SystemCheckError.
    quiet = {"stdout": io.StringIO()} if args.json else {}
    call_command(
        "check", deploy=args.deploy, fail_level="WARNING" if args.deploy else "ERROR", **quiet
    )
    report = health()
    print(json.dumps(report, indent=None if args.json else 2))
    return 0 if report["database"]["ok"] else 1


def cmd_worker(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.utils.module_loading import autodiscover_modules
    from huey.contrib.djhuey import HUEY

    # Like Django's run_huey, but logging stays ours: one line a job, with its duration.
    autodiscover_modules("tasks")
    options: dict[str, Any] = {**settings.HUEY["consumer"]}  # type: ignore[dict-item]
    if args.workers:
        options["workers"] = args.workers
    if args.no_scheduler:
        options["periodic"] = False
    HUEY.create_consumer(**options).run()
    return 0


# Seconds gunicorn lets requests in flight finish when stopping; this process waits longer.
GRACEFUL_SECONDS = 10


def cmd_serve(args: argparse.Namespace) -> int:
    """Run gunicorn and, unless --no-worker, a job worker; Ctrl-C stops both."""
    processes: list[subprocess.Popen[bytes]] = []
    web = [
        sys.executable, "-m", "gunicorn", "guanxi.wsgi:application",
        "--config", "python:guanxi.gunicorn_conf",
        "--bind", f"{args.host}:{args.port}",
        "--workers", str(args.workers),
        "--threads", str(args.threads),
        "--worker-class", "gthread",
        "--graceful-timeout", str(GRACEFUL_SECONDS),
        "--no-control-socket",
    ]  # fmt: skip
    # Children in their own session: a Ctrl-C reaches this process only, which then stops
    # each child once, gracefully (a terminal would also interrupt gunicorn's workers behind
    # its master's back, and the master then killed the ones still finishing a request).
    processes.append(subprocess.Popen(web, start_new_session=True))
    if not args.no_worker:
        worker = [sys.executable, "-m", "guanxi.cli", "worker"]
        processes.append(subprocess.Popen(worker, start_new_session=True))
    print(f"Guanxi is running on http://{args.host}:{args.port}/ (Ctrl-C stops it)", flush=True)

    stopping = False

    def stop(signum: int, frame: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping:
        for process in processes:
            if process.poll() is not None:
                print(f"guanxi: a child process exited with {process.returncode}", file=sys.stderr)
                stopping, exit_code = True, process.returncode or 1
        time.sleep(0.3)
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=GRACEFUL_SECONDS + 5)
        except subprocess.TimeoutExpired:
            process.kill()
    print("Guanxi stopped", flush=True)
    return exit_code


# --- parser ---------------------------------------------------------------------------------


def cmd_analytics_clv(args: argparse.Namespace) -> int:
    """Fit BG/NBD and Gamma-Gamma on a transactions file; needs no database."""
    from guanxi.analytics.clv import FitError, clv_report
    from guanxi.analytics.transactions import TransactionFileError, parse_day, read_transactions

    try:
        calibration_end = parse_day(args.calibration_end)
    except ValueError:
        return _fail(f"--calibration-end {args.calibration_end!r} is not a date (YYYY-MM-DD)")
    if args.horizon_weeks <= 0:
        return _fail("--horizon-weeks must be more than 0")
    if not 0 <= args.discount_rate < 1:
        return _fail("--discount-rate is a monthly rate from 0 to below 1 (e.g. 0.01)")
    try:
        data = read_transactions(
            args.transactions,
            customer_col=args.customer_col,
            date_col=args.date_col,
            amount_col=args.amount_col,
        )
        report = clv_report(
            data.customer_ids,
            data.days,
            data.amounts,
            calibration_end=calibration_end,
            horizon_weeks=args.horizon_weeks,
            monthly_discount_rate=args.discount_rate,
        )
    except (TransactionFileError, FitError) as error:
        return _fail(str(error))
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return 0
    fit, spend = report["bgnbd"], report["gamma_gamma"]
    print(
        f"BG/NBD r={fit['r']:.3f} alpha={fit['alpha']:.3f} a={fit['a']:.3f} b={fit['b']:.3f} "
        f"log-likelihood={fit['loglik']:.1f}"
    )
    print(f"Gamma-Gamma p={spend['p']:.3f} q={spend['q']:.3f} gamma={spend['gamma']:.3f}")
    customers = report["customers"]
    total = sum(row["clv"] for row in customers)
    print(f"{len(customers)} customers, total CLV {total:,.2f} over {args.horizon_weeks:g} weeks")
    return 0


def cmd_analytics_refresh(args: argparse.Namespace) -> int:
    """Run the nightly analytics now."""
    from guanxi.analytics.tasks import run_nightly

    result = run_nightly()
    if args.json:
        print(json.dumps(result))
    else:
        print(_summary({key.replace("_", " "): value for key, value in result.items()}))
    return 0


def cmd_analytics_churn_scan(args: argparse.Namespace) -> int:
    from guanxi.analytics.services import churn_scan

    result = churn_scan()
    counts = {"opened": result.opened, "recovered": result.recovered, "won_back": result.won_back}
    print(json.dumps(counts) if args.json else _summary(counts))
    return 0


def cmd_analytics_lifecycle(args: argparse.Namespace) -> int:
    from guanxi.analytics.lifecycle import lifecycle_scan

    result = lifecycle_scan()
    counts = {"customers": result.customers, "changed": result.changed, **result.stages}
    print(json.dumps(counts) if args.json else _summary(counts))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="guanxi",
        description="Guanxi CRM. Configure with GUANXI_* environment variables (see README).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, handler: Callable[[argparse.Namespace], int] | None, help: str) -> Any:
        command = commands.add_parser(name, help=help, description=help)
        command.set_defaults(handler=handler)
        return command

    serve = add("serve", cmd_serve, "Run the web server and a job worker together.")
    serve.add_argument("--host", default=os.environ.get("GUANXI_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("GUANXI_PORT", "8000")))
    serve.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("GUANXI_WEB_WORKERS", "2")),
        help="web worker processes (default 2)",
    )
    serve.add_argument(
        "--threads",
        type=int,
        default=int(os.environ.get("GUANXI_WEB_THREADS", "4")),
        help="threads a web worker (default 4)",
    )
    serve.add_argument("--no-worker", action="store_true", help="run the web server only")

    worker = add("worker", cmd_worker, "Run a job worker (Huey consumer).")
    worker.add_argument("--workers", type=int, default=0, help="worker threads")
    worker.add_argument(
        "--no-scheduler",
        action="store_true",
        help="do not run periodic jobs (run the scheduler on one node only)",
    )

    migrate = add("migrate", cmd_migrate, "Create or upgrade the database tables.")
    migrate.add_argument("--verbose", action="store_true")

    createadmin = add("createadmin", cmd_createadmin, "Create an administrator.")
    createadmin.add_argument("--username", required=True)
    createadmin.add_argument(
        "--password",
        default="",
        help="default: GUANXI_ADMIN_PASSWORD, else generated and printed once",
    )
    createadmin.add_argument("--email", default="")

    demo = add("demo", cmd_demo, "Load deterministic demo data.")
    demo.add_argument("--customers", type=int, default=500, help="size of the demo (default 500)")
    demo.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    demo.add_argument("--json", action="store_true", help="print the counts as JSON")

    add(
        "init",
        cmd_init,
        "First run: migrate, then on an empty database an administrator and demo data.",
    )

    kinds = ["customers", "contacts", "products", "inventory", "orders"]
    importer = add(
        "import",
        cmd_import,
        "Import a CSV or XLSX file; headers may be Chinese or English.",
    )
    importer.add_argument("kind", choices=kinds)
    importer.add_argument("file")
    importer.add_argument("--dry-run", action="store_true", help="check and count, change nothing")
    importer.add_argument(
        "--skip-bad-rows",
        action="store_true",
        help="import the good rows (default: one bad row means nothing is written)",
    )
    importer.add_argument(
        "--create-missing-customers",
        action="store_true",
        help="orders: create customers whose code is unknown",
    )
    importer.add_argument("--user", help="act as this user (default: the first administrator)")
    importer.add_argument("--json", action="store_true", help="print the result as JSON")

    exporter = add("export", cmd_export, "Export records to a .csv or .xlsx file.")
    exporter.add_argument("kind", choices=kinds)
    exporter.add_argument("file")
    exporter.add_argument("--user", help="act as this user (default: the first administrator)")
    exporter.add_argument("--json", action="store_true", help="print the row count as JSON")

    analytics = add("analytics", None, "Analytics: CLV on a file, refresh the stored scores.")
    analytics_commands = analytics.add_subparsers(
        dest="analytics_command", required=True, metavar="ANALYTICS_COMMAND"
    )
    clv = analytics_commands.add_parser(
        "clv",
        help="Fit BG/NBD and Gamma-Gamma on a transactions file (no database).",
        description="Fit BG/NBD and Gamma-Gamma on a transactions file (no database).",
    )
    clv.set_defaults(handler=cmd_analytics_clv, needs_django=False)
    clv.add_argument("--transactions", required=True, metavar="FILE.csv")
    clv.add_argument("--customer-col", required=True, metavar="C")
    clv.add_argument("--date-col", required=True, metavar="D", help="YYYY-MM-DD or YYYYMMDD")
    clv.add_argument("--amount-col", required=True, metavar="A")
    clv.add_argument("--calibration-end", required=True, metavar="YYYY-MM-DD")
    clv.add_argument("--horizon-weeks", type=float, default=39, help="default 39")
    clv.add_argument(
        "--discount-rate", type=float, default=0.01, help="monthly discount rate (default 0.01)"
    )
    clv.add_argument("--json", action="store_true", help="print the fit and customers as JSON")

    refresh = analytics_commands.add_parser(
        "refresh",
        help="Run the nightly analytics now: churn, scores, lifecycle, plans, KPI figures.",
        description="Run the nightly analytics now: churn, scores, lifecycle, plans, KPI figures.",
    )
    refresh.set_defaults(handler=cmd_analytics_refresh)
    refresh.add_argument("--json", action="store_true", help="print the figures as JSON")
    scan = analytics_commands.add_parser(
        "churn-scan",
        help="Open churn warnings for silent customers and close ended ones.",
        description="Open churn warnings for silent customers and close ended ones.",
    )
    scan.set_defaults(handler=cmd_analytics_churn_scan)
    scan.add_argument("--json", action="store_true", help="print the counts as JSON")
    lifecycle = analytics_commands.add_parser(
        "lifecycle",
        help="Derive every customer's lifecycle stage from the data now.",
        description="Derive every customer's lifecycle stage from the data now.",
    )
    lifecycle.set_defaults(handler=cmd_analytics_lifecycle)
    lifecycle.add_argument("--json", action="store_true", help="print the counts as JSON")

    saved = add(
        "backup",
        cmd_backup,
        "Back up the database and uploaded files, online, to one checksummed .tar.gz.",
    )
    saved.add_argument("file", help="the archive to write, e.g. guanxi-2026-12-04.tar.gz")
    saved.add_argument(
        "--verify",
        action="store_true",
        help="also checksum each table's content, for the restore to compare",
    )
    saved.add_argument("--json", action="store_true", help="print the figures as JSON")
    restored = add(
        "restore", cmd_restore, "Restore a backup into a new instance with an empty database."
    )
    restored.add_argument("file", help="an archive written by guanxi backup")
    restored.add_argument("--json", action="store_true", help="print the figures as JSON")

    check = add("check", cmd_check, "Check the configuration, database, queue and worker.")
    check.add_argument("--deploy", action="store_true", help="also run Django's deployment checks")
    check.add_argument("--json", action="store_true", help="print the report on one line")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command != "serve" and getattr(args, "needs_django", True):
        _setup_django()
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.core.management.base import CommandError, SystemCheckError
    from django.db import DatabaseError

    try:
        return int(args.handler(args))
    except ValidationError as error:
        return _fail(_describe_validation(error))
    except SystemCheckError as error:
        print(error, file=sys.stderr)
        return _fail("system checks failed")
    except PermissionDenied as error:
        return _fail(str(error) or "permission denied")
    except (CommandError, DatabaseError, ValueError, OSError) as error:
        return _fail(
            str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        )
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
