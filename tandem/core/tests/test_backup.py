"""`tandem backup` / `tandem restore`: a SQLite database built in a subprocess (the demo College plus
a sensitive profile and an authenticator device) is backed up, then restored into the test
database — PostgreSQL when DATABASE_URL is set, else SQLite — with identical records."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command

from tandem.core import backup
from tandem.core.management.base import UsageError

ROOT = Path(__file__).resolve().parents[3]
TANDEM = [sys.executable, "-c", "import sys; from tandem.cli import main; sys.exit(main())"]

EXTRAS = """
from django_otp.plugins.otp_totp.models import TOTPDevice
from tandem.accounts.models import User
from tandem.tutors.models import Tutor
from tandem.tutors.services import sensitive_profile_save
peer = Tutor.objects.filter(kind="peer").order_by("pk").first()
sensitive_profile_save(actor=None, tutor=peer, lived_experience="Shared with consent", support_needs="Breaks")
TOTPDevice.objects.create(user=User.objects.get(username="admin"), name="Authenticator app", confirmed=True)
"""


def tandem(*args, env):
    result = subprocess.run([*TANDEM, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"tandem {' '.join(args)}: {result.stderr[-2000:]}"
    return result


@pytest.fixture(scope="module")
def sqlite_backup(tmp_path_factory):
    folder = tmp_path_factory.mktemp("backup")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(DEBUG="true", SQLITE_PATH=str(folder / "source.sqlite3"), DJANGO_SETTINGS_MODULE="tandem.settings")
    tandem("migrate", "--no-input", "-v", "0", env=env)
    tandem("demo", env=env)
    tandem("shell", "-c", EXTRAS, env=env)
    archive = folder / "tandem.zip"
    tandem("backup", str(archive), env=env)
    return archive


def test_backup_is_a_portable_archive_with_a_manifest(sqlite_backup):
    with zipfile.ZipFile(sqlite_backup) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["format"] == "tandem-backup/1" and manifest["database_vendor"] == "sqlite"
        assert manifest["migrations"]["audit"] and manifest["counts"]["tutors.Tutor"] > 10
        assert manifest["counts"]["tutors.SensitiveProfile"] == 1 and manifest["counts"]["audit.AuditEvent"] > 0
        assert set(manifest["files"]) <= set(archive.namelist())
        assert "sessions.Session" not in manifest["counts"]
    assert oct(sqlite_backup.stat().st_mode & 0o777) == "0o600"  # it holds personal data


@pytest.mark.django_db
def test_restore_gives_identical_records(sqlite_backup):
    from django.db import connection

    manifest = backup.restore(sqlite_backup)
    counts, digest = backup.fingerprint()
    assert counts == manifest["counts"]
    assert digest == manifest["fingerprint"]
    print(f"restored into {connection.vendor}: {sum(counts.values())} records")
    # The append-only guard still holds after a restore, and sequences moved on past the restored keys.
    from tandem.audit import db_guard
    from tandem.tutors.models import Tutor

    assert db_guard.installed(connection)
    highest = Tutor.objects.order_by("-pk").first().pk
    college = Tutor.objects.first().college
    new = Tutor.objects.create(college=college, kind="peer", first_name="New", last_name="Tutor", email="new@example.org")
    assert new.pk > highest


@pytest.mark.django_db
def test_restore_refuses_a_database_that_is_not_empty(sqlite_backup, world):
    with pytest.raises(UsageError, match="the database is not empty"):
        call_command("restore", str(sqlite_backup))


@pytest.mark.django_db
def test_restore_refuses_what_is_not_a_backup(tmp_path):
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    with pytest.raises(UsageError, match="cannot open the backup"):
        call_command("restore", str(junk))
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("data.json", "[]")
    with pytest.raises(UsageError, match="no manifest.json"):
        call_command("restore", str(empty))
    with pytest.raises(UsageError, match="no such file"):
        call_command("restore", str(tmp_path / "missing.zip"))


@pytest.mark.django_db
def test_restore_refuses_other_migrations(sqlite_backup, tmp_path):
    changed = tmp_path / "changed.zip"
    with zipfile.ZipFile(sqlite_backup) as src, zipfile.ZipFile(changed, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "manifest.json":
                manifest = json.loads(data)
                manifest["migrations"]["audit"].append("9999_from_the_future")
                data = json.dumps(manifest)
            dst.writestr(name, data)
    with pytest.raises(UsageError, match="migrations differ.*9999_from_the_future"):
        call_command("restore", str(changed))
