"""Twenty "mark paid" requests at once: exactly one payment/paid transition, on SQLite and on
PostgreSQL (the conditional UPDATE ... WHERE status = 'approved' lets one through)."""

import sqlite3
import threading
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tandem.audit.models import AuditEvent
from tandem.payments import services
from tandem.payments.models import Payment

from .factories import payment_for_peer

pytestmark = pytest.mark.django_db(transaction=True)

N = 20


@contextmanager
def database_as_deployed(tmp_path):
    """Threads share SQLite's *in-memory* test database through SQLite's shared cache, where a
    second writer fails at once ("database table is locked") instead of waiting for the lock as
    it does on a database file (the way Tandem runs SQLite: busy timeout, BEGIN IMMEDIATE). So on
    SQLite the race runs on a file copy of the test database; PostgreSQL needs nothing."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    path = str(tmp_path / "race.sqlite3")
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    settings_dict = connection.settings_dict  # the dict new threads' connections are made from
    name = settings_dict["NAME"]
    settings_dict["NAME"] = path
    try:
        yield
    finally:
        settings_dict["NAME"] = name


def in_threads(target, n=N):
    """Run target in n threads released together; their results (errors fail the test)."""
    barrier = threading.Barrier(n)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    return results


def outcome(payment_id):
    """(status, mark_paid audit rows) read from a fresh connection, as the racers wrote them."""

    def read():
        return (
            Payment.objects.get(pk=payment_id).status,
            AuditEvent.objects.filter(action="mark_paid", object_id=str(payment_id)).count(),
        )

    return in_threads(read, n=1)[0]


def test_twenty_parallel_mark_paid_calls_make_one_transition(world, tmp_path):
    payment = payment_for_peer(world, status="approved")
    with database_as_deployed(tmp_path):
        results = in_threads(lambda: services.mark_paid(actor=world.admin, payment_id=payment.pk))
        assert sorted(results) == [False] * (N - 1) + [True]
        assert outcome(payment.pk) == ("paid", 1)


def test_twenty_parallel_mark_paid_requests_make_one_transition(world, tmp_path):
    payment = payment_for_peer(world, status="approved")
    url = reverse("payments:mark_paid")
    with database_as_deployed(tmp_path):
        ready = threading.Barrier(N)

        def post():
            client = Client()
            client.force_login(world.admin)
            ready.wait()  # everyone signed in: now all post at once
            response = client.post(url, {"ids": [payment.pk]}, follow=False)
            return response.status_code

        assert in_threads(post) == [302] * N
        assert outcome(payment.pk) == ("paid", 1)


def test_parallel_generations_report_and_audit_only_what_each_created(world, tmp_path):
    """Four *Generate payments* at once: together they report each new payment once, and each
    payment has one "create" audit row (not one per racer)."""
    import datetime as dt

    from tandem.courses.tests.factories import deliver

    from .factories import rate_card

    rate_card(world.college, dt.date(2019, 4, 1), pays=("delivery", "preparation"))
    for week in range(6):
        deliver(world.run, dt.date(2019, 9, 3) + dt.timedelta(days=7 * week), [world.peer, world.staff])
    with database_as_deployed(tmp_path):
        results = in_threads(lambda: services.generate_payments(actor=world.admin, college=world.college), n=4)

        def read():
            return (
                Payment.objects.count(),
                AuditEvent.objects.filter(action="create", object_type="payments.Payment").count(),
                AuditEvent.objects.filter(action="generate").count(),
            )

        total, create_rows, generate_rows = in_threads(read, n=1)[0]
    assert total > 0
    assert sum(results) == total, results
    assert sorted(results)[:3] == [0, 0, 0]
    assert create_rows == total and generate_rows == 1
