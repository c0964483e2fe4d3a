"""Attendance taken after a session was recorded as delivered without it: one tap on *My
sessions* ("Delivered as planned") and the admin's batch of unrecorded sessions record who taught,
never who came. Tandem does not assume that the booked students came; the session waits on the
tutor's *My sessions* (and the admin's *Sessions to record*) with *Take attendance* until someone
ticks who came. One transaction, audited like the register."""

from django.core.exceptions import ValidationError
from django.db import transaction

from tandem.audit.services import record
from tandem.courses.models import CourseRun, Session

from .services import attendance_record, certificates_issue


@transaction.atomic
def attendance_take(*, actor, session, attended, walk_ins=()):
    """Who came to a delivered session (`attended` from its register's list, `walk_ins` as
    (name, email) pairs); nobody ticked means nobody came. The head count follows; on a completed
    run, anyone who now meets the certificate threshold gets their certificate (one already
    issued stays). Returns the number who came."""
    session = Session.objects.select_for_update().select_related("run__course__college").get(pk=session.pk)
    if session.status != Session.Status.DELIVERED:
        raise ValidationError({"__all__": "Record the session as delivered before taking its attendance."})
    came = attendance_record(actor=actor, session=session, attended=attended, walk_ins=walk_ins)
    if session.head_count != came:
        session.head_count = came
        session.save(update_fields=["head_count"])
        record(
            actor=actor,
            action="attendance",
            obj=session,
            fields=["head_count"],
            college_id=session.run.course.college_id,
        )
    if session.run.status == CourseRun.Status.COMPLETED:
        certificates_issue(run=session.run)
    return came
