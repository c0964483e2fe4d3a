"""Browser tests (Playwright + axe) of the register's students after one tap, its error summary,
and a learning-plan goal marked achieved."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tandem.students.models import Attendance, Booking, LearningGoal
from tandem.tests.browser.conftest import assert_accessible, sign_in

from .factories import make_goal, make_student, on_clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_after_one_tap_a_tutor_takes_attendance_on_a_phone(page, world):
    w = on_clock(world)  # 1 October 2019: the session of 3 September is still to record
    robin = make_student(w, first_name="Robin")
    for s in (w.student, robin):
        Booking.objects.create(student=s, run=w.run, status=Booking.Status.BOOKED)
    page.set_viewport_size({"width": 375, "height": 812})
    sign_in(page, "tutor", "pw-tutor")
    page.goto("/courses/sessions/mine/")
    page.get_by_role("button", name="Delivered as planned").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text(
        "2 students are booked on it: take attendance to say who came."
    )
    expect(page.get_by_role("heading", name="Attendance to take")).to_be_visible()
    assert_accessible(page)
    assert not Attendance.objects.exists()  # nobody assumed to have come

    page.get_by_role("link", name="Take attendance").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Take attendance: Tuesday 03 September 2019")
    assert_accessible(page)
    page.get_by_label("Walk-ins").fill(", no name")
    page.get_by_role("button", name="Save who came").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Line 1: give the walk-in's name before the comma")
    assert_accessible(page)
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Walk-ins")).to_be_focused()

    page.get_by_label("Walk-ins").fill("")
    page.get_by_label("Robin", exact=True).check()
    page.get_by_role("button", name="Save who came").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("attendance taken, 1 student came.")
    expect(page.get_by_role("heading", name="Attendance to take")).to_have_count(0)
    assert_accessible(page)
    w.session.refresh_from_db()
    assert w.session.head_count == 1
    assert list(Attendance.objects.values_list("student__first_name", flat=True)) == ["Robin"]


def test_the_registers_error_summary_names_the_students_errors(page, world):
    w = on_clock(world)
    Booking.objects.create(student=w.student, run=w.run, status=Booking.Status.BOOKED)
    sign_in(page, "tutor", "pw-tutor")
    page.goto(f"/courses/sessions/{w.session.pk}/record/")
    page.get_by_label("Walk-ins").fill("Sky Walker, not-an-email")
    page.get_by_role("button", name="Save the record").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Line 1: not-an-email is not an email address")
    expect(page).to_have_title(
        "Record the session of 03 September 2019 – Error – Tandem – Northvale NHS Foundation Trust"
    )
    assert_accessible(page)
    summary.get_by_role("link", name="Line 1: not-an-email is not an email address").click()
    expect(page.get_by_label("Walk-ins")).to_be_focused()


def test_a_student_marks_a_goal_achieved(page, world):
    w = on_clock(world)  # 1 October 2019
    goal = make_goal(w, text="Feel confident enough to go to a group on my own")
    sign_in(page, "student", "pw-student")
    page.goto("/students/mine/plan/")
    page.get_by_role("link", name="Mark it achieved").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mark a goal achieved")
    assert_accessible(page)
    page.get_by_label("Yes").check()
    page.get_by_label("Date it was achieved").fill("2019-10-20")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("The date must be today or in the past.")
    assert_accessible(page)
    page.get_by_label("Date it was achieved").fill("2019-09-20")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text(
        "The goal is marked achieved on 20 September 2019."
    )
    expect(page.get_by_text("achieved 20 September 2019")).to_be_visible()
    assert_accessible(page)
    assert LearningGoal.objects.get(pk=goal.pk).achieved_on == dt.date(2019, 9, 20)
