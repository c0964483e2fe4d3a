"""A synthetic, demo-like history of the outcome measure: Trust staff tutors teaching per month,
flat before the QI project and rising after its first change (March 2019).

Its 189 delivered sessions are written in bulk, not one by one through
`courses.services.session_record_delivery` (which would add seconds to each of the two dozen tests
that build it); `test_history.py` proves the rows are the ones that service writes."""

import datetime as dt

from tandem.courses.models import Session
from tandem.qi.measures import months_between
from tandem.tutors.models import Tutor

# 2018-02 .. 2020-04; None is a month with no sessions (the summer break)
BEFORE = [6, 5, 7, 6, 5, 6, None, 7, 5, 6, 6, 5, 6]  # Feb 2018 .. Feb 2019 (the project starts Feb 2019)
AFTER = [6, 7, 7, 8, 9, None, 9, 10, 10, 10, 11, 11, 10, 11]  # Mar 2019 .. Apr 2020
MONTHS = months_between("2018-02", "2020-04")


def build(world, values=None):
    """Sessions delivered by `value` distinct Trust staff tutors (with the world's peer tutor) each month."""
    values = values or (BEFORE + AFTER)
    assert len(values) == len(MONTHS)
    staff = [
        Tutor(
            college=world.college,
            kind="staff",
            first_name=f"Staff{k}",
            last_name="Tutor",
            email=f"staff{k}@example.nhs.uk",
            status="active",
            employer=world.trust,
        )
        for k in range(max(v or 0 for v in values))
    ]
    staff = Tutor.objects.bulk_create(staff)
    sessions, who = [], []
    for month, value in zip(MONTHS, values):
        if value is None:
            continue
        y, m = map(int, month.split("-"))
        for k in range(value):
            sessions.append(
                Session(
                    run=world.run,
                    date=dt.date(y, m, 1 + k),
                    start_time=dt.time(10),
                    end_time=dt.time(12),
                    status="delivered",
                    peer_count=1,
                    staff_count=1,
                )
            )
            who.append(staff[k])
    sessions = Session.objects.bulk_create(sessions)
    through = Session.delivered_by.through
    rows = []
    for s, tutor in zip(sessions, who):
        rows += [through(session_id=s.pk, tutor_id=tutor.pk), through(session_id=s.pk, tutor_id=world.peer.pk)]
    through.objects.bulk_create(rows)
    return dict(zip(MONTHS, values))
