"""In the browser, as a new user would: the demo's College admin adds a course and a run, puts a
peer and a staff tutor on it, records the first session as delivered, is refused the second with
only a peer, and cancels the third with a reason; `tandem measures` then counts the delivery. A
tutor records a session on a phone-sized screen. axe checks every page against WCAG 2.2 AA."""

import datetime as dt
import io
import json
import sys

import pytest
from django.core.management import call_command
from django.urls import reverse

from tandem.core.models import College
from tandem.courses.models import Course, Session
from tandem.demo.generate import generate
from tandem.tests.browser.conftest import assert_accessible, sign_in
from tandem.tutors.models import Tutor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def staff_tutors_teaching(month):
    """The outcome measure for one month, as `tandem measures` prints it (JSON on stdout)."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    real, sys.stdout = sys.stdout, out
    try:
        call_command("measures", "--from", month, "--to", month)
    finally:
        sys.stdout = real
    out.flush()
    data = json.loads(out.buffer.getvalue())
    found = next(m for m in data["measures"] if m["key"] == "staff_tutors_teaching")
    return next(p["value"] for p in found["series"] if p["period"] == month)


def banner(page):
    return page.locator(".nhsuk-notification-banner").first.inner_text()


def test_the_admin_runs_a_course_from_catalogue_to_register(page):
    generate()
    college = College.objects.get()
    assert college.clock_date == dt.date(2019, 11, 15)
    # A Trust staff tutor who taught nothing in October 2019, so the new delivery shows in the measure.
    taught = Session.objects.filter(status="delivered", date__year=2019, date__month=10).values("delivered_by")
    staff = (
        Tutor.objects.filter(college=college, kind="staff", status="active", employer__is_trust=True)
        .exclude(pk__in=taught)
        .order_by("last_name")
        .first()
    )
    peer = Tutor.objects.filter(college=college, kind="peer", status="active").order_by("last_name").first()
    assert staff is not None and peer is not None
    before = staff_tutors_teaching("2019-10")

    sign_in(page, "admin", "tandem-demo")
    page.goto(reverse("courses:list"))
    assert_accessible(page)
    page.get_by_role("link", name="Add a course").click()
    page.get_by_label("Title").fill("Living with voices")
    page.get_by_label("Topic").fill("Understanding mental health")
    page.get_by_label("Number of sessions").fill("3")
    page.get_by_label("Hours per session").fill("2")
    page.get_by_label(f"{peer.full_name} (peer tutor)").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save course").click()
    # Co-produced by a peer alone: refused, named, nothing saved.
    assert "add a staff tutor" in page.locator(".nhsuk-error-summary").inner_text()
    assert not Course.objects.filter(title="Living with voices").exists()
    assert_accessible(page)
    page.get_by_label(f"{staff.full_name} (staff tutor", exact=False).check()
    page.get_by_role("button", name="Save course").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Living with voices"
    assert_accessible(page)

    page.get_by_role("link", name="Add a run of this course").click()
    page.get_by_label("Term").select_option(label="Autumn 2019")
    page.get_by_label("Day of the week").select_option(label="Monday")
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("End time").fill("12:00")
    page.get_by_label("Date of the first session").fill("2019-10-28")
    page.get_by_label("Online").check()
    assert_accessible(page)
    page.get_by_role("button", name="Add the run").click()
    assert "3 sessions" in banner(page)
    assert "This run is a gap" in page.locator("main").inner_text()
    assert_accessible(page)

    for kind, tutor in (("peer", peer), ("staff", staff)):
        page.get_by_role("link", name=f"Put a {kind} tutor on the run").first.click()
        assert_accessible(page)
        page.get_by_label(tutor.full_name, exact=False).check()
        page.get_by_label("Who asked for this").fill("College admin")
        page.get_by_role("button", name="Put them on the run").click()
        assert f"{tutor.full_name} is on the run" in banner(page)
    assert "This run is a gap" not in page.locator("main").inner_text()

    # Session 1 (28 October): delivered by the pair.
    page.get_by_role("link", name="Record the session of 28 October 2019").click()
    assert_accessible(page)
    page.get_by_label("Number of students who came").fill("9")
    page.get_by_role("button", name="Save the record").click()
    assert "recorded as delivered" in banner(page)

    # Session 2 (4 November): only the peer came. Refused, nothing saved.
    page.get_by_role("link", name="Record the session of 04 November 2019").click()
    page.get_by_label(f"{staff.full_name} (staff tutor", exact=False).uncheck()
    page.get_by_role("button", name="Save the record").click()
    assert "add a staff tutor before recording it as delivered" in page.locator(".nhsuk-error-summary").inner_text()
    assert_accessible(page)
    second = Session.objects.get(run__course__title="Living with voices", date=dt.date(2019, 11, 4))
    assert second.status == "scheduled" and not second.delivered_by.exists()

    # Session 3 (11 November): cancelled, with the reason.
    page.goto(reverse("courses:session_record", args=[second.pk + 1]))
    assert page.get_by_role("heading", level=1).inner_text().endswith("11 November 2019")
    page.get_by_label("It was cancelled").check()
    page.get_by_label("A tutor was unwell").check()
    page.get_by_role("button", name="Save the record").click()
    assert "recorded as cancelled" in banner(page)
    assert "Cancelled: a tutor was unwell" in page.locator("main").inner_text()
    assert_accessible(page)

    assert staff_tutors_teaching("2019-10") == before + 1


def test_a_tutor_records_a_session_on_a_phone(browser, live_server, world):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        sign_in(page, "peer", "pw-peer")
        page.get_by_role("link", name="Record a session you taught").tap()  # tap 1, on the dashboard
        assert page.get_by_role("heading", level=1).inner_text() == "My sessions"
        assert_accessible(page)
        page.get_by_role("button", name="Delivered as planned: Understanding anxiety", exact=False).tap()  # tap 2
        assert "recorded as delivered" in page.locator(".nhsuk-notification-banner").first.inner_text()
        assert_accessible(page)
        # Nothing on the page is wider than the phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        world.session.refresh_from_db()
        assert world.session.status == "delivered"
        assert set(world.session.delivered_by.all()) == {world.peer, world.staff}
    finally:
        context.close()
