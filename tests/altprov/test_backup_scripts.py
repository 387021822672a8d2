"""scripts/backup and scripts/restore-check against the PostgreSQL test database.

Runs when DATABASE_URL is PostgreSQL (CI's second pass). The scripts are run
as an operator would, on rows committed by the test.
"""

import os
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from ..factories import PlacementFactory, signed_documents

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("Needs DATABASE_URL on PostgreSQL")
    db = connection.settings_dict
    media = tmp_path / "private"
    media.mkdir()
    return {
        **os.environ,
        "DATABASE_URL": "postgres://{}@{}:{}/{}".format(
            db["USER"], db["HOST"] or "127.0.0.1", db["PORT"] or 5432, db["NAME"]
        ),
        "PRIVATE_MEDIA_ROOT": str(media),
        "BACKUP_DIR": str(tmp_path / "backups"),
        "RESTORE_CHECK_DB": f"{db['NAME']}_restore",
    }


def run(script: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own scripts
        [str(ROOT / "scripts" / script)], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def signed_placement(media: Path) -> None:
    placement = PlacementFactory()
    signed_documents(placement)
    folder = media / "documents" / str(placement.pk)
    folder.mkdir(parents=True)
    for name in ("agreement.pdf", "contract.pdf"):
        (folder / name).write_bytes(b"signed")  # the SHA-256 signed_documents records


def test_a_backup_restores_with_its_rows_migrations_and_signed_documents(env):
    signed_placement(Path(env["PRIVATE_MEDIA_ROOT"]))
    backup = run("backup", env)
    assert backup.returncode == 0, backup.stderr
    folder = Path(backup.stdout.split("backup: ", 1)[1].strip())
    assert {p.name for p in folder.iterdir()} == {"database.dump", "files.tar.gz", "counts.tsv", "SHA256SUMS"}
    assert "placements_placement\t1" in (folder / "counts.tsv").read_text().splitlines()

    check = run("restore-check", env)
    assert check.returncode == 0, check.stderr
    assert "migrations: all applied" in check.stdout
    assert "2 signed documents hashed, 2 stored files present" in check.stdout
    assert "OK:" in check.stdout


def test_a_signed_pdf_changed_since_signing_fails_the_check(env):
    media = Path(env["PRIVATE_MEDIA_ROOT"])
    signed_placement(media)
    next(media.glob("documents/*/contract.pdf")).write_bytes(b"altered")
    assert run("backup", env).returncode == 0
    check = run("restore-check", env)
    assert check.returncode == 1
    assert "ParentContract" in check.stderr and "does not match its SHA-256" in check.stderr


def test_a_damaged_backup_fails_the_check(env):
    assert run("backup", env).returncode == 0
    counts = next(Path(env["BACKUP_DIR"]).glob("*/counts.tsv"))
    counts.write_text(counts.read_text() + "altprov_extra\t1\n")
    check = run("restore-check", env)
    assert check.returncode != 0
    assert "FAILED" in check.stdout + check.stderr


def test_only_the_newest_backups_are_kept(env):
    env = {**env, "BACKUP_KEEP": "2"}
    for _ in range(3):
        assert run("backup", env).returncode == 0
    assert len(list(Path(env["BACKUP_DIR"]).iterdir())) == 2
