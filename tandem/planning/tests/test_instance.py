"""The planner's instance built from the College's records."""

import datetime as dt
from decimal import Decimal

import pytest

import planner
from tandem.courses.models import Course, CourseRun
from tandem.courses.tests.factories import deliver
from tandem.planning import jobs
from tandem.planning.instance import build, build_instance, course_id, run_id, tutor_id
from tandem.planning.models import TutorAvailability, WishedRun
from tandem.planning.slots import ALL_DAYSLOTS, slot_index, term_weeks, week_date
from tandem.release.models import ReleaseBudget, ReleaseRequest

from .factories import make_wish_list, spring_term

pytestmark = pytest.mark.django_db


def tutor(inst, t):
    return next(x for x in inst["tutors"] if x["id"] == tutor_id(t.pk))


def test_instance_of_the_world_is_valid_with_qualifications_and_release(world):
    # A second course: Una co-delivered a session of it (with Pat, who is on its run): delivering
    # one session is what qualifies Una.
    taught = Course.objects.create(
        college=world.college,
        title="Sleep well",
        topic="Living well",
        number_of_sessions=2,
        hours_per_session=Decimal("1.5"),
    )
    run = CourseRun.objects.create(
        course=taught,
        term=world.term,
        weekday=4,
        start_time=dt.time(18),
        end_time=dt.time(19, 30),
        start_date=dt.date(2019, 9, 6),
        online=True,
    )
    run.tutors.set([world.peer])
    deliver(run, dt.date(2019, 9, 6), [world.peer, world.unmanaged], start=dt.time(18), end=dt.time(19, 30))
    wl = make_wish_list(world)
    WishedRun.objects.create(
        wish_list=wl, course=taught, allowed=[[4, 2]], start_week_min=1, start_week_max=11, online=True
    )
    term = wl.term
    ReleaseBudget.objects.create(tutor=world.staff, term=term, hours=Decimal("30"))
    rr = ReleaseRequest.objects.create(
        college=world.college,
        tutor=world.staff,
        manager=world.manager,
        kind="coproduction",
        term=term,
        hours=Decimal("6"),
        purpose="Co-produce",
        status="approved",
        approved_hours=Decimal("6"),
    )
    assert rr.pk
    TutorAvailability.objects.create(tutor=world.peer, weekday=1, slot="morning")
    TutorAvailability.objects.create(tutor=world.peer, weekday=3, slot="evening")

    built = build(wl)
    inst = built.instance
    planner.validate_instance(inst)
    assert inst == build_instance(wl)
    assert inst["schema"] == "tandem.plan-instance/1"
    assert inst["calendar"]["weeks"] == 12 and inst["calendar"]["days"][0] == "Monday"
    assert [s["id"] for s in inst["calendar"]["slots"]] == ["morning", "afternoon", "evening"]
    assert {c["id"] for c in inst["courses"]} == {course_id(world.course.pk), course_id(taught.pk)}
    # Qualifications: co-produced, delivered a session, or assigned to a run of the course.
    assert tutor(inst, world.staff)["qualified"] == [course_id(world.course.pk)]
    assert set(tutor(inst, world.peer)["qualified"]) == {course_id(world.course.pk), course_id(taught.pk)}
    assert tutor(inst, world.unmanaged)["qualified"] == [course_id(taught.pk)]
    assert world.other_tutor.pk not in [int(t["id"].split("-")[1]) for t in inst["tutors"]]
    # Release: the term's budget less hours already approved; peers have none.
    assert tutor(inst, world.staff)["release_hours"] == 24
    assert tutor(inst, world.peer)["release_hours"] is None and tutor(inst, world.peer)["paid"] is True
    assert built.notes["no_budget"] == [world.unmanaged.full_name]
    assert tutor_id(world.unmanaged.pk) in inst["meta"]["no_release_budget"]
    assert built.notes["no_line_manager"] == [world.unmanaged.full_name]
    # Availability: as recorded, or every weekday slot where nothing is recorded (and noted).
    assert tutor(inst, world.peer)["available"] == [[1, 0], [3, 2]]
    assert tutor(inst, world.staff)["available"] == [list(x) for x in ALL_DAYSLOTS]
    assert world.staff.full_name in built.notes["no_availability"]
    assert world.peer.full_name not in built.notes["no_availability"]
    # Sites and rooms of this College only; every day-slot free (no runs yet in Spring 2020).
    assert [r["available"] for r in inst["rooms"]] == [[list(x) for x in ALL_DAYSLOTS]]
    assert len(inst["sites"]) == 1
    online = next(r for r in inst["runs"] if r["course"] == course_id(taught.pk))
    assert online["online"] is True and online["site"] is None
    assert built.labels[run_id(online["id"].split("-")[1])] == f"Sleep well (wish {online['id'].split('-')[1]})"


def test_runs_already_in_the_term_keep_their_times(world):
    """Planning the autumn term, where the world's run meets on Tuesday mornings in Room 1."""
    from tandem.planning.models import WishList

    wl = WishList.objects.create(college=world.college, term=world.term)
    WishedRun.objects.create(
        wish_list=wl,
        course=world.course,
        allowed=[[1, 0], [2, 0]],
        start_week_min=1,
        start_week_max=5,
        site=world.room.site,
    )
    inst = build_instance(wl)
    planner.validate_instance(inst)
    assert [1, 0] not in inst["rooms"][0]["available"] and [2, 0] in inst["rooms"][0]["available"]
    assert [1, 0] not in tutor(inst, world.staff)["available"]
    assert tutor(inst, world.staff)["max_sessions"] == 24 - world.course.number_of_sessions
    # Pat also has the online gap run on Thursday afternoons.
    assert [3, 1] not in tutor(inst, world.peer)["available"]


def test_calendar_weeks_and_slots(world):
    spring = spring_term(world.college)
    assert term_weeks(spring) == 12 and week_date(spring, 1, 0) == dt.date(2020, 1, 6)
    assert term_weeks(world.term) == 15  # 2 Sep to 13 Dec 2019
    assert week_date(world.term, 15, 4) == dt.date(2019, 12, 13)
    assert [slot_index(dt.time(h, m)) for h, m in [(9, 30), (11, 0), (13, 30), (16, 0), (18, 0)]] == [0, 0, 1, 1, 2]


def test_a_course_longer_than_the_term_is_a_clear_message_not_a_500(world, client):
    wl = make_wish_list(world)
    world.course.number_of_sessions = 14
    world.course.save()
    with pytest.raises(jobs.PlanningError, match="Understanding anxiety"):
        jobs.job_start(actor=world.admin, wish_list=wl, time_limit=5)
    client.force_login(world.admin)
    response = client.post(f"/planning/wish-lists/{wl.pk}/plan/", {"time_limit": 5})
    assert response.status_code == 200
    assert "The planner cannot plan this wish list yet" in response.content.decode()
    assert "Understanding anxiety" in response.content.decode()
    assert wl.jobs.count() == 0


def test_an_empty_wish_list_cannot_be_planned(world):
    from tandem.planning.models import WishList

    wl = WishList.objects.create(college=world.college, term=spring_term(world.college))
    with pytest.raises(jobs.PlanningError, match="no runs"):
        jobs.job_start(actor=world.admin, wish_list=wl, time_limit=5)
