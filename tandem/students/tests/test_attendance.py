"""Attendance when a session was recorded without it (one tap on *My sessions*, the admin's
batch): nobody is assumed to have come; the session waits with *Take attendance*. The register's
students' errors are in the page's error summary. A learning-plan goal is marked achieved."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tandem.audit.models import AuditEvent
from tandem.courses.models import CourseRun, Session
from tandem.students import measures, outcomes
from tandem.students.models import Attendance, Certificate
from tandem.students.register_services import attendance_take

from .factories import make_booking, make_goal, make_student, on_clock


@pytest.fixture
def w(world):
    on_clock(world)  # 1 October 2019; the world's run has one session, on 3 September
    world.robin = make_student(world, first_name="Robin")
    world.alex = make_student(world, first_name="Alex")
    for s in (world.robin, world.alex):
        make_booking(world, student=s)
    return world


def test_one_tap_records_the_delivery_not_who_came(w, client):
    client.force_login(w.tutor_user)
    response = client.post(reverse("courses:session_delivered", args=[w.session.pk]), follow=True)
    page = response.content.decode()
    assert "recorded as delivered. 2 students are booked on it: take attendance to say who came." in page
    w.session.refresh_from_db()
    assert w.session.status == "delivered" and w.session.head_count is None
    assert not Attendance.objects.exists()
    # My sessions lists it to take, with the link
    attendance = reverse("students:attendance", args=[w.session.pk])
    assert "Attendance to take" in page and attendance in page
    # Not counted in the attendance rate until it is taken (nobody assumed there, or absent)
    assert measures.student_attendance_rate(w.college).get("2019-09") is None

    page = client.get(attendance).content.decode()
    assert "Robin" in page and "Alex" in page and w.robin.last_name not in page  # tutors: first names only
    response = client.post(attendance, {"students-attended": [w.robin.pk], "next": reverse("courses:my_sessions")})
    assert response["Location"] == reverse("courses:my_sessions")
    w.session.refresh_from_db()
    assert w.session.head_count == 1
    assert list(Attendance.objects.values_list("student_id", flat=True)) == [w.robin.pk]
    assert AuditEvent.objects.filter(action="attendance", object_type="courses.Session").exists()
    assert measures.student_attendance_rate(w.college)["2019-09"] == pytest.approx(1 / 2)
    page = client.get(reverse("courses:my_sessions")).content.decode()
    assert "Attendance to take" not in page
    # Taken: a correction is the admin's
    assert client.get(attendance)["Location"] == reverse("courses:my_sessions")
    client.force_login(w.admin)
    page = client.get(attendance).content.decode()
    assert "Correct the attendance of" in page


def test_nobody_came_is_attendance_taken(w, client):
    Session.objects.filter(pk=w.session.pk).update(status="delivered", peer_count=1, staff_count=1)
    client.force_login(w.tutor_user)
    client.post(reverse("students:attendance", args=[w.session.pk]), {})
    w.session.refresh_from_db()
    assert w.session.head_count == 0
    assert measures.student_attendance_rate(w.college)["2019-09"] == 0


def test_the_admins_batch_leaves_attendance_to_take(w, client):
    client.force_login(w.admin)
    response = client.post(reverse("courses:unrecorded"), {"sessions": [w.session.pk]}, follow=True)
    page = response.content.decode()
    assert "1 session recorded as delivered. 1 of them has students booked: take their attendance" in page
    assert "Attendance to take" in page and reverse("students:attendance", args=[w.session.pk]) in page
    run_page = client.get(reverse("courses:run", args=[w.run.pk])).content.decode()
    assert reverse("students:attendance", args=[w.session.pk]) in run_page


def test_attendance_taken_late_still_earns_a_certificate(w):
    """The last session recorded with one tap completes the run before anyone says who came:
    the certificate follows when the attendance is taken."""
    Session.objects.filter(pk=w.session.pk).update(status="delivered", peer_count=1, staff_count=1)
    CourseRun.objects.filter(pk=w.run.pk).update(status=CourseRun.Status.COMPLETED)
    assert not Certificate.objects.exists()
    came = attendance_take(actor=w.admin, session=w.session, attended=[w.robin], walk_ins=[("Sky Walker", "")])
    assert came == 2
    assert sorted(Certificate.objects.values_list("student__first_name", flat=True)) == ["Robin", "Sky"]


def test_attendance_of_a_session_not_delivered_is_refused(w, client):
    with pytest.raises(ValidationError):
        attendance_take(actor=w.admin, session=w.session, attended=[w.robin])
    client.force_login(w.tutor_user)
    response = client.get(reverse("students:attendance", args=[w.session.pk]))
    assert response["Location"] == reverse("courses:session_record", args=[w.session.pk])


def test_the_registers_student_errors_are_in_the_error_summary(w, client):
    client.force_login(w.tutor_user)
    page = client.post(
        reverse("courses:session_record", args=[w.session.pk]),
        {"outcome": "delivered", "delivered_by": [w.staff.pk, w.peer.pk], "students-walk_ins": ", no name"},
    ).content.decode()
    summary = page.split('class="nhsuk-error-summary"')[1].split("</div>")[0]
    assert "Line 1: give the walk-in&#39;s name before the comma" in summary
    assert 'href="#id_students-walk_ins"' in summary
    assert 'id="id_students-walk_ins-error"' in page  # and inline, at the field
    assert "<title>Record the session of 03 September 2019 – Error" in page
    # A refusal of the service about who came lands on the students' part too
    other = make_student(w, first_name="Stranger")
    page = client.post(
        reverse("courses:session_record", args=[w.session.pk]),
        {"outcome": "delivered", "delivered_by": [w.staff.pk, w.peer.pk], "students-attended": [other.pk]},
    ).content.decode()
    assert 'href="#id_students-attended"' in page.split('class="nhsuk-error-summary"')[1].split("</div>")[0]


# --- Learning plan: a goal achieved ------------------------------------------------------------------


def test_a_student_marks_a_goal_achieved_with_its_date(w, client):
    goal = make_goal(w)
    client.force_login(w.student_user)
    url = reverse("students:my_goal_achieved", args=[goal.pk])
    assert (
        reverse("students:my_goal_achieved", args=[goal.pk]) in client.get(reverse("students:my_plan")).content.decode()
    )
    page = client.post(url, {"achieved": "yes", "achieved_on": ""}).content.decode()
    assert "Enter the date it was achieved" in page and 'href="#id_achieved_on"' in page
    page = client.post(url, {"achieved": "yes", "achieved_on": "2019-10-02"}).content.decode()
    assert "The date must be today or in the past." in page
    page = client.post(url, {"achieved": "yes", "achieved_on": "2019-08-01"}).content.decode()
    assert "The goal was set on 01 September 2019" in page
    response = client.post(url, {"achieved": "yes", "achieved_on": "2019-09-20"})
    assert response["Location"] == reverse("students:my_plan")
    goal.refresh_from_db()
    assert goal.achieved_on == dt.date(2019, 9, 20)
    event = AuditEvent.objects.get(action="update", object_type="students.LearningGoal")
    assert event.actor == w.student_user and event.fields == ["achieved_on"]
    # Not achieved after all
    client.post(url, {"achieved": "no", "achieved_on": "2019-09-20"})
    goal.refresh_from_db()
    assert goal.achieved_on is None
    # Another student's goal answers 404
    other = make_goal(w, student=make_student(w))
    assert client.get(reverse("students:my_goal_achieved", args=[other.pk])).status_code == 404


def test_a_learning_adviser_marks_a_students_goal_achieved(w, client):
    goal = make_goal(w)
    client.force_login(w.admin)
    url = reverse("students:goal_achieved", args=[w.student.pk, goal.pk])
    assert url in client.get(reverse("students:plan", args=[w.student.pk])).content.decode()
    response = client.post(url, {"achieved": "yes", "achieved_on": "2019-09-30"})
    assert response["Location"] == reverse("students:plan", args=[w.student.pk])
    assert outcomes.plan_goal(w.student, goal.pk).achieved_on == dt.date(2019, 9, 30)
