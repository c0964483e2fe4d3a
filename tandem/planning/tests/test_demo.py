"""The demo's next term: Spring 2020 with availability, budgets and a wish list, ready to plan."""

import random

import pytest

import planner
from tandem.core.models import Term
from tandem.planning import demo
from tandem.planning.instance import build
from tandem.planning.models import TutorAvailability, WishedRun, WishList
from tandem.release.models import ReleaseBudget

from .factories import small_college

pytestmark = pytest.mark.django_db


def _snapshot(college):
    wl = WishList.objects.get(college=college)
    wishes = [
        (
            w.course.title,
            w.weight,
            w.allowed,
            w.start_week_min,
            w.start_week_max,
            w.online,
            w.site.name if w.site else None,
            w.cohort,
            w.needs_accessible,
            w.split_allowed,
        )
        for w in wl.runs.select_related("course", "site").order_by("pk")
    ]
    avail = sorted(
        TutorAvailability.objects.filter(tutor__college=college).values_list(
            "tutor__first_name", "tutor__kind", "weekday", "slot"
        )
    )
    budgets = sorted(ReleaseBudget.objects.filter(tutor__college=college).values_list("tutor__first_name", "hours"))
    return wishes, avail, budgets


def test_populate_is_deterministic_and_plannable():
    a, _ = small_college(random.Random(11), slug="one")
    b, _ = small_college(random.Random(11), slug="two")
    assert _snapshot(a) == _snapshot(b)
    wl = WishList.objects.get(college=a)
    assert wl.term.season == "spring" and wl.term.year == 2020
    assert 30 <= wl.runs.count() <= demo.WISHED_RUNS
    built = build(wl)
    planner.validate_instance(built.instance)
    assert not built.notes["no_availability"] and not built.notes["no_budget"]


def test_populate_on_the_world_adds_spring_2020_once(world):
    summary = demo.populate(world.college, random.Random(3))
    assert summary["term"] == "Spring 2020" and summary["term_created"]
    assert summary["availability"] > 0 and summary["budgets"] == 2  # Sam and Una, the world's staff tutors
    assert summary["wished_runs"] == WishedRun.objects.filter(wish_list__college=world.college).count() > 0
    again = demo.populate(world.college, random.Random(3))
    assert not again["term_created"] and again["wished_runs"] == 0 and again["budgets"] == 0
    assert Term.objects.filter(college=world.college, season="spring", year=2020).count() == 1
    planner.validate_instance(build(WishList.objects.get(college=world.college)).instance)
