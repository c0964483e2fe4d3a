"""The students part of the session register (tandem.courses.register_views): the booked
students to tick, walk-ins to add, the head count following from them; and the sessions recorded
as delivered without their attendance (one tap, the admin's batch), each with *Take attendance*
(tandem.students.register_views)."""

from tandem.core.forms import add_service_errors
from tandem.courses import selectors as course_selectors

from . import selectors, services
from .forms import AttendanceForm
from .models import Booking

SHOWN = 50  # sessions listed as still needing their attendance


def form(request, session):
    user = request.user
    students = services.register_students(session)
    initial = {"attended": list(session.attendances.values_list("student_id", flat=True))}
    return AttendanceForm(
        request.POST if request.method == "POST" else None,
        prefix="students",
        students=students,
        label=lambda s: selectors.register_label(user, s),
        initial=initial,
    )


def record_delivery(*, actor, session, tutors, head_count, attendance):
    """Record the delivery. With students ticked or walk-ins added, the head count is their
    number (and who came is kept); otherwise the typed head count, and nobody is recorded."""
    data = attendance.cleaned_data
    attended, walk_ins = list(data.get("attended") or []), data.get("walk_ins") or []
    if attended or walk_ins:
        return services.session_record_with_students(
            actor=actor, session=session, tutors=tutors, attended=attended, walk_ins=walk_ins
        )
    return services.session_record_delivery_clearing(actor=actor, session=session, tutors=tutors, head_count=head_count)


def add_errors(form, attendance, exc):
    """A service's refusal on the register's page: who came (students ticked, walk-ins) on the
    students' part of the form, everything else on the session's (both in the error summary)."""
    if not set(getattr(exc, "error_dict", {})) & set(attendance.fields):
        add_service_errors(form, exc)
        return
    for field, errors in exc.message_dict.items():
        target = attendance if field in attendance.fields else form
        target.add_error(field if field in target.fields else None, errors)


def booked(session):
    """The number of students with a place on the session's run."""
    return Booking.objects.filter(run_id=session.run_id, status=Booking.Status.BOOKED).count()


def to_take(user):
    """(sessions, total): the sessions the user records (a tutor their runs', an admin the
    College's) recorded as delivered whose attendance is still to take, newest first."""
    qs = selectors.attendance_not_taken(course_selectors.recordable_sessions(user)).select_related("run__course")
    return list(qs.order_by("-date", "-start_time")[:SHOWN]), qs.count()
