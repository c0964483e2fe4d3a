"""Each College's data version, for caching what is computed from its records.

A value computed from a College's records (QI measures, pay parity, the pages' charts and
counts) is cached with the College's version it was computed at and served only while that is
still the College's version (`cached`); the leader PDF under a key that includes the version
(`versioned_key`). Every save or delete of a model in the apps whose records such values read,
and every change to their many-to-many relations, bumps the version of the College the object
belongs to (`bump`, connected in CoreConfig.ready): the next read misses the cache and computes
afresh, so no stale number shows after a write. Outdated entries are never served again; they are
overwritten or age out of the cache. A write that sends no signals (`QuerySet.update`,
`bulk_create`) calls `changed(college)` itself; a value that reads every College's records
(Compare Colleges) keys on `every_college()`.

The version lives in the same cache (the database cache). It is bumped at once (inside the
writer's transaction: with the database cache, the bump commits or rolls back with the write) and
again when the transaction commits, so a value computed from uncommitted-away data while the write
was in flight is never served afterwards. A version that has vanished from the cache restarts at
the current time in nanoseconds, a number never used before.
"""

import hashlib
import time

from django.core.cache import cache
from django.db import transaction

# The apps whose records computed values read; their models' writes bump the College's version.
WATCHED_APPS = frozenset({"core", "tutors", "courses", "release", "pipeline", "payments", "qi", "students", "stories"})
# How long a computed value is kept (it is never stale: a write changes the version, not the entry).
TIMEOUT = 24 * 3600


def _key(college_id):
    return f"tandem:college-version:{college_id}"


def version(college_id):
    """The College's current data version (created on first use)."""
    key = _key(college_id)
    found = cache.get(key)
    if found is None:
        cache.add(key, time.time_ns(), timeout=None)
        found = cache.get(key)
    return found


def versioned_key(college_id, *parts):
    """A cache key for a value computed from the College's records, valid until its next write."""
    return ":".join(["tandem", str(college_id), str(version(college_id)), *map(str, parts)])


def cached(college_id, parts, compute):
    """`compute()` for the College, computed once per version of its records and then served
    from the cache (None included) until the next write to them. `parts` name the value (no
    spaces); what it returns must pickle.

    The entry keeps the version it was computed at, and one query reads it with the College's
    current version: it is served only when the two are the same, else computed afresh and
    stored over it."""
    key = ":".join(["tandem", str(college_id), "value", *map(str, parts)])
    found = cache.get_many([_key(college_id), key])
    current = found.get(_key(college_id))
    if current is None:
        current = version(college_id)
    entry = found.get(key)
    if entry is not None and entry[0] == current:
        return entry[1]
    value = compute()
    cache.set(key, (current, value), TIMEOUT)
    return value


def every_college():
    """A fingerprint of every College's version, for a value that reads every College's records
    (Compare Colleges): part of its key, so a write to any College's records computes it afresh."""
    from tandem.core.models import College  # noqa: PLC0415 (versions is loaded before the models)

    keys = [_key(pk) for pk in College.objects.order_by("pk").values_list("pk", flat=True)]
    found = cache.get_many(keys)
    return hashlib.sha256(repr([(k, found.get(k)) for k in keys]).encode()).hexdigest()[:16]


def _bump_now(college_id):
    key = _key(college_id)
    try:
        cache.incr(key)
    except ValueError:  # not in the cache (never used, or aged out): a number never used before
        cache.set(key, time.time_ns(), timeout=None)


def bump(college_id):
    if college_id is None:
        return
    _bump_now(college_id)
    transaction.on_commit(lambda: _bump_now(college_id))


def changed(*colleges):
    """A write that sends no signals (`QuerySet.update`, `bulk_create`, a raw load) changed these
    Colleges' records (each a College or its id; None is skipped): bump each one's version, as a
    save would, so nothing computed before the write is served after it."""
    for college_id in {getattr(college, "pk", college) for college in colleges}:
        bump(college_id)


def college_id_of(instance, depth=4):
    """The id of the College an object belongs to, following its foreign keys (None if none)."""
    meta = instance._meta
    if meta.label == "core.College":
        return instance.pk
    if hasattr(instance, "college_id"):
        return instance.college_id
    if depth == 0:
        return None
    for f in meta.concrete_fields:
        if not f.is_relation or not f.many_to_one and not f.one_to_one:
            continue
        if getattr(instance, f.attname, None) is None or f.related_model._meta.app_label not in WATCHED_APPS:
            continue
        try:
            related = getattr(instance, f.name)
        except f.related_model.DoesNotExist:
            continue
        found = college_id_of(related, depth - 1)
        if found is not None:
            return found
    return None


def _watched(sender):
    return sender._meta.app_label in WATCHED_APPS


def on_write(sender, instance, raw=False, **kwargs):
    if raw or not _watched(sender):  # raw: fixtures being loaded
        return
    bump(college_id_of(instance))


def on_m2m(sender, instance, action, **kwargs):
    if action.startswith("post_") and _watched(type(instance)):
        bump(college_id_of(instance))


def connect():
    from django.db.models.signals import m2m_changed, post_delete, post_save  # noqa: PLC0415

    post_save.connect(on_write, dispatch_uid="tandem.versions.save")
    post_delete.connect(on_write, dispatch_uid="tandem.versions.delete")
    m2m_changed.connect(on_m2m, dispatch_uid="tandem.versions.m2m")
