import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from tandem.audit.models import AuditEvent
from tandem.courses import services as course_services
from tandem.courses.models import CourseRun, Session
from tandem.students import services
from tandem.students.models import Attendance, Booking, Certificate, SessionReminder, Student, StudentSettings

from .factories import make_student, on_clock


@pytest.fixture
def w(world):
    on_clock(world)
    # Three more weekly sessions of the world's run, after the College's today (1 October 2019)
    for day in (dt.date(2019, 10, 8), dt.date(2019, 10, 15), dt.date(2019, 10, 22)):
        Session.objects.create(run=world.run, date=day, start_time=dt.time(10), end_time=dt.time(12))
    world.run.capacity = 2
    world.run.save()
    return world


def test_sign_up_makes_an_account_and_validates_the_password(w):
    with pytest.raises(ValidationError) as exc:
        services.student_sign_up(
            college=w.college,
            first_name="Ali",
            last_name="Khan",
            email="ali@example.org",
            password="short",
            relation="community",
            agreement=True,
        )
    assert "password" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.student_sign_up(
            college=w.college,
            first_name="Ali",
            last_name="Khan",
            email="ali@example.org",
            password="a-long-enough-passphrase",
            relation="community",
            agreement=False,
        )
    assert "agreement" in exc.value.message_dict
    s = services.student_sign_up(
        college=w.college,
        first_name="Ali",
        last_name="Khan",
        email="Ali@Example.org",
        password="a-long-enough-passphrase",
        relation="carer",
        agreement=True,
        adjustments="I need a hearing loop",
    )
    assert (
        s.user.role == "student"
        and s.user.username == "ali@example.org"
        and s.user.check_password("a-long-enough-passphrase")
    )
    assert s.agreement_accepted_at is not None
    # The adjustments' value never goes into an audit row
    assert not AuditEvent.objects.filter(note__icontains="hearing").exists()
    with pytest.raises(ValidationError):
        services.student_sign_up(
            college=w.college,
            first_name="Ali",
            last_name="Khan",
            email="ali@example.org",
            password="a-long-enough-passphrase",
            relation="carer",
            agreement=True,
        )


def test_staff_enrolment_invites_by_email(w):
    s = services.student_enrol(
        actor=w.admin,
        college=w.college,
        first_name="Jo",
        last_name="Bloggs",
        email="jo@example.org",
        agreement=True,
        relation="uses_services",
    )
    assert s.user is not None and not s.user.has_usable_password() and s.source == "staff"
    assert mail.outbox and mail.outbox[-1].to == ["jo@example.org"]
    phone_only = services.student_enrol(
        actor=w.admin, college=w.college, first_name="Mo", last_name="", phone="01234 567890", agreement=True
    )
    assert phone_only.user is None
    with pytest.raises(ValidationError):
        services.student_enrol(actor=w.admin, college=w.college, first_name="Nobody", last_name="", agreement=True)


def test_booking_respects_capacity_then_offers_the_waiting_list(w):
    a, b, c = (make_student(w) for _ in range(3))
    assert services.booking_create(actor=None, student=a, run=w.run).status == "booked"
    assert services.booking_create(actor=None, student=b, run=w.run).status == "booked"
    with pytest.raises(ValidationError) as exc:
        services.booking_create(actor=None, student=c, run=w.run)
    assert exc.value.error_dict["run"][0].code == "full"
    waiting = services.booking_create(actor=None, student=c, run=w.run, waiting_list=True)
    assert waiting.status == "waiting"
    assert services.places_taken(w.run) == 2
    subjects = [m.subject for m in mail.outbox]
    assert subjects.count("Your place on Understanding anxiety is booked") == 2
    assert "You are on the waiting list for Understanding anxiety" in subjects
    with pytest.raises(ValidationError):  # twice on the same run
        services.booking_create(actor=None, student=a, run=w.run)


def test_booking_locks_the_run_row(w, monkeypatch):
    """Two people taking the last place at once: the run's row is locked (SELECT … FOR UPDATE)
    before the places are counted, so the second waits and then finds the run full."""
    locked = []
    original = QuerySet.select_for_update

    def spy(self, *args, **kwargs):
        locked.append(self.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", spy)
    services.booking_create(actor=None, student=make_student(w), run=w.run)
    assert locked and locked[0] is CourseRun


def test_a_freed_place_goes_to_the_first_waiting_with_an_email(w):
    a, b, c, d = (make_student(w) for _ in range(4))
    first = services.booking_create(actor=None, student=a, run=w.run)
    services.booking_create(actor=None, student=b, run=w.run)
    wait_c = services.booking_create(actor=None, student=c, run=w.run, waiting_list=True)
    wait_d = services.booking_create(actor=None, student=d, run=w.run, waiting_list=True)
    mail.outbox.clear()
    _, promoted = services.booking_cancel(actor=a.user, booking=first)
    assert [p.pk for p in promoted] == [wait_c.pk]
    wait_c.refresh_from_db()
    wait_d.refresh_from_db()
    assert wait_c.status == "booked" and wait_d.status == "waiting"
    assert [m.to for m in mail.outbox] == [[c.email]]
    assert mail.outbox[0].subject == "A place on Understanding anxiety is yours"
    # Leaving the waiting list frees no place
    _, promoted = services.booking_cancel(actor=None, booking=wait_d)
    assert promoted == []
    with pytest.raises(ValidationError):
        services.booking_cancel(actor=None, booking=wait_d)


def test_the_term_limit(w):
    StudentSettings.objects.create(college=w.college, runs_per_term=1)
    other = CourseRun.objects.create(
        course=w.course,
        term=w.term,
        weekday=1,
        start_time=dt.time(14),
        end_time=dt.time(16),
        start_date=dt.date(2019, 10, 8),
        online=True,
    )
    Session.objects.create(run=other, date=dt.date(2019, 10, 8), start_time=dt.time(14), end_time=dt.time(16))
    s = make_student(w)
    booking = services.booking_create(actor=None, student=s, run=w.run)
    with pytest.raises(ValidationError) as exc:
        services.booking_create(actor=None, student=s, run=other)
    assert "1 course a term" in exc.value.messages[0]
    services.booking_cancel(actor=None, booking=booking)
    assert services.booking_create(actor=None, student=s, run=other).status == "booked"


def test_closed_or_foreign_runs_cannot_be_booked(w):
    s = make_student(w)
    with pytest.raises(ValidationError):
        services.booking_create(actor=None, student=s, run=w.other_run)
    course_services.run_cancel(actor=w.admin, run=w.run, reason="no_room")
    with pytest.raises(ValidationError):
        services.booking_create(actor=None, student=s, run=w.run)


def test_attendance_head_count_and_certificates_when_the_run_completes(w):
    a, b = make_student(w), make_student(w)
    for s in (a, b):
        services.booking_create(actor=None, student=s, run=w.run)
    sessions = list(w.run.sessions.order_by("date"))
    tutors = [w.staff, w.peer]
    # Session 1: both and a walk-in (who gives an email); session 2: a only; 3 and 4 on their dates
    w.college.clock_date = dt.date(2019, 10, 31)
    w.college.save()
    s1 = services.session_record_with_students(
        actor=w.admin, session=sessions[0], tutors=tutors, attended=[a, b], walk_ins=[("Sky Walker", "sky@example.org")]
    )
    assert s1.head_count == 3
    walk_in = Student.objects.get(email="sky@example.org")
    assert walk_in.source == "walk_in" and Attendance.objects.get(student=walk_in).walk_in
    services.session_record_with_students(actor=w.tutor_user, session=sessions[1], tutors=tutors, attended=[a])
    services.session_record_with_students(actor=w.tutor_user, session=sessions[2], tutors=tutors, attended=[a, b])
    assert not Certificate.objects.exists()
    with pytest.raises(ValidationError):  # a student not on the register's list
        services.attendance_record(actor=w.admin, session=sessions[3], attended=[make_student(w)])
    course_services.session_cancel(actor=w.admin, session=sessions[3], reason="tutor_unwell")
    w.run.refresh_from_db()
    assert w.run.status == "completed"
    # 3 delivered sessions: a came to 3, b to 2 (two thirds), the walk-in to 1
    certs = {c.student_id: c for c in Certificate.objects.all()}
    assert set(certs) == {a.pk, b.pk}
    assert (certs[b.pk].sessions_attended, certs[b.pk].sessions_delivered) == (2, 3)


def test_a_correction_without_names_clears_attendance(w):
    s = make_student(w)
    services.booking_create(actor=None, student=s, run=w.run)
    session = w.run.sessions.order_by("date").first()
    services.session_record_with_students(actor=w.admin, session=session, tutors=[w.staff, w.peer], attended=[s])
    services.session_record_delivery_clearing(actor=w.admin, session=session, tutors=[w.staff, w.peer], head_count=7)
    session.refresh_from_db()
    assert session.head_count == 7 and not Attendance.objects.filter(session=session).exists()


def test_reminders_the_day_before_once(w):
    s = make_student(w)
    services.booking_create(actor=None, student=s, run=w.run)
    waiting = make_student(w)
    Booking.objects.create(student=waiting, run=w.run, status="waiting")
    mail.outbox.clear()
    assert services.send_reminders(today=dt.date(2019, 10, 7)) == 1
    assert [m.to for m in mail.outbox] == [[s.email]]
    assert mail.outbox[0].subject == "Reminder: Understanding anxiety tomorrow"
    assert services.send_reminders(today=dt.date(2019, 10, 7)) == 0
    assert SessionReminder.objects.count() == 1


def test_settings_update_checks_the_fraction(w):
    with pytest.raises(ValidationError):
        services.settings_update(
            actor=w.admin, college=w.college, runs_per_term=None, certificate_numerator=4, certificate_denominator=3
        )
    row = services.settings_update(
        actor=w.admin, college=w.college, runs_per_term=2, certificate_numerator=3, certificate_denominator=4
    )
    assert row.threshold_label == "three quarters"
