"""*Take attendance*: who came to a session already recorded as delivered (after one tap on *My
sessions* or the admin's batch), for the run's tutors and the College admins. A tutor takes it
once; a correction afterwards is the admin's, as for the rest of the register."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tandem.accounts.models import Role
from tandem.accounts.rules import requires
from tandem.core.forms import add_service_errors
from tandem.core.params import next_url
from tandem.courses import selectors as course_selectors
from tandem.courses.models import Session

from . import register, selectors
from .register_services import attendance_take


@require_http_methods(["GET", "POST"])
@requires("record_sessions")
def take_attendance(request, pk):
    session = course_selectors.session_for_record(request.user, pk)
    tutor = request.user.role != Role.COLLEGE_ADMIN
    done = reverse("courses:my_sessions" if tutor else "courses:run", args=[] if tutor else [session.run_id])
    if session.status != Session.Status.DELIVERED:
        messages.info(request, "Record the session as delivered first: who came is part of its record.")
        return redirect(reverse("courses:session_record", args=[session.pk]))
    taken = selectors.attendance_taken(session)
    if taken and tutor:
        messages.info(request, "The attendance of this session is taken. Ask the College admin if it needs correcting.")
        return redirect(next_url(request, done))
    form = register.form(request, session)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            came = attendance_take(
                actor=request.user, session=session, attended=data["attended"], walk_ins=data["walk_ins"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{session.run.course.title}, {session.date:%A %d %B}: attendance taken, "
                f"{came} student{'' if came == 1 else 's'} came.",
            )
            return redirect(next_url(request, done))
    return render(
        request,
        "students/attendance.jinja",
        {
            "title": f"Take attendance: {session.run.course.title}, {session.date:%d %B %Y}",
            "section": "sessions" if tutor else "timetable",
            "session": session,
            "run": session.run,
            "form": form,
            "taken": taken,
            "next": next_url(request, ""),
            "back": next_url(request, done),
        },
    )
