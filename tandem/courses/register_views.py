"""The session register: record a session as delivered (who delivered it, how many came) or
cancelled (why); a tutor's *My sessions*; the admin's list of unrecorded past sessions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.accounts.models import Role
from tandem.accounts.rules import requires
from tandem.core import clock
from tandem.core.forms import add_service_errors
from tandem.core.params import next_url
from tandem.students import register as student_attendance
from tandem.tutors.models import Tutor

from . import selectors, services
from .forms import BulkRecordForm, SessionRecordForm
from .models import Session

SECTION = "sessions"


def _who_may_have_delivered(session):
    """(listed, stand-ins): the run's tutors and anyone who delivered a session of the run are
    listed to tick; the College's other trained or active tutors can be chosen as a stand-in."""
    run = session.run
    listed = (
        Tutor.objects.filter(Q(assigned_runs=run) | Q(delivered_sessions__run=run))
        .distinct()
        .order_by("kind", "last_name", "first_name")
    )
    stand_ins = (
        Tutor.objects.filter(college_id=run.course.college_id, status__in=[Tutor.Status.ACTIVE, Tutor.Status.TRAINED])
        .exclude(pk__in=listed.values("pk"))
        .order_by("kind", "last_name", "first_name")
    )
    return listed, stand_ins


@require_http_methods(["GET", "POST"])
@requires("record_sessions")
def session_record(request, pk):
    session = selectors.session_for_record(request.user, pk)
    run = session.run
    correcting = session.status != Session.Status.SCHEDULED
    if correcting and request.user.role != Role.COLLEGE_ADMIN:
        # Money may already follow a record: corrections are the College admin's.
        messages.info(
            request, "This session is already recorded. Ask the College admin if the record needs correcting."
        )
        return redirect("courses:run", pk=run.pk)
    on_run = list(run.tutors.all())
    tutors, stand_ins = _who_may_have_delivered(session)
    if correcting:
        # A cancelled session corrected to delivered: the run's tutors are ticked, as when first recording.
        delivered = list(session.delivered_by.values_list("pk", flat=True)) or [t.pk for t in on_run]
        initial = {
            "outcome": session.status,
            "delivered_by": delivered,
            "head_count": session.head_count,
            "cancel_reason": session.cancel_reason,
            "cancel_note": session.cancel_note,
        }
    else:
        initial = {"outcome": SessionRecordForm.DELIVERED, "delivered_by": [t.pk for t in on_run]}
    form = SessionRecordForm(
        request.POST if request.method == "POST" else None, tutors=tutors, stand_ins=stand_ins, initial=initial
    )
    # The students part of the register (tandem.students): the booked students to tick, walk-ins.
    attendance = student_attendance.form(request, session)
    if request.method == "POST" and form.is_valid() and attendance.is_valid():
        data = form.cleaned_data
        try:
            if data["outcome"] == SessionRecordForm.DELIVERED:
                student_attendance.record_delivery(
                    actor=request.user,
                    session=session,
                    tutors=data["delivered_by"],
                    head_count=data["head_count"],
                    attendance=attendance,
                )
                done = "recorded as delivered"
            else:
                services.session_cancel(
                    actor=request.user, session=session, reason=data["cancel_reason"], note=data["cancel_note"]
                )
                done = "recorded as cancelled"
        except ValidationError as exc:
            student_attendance.add_errors(form, attendance, exc)
        else:
            messages.success(request, f"The session of {session.date:%A %d %B %Y} is {done}.")
            return redirect(next_url(request, reverse("courses:run", args=[run.pk])))
    # The run's own tutors first in the list, then everyone else who could have stood in.
    on_run_pks = {t.pk for t in on_run}
    return render(
        request,
        "courses/session_record.jinja",
        {
            "title": f"{'Correct' if correcting else 'Record'} the session of {session.date:%d %B %Y}",
            "section": SECTION if request.user.role == Role.TUTOR else "timetable",
            "session": session,
            "run": run,
            "form": form,
            "attendance": attendance,
            "error_forms": [attendance],  # the students' errors in the page's error summary too
            "correcting": correcting,
            "on_run_pks": on_run_pks,
            "next": next_url(request, ""),
            "today": clock.today(request.user),
        },
    )


@require_POST
@requires("record_sessions")
def session_quick_record(request, pk):
    """One tap from *My sessions*: delivered by the run's tutors, as planned."""
    session = selectors.session_for_record(request.user, pk)
    default = reverse("courses:my_sessions" if request.user.role == Role.TUTOR else "courses:unrecorded")
    if session.status != Session.Status.SCHEDULED:
        messages.info(request, "This session is already recorded.")
        return redirect(next_url(request, default))
    try:
        services.session_record_delivery(actor=request.user, session=session, tutors=list(session.run.tutors.all()))
    except ValidationError as exc:
        messages.error(
            request,
            f"{session.run.course.title}, {session.date:%d %B %Y}: "
            + " ".join(exc.messages)
            + " Use “Record it another way” to say who delivered it.",
        )
    else:
        # Who came is not assumed: the session waits with "Take attendance" (tandem.students.register).
        booked = student_attendance.booked(session)
        messages.success(
            request,
            f"{session.run.course.title}, {session.date:%A %d %B}: recorded as delivered."
            + (
                f" {booked} student{' is' if booked == 1 else 's are'} booked on it: take attendance to say who came."
                if booked
                else ""
            ),
        )
    return redirect(next_url(request, default))


@require_GET
@requires("view_my_sessions")
def my_sessions(request):
    today = clock.today(request.user)
    this_week, earlier, (week_start, week_end) = selectors.my_sessions(request.user, today)
    to_take, to_take_total = student_attendance.to_take(request.user)
    return render(
        request,
        "courses/my_sessions.jinja",
        {
            "title": "My sessions",
            "section": SECTION,
            "this_week": this_week,
            "earlier": earlier,
            "week_start": week_start,
            "week_end": week_end,
            "today": today,
            "to_take": to_take,
            "to_take_total": to_take_total,
            "attendance_due": {s.pk for s in to_take},
        },
    )


@require_http_methods(["GET", "POST"])
@requires("manage_courses")
def unrecorded(request):
    today = clock.today(request.user)
    sessions = selectors.unrecorded_sessions(request.user, today)
    form = BulkRecordForm(request.POST if request.method == "POST" else None, sessions=sessions)
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["sessions"].select_related("run__course").order_by("date"))
        try:
            services.sessions_record_delivery(actor=request.user, sessions=chosen)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # Who came is not assumed: sessions with students booked wait under "Attendance to take".
            booked = sum(1 for s in chosen if student_attendance.booked(s))
            messages.success(
                request,
                f"{len(chosen)} session{'s' if len(chosen) != 1 else ''} recorded as delivered."
                + (
                    f" {booked} of them {'has' if booked == 1 else 'have'} students booked: take their attendance "
                    "from the list below."
                    if booked
                    else ""
                ),
            )
            return redirect("courses:unrecorded")
    rows = list(sessions[:200])
    for s in rows:
        s.missing = services.missing_kinds(list(s.run.tutors.all()))
    to_take, to_take_total = student_attendance.to_take(request.user)
    return render(
        request,
        "courses/unrecorded.jinja",
        {
            "title": "Sessions to record",
            "section": "timetable",
            "form": form,
            "rows": rows,
            "total": sessions.count(),
            "today": today,
            "to_take": to_take,
            "to_take_total": to_take_total,
        },
    )
