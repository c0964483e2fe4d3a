"""Writes that send no signals (QuerySet.update, bulk_create) still show at once: each calls
versions.changed, so nothing computed and cached from the College's records before the write is
served after it (tandem.core.versions). In a test the writer's transaction never commits, so
these prove the bump made inside it."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from tandem.accounts import services as accounts
from tandem.core import versions
from tandem.core.selectors import headline_counts
from tandem.courses import services as courses
from tandem.courses.models import Session
from tandem.payments import services as payments
from tandem.payments.models import Payment
from tandem.payments.parity import parity_page, parity_rows
from tandem.payments.tests.factories import rate_card
from tandem.qi.measures import REGISTRY, series, values_of
from tandem.release import services as release
from tandem.release.models import ReleaseRequest

pytestmark = pytest.mark.django_db


def total(college, key):
    return sum(v or 0 for v in values_of(college, REGISTRY[key]).values())


def month(college, key, period):
    return next((p["value"] for p in series(college, key) if p["period"] == period), None)


def test_batch_recording_of_sessions_shows_at_once(world):
    october = Session.objects.create(
        run=world.run, date=dt.date(2019, 10, 1), start_time=dt.time(10), end_time=dt.time(12)
    )
    assert total(world.college, "staff_tutors_teaching") == 0  # computed and cached
    courses.sessions_record_delivery(actor=world.admin, sessions=[world.session, october])
    assert month(world.college, "staff_tutors_teaching", "2019-09") == 1
    assert month(world.college, "staff_tutors_teaching", "2019-10") == 1


def test_cancelling_a_run_shows_at_once(world):
    later = Session.objects.create(
        run=world.gap_run, date=dt.date(2019, 9, 5), start_time=dt.time(14), end_time=dt.time(16)
    )
    assert total(world.college, "runs_cancelled_no_staff") == 0
    assert headline_counts(world.college)["runs_cancelled_no_staff"] == 0
    before = versions.version(world.college.pk)
    courses.run_cancel(actor=world.admin, run=world.gap_run, reason="no_staff_tutor")
    assert versions.version(world.college.pk) > before
    assert Session.objects.get(pk=later.pk).status == Session.Status.CANCELLED  # by update(): no signal
    assert total(world.college, "runs_cancelled_no_staff") == 1
    assert headline_counts(world.college)["runs_cancelled_no_staff"] == 1


def test_generating_payments_shows_in_pay_parity_at_once(world):
    rate_card(world.college, dt.date(2019, 1, 1))
    courses.session_record_delivery(actor=world.admin, session=world.session, tutors=[world.peer, world.staff])
    (row,) = parity_rows(world.college)
    assert row.money == 0  # cached: nothing paid yet
    assert payments.generate_payments(actor=world.admin, college=world.college) == 1  # bulk_create: no signal
    (row,) = parity_rows(world.college)
    assert row.money == Decimal("28.00")  # 2 hours at £14
    assert parity_page(world.college, show="all")["page"].object_list[0].money == Decimal("28.00")


def test_approving_and_paying_change_the_version(world):
    rate_card(world.college, dt.date(2019, 1, 1))
    courses.session_record_delivery(actor=world.admin, session=world.session, tutors=[world.peer, world.staff])
    payments.generate_payments(actor=world.admin, college=world.college)
    before, other = versions.version(world.college.pk), versions.version(world.other_college.pk)
    assert payments.approve_payments(actor=world.admin, payments=Payment.objects.all()) == 1  # update()
    approved = versions.version(world.college.pk)
    assert approved > before
    assert payments.mark_paid(actor=world.admin, payment_id=Payment.objects.get().pk)  # update()
    assert versions.version(world.college.pk) > approved
    assert versions.version(world.other_college.pk) == other  # another College's cache is left alone


def _request(world, run):
    return release.release_request_create(
        actor=world.tutor_user,
        tutor=world.staff,
        kind="run",
        run=run,
        sessions=run.sessions.all(),
        purpose="Co-deliver",
    )


def test_a_decline_that_changes_no_tutor_shows_at_once(world):
    rr = _request(world, world.gap_run)  # the staff tutor is not on this run: the decline frees nothing
    assert total(world.college, "release_requests_declined") == 0
    release.release_decide(actor=world.manager, release_request=rr, decision="decline", reason="short_notice")
    assert total(world.college, "release_requests_declined") == 1


def test_withdrawing_and_expiring_change_the_version(world):
    first, second = _request(world, world.gap_run), _request(world, world.run)
    before = versions.version(world.college.pk)
    release.release_withdraw(actor=world.tutor_user, release_request=first)
    withdrawn = versions.version(world.college.pk)
    assert withdrawn > before
    release.send_reminders(now=second.requested_at + dt.timedelta(days=365))
    assert ReleaseRequest.objects.get(pk=second.pk).status == ReleaseRequest.Status.EXPIRED
    assert versions.version(world.college.pk) > withdrawn


def term_on_dashboard(client):
    """(runs, gaps) in the dashboard's sentence about the term."""
    body = client.get(reverse("core:dashboard")).content.decode()
    found = re.search(r"(\d+) course runs?, of which <strong>(\d+)</strong>", body)
    return int(found[1]), int(found[2])


def test_the_dashboard_shows_a_filled_gap_at_once(client, world):
    client.force_login(world.leader)
    assert term_on_dashboard(client) == (2, 1)  # the run and the gap run, cached
    courses.run_assign_tutor(actor=world.admin, run=world.gap_run, tutor=world.unmanaged)
    assert term_on_dashboard(client) == (2, 0)


def test_linking_a_tutor_to_an_account_shows_their_runs_at_once(client, world):
    user = world.tutor_user
    client.force_login(user)
    assert term_on_dashboard(client) == (1, 0)  # the run they teach, cached
    accounts.user_update(
        actor=world.admin,
        user=user,
        first_name=user.first_name,
        last_name=user.last_name,
        email="tutor@example.nhs.uk",
        role=user.role,
        tutor=world.unmanaged,
    )  # the link is written by update(): no signal
    assert term_on_dashboard(client) == (0, 0)  # the unmanaged tutor teaches nothing


# --- versions.cached: the entry keeps its version; a later version computes afresh --------------


def test_cached_serves_a_value_until_the_next_write(world):
    calls = []

    def compute():
        calls.append(1)
        return None  # None is a value too: cached, not computed again

    assert versions.cached(world.college.pk, ["probe"], compute) is None
    assert versions.cached(world.college.pk, ["probe"], compute) is None
    assert len(calls) == 1
    versions.changed(world.other_college)  # another College's write: still served
    versions.cached(world.college.pk, ["probe"], compute)
    assert len(calls) == 1
    versions.changed(world.college)
    versions.cached(world.college.pk, ["probe"], compute)
    assert len(calls) == 2


def test_cached_after_the_cache_was_cleared(world):
    from django.core.cache import cache

    assert versions.cached(world.college.pk, ["probe"], lambda: 1) == 1
    cache.clear()
    assert versions.cached(world.college.pk, ["probe"], lambda: 2) == 2


def test_analyze_runs_on_postgresql_outside_a_transaction_only(world):
    from django.db import connection

    from tandem.core import dbstats

    assert dbstats.analyze() is False  # SQLite; or PostgreSQL inside the test's transaction
    assert connection.in_atomic_block or connection.vendor != "postgresql"


def test_every_college_changes_with_any_colleges_write(world):
    before = versions.every_college()
    assert versions.every_college() == before
    versions.changed(world.other_college)
    after = versions.every_college()
    assert after != before
    versions.changed(world.college)
    assert versions.every_college() != after
