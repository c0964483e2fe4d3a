"""Sessions for tests, recorded as the College records them: a session of a run is added, then
recorded through the register's services (`tandem.courses.services`), so its peer and staff
counts, its audit row and its run's status are what the pages would have written."""

import datetime as dt

from tandem.courses import services
from tandem.courses.models import Session


def session(run, day, *, start=dt.time(10), end=dt.time(12)):
    """A session of `run` on `day`, still to be recorded."""
    return Session.objects.create(run=run, date=day, start_time=start, end_time=end)


def deliver(run, day, tutors, *, start=dt.time(10), end=dt.time(12), head_count=None, actor=None):
    """A session of `run` on `day` recorded as delivered by `tutors` (at least one peer and one
    staff tutor, as the register requires)."""
    return services.session_record_delivery(
        actor=actor, session=session(run, day, start=start, end=end), tutors=tutors, head_count=head_count
    )


def cancel(run, day, *, reason=Session.CancelReason.OTHER, note="Cancelled in a test", actor=None):
    """A session of `run` on `day` recorded as cancelled, with why."""
    return services.session_cancel(actor=actor, session=session(run, day), reason=reason, note=note)
