"""Browser tests of part 2 (Playwright + axe): a tutor takes attendance on a phone; a student
fills in SWEMWBS at both ends of a course and sees their certificate."""

import datetime as dt

import pytest

from tandem.courses.models import CourseRun, Session
from tandem.students import services
from tandem.students.models import Attendance, Booking, Certificate, Questionnaire
from tandem.tests.browser.conftest import assert_accessible, sign_in

from .factories import make_student, on_clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_tutor_takes_attendance_on_a_phone(page, world):
    w = on_clock(world)
    robin = make_student(w, first_name="Robin")
    for s in (w.student, robin):
        Booking.objects.create(student=s, run=w.run, status=Booking.Status.BOOKED)
    page.set_viewport_size({"width": 375, "height": 812})
    sign_in(page, "tutor", "pw-tutor")
    page.goto(f"/courses/sessions/{w.session.pk}/record/")
    assert_accessible(page)
    content = page.content()
    assert robin.last_name not in content and robin.email not in content  # first names only
    page.get_by_label("It was delivered").check()
    for box in page.locator("input[name='delivered_by']").all():
        box.check()
    page.get_by_label("Robin", exact=True).check()
    page.get_by_role("button", name="Save the record").click()
    page.wait_for_load_state()
    assert_accessible(page)
    w.session.refresh_from_db()
    assert w.session.status == Session.Status.DELIVERED and w.session.head_count == 1
    assert list(Attendance.objects.filter(session=w.session).values_list("student__first_name", flat=True)) == ["Robin"]


def _answer_swemwbs(page, value):
    for i in range(1, 8):
        page.locator(f"input[name='item_{i}'][value='{value}']").check()
    page.get_by_role("button", name="Save the answers").click()
    page.wait_for_load_state()


def test_a_student_fills_in_swemwbs_at_both_ends_and_sees_their_certificate(page, world):
    w = on_clock(world)  # 1 October 2019
    last = Session.objects.create(run=w.run, date=dt.date(2019, 10, 8), start_time=dt.time(10), end_time=dt.time(12))
    Booking.objects.create(student=w.student, run=w.run, status=Booking.Status.BOOKED)
    page.set_viewport_size({"width": 375, "height": 812})
    sign_in(page, "student", "pw-student")
    page.goto("/students/mine/")
    assert_accessible(page)
    page.get_by_role("link", name="SWEMWBS (wellbeing): start of the course").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Warwick-Edinburgh")
    assert_accessible(page)
    _answer_swemwbs(page, 2)  # raw 14: metric 15.32
    assert page.get_by_role("heading", level=1).inner_text() == "My courses"
    assert "SWEMWBS (wellbeing), start of the course: 15.32" in page.content()

    # The course runs its two sessions; the student comes to both, and the run completes.
    w.college.clock_date = dt.date(2019, 10, 9)
    w.college.save(update_fields=["clock_date"])
    for session in (w.session, last):
        services.session_record_with_students(
            actor=w.admin, session=session, tutors=[w.staff, w.peer], attended=[w.student]
        )
    assert CourseRun.objects.get(pk=w.run.pk).status == CourseRun.Status.COMPLETED
    assert Certificate.objects.filter(student=w.student, run=w.run).exists()

    page.goto("/students/mine/")
    page.get_by_role("link", name="SWEMWBS (wellbeing): end of the course").click()
    assert_accessible(page)
    _answer_swemwbs(page, 4)  # raw 28: metric 25.03
    content = page.content()
    assert "SWEMWBS (wellbeing), end of the course: 25.03" in content
    assert page.get_by_role("link", name="Certificate of attendance: Understanding anxiety").count() == 1
    assert_accessible(page)
    scores = dict(Questionnaire.objects.filter(student=w.student).values_list("timing", "metric"))
    assert {k: str(v) for k, v in scores.items()} == {"start": "15.32", "end": "25.03"}
