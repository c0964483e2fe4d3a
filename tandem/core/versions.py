"""Each College's data version, for caching what is computed from its records.

A value computed from a College's records (QI measures, pay parity, the leader PDF) is cached
under a key that includes the College's version (`versioned_key`). Every save or delete of a
model in the apps whose records such values read, and every change to their many-to-many
relations, bumps the version of the College the object belongs to (`bump`, connected in
CoreConfig.ready): the next read misses the cache and computes afresh, so no stale number shows
after a write. Old entries are never read again and age out of the cache.

The version lives in the same cache (the database cache). It is bumped at once (inside the
writer's transaction: with the database cache, the bump commits or rolls back with the write) and
again when the transaction commits, so a value computed from uncommitted-away data while the write
was in flight is never served afterwards. A version that has vanished from the cache restarts at
the current time in nanoseconds, a number never used before.
"""

import time

from django.core.cache import cache
from django.db import transaction

# The apps whose records computed values read; their models' writes bump the College's version.
WATCHED_APPS = frozenset({"core", "tutors", "courses", "release", "payments", "qi", "students", "stories"})
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
