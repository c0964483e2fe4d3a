import datetime as dt
from decimal import Decimal

import orjson
import pytest
from django.core.management import call_command
from django.utils import timezone

from tandem.courses.models import Course, CourseRun
from tandem.qi.measures import REGISTRY, series

from .factories import make_request

pytestmark = pytest.mark.django_db

KEYS = [
    "release_requests_made",
    "release_requests_approved",
    "release_requests_declined",
    "release_approval_rate_1",
    "release_approval_rate_2_5",
    "release_approval_rate_6_plus",
    "release_days_to_decision",
]


def at(y, m, d):
    return timezone.make_aware(dt.datetime(y, m, d, 12))


def run_of(w, sessions, title):
    course = Course.objects.create(
        college=w.college, title=title, topic="t", number_of_sessions=sessions, hours_per_session=2
    )
    return CourseRun.objects.create(
        course=course,
        term=w.term,
        weekday=2,
        start_time=dt.time(10),
        end_time=dt.time(12),
        start_date=dt.date(2019, 9, 4),
        online=True,
    )


def decided(w, run, status, requested, decided_on, reason=""):
    return make_request(
        w,
        run=run,
        sessions=[],
        status=status,
        requested_at=requested,
        decided_at=decided_on,
        decided_by=w.manager,
        decline_reason=reason,
        approved_hours=None if status == "declined" else Decimal("2"),
    )


def test_release_measures(world):
    one, four, eight = run_of(world, 1, "One"), world.run, run_of(world, 8, "Eight")
    decided(world, one, "approved", at(2019, 1, 20), at(2019, 2, 1))
    decided(world, one, "approved", at(2019, 1, 25), at(2019, 2, 4))
    decided(world, eight, "declined", at(2019, 1, 28), at(2019, 2, 3), "course_too_long")
    decided(world, eight, "partly_approved", at(2019, 2, 10), at(2019, 2, 14))
    decided(world, four, "declined", at(2019, 2, 11), at(2019, 3, 1), "service_pressure")
    make_request(world, run=eight, sessions=[], requested_at=at(2019, 3, 5))  # pending
    make_request(world, run=one, sessions=[], requested_at=at(2019, 3, 6), status="withdrawn")
    c = world.college
    f = {k: REGISTRY[k].compute(c) for k in KEYS}
    assert f["release_requests_made"] == {"2019-01": 3, "2019-02": 2, "2019-03": 2}
    # Zero is not missing: 0 in every month in which requests were made or decided.
    assert f["release_requests_approved"] == {"2019-01": 0, "2019-02": 3, "2019-03": 0}
    assert f["release_requests_declined"] == {"2019-01": 0, "2019-02": 1, "2019-03": 1}
    assert f["release_approval_rate_1"] == {"2019-02": 1.0}
    assert f["release_approval_rate_6_plus"] == {"2019-02": 0.5}
    assert f["release_approval_rate_2_5"] == {"2019-03": 0.0}
    assert f["release_days_to_decision"] == {"2019-02": 8.0, "2019-03": 18.0}  # median of 12, 10, 6, 4; then 18
    assert series(c, "release_approval_rate_1") == [{"period": "2019-02", "value": 1.0}]
    for key in KEYS:
        assert REGISTRY[key].kind == "process" and REGISTRY[key].definition


def test_tandem_measures_lists_the_process_measures(world, capsys):
    decided(world, world.run, "approved", at(2019, 1, 20), at(2019, 2, 1))
    call_command("measures", "--college", world.college.slug)
    doc = orjson.loads(capsys.readouterr().out)
    by_key = {m["key"]: m for m in doc["measures"]}
    assert set(KEYS) <= set(by_key)
    assert by_key["release_requests_approved"]["series"] == [
        {"period": "2019-01", "value": 0},
        {"period": "2019-02", "value": 1},
    ]
    assert by_key["release_requests_declined"]["series"] == [
        {"period": "2019-01", "value": 0},
        {"period": "2019-02", "value": 0},
    ]
    assert by_key["release_approval_rate_1"]["series"] == []
