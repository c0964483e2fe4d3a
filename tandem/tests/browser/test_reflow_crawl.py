"""Reflow at 320 CSS px (WCAG 1.4.10) on every kind of page every role is shown (issue 17).

The demo College, with a finished plan of its Spring 2020 wish list and a student with bookings,
a certificate and a learning goal. For each demo login (admin, qi, tutor, peer, manager, leader),
the student, and anyone not signed in (the sign-in pages and the prospectus), the pages are found
as the link crawl finds them (`tandem.tests.crawling.discover`: Django's test client, at most three
URLs per URL pattern); then one page per pattern is opened in a 320 px wide browser window,
signed in once per role, and must not scroll sideways: the document is no wider than the window,
and anything wider scrolls inside a labelled, focusable region (role="region", aria-label or
aria-labelledby, tabindex="0"). axe is not run here (it runs on the pages the other browser tests
open); every problem of every role is reported together.

The College is built once, in the test (a transactional test: the live server reads it from
another thread, or another connection on PostgreSQL).
"""

import datetime as dt
import time

import pytest

from tandem.tests.crawling import discover

from .conftest import sign_in
from .layout import reflow_problems

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WIDTH = 320
PASSWORD = "tandem-demo"
ROLES = ("admin", "qi", "tutor", "peer", "manager", "leader", "student")


def demo_college():
    """The demo College, a finished plan of its wish list, and a student's account with records."""
    from tandem.accounts.models import User
    from tandem.demo.generate import generate
    from tandem.planning.models import WishList
    from tandem.planning.tests.factories import plan_job

    generate(seed=2019)
    wl = WishList.objects.get()
    plan_job(wl)
    college = wl.college
    if not User.objects.filter(username="student").exists():  # the demo's own student, when it has one
        student_with_records(college)
    return college


def student_with_records(college):
    """A student's login with a booking on a run under way, a completed run and its certificate,
    and a learning goal."""
    from tandem.accounts.models import Role, User
    from tandem.courses.models import CourseRun
    from tandem.students.models import Booking, Certificate, LearningGoal, Student

    user = User.objects.create_user(
        username="student", password=PASSWORD, role=Role.STUDENT, college=college, first_name="Robin", last_name="Ash"
    )
    student = Student.objects.create(
        college=college,
        user=user,
        first_name="Robin",
        last_name="Ash",
        email="robin.ash@example.org",
        relation="community",
        agreement_accepted_at=dt.datetime(2019, 9, 1, tzinfo=dt.UTC),
    )
    runs = CourseRun.objects.filter(course__college=college).order_by("pk")
    running = runs.filter(status="running").first()
    completed = runs.filter(status="completed", term__year=2019).last()
    for run in (running, completed):
        Booking.objects.create(student=student, run=run, status=Booking.Status.BOOKED)
    Certificate.objects.create(
        student=student, run=completed, sessions_attended=4, sessions_delivered=5, issued_on=dt.date(2019, 11, 1)
    )
    LearningGoal.objects.create(student=student, text="Sleep better and go out more", created_on=dt.date(2019, 9, 2))


def pages_shown(client, username, college):
    """One URL per URL pattern among the HTML pages shown to `username` (None: not signed in)."""
    from django.core.cache import caches

    from tandem.accounts.models import User

    for cache in caches.all():  # rate limits count per process: start every role afresh
        cache.clear()
    client.logout()
    if username:
        client.force_login(User.objects.get(username=username))
        starts = ("/",)
    else:
        starts = ("/", f"/prospectus/{college.slug}/")
    found = discover(client, starts, per_pattern=1)  # one page per pattern; a failing link is test_crawl.py's
    return [urls[0] for urls in found["pages"].values()]


def test_no_page_a_role_is_shown_scrolls_sideways_at_320_px(browser, live_server, client):
    college = demo_college()
    problems, timings = [], []
    for username in (None, *ROLES):
        started = time.monotonic()
        paths = pages_shown(client, username, college)
        found_in = time.monotonic() - started
        context = browser.new_context(base_url=live_server.url, viewport={"width": WIDTH, "height": 640})
        try:
            page = context.new_page()
            page.set_default_timeout(15000)
            if username:
                sign_in(page, username, PASSWORD)
                assert "/sign-in/" not in page.url, f"{username} could not sign in"
            for path in paths:
                response = page.goto(path)
                if response.status != 200:
                    problems.append(f"{username or 'anonymous'} {path}: answered {response.status}")
                    continue
                problems += [f"{username or 'anonymous'} {path}: {p}" for p in reflow_problems(page, WIDTH)]
        finally:
            context.close()
        timings.append(
            f"{username or 'anonymous'}: {len(paths)} pages (found in {found_in:.1f} s), "
            f"{time.monotonic() - started:.1f} s"
        )
    print("\n" + "\n".join(timings))
    assert not problems, f"{len(problems)} pages scroll sideways at {WIDTH} px:\n" + "\n".join(problems)
