"""The QI tests' bulk-written history (history.py) holds exactly what the register's service
would have written for the same sessions, so the measures are tested on real records."""

import pytest

from tandem.courses.models import Session
from tandem.courses.services import session_record_delivery

from . import history

pytestmark = pytest.mark.django_db

FIELDS = ("date", "start_time", "end_time", "status", "peer_count", "staff_count", "head_count", "cancel_reason")


def row(session):
    session.refresh_from_db()
    return {
        **{name: getattr(session, name) for name in FIELDS},
        "delivered_by": sorted(session.delivered_by.values_list("pk", flat=True)),
    }


def test_the_bulk_history_is_what_the_register_service_writes(world):
    counts = history.build(world, values=[2, None, 1] + [None] * (len(history.MONTHS) - 3))
    assert counts[history.MONTHS[0]] == 2
    built = list(Session.objects.filter(run=world.run, status="delivered").order_by("date"))
    assert len(built) == 3
    for session in built:
        written = row(session)
        tutors = list(session.delivered_by.all())
        # The same session, back to scheduled, then recorded through the service.
        session.delivered_by.clear()
        Session.objects.filter(pk=session.pk).update(status="scheduled", peer_count=0, staff_count=0)
        session_record_delivery(actor=world.admin, session=session, tutors=tutors)
        assert row(session) == written
