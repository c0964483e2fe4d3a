"""Writes of courses, runs and sessions: the co-production and co-delivery rules live here.

Every write is one transaction and writes an audit row (field names, never values). Pages, the
demo and the planner's acceptance call these; nothing else writes these records.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from tandem.audit.services import record
from tandem.core import clock, versions
from tandem.tutors.models import Tutor

from .checks import acting_user, check_coproducers, check_same_college, kinds_of, missing_kinds  # noqa: F401
from .models import Course, CourseRun, RunTutorChange, Session

# The session register and past registers live in register_services.py; every caller records
# sessions through `courses.services`, so they are named here too.
from .register_services import (  # noqa: F401
    run_from_register,
    session_cancel,
    session_record_delivery,
    sessions_record_delivery,
)
from .signals import run_capacity_changed

MAX_WEEKS = 52


# --- Catalogue ----------------------------------------------------------------------------------


@transaction.atomic
def course_create(*, actor, college, co_producers, **fields):
    co_producers = list(co_producers)
    check_coproducers(co_producers)
    check_same_college(college, co_producers, "co_producers")
    if Course.objects.filter(college=college, title__iexact=fields.get("title", "")).exists():
        raise ValidationError({"title": "The College already has a course with this title."})
    course = Course(college=college, **fields)
    course.full_clean(exclude=["college"], validate_unique=False)
    course.save()
    course.co_producers.set(co_producers)
    record(actor=actor, action="create", obj=course, fields=[*fields, "co_producers"])
    return course


@transaction.atomic
def course_update(*, actor, course, co_producers=None, **fields):
    course = Course.objects.select_for_update().get(pk=course.pk)
    changed = [k for k, v in fields.items() if getattr(course, k) != v]
    if (
        "title" in changed
        and Course.objects.filter(college_id=course.college_id, title__iexact=fields["title"])
        .exclude(pk=course.pk)
        .exists()
    ):
        raise ValidationError({"title": "The College already has a course with this title."})
    for key, value in fields.items():
        setattr(course, key, value)
    course.full_clean(exclude=["college"], validate_unique=False)
    if co_producers is not None:
        co_producers = list(co_producers)
        check_coproducers(co_producers)
        check_same_college(course.college, co_producers, "co_producers")
    course.save()
    if co_producers is not None:
        if set(course.co_producers.all()) != set(co_producers):
            changed.append("co_producers")
        course.co_producers.set(co_producers)
    if changed:
        record(actor=actor, action="update", obj=course, fields=changed)
    return course


@transaction.atomic
def course_retire(*, actor, course):
    """Retire a course: it leaves the catalogue's choices for new runs; its runs and history stay."""
    course = Course.objects.select_for_update().get(pk=course.pk)
    if course.status == Course.Status.RETIRED:
        return course
    course.status = Course.Status.RETIRED
    course.save(update_fields=["status"])
    record(actor=actor, action="retire", obj=course, fields=["status"])
    return course


# --- Course runs --------------------------------------------------------------------------------


def run_dates(start_date, weeks):
    return [start_date + dt.timedelta(weeks=i) for i in range(weeks)]


def _check_run(*, course, term, weekday, start_time, end_time, start_date, online, room, capacity, weeks=None):
    errors = {}
    if course.college_id != term.college_id:
        errors["term"] = "Choose a term of this College."
    if start_time and end_time and end_time <= start_time:
        errors["end_time"] = "The end time must be after the start time."
    if start_date and weekday is not None and start_date.weekday() != weekday:
        errors["start_date"] = (
            f"{start_date:%d %B %Y} is a {start_date:%A}: choose a "
            f"{CourseRun.WEEKDAYS[weekday][1]} or change the day of the week."
        )
    elif start_date and not (term.starts_on <= start_date <= term.ends_on):
        errors["start_date"] = (
            f"The first session must fall in the {term} term ({term.starts_on:%d %B %Y} to {term.ends_on:%d %B %Y})."
        )
    if online and room is not None:
        errors["room"] = "An online run has no room: untick online or leave the room empty."
    if not online and room is None:
        errors["room"] = "Choose a room, or say the run is online."
    if room is not None and room.site.college_id != course.college_id:
        errors["room"] = "Choose a room of this College."
    if capacity is None or capacity < 1:
        errors["capacity"] = "Enter how many students can come, 1 or more."
    if weeks is not None and not (1 <= weeks <= MAX_WEEKS):
        errors["weeks"] = f"Enter the number of weeks, from 1 to {MAX_WEEKS}."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def run_create(
    *,
    actor,
    course,
    term,
    weekday,
    start_time,
    end_time,
    start_date,
    weeks=None,
    online=False,
    room=None,
    capacity=15,
    tutors=(),
    status=CourseRun.Status.PLANNED,
):
    """A run of a course in a term, with one session a week for `weeks` weeks (the course's
    number of sessions unless given)."""
    if course.status == Course.Status.RETIRED:
        raise ValidationError({"course": "This course is retired: bring it back before adding a run."})
    weeks = course.number_of_sessions if weeks is None else weeks
    _check_run(
        course=course,
        term=term,
        weekday=weekday,
        start_time=start_time,
        end_time=end_time,
        start_date=start_date,
        online=online,
        room=room,
        capacity=capacity,
        weeks=weeks,
    )
    run = CourseRun.objects.create(
        course=course,
        term=term,
        weekday=weekday,
        start_time=start_time,
        end_time=end_time,
        start_date=start_date,
        online=online,
        room=None if online else room,
        capacity=capacity,
        status=status,
    )
    Session.objects.bulk_create(
        [Session(run=run, date=day, start_time=start_time, end_time=end_time) for day in run_dates(start_date, weeks)]
    )
    versions.changed(course.college_id)  # bulk_create sends no signals
    record(
        actor=actor,
        action="create",
        obj=run,
        fields=[
            "course",
            "term",
            "weekday",
            "start_time",
            "end_time",
            "start_date",
            "online",
            "room",
            "capacity",
            "sessions",
        ],
    )
    tutors = list(tutors)
    if tutors:
        check_same_college(course.college, tutors, "tutors")
        run.tutors.set(tutors)
        RunTutorChange.objects.bulk_create(
            [
                RunTutorChange(
                    run=run,
                    tutor=t,
                    action=RunTutorChange.Action.ADDED,
                    changed_by=acting_user(actor),
                    changed_at=clock.now(course.college),
                )
                for t in tutors
            ]
        )
        record(actor=actor, action="assign", obj=run, fields=["tutors"])
    return run


@transaction.atomic
def run_update(*, actor, run, term, weekday, start_time, end_time, start_date, online, room, capacity, weeks=None):
    """Change a run. Its unrecorded sessions follow the new day, times and number of weeks;
    sessions already recorded (delivered or cancelled) keep their dates: they happened. A change
    of places is sent as `signals.run_capacity_changed` (more places go to the waiting list)."""
    run = CourseRun.objects.select_for_update().select_related("course", "term").get(pk=run.pk)
    if run.status in (CourseRun.Status.CANCELLED, CourseRun.Status.COMPLETED):
        raise ValidationError({"__all__": f"This run is {run.get_status_display().lower()}: it cannot be changed."})
    sessions = list(run.sessions.order_by("date"))
    recorded = [s for s in sessions if s.status != Session.Status.SCHEDULED]
    weeks = len(sessions) if weeks is None else weeks
    # What is already recorded happened: it decides first (a clearer message than the term's dates).
    if recorded and (start_date != run.start_date or weekday != run.weekday or term != run.term):
        field = "term" if term != run.term else "start_date"
        raise ValidationError(
            {
                field: (
                    f"{len(recorded)} session{'s' if len(recorded) != 1 else ''} of this run "
                    f"{'are' if len(recorded) != 1 else 'is'} already recorded, so the term, day and start date stay as they are."
                )
            }
        )
    if recorded:
        last = max(s.date for s in recorded)
        needed = (last - run.start_date).days // 7 + 1
        if weeks < needed:
            raise ValidationError(
                {
                    "weeks": (
                        f"The session of {last:%d %B %Y} is already recorded, in week {needed} of the run: "
                        f"the run keeps at least {needed} weeks."
                    )
                }
            )
    _check_run(
        course=run.course,
        term=term,
        weekday=weekday,
        start_time=start_time,
        end_time=end_time,
        start_date=start_date,
        online=online,
        room=room,
        capacity=capacity,
        weeks=weeks,
    )
    fields = dict(
        term=term,
        weekday=weekday,
        start_time=start_time,
        end_time=end_time,
        start_date=start_date,
        online=online,
        room=None if online else room,
        capacity=capacity,
    )
    changed = [k for k, v in fields.items() if getattr(run, k) != v]
    before = run.capacity
    for key, value in fields.items():
        setattr(run, key, value)
    run.save()
    # Re-date the unrecorded sessions: week i of the run keeps its place; extra weeks are added,
    # surplus unrecorded weeks removed.
    dates = run_dates(start_date, weeks)
    kept = {s.date for s in recorded}
    todo = [d for d in dates if d not in kept]
    free = [s for s in sessions if s.status == Session.Status.SCHEDULED]
    moved = False
    for session, day in zip(free, todo):
        if (session.date, session.start_time, session.end_time) != (day, start_time, end_time):
            session.date, session.start_time, session.end_time = day, start_time, end_time
            session.save(update_fields=["date", "start_time", "end_time"])
            moved = True
    if len(todo) > len(free):
        Session.objects.bulk_create(
            [Session(run=run, date=d, start_time=start_time, end_time=end_time) for d in todo[len(free) :]]
        )
        moved = True
    elif len(free) > len(todo):
        surplus = free[len(todo) :]
        Session.objects.filter(pk__in=[s.pk for s in surplus]).delete()
        moved = True
    if moved:
        changed.append("sessions")
        versions.changed(run.course.college_id)  # bulk_create sends no signals
    if changed:
        record(actor=actor, action="update", obj=run, fields=changed)
    # Other areas follow a change of places (tandem.students: the waiting list); what they did
    # is on the run as `places_filled` (the people given a place).
    run.places_filled = []
    if capacity != before:
        for _receiver, filled in run_capacity_changed.send(sender=CourseRun, run=run, before=before):
            run.places_filled += list(filled or [])
    return run


@transaction.atomic
def run_assign_tutor(*, actor, run, tutor, asked_by="", note=""):
    """Put a tutor on a run (peer or staff), with who asked and a note."""
    run = CourseRun.objects.select_for_update().select_related("course").get(pk=run.pk)
    if run.status in (CourseRun.Status.CANCELLED, CourseRun.Status.COMPLETED):
        raise ValidationError({"tutor": f"This run is {run.get_status_display().lower()}: tutors cannot be added."})
    if tutor.college_id != run.course.college_id:
        raise ValidationError({"tutor": "Choose a tutor of this College."})
    if tutor.status not in (Tutor.Status.ACTIVE, Tutor.Status.TRAINED):
        raise ValidationError(
            {
                "tutor": f"{tutor.full_name} is {tutor.get_status_display().lower()}: "
                f"only trained or active tutors teach."
            }
        )
    if run.tutors.filter(pk=tutor.pk).exists():
        raise ValidationError({"tutor": f"{tutor.full_name} is already on this run."})
    run.tutors.add(tutor)
    RunTutorChange.objects.create(
        run=run,
        tutor=tutor,
        action=RunTutorChange.Action.ADDED,
        asked_by=(asked_by or "").strip()[:200],
        note=(note or "").strip()[:500],
        changed_by=acting_user(actor),
        changed_at=clock.now(run.course.college),
    )
    record(actor=actor, action="assign", obj=run, fields=["tutors"])
    return run


@transaction.atomic
def run_remove_tutor(*, actor, run, tutor, asked_by="", note=""):
    run = CourseRun.objects.select_for_update().get(pk=run.pk)
    if not run.tutors.filter(pk=tutor.pk).exists():
        raise ValidationError({"tutor": f"{tutor.full_name} is not on this run."})
    run.tutors.remove(tutor)
    RunTutorChange.objects.create(
        run=run,
        tutor=tutor,
        action=RunTutorChange.Action.REMOVED,
        asked_by=(asked_by or "").strip()[:200],
        note=(note or "").strip()[:500],
        changed_by=acting_user(actor),
        changed_at=clock.now(tutor.college),
    )
    record(actor=actor, action="unassign", obj=run, fields=["tutors"])
    return run


@transaction.atomic
def run_confirm(*, actor, run):
    """Confirm a planned run: it has its peer and staff tutor and will go ahead (the prospectus
    and the tutors can rely on it). A gap cannot be confirmed."""
    run = CourseRun.objects.select_for_update().get(pk=run.pk)
    if run.status != CourseRun.Status.PLANNED:
        raise ValidationError(
            {"__all__": f"Only a planned run can be confirmed; this one is {run.get_status_display().lower()}."}
        )
    missing = missing_kinds(list(run.tutors.all()))
    if missing:
        raise ValidationError({"__all__": f"This run is a gap: put {missing} on it before confirming it."})
    run.status = CourseRun.Status.CONFIRMED
    run.save(update_fields=["status"])
    record(actor=actor, action="confirm", obj=run, fields=["status"])
    return run


@transaction.atomic
def run_cancel(*, actor, run, reason, note=""):
    """Cancel a run, always with the reason; its unrecorded sessions are cancelled with it
    (sessions already delivered stay delivered)."""
    note = (note or "").strip()
    if reason not in CourseRun.CancelReason.values:
        raise ValidationError({"cancel_reason": "Choose why the run is cancelled."})
    if reason == CourseRun.CancelReason.OTHER and not note:
        raise ValidationError({"cancel_note": "Say why the run is cancelled."})
    run = CourseRun.objects.select_for_update().get(pk=run.pk)
    if run.status == CourseRun.Status.CANCELLED:
        raise ValidationError({"cancel_reason": "This run is already cancelled."})
    if run.status == CourseRun.Status.COMPLETED:
        raise ValidationError({"cancel_reason": "This run is completed: it cannot be cancelled."})
    run.status = CourseRun.Status.CANCELLED
    run.cancel_reason = reason
    run.cancel_note = note[:200]
    run.save(update_fields=["status", "cancel_reason", "cancel_note"])
    run.sessions.filter(status=Session.Status.SCHEDULED).update(
        status=Session.Status.CANCELLED, cancel_reason=Session.CancelReason.RUN_CANCELLED
    )
    versions.changed(run.course.college_id)  # update() sends no signals
    record(actor=actor, action="cancel", obj=run, fields=["status", "cancel_reason", "cancel_note"])
    return run
