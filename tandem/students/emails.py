"""Students' emails: a place booked, a waiting-list place, a place freed for them, and the
reminder the day before a session. Sent after the transaction commits, from a background task;
a failure is logged and audited (`email_failed`), never raised. Only to a student who has an
email address and agreed to be contacted by email."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django_tasks import task

from tandem.audit.services import record
from tandem.courses.models import Session

from .models import Booking

BOOKED, WAITING, PROMOTED, REMINDER = "booked", "waiting", "promoted", "reminder"
log = logging.getLogger(__name__)


def later(kind, booking, session_id=None):
    transaction.on_commit(lambda: send_student_email.enqueue(kind, booking.pk, session_id))


def _when(run):
    return (
        f"{run.get_weekday_display()}s, {run.start_time:%H:%M} to {run.end_time:%H:%M}, "
        f"from {run.start_date:%d %B %Y}, {'online' if run.online else run.venue_label}"
    )


def _text(kind, booking, session):
    run, student = booking.run, booking.student
    title, college = run.course.title, run.course.college.name
    link = settings.SITE_URL.rstrip("/") + reverse("students:my_courses")
    hello = f"Hello {student.first_name},\n\n"
    end = f"\n\nYour courses: {link}\n\n{college}\n"
    if kind == BOOKED:
        return (
            f"Your place on {title} is booked",
            hello + f"Your place on {title} is booked: {_when(run)}.\n\n"
            "If you cannot come, please cancel your place from My courses so someone else can have it." + end,
        )
    if kind == WAITING:
        return (
            f"You are on the waiting list for {title}",
            hello + f"{title} is full, so you are on its waiting list ({_when(run)}).\n\n"
            "If a place frees, it goes to the first person on the list and we email them at once." + end,
        )
    if kind == PROMOTED:
        return (
            f"A place on {title} is yours",
            hello + f"A place on {title} has freed up and it is yours: {_when(run)}.\n\n"
            "If you can no longer come, please cancel your place from My courses." + end,
        )
    return (
        f"Reminder: {title} tomorrow",
        hello + f"A reminder that {title} meets tomorrow, {session.date:%A %d %B}, {session.start_time:%H:%M} to "
        f"{session.end_time:%H:%M}, {'online' if run.online else run.venue_label}." + end,
    )


@task()
def send_student_email(kind, booking_id, session_id=None):
    booking = (
        Booking.objects.select_related("student", "run__course__college", "run__room__site")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None or not booking.student.email or not booking.student.contact_by_email:
        return 0
    if kind == REMINDER and booking.status != Booking.Status.BOOKED:
        return 0
    session = Session.objects.filter(pk=session_id).first() if session_id else None
    subject, body = _text(kind, booking, session)
    try:
        return send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [booking.student.email])
    except Exception as exc:  # a mail server down, refused, timed out: logged and audited, never raised
        log.warning("student email %s for booking %s failed: %s", kind, booking_id, exc.__class__.__name__)
        record(
            actor=None,
            action="email_failed",
            obj=booking,
            fields=[kind],
            note=exc.__class__.__name__,
            college_id=booking.student.college_id,
        )
        return 0
