"""Fifty line-manager decisions on one request at once: exactly one wins, the rest get a clear
conflict, and the audit log has exactly one decision.

Each thread has its own database connection. On PostgreSQL the threads share the test database
as it is. SQLite's in-memory test database cannot be shared across connections with proper
locking (shared-cache mode answers "database table is locked" at once instead of waiting), so
on SQLite the test copies the database to a file (sqlite3's backup API) and points every
worker thread's connection at that file: each connection then waits for the IMMEDIATE write
lock (timeout 20 s) exactly as in production.
"""

import sqlite3
import threading
from contextlib import contextmanager

import pytest
from django.core import mail
from django.db import connection, connections

from tandem.audit.models import AuditEvent
from tandem.release import services
from tandem.release.models import ReleaseRequest

from .factories import make_request

pytestmark = pytest.mark.django_db(transaction=True)
N = 50


@contextmanager
def shared_database(tmp_path):
    """Yield a function that gives the calling thread a connection every thread can share."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield lambda: None
        return
    path = tmp_path / "concurrency.sqlite3"
    connection.ensure_connection()

    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    settings_dict = {**connection.settings_dict, "NAME": str(path)}

    def use_file():
        # Each worker closes its own connection when it finishes (run_in_threads).
        connections["default"] = type(connections["default"])(settings_dict, alias="default")

    yield use_file


def run_in_threads(n, work, prepare):
    barrier = threading.Barrier(n)
    results = [None] * n

    def worker(i):
        prepare()
        try:
            barrier.wait()
            results[i] = ("ok", work(i))
        except services.ReleaseConflict as exc:
            results[i] = ("conflict", str(exc))
        except Exception as exc:  # anything else is a failure of the test
            results[i] = ("error", f"{type(exc).__name__}: {exc}")
        finally:
            connections["default"].close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_fifty_parallel_decisions_one_wins(world, tmp_path):
    rr = make_request(world)
    manager = world.manager
    mail.outbox.clear()
    with shared_database(tmp_path) as prepare:

        def decide(i):
            fresh = ReleaseRequest.objects.get(pk=rr.pk)
            if i % 2:
                return services.release_decide(actor=manager, release_request=fresh, decision="approve").status
            return services.release_decide(
                actor=manager, release_request=fresh, decision="decline", reason="service_pressure"
            ).status

        results = run_in_threads(N, decide, prepare)

        outcomes = [r[0] for r in results]
        errors = [r[1] for r in results if r[0] == "error"]
        assert not errors, errors[:3]  # no "database is locked", no deadlock, nothing else
        assert outcomes.count("ok") == 1
        assert outcomes.count("conflict") == N - 1
        conflict_messages = {r[1] for r in results if r[0] == "conflict"}
        assert all(m.startswith("This request has already been") for m in conflict_messages)

        # Read back through a connection that sees what the threads wrote.
        def check():
            winner = next(r[1] for r in results if r[0] == "ok")
            final = ReleaseRequest.objects.get(pk=rr.pk)
            decisions = AuditEvent.objects.filter(
                object_type="release.ReleaseRequest", object_id=str(rr.pk), action="decide"
            )
            return winner, final.status, decisions.count()

        checked = run_in_threads(1, lambda i: check(), prepare)[0]
        assert checked[0] == "ok", checked
        winner, status, audit_rows = checked[1]
        assert status == winner
        assert audit_rows == 1
    assert len(mail.outbox) == 1  # one decision email, to the tutor
