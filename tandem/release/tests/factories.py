"""Release records for tests (and the access matrix): made directly, no emails sent."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from tandem.accounts.models import Role, User
from tandem.release.models import ReleaseRequest
from tandem.tutors.models import Tutor


def make_request(w, *, tutor=None, run=None, sessions=None, **fields):
    tutor = tutor or w.staff
    run = run or w.run
    sessions = list(run.sessions.all()) if sessions is None else sessions
    rr = ReleaseRequest.objects.create(
        college_id=tutor.college_id,
        tutor=tutor,
        manager_id=tutor.line_manager_id,
        requested_by=tutor.user or w.admin,
        kind="run",
        run=run,
        term=run.term,
        hours=fields.pop("hours", Decimal("2")),
        purpose=fields.pop("purpose", "Co-deliver the course"),
        **fields,
    )
    rr.sessions.set(sessions)
    return rr


def other_manager(w):
    """A second line manager in the same College, with a staff tutor of their own."""
    user = User.objects.filter(username="manager2").first()
    if user is None:
        user = User.objects.create_user(
            username="manager2",
            password="pw-manager2",
            role=Role.LINE_MANAGER,
            college=w.college,
            first_name="Morgan",
            last_name="Second",
            email="morgan.second@example.nhs.uk",
        )
    tutor = Tutor.objects.filter(email="theo@example.nhs.uk").first()
    if tutor is None:
        tutor = Tutor.objects.create(
            college=w.college,
            kind="staff",
            first_name="Theo",
            last_name="Team",
            email="theo@example.nhs.uk",
            status="active",
            employer=w.trust,
            profession="Psychologist",
            team="Inpatient",
            line_manager=user,
        )
    return user, tutor


def other_manager_request(w):
    _, tutor = other_manager(w)
    return make_request(w, tutor=tutor, run=w.gap_run, sessions=[])


def other_college_request(w):
    manager = User.objects.create_user(
        username="farmanager", password="pw-farmanager", role=Role.LINE_MANAGER, college=w.other_college
    )
    tutor = Tutor.objects.create(
        college=w.other_college,
        kind="staff",
        first_name="Fay",
        last_name="Away",
        email="fay@example.nhs.uk",
        status="active",
        employer=w.trust,
        line_manager=manager,
    )
    return make_request(w, tutor=tutor, run=w.other_run, sessions=[])


def days_ago(n):
    return timezone.now() - dt.timedelta(days=n)
