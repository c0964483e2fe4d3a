"""Restoring a backup: reading and checking an archive, then loading it.

Restoring needs an EMPTY database at the same migrations (`tandem migrate` first): it refuses
otherwise, so it never mixes two Colleges' records or overwrites anything. An archive is untrusted
input: sizes are capped (`settings.BACKUP_MAX_BYTES`) before anything is decompressed, JSON with
duplicate keys or deep nesting is refused, every row must be of its file's model, an unsigned or
altered archive is refused unless the operator trusts it, and everything is written in one
transaction or nothing is. The format is in `backups.archive`.
"""

import hashlib
import hmac
import json
import os
import re
import zipfile
import zlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.cache import cache
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

from tandem.core import dbstats

from .archive import (
    FORMAT,
    MANIFEST,
    MANIFEST_KEYS,
    MANIFEST_MAX_BYTES,
    MAX_DEPTH,
    SIGNATURE,
    BackupError,
    _digest_update,
    _entry,
    applied_migrations,
    backed_up_models,
    fingerprint,
    left_out_models,
    sign,
)

_HEX64 = re.compile(r"[0-9a-f]{64}")


# --- Reading an archive: untrusted input ------------------------------------------------------


def _no_duplicates(where):
    def hook(pairs):
        out = {}
        for key, value in pairs:
            if key in out:
                raise BackupError(f"{where} has the key {key[:40]!r} twice in one object")
            out[key] = value
        return out

    return hook


def _no_constant(name):
    raise ValueError(f"{name} is not JSON")


def _depth_ok(value):
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return False
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return True


def loads(data, where):
    """JSON from an archive: no duplicate keys, no NaN or Infinity, at most MAX_DEPTH deep."""
    try:
        value = json.loads(data, object_pairs_hook=_no_duplicates(where), parse_constant=_no_constant)
    except RecursionError:
        raise BackupError(f"{where} is nested too deeply") from None
    except ValueError as exc:  # includes UnicodeDecodeError
        raise BackupError(f"{where} is not valid JSON ({str(exc).splitlines()[0][:120]})") from None
    if not _depth_ok(value):
        raise BackupError(f"{where} is nested more than {MAX_DEPTH} deep")
    return value


_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    zlib.error,
    KeyError,
)


class Archive:
    """A `tandem backup` archive opened for reading, sizes checked before anything is decompressed."""

    def __init__(self, path, *, max_bytes=None):
        self.max_bytes = settings.BACKUP_MAX_BYTES if max_bytes is None else max_bytes
        try:
            size = os.path.getsize(path)
        except OSError as exc:
            raise BackupError(f"cannot open the backup: {exc.strerror or exc}") from None
        if size > self.max_bytes:
            raise BackupError(f"the backup is {size} bytes, more than BACKUP_MAX_BYTES ({self.max_bytes})")
        try:
            self.zip = zipfile.ZipFile(path)
            infos = self.zip.infolist()
        except _ZIP_ERRORS as exc:
            raise BackupError(
                f"cannot open the backup: {str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__}"
            ) from None
        names = [info.filename for info in infos]
        if len(names) != len(set(names)):
            self.zip.close()
            raise BackupError("the backup holds two files of the same name")
        total = sum(info.file_size for info in infos)
        if total > self.max_bytes:
            self.zip.close()
            raise BackupError(
                f"the backup would unpack to {total} bytes, more than BACKUP_MAX_BYTES ({self.max_bytes})"
            )
        self.names = set(names)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.zip.close()

    def read(self, name, limit=None):
        limit = self.max_bytes if limit is None else min(limit, self.max_bytes)
        if name not in self.names:
            raise BackupError(f"the backup lacks {name}")
        info = self.zip.getinfo(name)
        if info.file_size > limit:
            raise BackupError(f"{name} would unpack to {info.file_size} bytes, more than the {limit} allowed")
        try:
            with self.zip.open(info) as member:
                data = member.read(limit + 1)
        except _ZIP_ERRORS as exc:
            raise BackupError(
                f"{name} cannot be unpacked: {str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__}"
            ) from None
        if len(data) > limit:
            raise BackupError(f"{name} unpacks to more than the {limit} bytes allowed")
        return data


def _check_manifest(manifest):
    """Types and shape of every manifest entry; one line naming the first that is wrong."""
    if not isinstance(manifest, dict):
        raise BackupError("the manifest is not a JSON object")
    fmt = manifest.get("format")
    if fmt != FORMAT:
        if isinstance(fmt, str) and fmt.startswith("tandem-backup/"):
            raise BackupError(
                f"this is a {fmt[:40]} archive; this Tandem reads {FORMAT}: restore it with the "
                "Tandem version that made it"
            )
        raise BackupError(f"this is not a {FORMAT} archive")
    unknown = set(manifest) - MANIFEST_KEYS
    missing = MANIFEST_KEYS - set(manifest)
    if unknown or missing:
        raise BackupError(
            f"the manifest's entries are wrong (unknown: {', '.join(sorted(unknown))[:200] or 'none'}; "
            f"missing: {', '.join(sorted(missing)) or 'none'})"
        )

    def is_count(v):
        return isinstance(v, int) and not isinstance(v, bool) and v >= 0

    checks = [
        ("created_at", isinstance(manifest["created_at"], str)),
        ("database_vendor", isinstance(manifest["database_vendor"], str)),
        (
            "migrations",
            isinstance(manifest["migrations"], dict)
            and all(
                isinstance(names, list) and all(isinstance(n, str) for n in names)
                for names in manifest["migrations"].values()
            ),
        ),
        ("counts", isinstance(manifest["counts"], dict) and all(map(is_count, manifest["counts"].values()))),
        ("fingerprint", isinstance(manifest["fingerprint"], str) and _HEX64.fullmatch(manifest["fingerprint"])),
        (
            "files",
            isinstance(manifest["files"], dict)
            and all(isinstance(h, str) and _HEX64.fullmatch(h) for h in manifest["files"].values()),
        ),
        ("left_out", isinstance(manifest["left_out"], dict) and all(map(is_count, manifest["left_out"].values()))),
    ]
    for name, ok in checks:
        if not ok:
            raise BackupError(f"the manifest's {name} is not of the right type")


def open_manifest(archive, *, trust_unsigned=False):
    """The manifest, its signature checked first (unless the operator trusts the archive)."""
    if MANIFEST not in archive.names:
        raise BackupError("this is not a Tandem backup: it has no manifest.json")
    raw = archive.read(MANIFEST, MANIFEST_MAX_BYTES)
    if not trust_unsigned:
        if SIGNATURE not in archive.names:
            raise BackupError("the backup is not signed (pass --trust-unsigned only if you know where it came from)")
        signature = archive.read(SIGNATURE, 1024).decode("ascii", "replace").strip()
        if not hmac.compare_digest(signature.encode(), sign(raw).encode()):
            raise BackupError(
                "the backup's signature does not match BACKUP_SIGNING_KEY: it was altered, or signed "
                "with another key (set the key it was made with, or pass --trust-unsigned)"
            )
    manifest = loads(raw, "the manifest")
    _check_manifest(manifest)
    return manifest


def _check_files(archive, manifest):
    expected = {_entry(m) for m in backed_up_models()}
    listed = set(manifest["files"])
    if listed != expected:
        odd = sorted(listed ^ expected)
        raise BackupError(
            f"the manifest's files are not this Tandem's models ({', '.join(odd[:3])[:200]}"
            f"{' …' if len(odd) > 3 else ''})"
        )
    if set(manifest["counts"]) != {m._meta.label for m in backed_up_models()}:
        raise BackupError("the manifest's counts are not this Tandem's models")
    extra = archive.names - expected - {MANIFEST, SIGNATURE}
    if extra:
        raise BackupError(f"the backup holds files its manifest does not list ({', '.join(sorted(extra)[:3])[:200]})")


def _check_rows(model, rows, name):
    """Rows as `tandem backup` writes them: each of this file's model, known fields only, one per pk."""
    if not isinstance(rows, list):
        raise BackupError(f"{name} is not a list of rows")
    label = model._meta.label_lower
    allowed = {f.name for f in model._meta.local_fields if not f.primary_key}
    allowed |= {f.name for f in model._meta.local_many_to_many}
    seen = set()
    for number, row in enumerate(rows, 1):
        if not isinstance(row, dict) or set(row) != {"model", "pk", "fields"}:
            raise BackupError(f"{name}: row {number} is not a row of a Tandem backup")
        if row["model"] != label:
            raise BackupError(
                f"{name}: row {number} is a {str(row['model'])[:60]!r}, not a {label}: one model per file"
            )
        pk = row["pk"]
        if isinstance(pk, bool) or not isinstance(pk, (int, str)):
            raise BackupError(f"{name}: row {number}'s pk is not a number or text")
        if pk in seen:
            raise BackupError(f"{name}: the pk {str(pk)[:40]} appears twice")
        seen.add(pk)
        if not isinstance(row["fields"], dict):
            raise BackupError(f"{name}: row {number}'s fields are not an object")
        unknown = set(row["fields"]) - allowed
        if unknown:
            raise BackupError(
                f"{name}: row {number} has fields {model._meta.label} does not have "
                f"({', '.join(sorted(unknown))[:120]})"
            )


def _each_file(archive, manifest):
    """(model, entry, rows) for every file, each checked against its SHA-256 and shape."""
    for model in backed_up_models():
        name = _entry(model)
        data = archive.read(name)
        if not hmac.compare_digest(hashlib.sha256(data).hexdigest(), manifest["files"][name]):
            raise BackupError(f"{name} differs from the SHA-256 in the manifest")
        rows = loads(data, name)
        del data
        _check_rows(model, rows, name)
        yield model, name, rows


def verify(path_or_file, *, trust_unsigned=False):
    """Check an archive as a restore would, without a database write: signature, sizes, every file's
    hash and rows, and the manifest's counts and fingerprint against the data. Returns the manifest."""
    with Archive(path_or_file) as archive:
        manifest = open_manifest(archive, trust_unsigned=trust_unsigned)
        _check_files(archive, manifest)
        _verify_data(archive, manifest)
    return manifest


def _verify_data(archive, manifest):
    digest = hashlib.sha256()
    for model, name, rows in _each_file(archive, manifest):
        if len(rows) != manifest["counts"][model._meta.label]:
            raise BackupError(
                f"{name} holds {len(rows)} rows, its manifest says {manifest['counts'][model._meta.label]}"
            )
        _digest_update(digest, model, rows)
    if digest.hexdigest() != manifest["fingerprint"]:
        raise BackupError("the backup's records do not match the fingerprint in its manifest")


def _check_target(manifest, using):
    here = applied_migrations(using)
    theirs = {app: sorted(names) for app, names in manifest["migrations"].items()}
    if here != theirs:
        missing = sorted(f"{a}.{n}" for a, ns in theirs.items() for n in ns if n not in here.get(a, []))
        extra = sorted(f"{a}.{n}" for a, ns in here.items() for n in ns if n not in theirs.get(a, []))
        detail = []
        if missing:
            detail.append(f"not applied here: {', '.join(missing[:5])[:300]}{' …' if len(missing) > 5 else ''}")
        if extra:
            detail.append(f"applied here but not in the backup: {', '.join(extra[:5])}{' …' if len(extra) > 5 else ''}")
        raise BackupError(
            "the database's migrations differ from the backup's ("
            + "; ".join(detail)
            + "): restore with the Tandem version that made the backup, after `tandem migrate`"
        )
    not_empty = [
        m._meta.label for m in backed_up_models() + left_out_models() if m._default_manager.using(using).exists()
    ]
    if not_empty:
        raise BackupError(
            f"the database is not empty ({', '.join(not_empty[:5])}"
            f"{' …' if len(not_empty) > 5 else ''} have rows): restore only into a new, migrated database"
        )


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
            model._base_manager.using(using)._insert(rows[start : start + batch], fields=fields, using=using, raw=True)
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
                [through(**{source: a, target: b}) for a, b in pairs], batch_size=1000
            )


def _one_line(exc):
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


def restore(path_or_file, using=DEFAULT_DB_ALIAS, *, trust_unsigned=False):
    """Load the archive into an empty database: all of it in one transaction, or nothing. Returns the
    manifest. Raises BackupError (one line) for any archive or database not fit for it."""
    with Archive(path_or_file) as archive:
        manifest = open_manifest(archive, trust_unsigned=trust_unsigned)
        _check_target(manifest, using)
        _check_files(archive, manifest)
        _verify_data(archive, manifest)  # the whole archive is sound before anything is written
        connection = connections[using]
        models, deferred = [], []
        try:
            with transaction.atomic(using=using):
                with connection.constraint_checks_disabled():
                    for model, _name, rows in _each_file(archive, manifest):
                        label = model._meta.label
                        try:
                            objects = list(
                                serializers.deserialize("python", rows, using=using, handle_forward_references=True)
                            )
                        except Exception as exc:  # any value the model cannot take: the archive is bad
                            raise BackupError(f"{label}: a row cannot be read: {_one_line(exc)}") from None
                        del rows
                        try:
                            with transaction.atomic(using=using):
                                _insert(objects, using)
                        except (DatabaseError, ValueError, TypeError, OverflowError) as exc:
                            raise BackupError(f"{label}: rows break the database's rules: {_one_line(exc)}") from None
                        deferred.extend(obj for obj in objects if obj.deferred_fields)
                        if objects:
                            models.append(model)
                    try:
                        for obj in deferred:  # natural-key references to rows loaded later
                            obj.save_deferred_fields(using=using)
                    except Exception as exc:
                        raise BackupError(f"a reference cannot be resolved: {_one_line(exc)}") from None
                try:
                    connection.check_constraints(table_names=[m._meta.db_table for m in models])
                except DatabaseError as exc:
                    raise BackupError(f"rows break the database's rules: {_one_line(exc)}") from None
                with connection.cursor() as cursor:
                    for sql in connection.ops.sequence_reset_sql(no_style(), models):
                        cursor.execute(sql)
                counts, digest = fingerprint(using)
                if counts != manifest["counts"]:
                    raise BackupError("the restored counts differ from the backup's manifest")
                if digest != manifest["fingerprint"]:
                    raise BackupError("the restored records' fingerprint differs from the backup's")
        except DatabaseError as exc:  # e.g. a deferred constraint at COMMIT
            raise BackupError(f"rows break the database's rules: {_one_line(exc)}: nothing was restored") from None
        except BackupError as exc:
            raise BackupError(f"{exc}: nothing was restored") from None
    # Values computed from records before the restore (tandem.core.versions) must not outlive them.
    cache.clear()
    dbstats.analyze(using)  # bulk-loaded tables: PostgreSQL's planner needs their statistics now
    return manifest


def superusers(using=DEFAULT_DB_ALIAS):
    """Usernames of the platform operators, for the operator to check after a restore."""
    return list(
        get_user_model()
        ._default_manager.using(using)
        .filter(is_superuser=True)
        .order_by("pk")
        .values_list("username", flat=True)
    )
