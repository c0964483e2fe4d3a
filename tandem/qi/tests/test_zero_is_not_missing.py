"""Zero is not missing: every computed count measure is 0 in an active month in which nothing was
counted, and missing (null) only in a month in which the thing could not happen.

One hand-computed College (the `world` fixture plus the records below):

    month     sessions  release requests              pipeline             other
    2019-08   -         1 made (declined in Oct)      -                    Sam trained (tutor record)
    2019-09   1 (Sam,   -                             -                    runs start (world.run, gap_run)
              Pat) 2 h
    2019-10   -         the August request declined   -                    -
    2019-11   1 (Sam,   -                             -                    -
              Pat) 2 h
    2019-12   -         1 made (still pending)        -                    a run starts, cancelled: no staff tutor
    2020-01   -         -                             Fi interested        -
    2020-02   -         -                             Fi trained           -
    2020-03   -         1 made and approved           -                    -
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tandem.courses.models import CourseRun
from tandem.courses.tests.factories import deliver
from tandem.pipeline.models import PipelineEntry, PipelineStageChange
from tandem.qi.measures import (
    REGISTRY,
    active_months,
    counts_in_active_months,
    delivered_months,
    series,
)
from tandem.release.tests.factories import make_request

pytestmark = pytest.mark.django_db

N = None  # missing: the thing could not happen that month


def at(y, m, d):
    return timezone.make_aware(dt.datetime(y, m, d, 12))


@pytest.fixture
def college(world):
    w = world
    deliver(w.run, dt.date(2019, 9, 10), [w.staff, w.peer])
    deliver(w.run, dt.date(2019, 11, 5), [w.staff, w.peer])
    w.staff.coproduction_trained_on = dt.date(2019, 8, 12)
    w.staff.save()
    CourseRun.objects.create(
        course=w.course,
        term=w.term,
        weekday=1,
        start_time=dt.time(10),
        end_time=dt.time(12),
        start_date=dt.date(2019, 12, 2),
        online=True,
        status="cancelled",
        cancel_reason="no_staff_tutor",
    )
    make_request(
        w,
        sessions=[],
        requested_at=at(2019, 8, 20),
        status="declined",
        decided_at=at(2019, 10, 2),
        decided_by=w.manager,
        decline_reason="service_pressure",
    )
    make_request(w, sessions=[], requested_at=at(2019, 12, 3))
    make_request(
        w,
        sessions=[],
        requested_at=at(2020, 3, 2),
        status="approved",
        decided_at=at(2020, 3, 9),
        decided_by=w.manager,
        approved_hours=Decimal(2),
    )
    fi = PipelineEntry.objects.create(
        college=w.college, name="Fi", work_email="fi@example.nhs.uk", profession="OT", team="Ward", stage="trained"
    )
    PipelineStageChange.objects.create(entry=fi, stage="interested", on=dt.date(2020, 1, 15))
    PipelineStageChange.objects.create(entry=fi, stage="trained", on=dt.date(2020, 2, 10))
    return w.college


def values(college, key):
    return {p["period"]: p["value"] for p in series(college, key)}


def months(*vals, start):
    y, m = map(int, start.split("-"))
    out = {}
    for v in vals:
        out[f"{y:04d}-{m:02d}"] = v
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def test_the_shared_notion_of_an_active_month(college):
    assert delivered_months(college) == {"2019-09", "2019-11"}
    assert active_months(college) == {"2019-09", "2019-11"}
    assert active_months(college, ["2019-08"], {"2020-01"}) == {"2019-08", "2019-09", "2019-11", "2020-01"}
    assert counts_in_active_months(college, {"2019-08": 2}) == {"2019-08": 2, "2019-09": 0, "2019-11": 0}


# Release: active = sessions delivered (Sep, Nov) or requests made or decided (Aug, Oct, Dec, Mar).
@pytest.mark.parametrize(
    "key, expected",
    [
        ("release_requests_made", months(1, 0, 0, 0, 1, N, N, 1, start="2019-08")),
        ("release_requests_approved", months(0, 0, 0, 0, 0, N, N, 1, start="2019-08")),
        ("release_requests_declined", months(0, 0, 1, 0, 0, N, N, 0, start="2019-08")),
    ],
)
def test_release_counts_are_zero_in_every_active_month(college, key, expected):
    assert values(college, key) == expected


def test_release_rates_and_median_are_missing_without_decisions(college):
    # Not counts: nothing to divide or take the median of in a month with no decisions.
    assert values(college, "release_approval_rate_2_5") == months(0.0, N, N, N, N, 1.0, start="2019-10")
    assert values(college, "release_approval_rate_1") == {}
    assert values(college, "release_days_to_decision") == months(43.0, N, N, N, N, 7.0, start="2019-10")


@pytest.mark.parametrize(
    "key, expected",
    [
        # Only months with delivered sessions: nobody could teach in the others.
        ("staff_tutors_teaching", months(1, N, 1, start="2019-09")),
        ("peer_tutor_delivery_hours", months(2.0, N, 2.0, start="2019-09")),
        # Delivered months, plus the months runs were due to start (Sep, Dec).
        ("runs_cancelled_no_staff", months(0, N, 0, 1, start="2019-09")),
        # Delivered months, plus the month Sam was trained.
        ("staff_tutors_newly_trained", months(1, 0, N, 0, start="2019-08")),
        # Delivered months, plus the months anyone reached a pipeline stage (Jan, Feb 2020).
        ("staff_tutors_interested", months(0, N, 0, N, 1, 0, start="2019-09")),
        ("staff_tutors_trained", months(1, 0, N, 0, N, 0, 1, start="2019-08")),
    ],
)
def test_college_counts_are_zero_in_every_active_month(college, key, expected):
    assert values(college, key) == expected


def test_pay_parity_breaches_are_counted_in_the_delivered_months_only(college):
    got = REGISTRY["peer_pay_parity_breaches"].compute(college)
    assert got == {"2019-09": 0, "2019-11": 0}  # no pay recorded: no breach, counted as 0, not missing


def test_every_measure_says_how_its_missing_months_arise():
    for m in REGISTRY.values():
        assert "missing" in (m.frequency + m.definition).lower(), m.key
