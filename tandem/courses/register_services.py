"""The session register: a session recorded as delivered (by a peer and a staff tutor) or
cancelled (with why), corrections consistent with pay, a run's status following its register;
and runs brought in from a College's past registers. One transaction and an audit row each."""

from django.core.exceptions import ValidationError
from django.db import transaction

from tandem.audit.services import record
from tandem.core import clock
from tandem.payments.models import Payment
from tandem.tutors.models import Tutor

from .checks import acting_user, check_same_college, missing_kinds
from .models import CourseRun, RunTutorChange, Session

# --- The session register -----------------------------------------------------------------------


def _follow_run_status(run):
    """A run is running once a session is delivered, and completed once no session is left to
    record (every one delivered or cancelled one by one)."""
    if run.status == CourseRun.Status.CANCELLED:
        return
    statuses = set(run.sessions.values_list("status", flat=True))
    if statuses and Session.Status.SCHEDULED not in statuses:
        new = CourseRun.Status.COMPLETED
    elif Session.Status.DELIVERED in statuses:
        new = CourseRun.Status.RUNNING
    else:
        return
    if run.status != new:
        run.status = new
        run.save(update_fields=["status"])


def _settle_payments(*, actor, session, keep):
    """A correction that takes a tutor off a delivered session (or cancels it) must not leave pay
    behind: a payment still waiting for approval is withdrawn (audited); an approved or paid one
    stops the correction, since money has been committed."""
    gone = Payment.objects.filter(session=session).exclude(tutor__in=keep).select_related("tutor")
    committed = [p for p in gone if p.status != Payment.Status.PENDING]
    if committed:
        p = committed[0]
        raise ValidationError(
            {
                "delivered_by": (
                    f"{p.tutor.full_name}'s payment for this session is {p.get_status_display().lower()}: "
                    f"the payments team must settle it before this record is corrected."
                )
            }
        )
    for p in gone:
        record(actor=actor, action="delete", obj=p, fields=["session", "status"], note="session record corrected")
    Payment.objects.filter(pk__in=[p.pk for p in gone]).delete()


def _check_recordable(session):
    if session.run.status == CourseRun.Status.CANCELLED:
        raise ValidationError({"__all__": "The run is cancelled: its sessions cannot be recorded."})
    today = clock.today(session.run.course.college)
    if session.date > today:
        raise ValidationError(
            {"__all__": f"This session is on {session.date:%d %B %Y}: record it on or after that day."}
        )


@transaction.atomic
def session_record_delivery(*, actor, session, tutors, head_count=None):
    """Record a session as delivered (or correct the record). Refused unless at least one peer
    and one staff tutor delivered it."""
    tutors = list(tutors)
    missing = missing_kinds(tutors)
    if missing:
        raise ValidationError(
            {"delivered_by": f"A session is co-delivered: add {missing} before recording it as delivered."}
        )
    if head_count is not None and head_count < 0:
        raise ValidationError({"head_count": "Enter the number of students, 0 or more."})
    session = Session.objects.select_for_update().select_related("run__course__college").get(pk=session.pk)
    _check_recordable(session)
    check_same_college(session.run.course.college, tutors, "delivered_by")
    before = (session.status, set(session.delivered_by.values_list("pk", flat=True)), session.head_count)
    _settle_payments(actor=actor, session=session, keep=tutors)
    session.delivered_by.set(tutors)
    session.peer_count = sum(1 for t in tutors if t.kind == Tutor.Kind.PEER)
    session.staff_count = sum(1 for t in tutors if t.kind == Tutor.Kind.STAFF)
    session.status = Session.Status.DELIVERED
    session.head_count = head_count
    session.cancel_reason, session.cancel_note = "", ""
    session.save(update_fields=["peer_count", "staff_count", "status", "head_count", "cancel_reason", "cancel_note"])
    if before[0] == Session.Status.SCHEDULED:
        record(actor=actor, action="deliver", obj=session, fields=["delivered_by", "status", "head_count"])
    else:
        changed = [
            name
            for name, old, new in (
                ("status", before[0], session.status),
                ("delivered_by", before[1], {t.pk for t in tutors}),
                ("head_count", before[2], head_count),
            )
            if old != new
        ]
        if changed:
            record(actor=actor, action="correct", obj=session, fields=changed)
    _follow_run_status(session.run)
    return session


@transaction.atomic
def session_cancel(*, actor, session, reason, note=""):
    """Record a session as cancelled, with the reason (or correct a delivered one to cancelled)."""
    note = (note or "").strip()
    if reason not in Session.CancelReason.values or reason == Session.CancelReason.RUN_CANCELLED:
        raise ValidationError({"cancel_reason": "Choose why the session was cancelled."})
    if reason == Session.CancelReason.OTHER and not note:
        raise ValidationError({"cancel_note": "Say why the session was cancelled."})
    session = Session.objects.select_for_update().select_related("run__course__college").get(pk=session.pk)
    if session.run.status == CourseRun.Status.CANCELLED:
        raise ValidationError({"__all__": "The run is cancelled: its sessions cannot be recorded."})
    before = session.status
    _settle_payments(actor=actor, session=session, keep=[])
    session.delivered_by.clear()
    session.peer_count = session.staff_count = 0
    session.head_count = None
    session.status = Session.Status.CANCELLED
    session.cancel_reason, session.cancel_note = reason, note[:200]
    session.save(update_fields=["peer_count", "staff_count", "status", "head_count", "cancel_reason", "cancel_note"])
    record(
        actor=actor,
        action="cancel" if before == Session.Status.SCHEDULED else "correct",
        obj=session,
        fields=["status", "cancel_reason", "cancel_note"]
        + (["delivered_by"] if before == Session.Status.DELIVERED else []),
    )
    _follow_run_status(session.run)
    return session


def sessions_record_delivery(*, actor, sessions):
    """Record several sessions as delivered by the tutors on their runs, all or none: the
    admin's catch-up of unrecorded sessions. Returns the sessions; raises ValidationError naming
    the first session that cannot be recorded."""
    with transaction.atomic():
        done = []
        for session in sessions:
            tutors = list(session.run.tutors.all())
            try:
                done.append(session_record_delivery(actor=actor, session=session, tutors=tutors))
            except ValidationError as exc:
                messages = [m for ms in exc.message_dict.values() for m in ms]
                raise ValidationError(
                    {"sessions": f"{session.run.course.title}, {session.date:%d %B %Y}: {' '.join(messages)}"}
                ) from exc
        return done


# --- Past registers -----------------------------------------------------------------------------


@transaction.atomic
def run_from_register(*, actor, course, term, reference, sessions, online=False, room=None, capacity=15, run=None):
    """A run brought in from a College's past register (tandem import sessions): the sessions as
    they happened, on their own dates, each recorded through the register's own rules.

    `sessions` is a list of dicts: date, start_time, end_time, status ("delivered" or
    "cancelled"), tutors (delivered), head_count, cancel_reason, cancel_note. With `run` (an
    earlier import's run of the same reference) the sessions are added to it."""
    sessions = sorted(sessions, key=lambda s: (s["date"], s["start_time"]))
    first = sessions[0]
    if run is None:
        if course.college_id != term.college_id:
            raise ValidationError({"term": "Choose a term of this College."})
        run = CourseRun.objects.create(
            course=course,
            term=term,
            weekday=first["date"].weekday(),
            start_time=first["start_time"],
            end_time=first["end_time"],
            start_date=first["date"],
            online=online,
            room=None if online else room,
            capacity=capacity,
            reference=reference,
        )
        record(
            actor=actor,
            action="import",
            obj=run,
            fields=["course", "term", "weekday", "start_time", "end_time", "start_date", "online", "room", "reference"],
        )
    taken = set(run.sessions.values_list("date", "start_time"))
    people = []
    for s in sessions:
        if (s["date"], s["start_time"]) in taken:
            raise ValidationError(
                {"date": f"The session of {s['date']:%d %B %Y} is already recorded for run {reference}."}
            )
        if s["end_time"] <= s["start_time"]:
            raise ValidationError({"end": "The end time must be after the start time."})
        session = Session.objects.create(run=run, date=s["date"], start_time=s["start_time"], end_time=s["end_time"])
        if s["status"] == Session.Status.DELIVERED:
            session_record_delivery(actor=actor, session=session, tutors=s["tutors"], head_count=s.get("head_count"))
            people += [t for t in s["tutors"] if t not in people]
        else:
            session_cancel(actor=actor, session=session, reason=s["cancel_reason"], note=s.get("cancel_note", ""))
    new = [t for t in people if not run.tutors.filter(pk=t.pk).exists()]
    if new:
        run.tutors.add(*new)
        RunTutorChange.objects.bulk_create(
            [
                RunTutorChange(
                    run=run,
                    tutor=t,
                    action=RunTutorChange.Action.ADDED,
                    asked_by="Past register",
                    changed_by=acting_user(actor),
                    changed_at=clock.now(course.college),
                )
                for t in new
            ]
        )
    if run.start_date > first["date"]:
        run.start_date, run.weekday = first["date"], first["date"].weekday()
        run.save(update_fields=["start_date", "weekday"])
    return run
