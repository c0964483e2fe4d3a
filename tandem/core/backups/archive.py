"""What a `tandem backup` archive holds, shared by `backups.backup` (write) and `backups.restore`
(read, check, load).

Portable backups: a zip of JSON (Django's serializer, primary keys kept, natural keys only for
content types and permissions) with a manifest of the schema's migrations, each model's count, each
file's SHA-256 and a content fingerprint, and an HMAC-SHA256 signature of the manifest (so of every
file) with `settings.BACKUP_SIGNING_KEY`. A backup taken on SQLite restores into PostgreSQL and vice
versa.

Secrets: authenticator (django-otp) devices hold TOTP seeds and are left out; their count is in the
manifest and a restore says who sets up two-factor again. Password hashes are kept (docs/deployment.md
§7 says what an archive holds and how to protect it).
"""

import datetime as dt
import hashlib
import hmac
import json

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.serializers import python as python_serializer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder
from django_otp.models import Device

FORMAT = "tandem-backup/2"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
SIGNATURE_PREFIX = "hmac-sha256:"
# Recreated by `migrate` on the target (content types, permissions) or not worth keeping (sessions).
SKIPPED = {"contenttypes.ContentType", "auth.Permission", "sessions.Session"}
# The manifest and the signature are small; more is not a Tandem archive.
MANIFEST_MAX_BYTES = 1024 * 1024
# Deepest JSON nesting accepted (a row is 3 deep; JSON fields such as a plan's result add a few).
MAX_DEPTH = 64
MANIFEST_KEYS = {"format", "created_at", "database_vendor", "migrations", "counts", "fingerprint", "files", "left_out"}


class BackupError(Exception):
    """The archive or the target database is not fit for a restore: one line saying why."""


def _is_secret(model):
    """Authenticator devices hold TOTP seeds: never in an archive."""
    return issubclass(model, Device)


def _concrete_models():
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or meta.label in SKIPPED:
            continue
        yield model


def backed_up_models():
    """Every concrete model with its own table but the secrets, sorted by label."""
    return sorted((m for m in _concrete_models() if not _is_secret(m)), key=lambda m: m._meta.label)


def left_out_models():
    return sorted((m for m in _concrete_models() if _is_secret(m)), key=lambda m: m._meta.label)


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
        prefetched = getattr(obj, "_prefetched_objects_cache", {})
        if field.remote_field.through._meta.auto_created and field.name in prefetched:
            # As Django's serializer does with a prefetched relation, without building the
            # fallback queryset it would not use (a quarter of a demo fingerprint's time).
            natural = self.use_natural_foreign_keys and hasattr(field.remote_field.model, "natural_key")
            self._current[field.name] = [
                related.natural_key() if natural else self._value_from_field(related, related._meta.pk)
                for related in prefetched[field.name]
            ]
            return
        super().handle_m2m_field(obj, field)


def _rows(model, using):
    qs = model._default_manager.using(using).order_by("pk")
    # One query per many-to-many field and chunk, not one per row (a restore's fingerprint of the
    # demo spent 8 of its 12 s on those); the serializer reads the prefetched objects.
    m2m = [f.name for f in model._meta.many_to_many]
    if m2m:
        qs = qs.prefetch_related(*m2m)
    return _Serializer().serialize(qs.iterator(chunk_size=2000), use_natural_primary_keys=False)


def _serialize(model, using):
    """The model's rows as the archive holds them (UTF-8 JSON)."""
    return json.dumps(_rows(model, using), cls=_Encoder, ensure_ascii=False, indent=None).encode()


def _canonical(model, rows):
    """Rows decoded from the archive's JSON in a database-independent form (for the fingerprint)."""
    m2m = {f.name for f in model._meta.many_to_many}
    out = []
    for item in rows:
        fields = {}
        for name, value in item["fields"].items():
            if name in m2m and isinstance(value, list):
                value = sorted(value, key=lambda v: json.dumps(v, sort_keys=True))
            fields[name] = value
        out.append({"pk": item["pk"], "fields": fields})
    return json.dumps(out, sort_keys=True, ensure_ascii=True).encode()


def _digest_update(digest, model, rows):
    digest.update(model._meta.label.encode())
    digest.update(_canonical(model, rows))


def fingerprint(using=DEFAULT_DB_ALIAS):
    """(per-model counts, sha256 over every backed-up model's canonical rows), read from the database
    in the same form as from an archive (its JSON, decoded)."""
    digest = hashlib.sha256()
    counts = {}
    for model in backed_up_models():
        rows = json.loads(_serialize(model, using))
        counts[model._meta.label] = len(rows)
        _digest_update(digest, model, rows)
    return counts, digest.hexdigest()


def sign(manifest_bytes, key=None):
    key = settings.BACKUP_SIGNING_KEY if key is None else key
    return SIGNATURE_PREFIX + hmac.new(key.encode(), manifest_bytes, hashlib.sha256).hexdigest()
