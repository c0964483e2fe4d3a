"""Writing a backup: every table read inside one read-only snapshot (REPEATABLE READ on PostgreSQL,
one deferred read transaction on SQLite), written to a zip with its signed manifest. The `tandem
backup` command then re-opens the archive and checks it as a restore would (`restore.verify`) before
it reports success. The format is in `backups.archive`.
"""

import contextlib
import hashlib
import json
import zipfile

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from .archive import (
    FORMAT,
    MANIFEST,
    SIGNATURE,
    _digest_update,
    _entry,
    _serialize,
    applied_migrations,
    backed_up_models,
    left_out_models,
    sign,
)


@contextlib.contextmanager
def _snapshot(using):
    """Every read inside sees the database as it was at one moment, however busy the site is."""
    connection = connections[using]
    if connection.in_atomic_block:
        # Called inside an open transaction (tests): that transaction's view is the snapshot.
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    if connection.vendor != "sqlite":
        with transaction.atomic(using=using):
            yield
        return
    # SQLite: Django's atomic() would BEGIN IMMEDIATE (settings: transaction_mode), a write lock.
    # A deferred transaction becomes a read transaction at its first read and keeps one view until
    # it ends: a snapshot in WAL mode; in the default rollback-journal mode (Tandem's) it holds a
    # shared lock, so writers wait (up to the busy timeout) until the backup is read.
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
        try:
            cursor.execute("PRAGMA query_only = ON")
            cursor.execute("SELECT count(*) FROM sqlite_master")  # the snapshot starts here
            cursor.fetchone()
            yield
        finally:
            cursor.execute("ROLLBACK")
            cursor.execute("PRAGMA query_only = OFF")


def backup(path_or_file, using=DEFAULT_DB_ALIAS):
    """Write the archive from one consistent snapshot of the database. Returns the manifest."""
    digest = hashlib.sha256()
    counts, files = {}, {}
    with zipfile.ZipFile(path_or_file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with _snapshot(using):
            migrations = applied_migrations(using)
            left_out = {m._meta.label: m._default_manager.using(using).count() for m in left_out_models()}
            for model in backed_up_models():
                data = _serialize(model, using)
                rows = json.loads(data)
                counts[model._meta.label] = len(rows)
                _digest_update(digest, model, rows)
                files[_entry(model)] = hashlib.sha256(data).hexdigest()
                archive.writestr(_entry(model), data)
                del rows, data
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database_vendor": connections[using].vendor,
            "migrations": migrations,
            "counts": counts,
            "fingerprint": digest.hexdigest(),
            "files": files,
            "left_out": left_out,
        }
        manifest_bytes = json.dumps(manifest, indent=2, sort_keys=True).encode()
        archive.writestr(MANIFEST, manifest_bytes)
        archive.writestr(SIGNATURE, sign(manifest_bytes) + "\n")
    return manifest
