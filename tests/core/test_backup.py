"""``guanxi backup`` and ``guanxi restore`` end to end, as an operator runs them, on the database
the suite runs on (SQLite, or PostgreSQL with its own scratch databases): backup → wipe →
restore gives back every table's rows and content, and the uploaded files."""

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import dj_database_url
import pytest

SUITE_URL = os.environ.get("GUANXI_DATABASE_URL", "")
GUANXI = str(Path(sys.executable).parent / "guanxi")
SNAPSHOT = (
    "import json, django; django.setup(); "
    "from guanxi.core.backup import table_checksums, table_counts; "
    "print(json.dumps({'counts': table_counts(), 'checksums': table_checksums()}))"
)


class Instance:
    """A Guanxi installation of its own: a data folder, and on PostgreSQL its own database."""

    def __init__(self, root: Path, name: str) -> None:
        self.data = root / name
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "guanxi.settings",
            "GUANXI_DATA_DIR": str(self.data),
            "GUANXI_DATABASE_URL": "",
            "GUANXI_LOG_LEVEL": "WARNING",
        }
        self.database = ""
        if SUITE_URL.startswith("postgres"):
            self.database = f"guanxi_backup_{name}_{uuid.uuid4().hex[:8]}"
            parsed = dj_database_url.parse(SUITE_URL)
            self.server = {k: str(parsed[k]) for k in ("HOST", "PORT", "USER") if parsed.get(k)}
            self.env["GUANXI_DATABASE_URL"] = (
                f"postgres://{self.server.get('USER', 'postgres')}@"
                f"{self.server.get('HOST', '127.0.0.1')}:{self.server.get('PORT', '5432')}/"
                f"{self.database}"
            )
            self._pg("createdb")

    def _pg(self, program: str) -> None:
        options = [
            "-h",
            self.server.get("HOST", "127.0.0.1"),
            "-p",
            self.server.get("PORT", "5432"),
        ]
        options += ["-U", self.server.get("USER", "postgres")]
        extra = ["--if-exists"] if program == "dropdb" else []
        subprocess.run([program, *options, *extra, self.database], check=True)

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [GUANXI, *args], env=self.env, capture_output=True, text=True, check=False
        )

    def snapshot(self) -> dict:  # type: ignore[type-arg]
        done = subprocess.run(
            [sys.executable, "-c", SNAPSHOT], env=self.env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def wipe(self) -> None:
        shutil.rmtree(self.data, ignore_errors=True)
        if self.database:
            self._pg("dropdb")
            self._pg("createdb")

    def remove(self) -> None:
        shutil.rmtree(self.data, ignore_errors=True)
        if self.database:
            self._pg("dropdb")


@pytest.fixture
def instances(tmp_path: Path) -> Iterator[list[Instance]]:
    made: list[Instance] = []

    def make(name: str) -> Instance:
        made.append(Instance(tmp_path, name))
        return made[-1]

    yield make  # type: ignore[misc]
    for instance in made:
        instance.remove()


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Instance]:
    """One instance with demo data and an uploaded file, shared by the tests (the first wipes
    and restores it: it ends as it began)."""
    source = Instance(tmp_path_factory.mktemp("backup"), "source")
    for command in (["migrate"], ["demo", "--customers", "30"]):
        done = source.run(*command)
        assert done.returncode == 0, done.stderr
    (source.data / "media" / "service" / "2026").mkdir(parents=True)
    (source.data / "media" / "service" / "2026" / "发票.pdf").write_bytes(b"%PDF-1.4 test")
    yield source
    source.remove()


def test_backup_wipe_restore_gives_everything_back(filled: Instance, tmp_path: Path) -> None:
    before = filled.snapshot()
    archive = tmp_path / "guanxi.tar.gz"
    done = filled.run("backup", str(archive), "--verify", "--json")
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["tables"] == len(before["counts"]) and figures["media_files"] == 1
    assert figures["rows"] == sum(before["counts"].values()) > 1000
    assert before["counts"]["customers_customer"] == 30
    filled.wipe()
    done = filled.run("restore", str(archive), "--json")
    assert done.returncode == 0, done.stderr
    assert filled.snapshot() == before  # every table: the same rows and the same content
    restored = filled.data / "media" / "service" / "2026" / "发票.pdf"
    assert restored.read_bytes() == b"%PDF-1.4 test"
    # The restored instance works: its migrations are all there, and it answers its checks.
    assert filled.run("migrate").returncode == 0
    assert filled.run("check").returncode == 0


def test_restore_refuses_a_database_that_is_not_empty(
    filled: Instance,
    instances,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    archive = tmp_path / "guanxi.tar.gz"
    assert filled.run("backup", str(archive)).returncode == 0
    refused = filled.run("restore", str(archive))
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        "guanxi: error: The database is not empty: restore into a new, empty database "
        "(before `guanxi migrate` or `guanxi init`)."
    )


def test_restore_refuses_a_damaged_backup(filled: Instance, instances, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    archive = tmp_path / "guanxi.tar.gz"
    assert filled.run("backup", str(archive)).returncode == 0
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            content = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.endswith("发票.pdf"):
                content = b"%PDF-1.4 tampered"
                member.size = len(content)
            target.addfile(member, io.BytesIO(content))
    empty = instances("empty")
    refused = empty.run("restore", str(damaged))
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        "guanxi: error: media/service/2026/发票.pdf does not match its checksum: the backup is "
        "damaged."
    )
    assert not (empty.data / "media" / "service").exists()
    missing = empty.run("restore", str(tmp_path / "nothing.tar.gz"))
    assert missing.stderr.strip() == f"guanxi: error: {tmp_path / 'nothing.tar.gz'}: no such file."


@pytest.mark.django_db(transaction=True)
def test_the_nightly_backup_keeps_the_newest(tmp_path: Path, settings, time_machine) -> None:  # type: ignore[no-untyped-def]
    from guanxi.core.backup import scheduled_backup
    from guanxi.core.tasks import nightly_backup

    settings.MEDIA_ROOT = tmp_path / "media"
    folder = tmp_path / "backups"
    made = []
    for day in ("2026-12-01", "2026-12-02", "2026-12-03"):
        time_machine.move_to(f"{day} 01:15:00+08:00", tick=False)
        made.append(scheduled_backup(folder, keep=2))
    assert sorted(p.name for p in folder.iterdir()) == [
        "guanxi-20261202-011500.tar.gz",
        "guanxi-20261203-011500.tar.gz",
    ]
    with tarfile.open(made[-1]) as archive:
        assert json.load(archive.extractfile("manifest.json"))["tables"]  # type: ignore[arg-type]
    settings.BACKUP_DIR = ""
    nightly_backup.call_local()  # off without a folder: nothing written
    assert len(list(folder.iterdir())) == 2
