"""Shared fixtures: one College with a named persona per role, and a second College whose
records nobody in the first may see."""

import datetime as dt
import os
from pathlib import Path

import pytest

# One session-scoped Playwright browser and the `page` fixture, for every app's browser tests;
# the heaviest test files handed out first under xdist (ordering.py).
pytest_plugins = ["tandem.tests.browser.fixtures", "tandem.tests.ordering"]

REPO = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("TANDEM_SHARED", REPO.parent / "shared"))


@pytest.hookimpl(tryfirst=True)  # before -m deselects: `make test-fast` (-m "not browser") sees the mark
def pytest_collection_modifyitems(items):
    """Every test that drives the browser (the `page` or `browser` fixture) is marked `browser`,
    whether or not its module says so."""
    for item in items:
        names = getattr(item, "fixturenames", ())
        if ("page" in names or "browser" in names) and item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _empty_cache(request):
    """Every test that uses the database starts with an empty cache (a table of the database that
    outlives each test's rolled-back transaction): no computed measure, parity or PDF, no rate-limit
    count, leaks from one test into another."""
    if request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(request.fixturenames):
        from django.core.cache import cache

        request.getfixturevalue("django_db_setup")
        with request.getfixturevalue("django_db_blocker").unblock():
            cache.clear()
    yield


@pytest.fixture
def world(db):
    from tandem.accounts.models import Role, User
    from tandem.core.models import College, Organisation, Room, Site, Term
    from tandem.courses.models import Course, CourseRun, Session
    from tandem.tutors.models import Tutor

    trust = Organisation.objects.create(name="Northvale NHS Foundation Trust", is_trust=True)
    charity = Organisation.objects.create(name="Hillside Mind Charity")

    class World:
        pass

    w = World()
    w.trust, w.charity = trust, charity

    def college(slug):
        c = College.objects.create(name=f"{slug.title()} Recovery College", slug=slug, trust=trust)
        site = Site.objects.create(college=c, name=f"{slug.title()} Hub")
        room = Room.objects.create(site=site, name="Room 1", capacity=16)
        term = Term.objects.create(
            college=c, season="autumn", year=2019, starts_on=dt.date(2019, 9, 2), ends_on=dt.date(2019, 12, 13)
        )
        return c, room, term

    w.college, w.room, w.term = college("riverside")
    w.other_college, w.other_room, w.other_term = college("elsewhere")

    def user(username, role, college=None):
        u = User.objects.create_user(
            username=username,
            password="pw-" + username,
            role=role,
            college=college or w.college,
            first_name=username.title(),
            last_name="Persona",
        )
        return u

    w.admin = user("admin", Role.COLLEGE_ADMIN)
    w.qi = user("qi", Role.QI_TEAM)
    w.tutor_user = user("tutor", Role.TUTOR)
    w.peer_user = user("peer", Role.TUTOR)
    w.manager = user("manager", Role.LINE_MANAGER)
    w.leader = user("leader", Role.LEADER)
    w.other_admin = user("otheradmin", Role.COLLEGE_ADMIN, w.other_college)
    w.student_user = user("student", Role.STUDENT)
    w.users = {
        "college_admin": w.admin,
        "qi_team": w.qi,
        "tutor": w.tutor_user,
        "line_manager": w.manager,
        "leader": w.leader,
        "student": w.student_user,
    }
    from tandem.students.models import Student

    w.student = Student.objects.create(
        college=w.college,
        user=w.student_user,
        first_name="Student",
        last_name="Persona",
        email="student@example.org",
        relation="community",
    )
    # The two-factor roles already have a confirmed authenticator (TOTP) device, as after their
    # first sign-in; tandem.tests.browser.conftest.sign_in computes its current code.
    from django_otp.plugins.otp_totp.models import TOTPDevice

    w.totp = {
        u.username: TOTPDevice.objects.create(user=u, name="Authenticator app", confirmed=True)
        for u in (w.admin, w.qi, w.manager, w.other_admin)
    }

    w.staff = Tutor.objects.create(
        college=w.college,
        kind="staff",
        first_name="Sam",
        last_name="Staff",
        email="sam@example.nhs.uk",
        status="active",
        employer=trust,
        profession="Nurse",
        team="Community",
        line_manager=w.manager,
        user=w.tutor_user,
    )
    w.peer = Tutor.objects.create(
        college=w.college,
        kind="peer",
        first_name="Pat",
        last_name="Peer",
        email="pat@example.org",
        status="active",
        user=w.peer_user,
    )
    w.unmanaged = Tutor.objects.create(
        college=w.college,
        kind="staff",
        first_name="Una",
        last_name="Other",
        email="una@example.nhs.uk",
        status="active",
        employer=trust,
    )
    w.other_tutor = Tutor.objects.create(
        college=w.other_college,
        kind="peer",
        first_name="Oli",
        last_name="Far",
        email="oli@example.org",
        status="active",
    )
    w.course = Course.objects.create(
        college=w.college,
        title="Understanding anxiety",
        topic="Understanding mental health",
        number_of_sessions=4,
        hours_per_session=2,
    )
    w.course.co_producers.set([w.staff, w.peer])
    w.other_course = Course.objects.create(
        college=w.other_college,
        title="Elsewhere course",
        topic="Living well",
        number_of_sessions=1,
        hours_per_session=2,
    )
    w.run = CourseRun.objects.create(
        course=w.course,
        term=w.term,
        weekday=1,
        start_time=dt.time(10),
        end_time=dt.time(12),
        start_date=dt.date(2019, 9, 3),
        room=w.room,
    )
    w.run.tutors.set([w.staff, w.peer])
    w.gap_run = CourseRun.objects.create(
        course=w.course,
        term=w.term,
        weekday=3,
        start_time=dt.time(14),
        end_time=dt.time(16),
        start_date=dt.date(2019, 9, 5),
        online=True,
    )
    w.gap_run.tutors.set([w.peer])
    w.other_run = CourseRun.objects.create(
        course=w.other_course,
        term=w.other_term,
        weekday=1,
        start_time=dt.time(10),
        end_time=dt.time(12),
        start_date=dt.date(2019, 9, 3),
        online=True,
    )
    w.session = Session.objects.create(
        run=w.run, date=dt.date(2019, 9, 3), start_time=dt.time(10), end_time=dt.time(12)
    )
    return w


@pytest.fixture
def shared_reference():
    """The reference material in ../shared/reference (absent on a user's machine: skip)."""
    path = SHARED / "reference"
    if not path.is_dir():
        pytest.skip(f"reference material not found at {path} (set TANDEM_SHARED to the shared folder)")
    return path


@pytest.fixture
def keep_connection(monkeypatch):
    """A command's run_from_argv closes every database connection when it ends, as a process
    would; on PostgreSQL that would end the test's own transaction, so keep it open."""
    from django.core.management import base as management_base

    monkeypatch.setattr(management_base.connections, "close_all", lambda: None)
