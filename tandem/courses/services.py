"""Writes of courses, runs and sessions: the co-production and co-delivery rules live here."""

from django.core.exceptions import ValidationError
from django.db import transaction

from tandem.audit.services import record
from tandem.tutors.models import Tutor

from .models import Course, CourseRun, Session


def kinds_of(tutors):
    return {t.kind for t in tutors}


def check_coproducers(tutors):
    kinds = kinds_of(tutors)
    if Tutor.Kind.PEER not in kinds or Tutor.Kind.STAFF not in kinds:
        raise ValidationError(
            {"co_producers": "A course is co-produced: choose at least one peer tutor and one staff tutor."}
        )


@transaction.atomic
def course_create(*, actor, college, co_producers, **fields):
    co_producers = list(co_producers)
    check_coproducers(co_producers)
    course = Course(college=college, **fields)
    course.full_clean(exclude=["college"])
    course.save()
    course.co_producers.set(co_producers)
    record(actor=actor, action="create", obj=course, fields=[*fields, "co_producers"])
    return course


@transaction.atomic
def course_update(*, actor, course, co_producers=None, **fields):
    changed = [k for k, v in fields.items() if getattr(course, k) != v]
    for key, value in fields.items():
        setattr(course, key, value)
    course.full_clean(exclude=["college"])
    course.save()
    if co_producers is not None:
        co_producers = list(co_producers)
        check_coproducers(co_producers)
        if set(course.co_producers.all()) != set(co_producers):
            changed.append("co_producers")
        course.co_producers.set(co_producers)
    if changed:
        record(actor=actor, action="update", obj=course, fields=changed)
    return course


def is_gap(run):
    """A run without both a peer and a staff tutor assigned is a gap (never silently dropped)."""
    if run.status == CourseRun.Status.CANCELLED:
        return False
    kinds = kinds_of(run.tutors.all())
    return not (Tutor.Kind.PEER in kinds and Tutor.Kind.STAFF in kinds)


@transaction.atomic
def session_record_delivery(*, actor, session, tutors):
    """Record a session as delivered. Refused unless a peer and a staff tutor delivered it."""
    tutors = list(tutors)
    peer = sum(1 for t in tutors if t.kind == Tutor.Kind.PEER)
    staff = sum(1 for t in tutors if t.kind == Tutor.Kind.STAFF)
    if not peer or not staff:
        missing = "a peer tutor" if not peer else "a staff tutor"
        raise ValidationError(
            {"delivered_by": f"A session is co-delivered: add {missing} before recording it as delivered."}
        )
    session = Session.objects.select_for_update().get(pk=session.pk)
    session.delivered_by.set(tutors)
    session.peer_count, session.staff_count = peer, staff
    session.status = Session.Status.DELIVERED
    session.save(update_fields=["peer_count", "staff_count", "status"])
    record(actor=actor, action="deliver", obj=session, fields=["delivered_by", "status"])
    return session


@transaction.atomic
def run_cancel(*, actor, run, reason, note=""):
    if reason not in CourseRun.CancelReason.values:
        raise ValidationError({"cancel_reason": "Choose why the run is cancelled."})
    run.status = CourseRun.Status.CANCELLED
    run.cancel_reason = reason
    run.cancel_note = note
    run.save(update_fields=["status", "cancel_reason", "cancel_note"])
    run.sessions.filter(status=Session.Status.SCHEDULED).update(status=Session.Status.CANCELLED)
    record(actor=actor, action="cancel", obj=run, fields=["status", "cancel_reason"])
    return run
