"""Students, bookings and certificates for tests (written directly: the services are tested on
their own in test_services.py)."""

import datetime as dt

from tandem.students.models import Booking, Certificate, Student


def on_clock(w, day=dt.date(2019, 10, 1)):
    """Put the world's Colleges on a clock inside their autumn 2019 term (the prospectus shows
    this term's and next term's runs)."""
    for college in (w.college, w.other_college):
        college.clock_date = day
        college.save(update_fields=["clock_date"])
    return w


def make_student(w, *, college=None, first_name="Robin", email=None, user=None):
    college = college or w.college
    n = Student.objects.count() + 1
    return Student.objects.create(
        college=college,
        user=user,
        first_name=first_name,
        last_name=f"Student{n}",
        email=email if email is not None else f"s{n}@example.org",
        relation="community",
    )


def make_booking(w, *, student=None, run=None, status=Booking.Status.BOOKED):
    student = student or w.student
    return Booking.objects.create(student=student, run=run or w.run, status=status)


def make_certificate(w, *, student=None, run=None):
    return Certificate.objects.create(
        student=student or w.student,
        run=run or w.run,
        sessions_attended=3,
        sessions_delivered=4,
        issued_on=dt.date(2019, 12, 1),
    )


def booked_run(w, *, student=None, run=None):
    """The run (w.run unless given) with the student (w.student unless given) booked on it."""
    run = run or w.run
    Booking.objects.get_or_create(student=student or w.student, run=run, status=Booking.Status.BOOKED)
    return run


def make_goal(w, *, student=None, text="Feel less alone"):
    from tandem.students.models import LearningGoal

    return LearningGoal.objects.create(student=student or w.student, text=text, created_on=dt.date(2019, 9, 1))


def delivered_session(w, *, run=None):
    """A session of the run (w.run unless given) recorded as delivered, its attendance not taken."""
    from tandem.courses.models import Session

    run = run or w.run
    session = Session.objects.create(
        run=run,
        date=run.start_date,
        start_time=run.start_time,
        end_time=run.end_time,
        status=Session.Status.DELIVERED,
        peer_count=1,
        staff_count=1,
    )
    return session
