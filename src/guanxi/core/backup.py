"""Backup and restore: the whole database and the uploaded files in one checksummed archive.

``backup`` takes a consistent copy while the product runs — SQLite through its online backup
API, PostgreSQL with ``pg_dump`` (one snapshot) — plus every file under ``MEDIA_ROOT``, and a
``manifest.json`` with each member's SHA-256 and each table's row count (and, with
``--verify``, a checksum of each table's content). ``restore`` checks
every checksum first, refuses a database that is not empty, puts the data back and counts the
rows again against the manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

FORMAT = 1
DUMPS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """A backup or restore that cannot go on, with the reason in words."""


@dataclass
class BackupResult:
    path: Path
    vendor: str
    tables: dict[str, int]
    files: int
    bytes: int
    manifest: dict[str, Any] = field(default_factory=dict)


def _version() -> str:
    try:
        return metadata.version("guanxi")
    except metadata.PackageNotFoundError:
        return "unknown"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def table_counts() -> dict[str, int]:
    """Every table of the database and its number of rows."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def table_checksums() -> dict[str, str]:
    """A checksum of every table's content, whatever order its rows are stored in: the sum of
    each row's hash (PostgreSQL computes it in the database)."""
    sums = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            quoted = connection.ops.quote_name(table)
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT COALESCE(SUM(('x' || SUBSTR(MD5(t::text), 1, 15))::bit(60)::bigint"
                    f"::numeric), 0) FROM {quoted} t"
                )
                sums[table] = str(cursor.fetchone()[0])
            else:
                cursor.execute(f"SELECT * FROM {quoted}")
                total = 0
                for row in cursor:
                    digest = hashlib.md5(repr(row).encode(), usedforsecurity=False).hexdigest()
                    total += int(digest[:15], 16)
                sums[table] = str(total)
    return sums


def _pg_env() -> dict[str, str]:
    db: dict[str, Any] = dict(settings.DATABASES["default"])
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[name] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL's client programs).")
    done = subprocess.run(command, env=_pg_env(), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:500]}")


def _dump_database(folder: Path) -> Path:
    vendor = connection.vendor
    if vendor not in DUMPS:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    target = folder / DUMPS[vendor]
    if vendor == "sqlite":
        connection.ensure_connection()
        source = connection.connection
        with sqlite3.connect(target) as copy:
            source.backup(copy)  # a consistent copy while others write
        copy.close()
    else:
        name = str(settings.DATABASES["default"]["NAME"])
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", name])
    return target


def backup(path: Path, *, verify: bool = False) -> BackupResult:
    """Write the archive to ``path`` (``.tar.gz``); with ``verify``, also each table's content
    checksum, which the restore compares."""
    path = Path(path)
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="guanxi-backup-") as work:
        folder = Path(work)
        counts = table_counts()
        checksums = table_checksums() if verify else {}
        dump = _dump_database(folder)
        members: dict[str, str] = {dump.name: sha256(dump)}
        media_files = sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []
        for file in media_files:
            members[f"media/{file.relative_to(media).as_posix()}"] = sha256(file)
        manifest = {
            "format": FORMAT,
            "guanxi": _version(),
            "created_at": timezone.now().isoformat(),
            "vendor": connection.vendor,
            "tables": counts,
            "checksums": checksums,
            "files": members,
        }
        manifest_path = folder / "manifest.json"
        manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(manifest_path, arcname="manifest.json")
            archive.add(dump, arcname=dump.name)
            for file in media_files:
                archive.add(file, arcname=f"media/{file.relative_to(media).as_posix()}")
        partial.replace(path)  # never a half-written archive under the real name
    return BackupResult(
        path, connection.vendor, counts, len(media_files), path.stat().st_size, manifest
    )


def _is_empty() -> bool:
    """No data at all (PostgreSQL: not even tables, which ``pg_restore`` creates)."""
    tables = connection.introspection.table_names()
    if not tables:
        return True
    if connection.vendor == "postgresql":
        return False
    return not any(table_counts().values())


def read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.extractfile("manifest.json")
    except KeyError as error:
        raise BackupError("This is not a Guanxi backup: it has no manifest.json.") from error
    assert member is not None
    manifest: dict[str, Any] = json.load(member)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def restore(path: Path) -> dict[str, Any]:
    """Put a backup back into this instance, whose database and media folder must be empty."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file.")
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="guanxi-restore-") as work, tarfile.open(path) as tar:
        manifest = read_manifest(tar)
        vendor = manifest["vendor"]
        if vendor != connection.vendor:
            raise BackupError(
                f"The backup is of a {vendor} database; this instance uses {connection.vendor}."
            )
        if not _is_empty():
            raise BackupError(
                "The database is not empty: restore into a new, empty database (before "
                "`guanxi migrate` or `guanxi init`)."
            )
        if media.exists() and any(media.iterdir()):
            raise BackupError(f"{media} is not empty: restore into a new, empty instance.")
        folder = Path(work)
        tar.extractall(folder, filter="data")
        for name, expected in manifest["files"].items():
            member = folder / name
            if not member.is_file() or sha256(member) != expected:
                raise BackupError(f"{name} does not match its checksum: the backup is damaged.")
        _load_database(folder / DUMPS[vendor])
        for name in manifest["files"]:
            if name.startswith("media/"):
                target = media / name.removeprefix("media/")
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(folder / name, target)
    counts = table_counts()
    if counts != manifest["tables"]:
        wrong = sorted(t for t in manifest["tables"] if counts.get(t) != manifest["tables"][t])
        raise BackupError(f"Row counts differ after the restore: {', '.join(wrong)}.")
    if manifest.get("checksums"):
        sums = table_checksums()
        wrong = sorted(t for t, value in manifest["checksums"].items() if sums.get(t) != value)
        if wrong:
            raise BackupError(f"Table contents differ after the restore: {', '.join(wrong)}.")
    return manifest


def _load_database(dump: Path) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(dump) as source:
            source.backup(connection.connection)
        source.close()
    else:
        name = str(settings.DATABASES["default"]["NAME"])
        connection.close()
        _run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={name}", str(dump)])


def scheduled_backup(folder: Path, keep: int) -> Path:
    """The nightly backup: a new archive in ``folder``, and only the newest ``keep`` kept."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    result = backup(folder / f"guanxi-{stamp}.tar.gz")
    archives = sorted(folder.glob("guanxi-*.tar.gz"), key=lambda p: p.name, reverse=True)
    for old in archives[max(1, keep) :]:
        old.unlink()
    return result.path
