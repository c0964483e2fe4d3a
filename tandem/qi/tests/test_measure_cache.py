"""Measures are computed once per version of the College's records and cached; any write to
those records shows at once (tandem.core.versions)."""

import datetime as dt

import pytest
from django.core.cache import cache

from tandem.core import versions
from tandem.courses import services as courses
from tandem.courses.models import Session
from tandem.qi import measures
from tandem.qi.charts import outcome_chart
from tandem.qi.measures import REGISTRY, series, values_of
from tandem.release import services as release

pytestmark = pytest.mark.django_db


def month(points, period):
    return next(p["value"] for p in points if p["period"] == period)


@pytest.fixture
def counted(monkeypatch):
    """How many times each computed measure actually ran."""
    calls = {}
    for key, m in list(REGISTRY.items()):

        def compute(college, _fn=m.compute, _key=key):
            calls[_key] = calls.get(_key, 0) + 1
            return _fn(college)

        monkeypatch.setitem(REGISTRY, key, m.__class__(**{**m.__dict__, "compute": compute}))
    return calls


def test_a_measure_is_computed_once_then_served_from_the_cache(world, counted):
    first = series(world.college, "staff_tutors_teaching")
    assert series(world.college, "staff_tutors_teaching") == first
    outcome_chart(world.college)  # the series and the goal: no third computation
    assert counted["staff_tutors_teaching"] == 1


def test_the_outcome_chart_computes_its_measure_once(world, counted):
    outcome_chart(world.college)
    assert counted.get("staff_tutors_teaching", 0) == 1


def test_recording_a_session_through_the_service_shows_at_once(world):
    before = series(world.college, "staff_tutors_teaching")
    assert before == [] or month(before, "2019-09") in (None, 0)
    courses.session_record_delivery(actor=world.admin, session=world.session, tutors=[world.peer, world.staff])
    after = series(world.college, "staff_tutors_teaching")
    assert month(after, "2019-09") == 1
    # ... and a correction too (cancelled instead): the month has nothing delivered any more
    courses.session_cancel(actor=world.admin, session=Session.objects.get(pk=world.session.pk), reason="tutor_unwell")
    assert series(world.college, "staff_tutors_teaching") == []


def test_deciding_a_release_request_shows_at_once(world):
    rr = release.release_request_create(
        actor=world.tutor_user,
        tutor=world.staff,
        kind="run",
        run=world.run,
        sessions=[world.session],
        purpose="Co-deliver",
    )
    made = values_of(world.college, REGISTRY["release_requests_made"])
    assert sum(v or 0 for v in made.values()) == 1
    assert sum(v or 0 for v in values_of(world.college, REGISTRY["release_requests_approved"]).values()) == 0
    release.release_decide(actor=world.manager, release_request=rr, decision="approve")
    assert sum(v or 0 for v in values_of(world.college, REGISTRY["release_requests_approved"]).values()) == 1


def test_another_colleges_write_leaves_this_colleges_cache_alone(world, counted):
    series(world.college, "staff_tutors_teaching")
    mine = versions.version(world.college.pk)
    Session.objects.create(run=world.other_run, date=dt.date(2019, 9, 10), start_time=dt.time(10), end_time=dt.time(12))
    assert versions.version(world.college.pk) == mine
    series(world.college, "staff_tutors_teaching")
    assert counted["staff_tutors_teaching"] == 1


def test_a_version_that_left_the_cache_restarts_at_a_number_never_used(world):
    old = versions.version(world.college.pk)
    cache.clear()
    assert versions.version(world.college.pk) > old


def test_manual_values_show_at_once(world):
    from tandem.qi.models import ManualMeasure, ManualValue

    m = ManualMeasure.objects.create(
        college=world.college, key="wellbeing", name="Wellbeing", kind="process", definition="d"
    )
    ManualValue.objects.create(measure=m, period=dt.date(2019, 9, 1), value=3)
    assert month(series(world.college, "wellbeing"), "2019-09") == 3
    value = ManualValue.objects.get(measure=m)
    value.value = 4
    value.save()
    assert month(series(world.college, "wellbeing"), "2019-09") == 4


def test_all_measures_uses_each_measure_once(world, counted):
    measures.all_measures(world.college)
    assert counted and set(counted.values()) == {1}
