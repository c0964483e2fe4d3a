"""A member of the public, on a phone: finds a course in the prospectus, enrols, gets the
confirmation email, is put on the waiting list for a full course and is given the place when it
frees. Every page checked with axe."""

import datetime as dt

import pytest
from django.core import mail

from tandem.courses.models import CourseRun, Session
from tandem.students import services
from tandem.tests.browser.conftest import assert_accessible

from .factories import make_student, on_clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_enrols_books_waits_and_is_promoted(page, world):
    on_clock(world)
    w = world
    Session.objects.create(run=w.run, date=dt.date(2019, 10, 8), start_time=dt.time(10), end_time=dt.time(12))
    full = CourseRun.objects.create(
        course=w.course,
        term=w.term,
        weekday=3,
        start_time=dt.time(18),
        end_time=dt.time(20),
        start_date=dt.date(2019, 10, 3),
        room=w.room,
        capacity=1,
    )
    full.tutors.set([w.staff, w.peer])
    Session.objects.create(run=full, date=dt.date(2019, 10, 3), start_time=dt.time(18), end_time=dt.time(20))
    holder = make_student(w, first_name="Holder")
    holding = services.booking_create(actor=None, student=holder, run=full)
    mail.outbox.clear()

    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"/prospectus/{w.college.slug}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Courses you can join"
    assert_accessible(page)
    page.get_by_label("Where").select_option("in_person")
    page.get_by_role("button", name="Show courses").click()
    assert page.locator(".nhsuk-card__link").count() == 2  # the online gap run is filtered out
    page.locator(f"a[href='/prospectus/{w.college.slug}/courses/{w.run.pk}/']").click()
    assert_accessible(page)
    page.get_by_role("link", name="Enrol and book a place").click()
    assert_accessible(page)
    page.get_by_label("First name").fill("Ali")
    page.get_by_label("Last name").fill("Khan")
    page.get_by_label("Email address").fill("ali@example.org")
    page.get_by_label("Choose a password").fill("a-long-enough-passphrase")
    page.get_by_label("I am a member of the community").check()
    page.get_by_label("I have read the student agreement and accept it").check()
    page.get_by_role("button", name="Enrol").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Book Understanding anxiety"
    assert_accessible(page)
    page.get_by_role("button", name="Book my place").click()
    assert page.get_by_role("heading", level=1).inner_text() == "My courses"
    assert_accessible(page)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["ali@example.org"], "Your place on Understanding anxiety is booked")
    ]

    # The full run: the waiting list
    page.goto(f"/prospectus/{w.college.slug}/courses/{full.pk}/")
    assert "Full: you can join the waiting list" in page.content()
    page.get_by_role("link", name="Join the waiting list").click()
    page.get_by_role("button", name="Join the waiting list").click()
    assert page.locator(".nhsuk-tag", has_text="On the waiting list").count() == 1
    assert_accessible(page)
    assert mail.outbox[-1].subject == "You are on the waiting list for Understanding anxiety"

    # The holder cancels: the place is Ali's, with an email
    services.booking_cancel(actor=None, booking=holding)
    assert (mail.outbox[-1].to, mail.outbox[-1].subject) == (
        ["ali@example.org"],
        "A place on Understanding anxiety is yours",
    )
    page.reload()
    assert page.locator(".nhsuk-tag", has_text="Booked").count() == 2
    assert page.locator(".nhsuk-tag", has_text="On the waiting list").count() == 0
