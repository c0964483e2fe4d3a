"""`tandem backup` / `tandem restore`: a SQLite database built in a subprocess (the demo College plus
a sensitive profile and an authenticator device) is backed up, then restored into the test
database — PostgreSQL when DATABASE_URL is set, else SQLite — with identical records. Backups taken
while rows are being written restore; authenticator seeds never enter an archive; a generated corpus
of hostile archives is refused with one line, nothing written."""

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tandem.core.backups import archive as backup_format
from tandem.core.backups import backup, restore
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


def tandem(*args, env, check=True):
    result = subprocess.run([*TANDEM, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    if check:
        assert result.returncode == 0, f"tandem {' '.join(args)}: {result.stderr[-2000:]}"
    return result


pytestmark = pytest.mark.slow  # migrates a database and generates the demo College in subprocesses


# Session scope, not module: pytest-django runs the database tests before the others, which splits
# this module in two, and a module fixture would be built (14 s) once for each part.
@pytest.fixture(scope="session")
def sqlite_backup(tmp_path_factory):
    folder = tmp_path_factory.mktemp("backup")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    # Signed with the test settings' key, so the tests' restores accept it.
    env.update(
        DEBUG="true",
        SQLITE_PATH=str(folder / "source.sqlite3"),
        DJANGO_SETTINGS_MODULE="tandem.settings",
        BACKUP_SIGNING_KEY=settings.BACKUP_SIGNING_KEY,
    )
    tandem("migrate", "--no-input", "-v", "0", env=env)
    shutil.copy(folder / "source.sqlite3", folder / "empty.sqlite3")  # migrated, empty: a restore target
    tandem("demo", env=env)
    tandem("shell", "-c", EXTRAS, env=env)
    archive = folder / "tandem.zip"
    tandem("backup", str(archive), env=env)
    return archive


def source_env(archive, **extra):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DEBUG="true",
        SQLITE_PATH=str(archive.parent / "source.sqlite3"),
        DJANGO_SETTINGS_MODULE="tandem.settings",
        BACKUP_SIGNING_KEY=settings.BACKUP_SIGNING_KEY,
    )
    env.update(extra)
    return env


def test_backup_is_a_portable_archive_with_a_manifest(sqlite_backup):
    with zipfile.ZipFile(sqlite_backup) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["format"] == "tandem-backup/2" and manifest["database_vendor"] == "sqlite"
        assert manifest["migrations"]["audit"] and manifest["counts"]["tutors.Tutor"] > 10
        assert manifest["counts"]["tutors.SensitiveProfile"] == 1 and manifest["counts"]["audit.AuditEvent"] > 0
        assert set(manifest["files"]) <= set(archive.namelist())
        assert "sessions.Session" not in manifest["counts"]
        assert archive.read("manifest.sig").decode().strip() == backup_format.sign(archive.read("manifest.json"))
        for name, sha in manifest["files"].items():
            assert hashlib.sha256(archive.read(name)).hexdigest() == sha
    assert oct(sqlite_backup.stat().st_mode & 0o777) == "0o600"  # it holds personal data
    assert not list(sqlite_backup.parent.glob(".*partial*"))


def test_backup_leaves_authenticator_seeds_out_and_keeps_password_hashes(sqlite_backup):
    with sqlite3.connect(sqlite_backup.parent / "source.sqlite3") as db:
        seeds = [row[0] for row in db.execute("SELECT key FROM otp_totp_totpdevice")]
    assert len(seeds) == 1 and len(seeds[0]) >= 20
    with zipfile.ZipFile(sqlite_backup) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        everything = b"".join(archive.read(name) for name in archive.namelist())
        users = json.loads(archive.read("data/accounts.User.json"))
    assert manifest["left_out"] == {"otp_totp.TOTPDevice": 1}
    assert "otp_totp.TOTPDevice" not in manifest["counts"] and "data/otp_totp.TOTPDevice.json" not in manifest["files"]
    assert seeds[0].encode() not in everything
    # Password hashes stay (people sign in after a restore); docs/deployment.md §7 says so.
    with sqlite3.connect(sqlite_backup.parent / "source.sqlite3") as db:
        hashes = dict(db.execute("SELECT id, password FROM accounts_user"))
    assert {user["pk"]: user["fields"]["password"] for user in users} == hashes
    assert any(value.count("$") >= 2 for value in hashes.values())


@pytest.mark.django_db
def test_restore_gives_identical_records(sqlite_backup):
    from django.db import connection

    out = io.StringIO()
    call_command("restore", str(sqlite_backup), stdout=out)
    manifest = restore.verify(sqlite_backup)
    assert "1 authenticator devices were not in the archive: those people set up two-factor again" in out.getvalue()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    assert not TOTPDevice.objects.exists()
    counts, digest = backup_format.fingerprint()
    assert counts == manifest["counts"]
    assert digest == manifest["fingerprint"]
    print(f"restored into {connection.vendor}: {sum(counts.values())} records")
    # The append-only guard still holds after a restore, and sequences moved on past the restored keys.
    from tandem.audit import db_guard
    from tandem.tutors.models import Tutor

    assert db_guard.installed(connection)
    highest = Tutor.objects.order_by("-pk").first().pk
    college = Tutor.objects.first().college
    new = Tutor.objects.create(
        college=college, kind="peer", first_name="New", last_name="Tutor", email="new@example.org"
    )
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
    seal(
        members(sqlite_backup), changed, manifest_edit=lambda m: m["migrations"]["audit"].append("9999_from_the_future")
    )
    with pytest.raises(UsageError, match="migrations differ.*9999_from_the_future"):
        call_command("restore", str(changed))


@pytest.mark.django_db
def test_restore_refuses_a_backup_from_before_the_pipeline_had_its_own_app(sqlite_backup, tmp_path):
    """Until release/0004 and pipeline/0001 the staff-tutor pipeline's models were release's: an
    archive of that time names them release.Pipeline… and lacks those migrations. It is refused,
    saying which Tandem can restore it, and nothing is written."""
    entries = members(sqlite_backup)
    manifest = json.loads(entries["manifest.json"])
    for model in ("PipelineEntry", "PipelineStageChange", "PipelineSubmission"):
        new, old = f"pipeline.{model}", f"release.{model}"
        rows = json.loads(entries.pop(f"data/{new}.json"))
        for row in rows:
            row["model"] = old.lower()
        data = entries[f"data/{old}.json"] = json.dumps(rows).encode()
        del manifest["files"][f"data/{new}.json"]
        manifest["files"][f"data/{old}.json"] = hashlib.sha256(data).hexdigest()
        manifest["counts"][old] = manifest["counts"].pop(new)
    del manifest["migrations"]["pipeline"]
    manifest["migrations"]["release"].remove("0004_move_pipeline_out")
    entries["manifest.json"] = json.dumps(manifest).encode()
    before = seal(entries, tmp_path / "before.zip", recount=False)
    with pytest.raises(
        UsageError,
        match=r"migrations differ .*applied here but not in the backup: pipeline\.0001_initial, "
        r"release\.0004_move_pipeline_out\).*restore with the Tandem version that made the backup",
    ):
        call_command("restore", str(before))
    assert_nothing_restored()


# --- Archives made and edited by hand ------------------------------------------------------------


def members(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def seal(entries, target, *, manifest_edit=None, raw_manifest=None, signed=True, recount=True, key=None):
    """Write an archive from {name: bytes} as someone who knows the format would: the files' hashes,
    the counts and the fingerprint recomputed from the data, `manifest_edit` applied, signed with the
    test settings' key (or `key`, or not at all)."""
    manifest = json.loads(entries["manifest.json"])
    if recount:
        digest = hashlib.sha256()
        for model in backup_format.backed_up_models():
            name, label = f"data/{model._meta.label}.json", model._meta.label
            if name not in entries:
                continue
            manifest["files"][name] = hashlib.sha256(entries[name]).hexdigest()
            try:
                rows = json.loads(entries[name])
                manifest["counts"][label] = len(rows)
                backup_format._digest_update(digest, model, rows)
            except Exception:  # a hostile file: leave the manifest's word for it
                pass
        manifest["fingerprint"] = digest.hexdigest()
    if manifest_edit:
        manifest = manifest_edit(manifest) or manifest
    raw = raw_manifest if raw_manifest is not None else json.dumps(manifest).encode()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            if name not in ("manifest.json", "manifest.sig"):
                archive.writestr(name, data)
        archive.writestr("manifest.json", raw)
        if signed:
            archive.writestr("manifest.sig", backup_format.sign(raw, key))
    return target


KEPT = {"data/core.Organisation.json", "data/core.College.json"}


@pytest.fixture(scope="session")
def small(sqlite_backup):
    """The demo archive cut down to its organisations and Colleges: quick to restore."""
    entries = members(sqlite_backup)
    for name in entries:
        if name.startswith("data/") and name not in KEPT:
            entries[name] = b"[]"
    manifest = json.loads(entries["manifest.json"])
    manifest["left_out"] = {"otp_totp.TOTPDevice": 0}
    entries["manifest.json"] = json.dumps(manifest).encode()
    return entries


def rows_of(entries, name):
    return json.loads(entries[name])


def with_rows(entries, name, rows):
    return {**entries, name: json.dumps(rows).encode()}


def assert_nothing_restored():
    assert not [m for m in backup_format.backed_up_models() if m._default_manager.exists()]


@pytest.mark.django_db
def test_the_small_archive_restores(small, tmp_path):
    restore.restore(seal(small, tmp_path / "small.zip"))
    from tandem.core.models import College

    assert College.objects.count() == len(rows_of(small, "data/core.College.json")) > 0


# --- A: a backup taken while the site is being written to --------------------------------------


def _write_sign_ins(path, stop, written):
    """Sign-in records, one transaction each, as fast as the database takes them."""
    db = sqlite3.connect(path, timeout=60, isolation_level=None)
    try:
        while not stop.is_set():
            db.execute("BEGIN IMMEDIATE")
            db.execute(
                "INSERT INTO axes_accesslog (user_agent, ip_address, username, http_accept, path_info, "
                "attempt_time, session_hash) VALUES ('pytest', '127.0.0.1', ?, '*/*', '/accounts/login/', "
                "datetime('now'), '')",
                (f"user{written[0]}",),
            )
            db.execute("COMMIT")
            written[0] += 1
            time.sleep(0.002)
    finally:
        db.close()


@pytest.mark.django_db
@pytest.mark.parametrize("journal", ["delete", "wal"])  # Tandem's SQLite default, and WAL
def test_a_busy_sqlite_database_backs_up_a_consistent_snapshot(sqlite_backup, tmp_path, journal):
    path = tmp_path / "busy.sqlite3"
    shutil.copy(sqlite_backup.parent / "source.sqlite3", path)
    with sqlite3.connect(path) as db:
        assert db.execute(f"PRAGMA journal_mode={journal}").fetchone()[0] == journal
    stop, written = threading.Event(), [0]
    writer = threading.Thread(target=_write_sign_ins, args=(path, stop, written))
    writer.start()
    try:
        while written[0] < 20:
            time.sleep(0.01)
        archive = tmp_path / "busy.zip"
        tandem("backup", str(archive), env=source_env(sqlite_backup, SQLITE_PATH=str(path)))
        time.sleep(0.2)
    finally:
        stop.set()
        writer.join()
    with sqlite3.connect(path) as db:
        total = db.execute("SELECT count(*) FROM axes_accesslog").fetchone()[0]
    manifest = restore.verify(archive)
    # Rows were written before, during and after; the archive holds a consistent snapshot: verify
    # checked every file's rows against the manifest's counts and fingerprint, as a restore does
    # first (test_restore_gives_identical_records restores the same demo archive in full).
    assert 20 <= manifest["counts"]["axes.AccessLog"] < total


@pytest.mark.django_db(transaction=True)
def test_backup_of_a_busy_postgresql_database_restores(tmp_path):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (DATABASE_URL=postgres://…); the SQLite case runs on a file database")
    from axes.models import AccessLog
    from django.db import connections

    from tandem.audit.services import record

    stop, written, errors = threading.Event(), [0], []

    def write():
        try:
            while not stop.is_set():
                AccessLog.objects.create(
                    user_agent="pytest",
                    ip_address="127.0.0.1",
                    username=f"user{written[0]}",
                    http_accept="*/*",
                    path_info="/accounts/login/",
                )
                record(actor=None, action="create", object_type="pytest.Row", object_id=str(written[0]))
                written[0] += 1
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while written[0] < 20 and not errors:
            time.sleep(0.01)
        before = written[0]
        manifest = backup.backup(tmp_path / "busy.zip")
        during = written[0] - before
    finally:
        stop.set()
        writer.join()
    assert not errors and during > 0, (errors, during)
    assert restore.verify(tmp_path / "busy.zip") == manifest
    call_command("flush", interactive=False, verbosity=0)
    restore.restore(tmp_path / "busy.zip")
    assert AccessLog.objects.count() == manifest["counts"]["axes.AccessLog"] >= 20


def test_a_backup_that_fails_its_check_leaves_no_file(sqlite_backup, tmp_path):
    env = source_env(sqlite_backup, BACKUP_MAX_BYTES="1048576")  # the demo archive unpacks to more
    result = tandem("backup", str(tmp_path / "b.zip"), env=env, check=False)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "failed its check" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())


# --- C: hostile archives -------------------------------------------------------------------------

COLLEGES = "data/core.College.json"


def _college_rows(small, change):
    rows = rows_of(small, COLLEGES)
    change(rows)
    return with_rows(small, COLLEGES, rows)


def _dup_slug(rows):
    rows.append({**rows[0], "pk": rows[0]["pk"] + 1000})


def _term(**fields):
    def add(entries):
        college = rows_of(entries, COLLEGES)[0]["pk"]
        row = {
            "model": "core.term",
            "pk": 1,
            "fields": {
                "college": college,
                "season": "autumn",
                "year": 2019,
                "starts_on": "2019-09-02",
                "ends_on": "2019-12-13",
                **fields,
            },
        }
        return with_rows(entries, "data/core.Term.json", [row])

    return add


def _edit_manifest(change):
    return lambda small, dst: seal(small, dst, manifest_edit=change)


def _raw_manifest(raw):
    return lambda small, dst: seal(small, dst, raw_manifest=raw)


def _rows_file(data, name=COLLEGES):
    return lambda small, dst: seal({**small, name: data}, dst)


def _edit_rows(change):
    return lambda small, dst: seal(_college_rows(small, change), dst)


def _zip_bomb(small, dst):  # 2 MB of spaces in a few kilobytes, over the 1 MiB cap the test sets
    return seal({**small, COLLEGES: b"[" + b" " * 2_000_000 + b"]"}, dst)


def _lying_sizes(small, dst):
    """A member whose headers claim 10 bytes but hold 2 MB."""
    seal({**small, COLLEGES: b"[" + b" " * 2_000_000 + b"]"}, dst)
    import struct

    data = bytearray(dst.read_bytes())
    name = COLLEGES.encode()
    central = data.find(b"PK\x01\x02")
    while central != -1:
        if data[central + 46 : central + 46 + len(name)] == name:
            struct.pack_into("<I", data, central + 24, 10)
            local = struct.unpack_from("<I", data, central + 42)[0]
            struct.pack_into("<I", data, local + 22, 10)
        central = data.find(b"PK\x01\x02", central + 4)
    dst.write_bytes(bytes(data))
    return dst


def _duplicate_member(small, dst):
    seal(small, dst)
    with pytest.warns(UserWarning), zipfile.ZipFile(dst, "a") as archive:
        archive.writestr(COLLEGES, b"[]")
    return dst


def _without(name):
    def build(small, dst):
        seal(small, dst)
        entries = members(dst)
        del entries[name]
        with zipfile.ZipFile(dst, "w") as archive:
            for member, data in entries.items():
                archive.writestr(member, data)
        return dst

    return build


def _extra_member(small, dst):
    return seal({**small, "data/evil.json": b"[]"}, dst)


def _unsigned(small, dst):
    return seal(small, dst, signed=False)


def _other_key(small, dst):
    return seal(small, dst, key="another-key-" + "x" * 40)


def _altered_after_signing(small, dst):
    seal(small, dst)
    entries = members(dst)
    rows = json.loads(entries[COLLEGES])
    rows[0]["fields"]["name"] = "Changed"
    entries[COLLEGES] = json.dumps(rows).encode()
    with zipfile.ZipFile(dst, "w") as archive:
        for member, data in entries.items():
            archive.writestr(member, data)
    return dst


def _manifest_altered_after_signing(small, dst):
    seal(small, dst)
    entries = members(dst)
    signature = entries["manifest.sig"]
    seal(_college_rows(small, lambda rows: rows[0]["fields"].update(name="Changed")), dst, signed=False)
    with zipfile.ZipFile(dst, "a") as archive:
        archive.writestr("manifest.sig", signature)
    return dst


def _bytes(dst, data):
    dst.write_bytes(data)
    return dst


def _nested(depth):
    return b'{"format": ' + b"[" * depth + b"]" * depth + b"}"


HOSTILE = {
    # the file itself
    "not a zip": (lambda small, dst: _bytes(dst, b"PK\x03\x04 not really"), "cannot open the backup"),
    "empty file": (lambda small, dst: _bytes(dst, b""), "cannot open the backup"),
    "truncated": (lambda small, dst: _bytes(dst, seal(small, dst).read_bytes()[:300]), "cannot open the backup"),
    "zip bomb": (_zip_bomb, "unpack to .* more than"),
    "lying sizes": (_lying_sizes, "cannot be unpacked: Bad CRC-32"),
    "duplicate member": (_duplicate_member, "two files of the same name"),
    "extra member": (_extra_member, "files its manifest does not list"),
    "missing data file": (_without(COLLEGES), "lacks data/core.College.json"),
    "missing manifest": (_without("manifest.json"), "no manifest.json"),
    # signature
    "unsigned": (_unsigned, "not signed"),
    "signed with another key": (_other_key, "signature does not match"),
    "data altered after signing": (_altered_after_signing, "differs from the SHA-256 in the manifest"),
    "manifest altered after signing": (_manifest_altered_after_signing, "signature does not match"),
    # the manifest
    "manifest a list": (_raw_manifest(b"[]"), "not a JSON object"),
    "manifest not JSON": (_raw_manifest(b"{nope"), "manifest is not valid JSON"),
    "manifest not UTF-8": (_raw_manifest(b'{"format": "\xff\xfe"}'), "manifest is not valid JSON"),
    "manifest duplicate keys": (_raw_manifest(b'{"format": "tandem-backup/2", "format": "x"}'), "key 'format' twice"),
    "manifest deeply nested": (_raw_manifest(_nested(200_000)), "nested too deeply"),
    "manifest nested past the limit": (_raw_manifest(_nested(200)), "nested more than 64 deep"),
    "manifest NaN": (_raw_manifest(b'{"format": NaN}'), "not valid JSON"),
    "format a number": (_edit_manifest(lambda m: m.update(format=2)), "not a tandem-backup/2 archive"),
    "format of an older Tandem": (
        _edit_manifest(lambda m: m.update(format="tandem-backup/1")),
        "tandem-backup/1 archive.*Tandem version that made it",
    ),
    "counts of text": (_edit_manifest(lambda m: m["counts"].update({"core.College": "many"})), "counts is not"),
    "counts negative": (_edit_manifest(lambda m: m["counts"].update({"core.College": -1})), "counts is not"),
    "counts true": (_edit_manifest(lambda m: m["counts"].update({"core.College": True})), "counts is not"),
    "files a list": (_edit_manifest(lambda m: m.update(files=list(m["files"]))), "files is not"),
    "fingerprint a number": (_edit_manifest(lambda m: m.update(fingerprint=5)), "fingerprint is not"),
    "migrations of text": (_edit_manifest(lambda m: m.update(migrations={"audit": "0001"})), "migrations is not"),
    "migrations a list": (_edit_manifest(lambda m: m.update(migrations=[])), "migrations is not"),
    "left out negative": (_edit_manifest(lambda m: m.update(left_out={"otp_totp.TOTPDevice": -3})), "left_out is not"),
    "unknown entry": (_edit_manifest(lambda m: m.update(superuser=True)), "unknown: superuser"),
    "entry missing": (_edit_manifest(lambda m: m.pop("files") and None), "missing: files"),
    "files of another Tandem": (
        _edit_manifest(lambda m: m["files"].update({"data/evil.Model.json": "0" * 64})),
        "not this Tandem's models",
    ),
    "count that lies": (_edit_manifest(lambda m: m["counts"].update({"core.College": 99})), "holds 1 rows.*says 99"),
    "fingerprint that lies": (_edit_manifest(lambda m: m.update(fingerprint="0" * 64)), "do not match the fingerprint"),
    "hash that lies": (_edit_manifest(lambda m: m["files"].update({COLLEGES: "0" * 64})), "differs from the SHA-256"),
    # a data file
    "data not JSON": (_rows_file(b"[{"), "core.College.json is not valid JSON"),
    "data not UTF-8": (_rows_file(b'["\xff"]'), "core.College.json is not valid JSON"),
    "data deeply nested": (_rows_file(b"[" * 200_000 + b"]" * 200_000), "nested too deeply"),
    "data duplicate keys": (
        _rows_file(b'[{"model": "core.college", "model": "core.college", "pk": 1, "fields": {}}]'),
        "key 'model' twice",
    ),
    "data NaN": (_rows_file(b'[{"model": "core.college", "pk": NaN, "fields": {}}]'), "not valid JSON"),
    "data an object": (_rows_file(b"{}"), "not a list of rows"),
    "row a string": (_rows_file(b'["row"]'), "row 1 is not a row"),
    "row without fields": (_rows_file(b'[{"model": "core.college", "pk": 1}]'), "row 1 is not a row"),
    "row pk a list": (_rows_file(b'[{"model": "core.college", "pk": [1], "fields": {}}]'), "pk is not a number"),
    "two models in one file": (
        _edit_rows(
            lambda rows: rows.append(
                {"model": "core.organisation", "pk": 4242, "fields": {"name": "X", "is_trust": False}}
            )
        ),
        "is a 'core.organisation', not a core.college",
    ),
    "unknown field": (
        _edit_rows(lambda rows: rows[0]["fields"].update(is_superuser=True)),
        r"fields core.College does not have \(is_superuser\)",
    ),
    "same pk twice": (_edit_rows(lambda rows: rows.append(dict(rows[0]))), "pk .* appears twice"),
    # rows the database refuses: nothing written
    "unique broken": (_edit_rows(_dup_slug), "core.College: rows break the database's rules"),
    "foreign key to nothing": (
        _edit_rows(lambda rows: rows[0]["fields"].update(trust=999999)),
        "rows break the database's rules",
    ),
    "check constraint broken": (
        lambda small, dst: seal(_term(ends_on="2019-01-01")(small), dst),
        "core.Term: rows break the database's rules",
    ),
    "date that is not": (
        lambda small, dst: seal(_term(starts_on="2019-13-45")(small), dst),
        "core.Term: a row cannot be read",
    ),
    "number that is text": (lambda small, dst: seal(_term(year="many")(small), dst), "core.Term: a row cannot be read"),
    "number too big": (lambda small, dst: seal(_term(year=10**30)(small), dst), "core.Term: "),
    "null where required": (lambda small, dst: seal(_term(season=None)(small), dst), "core.Term: "),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_restore_refuses_a_hostile_archive_in_one_line(case, small, tmp_path, settings):
    settings.BACKUP_MAX_BYTES = 1024 * 1024
    build, message = HOSTILE[case]
    archive = build(small, tmp_path / "hostile.zip")
    with pytest.raises(UsageError) as refused:
        call_command("restore", str(archive))
    text = str(refused.value)
    assert "\n" not in text and len(text) < 700, text
    assert re.search(message, text), text
    assert_nothing_restored()


@pytest.mark.django_db
def test_a_zip_bomb_is_refused_before_it_is_unpacked(small, tmp_path):
    """A quarter of a megabyte that unpacks past the default BACKUP_MAX_BYTES (256 MiB)."""
    archive = tmp_path / "bomb.zip"
    seal(small, archive)
    with zipfile.ZipFile(archive, "a", compression=zipfile.ZIP_DEFLATED) as bomb:
        with bomb.open("data/bomb.json", "w", force_zip64=True) as member:
            chunk = b" " * (1 << 20)
            for _ in range(settings.BACKUP_MAX_BYTES // len(chunk) + 1):
                member.write(chunk)
    assert archive.stat().st_size < 2 * 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(backup_format.BackupError, match="more than BACKUP_MAX_BYTES"):
            restore.restore(archive)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024


@pytest.mark.django_db
def test_trust_unsigned_restores_what_is_sound_and_names_the_superusers(small, tmp_path):
    """An archive edited to add a platform operator is refused; an operator who trusts it sees the name."""
    users = [
        {
            "model": "accounts.user",
            "pk": 77,
            "fields": {
                "password": "pbkdf2_sha256$1$salt$hash",
                "last_login": None,
                "is_superuser": True,
                "username": "mallory",
                "first_name": "",
                "last_name": "",
                "email": "",
                "is_staff": True,
                "is_active": True,
                "date_joined": "2020-01-01T00:00:00+00:00",
                "groups": [],
                "user_permissions": [],
            },
        }
    ]
    from tandem.accounts.models import User

    field_names = {f.name for f in User._meta.local_fields if not f.primary_key} | {"groups", "user_permissions"}
    users[0]["fields"] = {name: users[0]["fields"].get(name) for name in field_names}
    users[0]["fields"].update(groups=[], user_permissions=[])
    for name, value in {"role": "college_admin", "college": None}.items():
        if name in field_names:
            users[0]["fields"][name] = value
    edited = seal(with_rows(small, "data/accounts.User.json", users), tmp_path / "edited.zip", key="x" * 64)
    with pytest.raises(UsageError, match="signature does not match BACKUP_SIGNING_KEY"):
        call_command("restore", str(edited))
    assert_nothing_restored()
    out = io.StringIO()
    call_command("restore", str(edited), "--trust-unsigned", stdout=out)
    assert "Platform operators (superusers) restored: mallory." in out.getvalue()
    assert User.objects.get(username="mallory").is_superuser


@pytest.mark.django_db
def test_trust_unsigned_keeps_every_other_check(small, tmp_path):
    archive = seal(_college_rows(small, _dup_slug), tmp_path / "bad.zip", signed=False)
    with pytest.raises(UsageError, match="core.College: rows break the database's rules"):
        call_command("restore", str(archive), "--trust-unsigned")
    assert_nothing_restored()


@pytest.mark.parametrize(
    "case",
    [
        "unsigned",
        "manifest deeply nested",
        "two models in one file",
        "unique broken",
        "check constraint broken",
        "zip bomb",
    ],
)
def test_real_process_restore_refuses_a_hostile_archive(case, sqlite_backup, small, tmp_path):
    target = tmp_path / "target.sqlite3"
    shutil.copy(sqlite_backup.parent / "empty.sqlite3", target)
    build, message = HOSTILE[case]
    archive = build(small, tmp_path / "hostile.zip")
    result = tandem(
        "restore",
        str(archive),
        check=False,
        env=source_env(sqlite_backup, SQLITE_PATH=str(target), BACKUP_MAX_BYTES="1048576"),
    )
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("restore: ") and re.search(message, result.stderr), result.stderr
    with sqlite3.connect(target) as db:
        assert db.execute("SELECT count(*) FROM core_college").fetchone()[0] == 0
