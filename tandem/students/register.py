"""The students part of the session register (tandem.courses.register_views.session_record):
the booked students to tick, walk-ins to add; the head count follows from them."""

from . import selectors, services
from .forms import AttendanceForm


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
