"""Portable backups: a zip of JSON (Django's serializer, primary keys kept, natural keys only for
content types and permissions) with a manifest of the schema's migrations, each model's count
and a content fingerprint. A backup taken on SQLite restores into PostgreSQL and vice versa.

Restoring needs an EMPTY database at the same migrations (`tandem migrate` first): it refuses
otherwise, so it never mixes two Colleges' records or overwrites anything.
"""

import datetime as dt
import hashlib
import json
import zipfile

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers import python as python_serializer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "tandem-backup/1"
MANIFEST = "manifest.json"
# Recreated by `migrate` on the target (content types, permissions) or not worth keeping (sessions).
SKIPPED = {"contenttypes.ContentType", "auth.Permission", "sessions.Session"}


class BackupError(Exception):
    """The archive or the target database is not fit for a restore: one line saying why."""


def backed_up_models():
    """Every concrete model with its own table, parents before children of multi-table inheritance."""
    out = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or meta.label in SKIPPED:
            continue
        out.append(model)
    return sorted(out, key=lambda m: m._meta.label)


def _entry(model):
    return f"data/{model._meta.label}.json"


def applied_migrations(using=DEFAULT_DB_ALIAS):
    recorder = MigrationRecorder(connections[using])
    state = {}
    for app, name in sorted(recorder.applied_migrations()):
        state.setdefault(app, []).append(name)
    return state


class _Encoder(DjangoJSONEncoder):
    """Django's JSON encoder keeps milliseconds only; a restore must give identical records."""

    def default(self, o):
        if isinstance(o, (dt.datetime, dt.time)):
            return o.isoformat()
        return super().default(o)


def _natural_models():
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    return (ContentType, Permission)


class _Serializer(python_serializer.Serializer):
    """Primary keys for every reference except to content types and permissions, whose ids differ
    from one database to another (`migrate` creates them): those by natural key."""

    def _natural_for(self, field):
        self.use_natural_foreign_keys = field.remote_field.model in _natural_models()

    def handle_fk_field(self, obj, field):
        self._natural_for(field)
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        self._natural_for(field)
        super().handle_m2m_field(obj, field)


def _rows(model, using):
    qs = model._default_manager.using(using).order_by("pk")
    return _Serializer().serialize(qs.iterator(chunk_size=2000), use_natural_primary_keys=False)


def _serialize(model, using):
    return json.dumps(_rows(model, using), cls=_Encoder, ensure_ascii=False, indent=None)


def _canonical(model, using):
    """The model's rows in a database-independent form (for the fingerprint)."""
    rows = []
    for item in _rows(model, using):
        fields = {}
        for name, value in item["fields"].items():
            if isinstance(value, list) and name in {f.name for f in model._meta.many_to_many}:
                value = sorted(value, key=repr)
            fields[name] = value
        rows.append({"pk": item["pk"], "fields": fields})
    return json.dumps(rows, sort_keys=True, default=str, ensure_ascii=True)


def fingerprint(using=DEFAULT_DB_ALIAS):
    """(per-model counts, sha256 over every backed-up model's canonical rows)."""
    digest = hashlib.sha256()
    counts = {}
    for model in backed_up_models():
        counts[model._meta.label] = model._default_manager.using(using).count()
        digest.update(model._meta.label.encode())
        digest.update(_canonical(model, using).encode())
    return counts, digest.hexdigest()


def backup(path_or_file, using=DEFAULT_DB_ALIAS):
    """Write the archive. Returns the manifest."""
    counts, digest = fingerprint(using)
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database_vendor": connections[using].vendor,
        "migrations": applied_migrations(using),
        "counts": counts,
        "fingerprint": digest,
        "files": [_entry(m) for m in backed_up_models()],
    }
    with zipfile.ZipFile(path_or_file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for model in backed_up_models():
            archive.writestr(_entry(model), _serialize(model, using))
        archive.writestr(MANIFEST, json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def read_manifest(archive):
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise BackupError("this is not a Tandem backup: it has no manifest.json") from None
    except ValueError:
        raise BackupError("the backup's manifest.json is not valid JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"this is not a {FORMAT} archive")
    return manifest


def _check_target(manifest, using):
    here = applied_migrations(using)
    theirs = {app: sorted(names) for app, names in manifest.get("migrations", {}).items()}
    if here != theirs:
        missing = sorted(f"{a}.{n}" for a, ns in theirs.items() for n in ns if n not in here.get(a, []))
        extra = sorted(f"{a}.{n}" for a, ns in here.items() for n in ns if n not in theirs.get(a, []))
        detail = []
        if missing:
            detail.append(f"not applied here: {', '.join(missing[:5])}{' …' if len(missing) > 5 else ''}")
        if extra:
            detail.append(f"applied here but not in the backup: {', '.join(extra[:5])}{' …' if len(extra) > 5 else ''}")
        raise BackupError("the database's migrations differ from the backup's (" + "; ".join(detail)
                          + "): restore with the Tandem version that made the backup, after `tandem migrate`")
    not_empty = [m._meta.label for m in backed_up_models() if m._default_manager.using(using).exists()]
    if not_empty:
        raise BackupError(f"the database is not empty ({', '.join(not_empty[:5])}"
                          f"{' …' if len(not_empty) > 5 else ''} have rows): restore only into a new, migrated database")


def _insert(objects, using, batch=500):
    """Insert deserialized objects as they are (raw: no save() logic, no auto_now), many rows per
    statement, then their many-to-many links. A model with a parent table (none today) or a row
    waiting for a natural key is saved one by one, as loaddata does."""
    simple, one_by_one = [], []
    for obj in objects:
        (one_by_one if obj.deferred_fields or obj.object._meta.parents else simple).append(obj)
    for obj in one_by_one:
        obj.save(using=using)
    if simple:
        model = type(simple[0].object)
        fields = model._meta.local_concrete_fields
        rows = [obj.object for obj in simple]
        for start in range(0, len(rows), batch):
            model._base_manager.using(using)._insert(rows[start:start + batch], fields=fields, using=using, raw=True)
        links = {}
        for obj in simple:
            for name, pks in (obj.m2m_data or {}).items():
                links.setdefault(name, []).extend((obj.object.pk, pk) for pk in pks)
        for name, pairs in links.items():
            field = model._meta.get_field(name)
            through = field.remote_field.through
            source = through._meta.get_field(field.m2m_field_name()).attname
            target = through._meta.get_field(field.m2m_reverse_field_name()).attname
            through._base_manager.using(using).bulk_create(
                [through(**{source: a, target: b}) for a, b in pairs], batch_size=1000)


def restore(path_or_file, using=DEFAULT_DB_ALIAS):
    """Load the archive into an empty database. Returns the manifest. Raises BackupError."""
    try:
        archive = zipfile.ZipFile(path_or_file)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError(f"cannot open the backup: {exc}") from None
    with archive:
        manifest = read_manifest(archive)
        _check_target(manifest, using)
        connection = connections[using]
        models, deferred = [], []
        with transaction.atomic(using=using):
            with connection.constraint_checks_disabled():
                for name in manifest.get("files", []):
                    try:
                        data = archive.read(name)
                    except KeyError:
                        raise BackupError(f"the backup lacks {name}, which its manifest lists") from None
                    try:
                        rows = json.loads(data)
                    except ValueError:
                        raise BackupError(f"{name} is not valid JSON") from None
                    try:
                        objects = list(serializers.deserialize("python", rows, using=using,
                                                               handle_forward_references=True))
                    except (serializers.base.DeserializationError, TypeError, AttributeError, KeyError) as exc:
                        raise BackupError(f"{name} cannot be read: {str(exc).splitlines()[0][:200]}") from None
                    deferred.extend(obj for obj in objects if obj.deferred_fields)
                    _insert(objects, using)
                    models.extend({type(obj.object) for obj in objects} - set(models))
                for obj in deferred:  # natural-key references to rows loaded later
                    obj.save_deferred_fields(using=using)
            connection.check_constraints(table_names=[m._meta.db_table for m in models])
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(sql)
            counts, digest = fingerprint(using)
            if counts != manifest.get("counts"):
                raise BackupError("the restored counts differ from the backup's manifest: nothing was restored")
            if digest != manifest.get("fingerprint"):
                raise BackupError("the restored records' fingerprint differs from the backup's: nothing was restored")
    return manifest
