import datetime as dt
import json
import random

import pytest
from django.core.management import call_command

from tandem.courses.models import CourseRun
from tandem.courses.tests.factories import deliver
from tandem.qi import demo
from tandem.qi.measures import REGISTRY, measure_for, series
from tandem.qi.models import (
    Annotation,
    ChangeIdea,
    ManualMeasure,
    ManualValue,
    MeasureChart,
    PDSACycle,
    ProgressScore,
    QIProject,
    StakeholderEntry,
    TeamMember,
)
from tandem.tutors.models import Tutor

pytestmark = pytest.mark.django_db


def values(college, key):
    return {p["period"]: p["value"] for p in series(college, key)}


def test_every_measure_has_an_operational_definition():
    for key in (
        "staff_tutors_teaching",
        "runs_cancelled_no_staff",
        "staff_tutors_newly_trained",
        "peer_tutor_delivery_hours",
    ):
        m = REGISTRY[key]
        assert m.definition and m.population and m.numerator and m.source and m.frequency, key
    assert REGISTRY["runs_cancelled_no_staff"].kind == "process"
    assert REGISTRY["staff_tutors_newly_trained"].kind == "process"
    assert REGISTRY["peer_tutor_delivery_hours"].kind == "balancing"


def test_runs_cancelled_for_want_of_a_staff_tutor_by_start_month(world):
    def run(start, status="planned", reason=""):
        return CourseRun.objects.create(
            course=world.course,
            term=world.term,
            weekday=1,
            start_time=dt.time(10),
            end_time=dt.time(12),
            start_date=start,
            online=True,
            status=status,
            cancel_reason=reason,
        )

    run(dt.date(2019, 9, 10), "cancelled", "no_staff_tutor")
    run(dt.date(2019, 9, 24), "cancelled", "no_staff_tutor")
    run(dt.date(2019, 9, 17), "cancelled", "low_enrolment")  # another reason: not counted
    run(dt.date(2019, 11, 5), "cancelled", "no_staff_tutor")
    CourseRun.objects.create(
        course=world.other_course,
        term=world.other_term,
        weekday=1,
        start_time=dt.time(10),
        end_time=dt.time(12),
        start_date=dt.date(2019, 9, 3),
        online=True,
        status="cancelled",
        cancel_reason="no_staff_tutor",
    )  # another College's run: never counted here
    got = values(world.college, "runs_cancelled_no_staff")
    assert got["2019-09"] == 2 and got["2019-11"] == 1 and got["2019-10"] is None


def test_staff_tutors_newly_trained_per_month(world):
    world.staff.coproduction_trained_on = dt.date(2019, 3, 12)
    world.staff.save()
    world.unmanaged.coproduction_trained_on = dt.date(2019, 3, 26)
    world.unmanaged.save()
    world.peer.coproduction_trained_on = dt.date(2019, 3, 12)  # a peer tutor: not counted
    world.peer.save()
    Tutor.objects.create(
        college=world.college,
        kind="staff",
        first_name="May",
        last_name="Trainee",
        email="may@example.nhs.uk",
        employer=world.trust,
        coproduction_trained_on=dt.date(2019, 5, 14),
    )
    # April: no training and no delivered sessions, so missing (the shared active months), not 0.
    assert values(world.college, "staff_tutors_newly_trained") == {"2019-03": 2, "2019-04": None, "2019-05": 1}
    deliver(world.run, dt.date(2019, 4, 9), [world.peer, world.staff])
    assert values(world.college, "staff_tutors_newly_trained") == {"2019-03": 2, "2019-04": 0, "2019-05": 1}


def test_peer_tutor_delivery_hours(world):
    second_peer = Tutor.objects.create(
        college=world.college,
        kind="peer",
        first_name="Pia",
        last_name="Second",
        email="pia@example.org",
        status="active",
    )
    deliver(world.run, dt.date(2019, 9, 10), [world.peer, world.staff])  # 2 h × 1 peer
    deliver(world.run, dt.date(2019, 9, 17), [world.peer, second_peer, world.staff], end=dt.time(13))  # 3 h × 2 peers
    deliver(world.run, dt.date(2019, 10, 1), [world.peer, world.staff])
    assert values(world.college, "peer_tutor_delivery_hours") == {"2019-09": 8.0, "2019-10": 2.0}


def test_manual_measures_are_in_tandem_measures(world, capsysbinary):
    m = ManualMeasure.objects.create(
        college=world.college,
        key="student_satisfaction",
        name="Student satisfaction",
        kind="balancing",
        unit="per cent",
        improvement="increase",
        definition="Students rating their course good or very good",
    )
    ManualValue.objects.create(measure=m, period=dt.date(2019, 1, 1), value=80)
    ManualValue.objects.create(measure=m, period=dt.date(2019, 3, 1), value=90.5)
    ManualMeasure.objects.create(
        college=world.other_college, key="not_ours", name="Not ours", kind="process", definition="d"
    )
    call_command("measures", "--college", "riverside")
    doc = json.loads(capsysbinary.readouterr().out)
    got = {x["key"]: x for x in doc["measures"]}
    assert "not_ours" not in got
    entry = got["student_satisfaction"]
    assert set(entry) == {"key", "name", "kind", "unit", "period", "improvement", "definition", "goal", "series"}
    assert (entry["kind"], entry["unit"], entry["period"], entry["improvement"]) == (
        "balancing",
        "per cent",
        "month",
        "increase",
    )
    assert entry["series"] == [
        {"period": "2019-01", "value": 80.0},
        {"period": "2019-02", "value": None},
        {"period": "2019-03", "value": 90.5},
    ]
    assert measure_for(world.other_college, "student_satisfaction") is None


def test_a_manual_measure_can_be_the_goal(world):
    m = ManualMeasure.objects.create(
        college=world.college,
        key="released_hours",
        name="Released hours",
        kind="outcome",
        improvement="increase",
        definition="d",
    )
    for month in range(1, 13):
        ManualValue.objects.create(measure=m, period=dt.date(2018, month, 1), value=10)
    project = QIProject.objects.create(
        college=world.college,
        title="P",
        starts_on=dt.date(2019, 1, 1),
        deadline=dt.date(2019, 12, 31),
        goal_measure="released_hours",
    )
    from tandem.qi.measures import goal_of

    assert goal_of(project)["target"] == pytest.approx(12)


def test_demo_populate_is_deterministic_and_complete(world):
    for k in range(4):
        Tutor.objects.create(
            college=world.college,
            kind="staff",
            first_name=f"T{k}",
            last_name="Staff",
            email=f"t{k}@example.nhs.uk",
            employer=world.trust,
            coproduction_trained_on=dt.date(2018, 1, 1),
        )
    project = QIProject.objects.create(
        college=world.college,
        title="More Trust staff teaching",
        starts_on=dt.date(2019, 2, 1),
        deadline=dt.date(2019, 10, 31),
    )

    def snapshot():
        return (
            sorted(TeamMember.objects.filter(project=project).values_list("role", "name", "role_text")),
            list(
                PDSACycle.objects.filter(change_idea__project=project)
                .order_by("starts_on", "number")
                .values_list("change_idea__title", "number", "title", "starts_on", "act")
            ),
            list(Annotation.objects.filter(project=project).values_list("date", "text", "cycle__title")),
        )

    summary = demo.populate(world.college, project, random.Random(7))
    first = snapshot()
    demo.populate(world.college, project, random.Random(7))  # again: replaces, same content
    assert snapshot() == first
    assert summary == {"team": 8, "aims": 3, "change_ideas": 4, "pdsa_cycles": 8, "annotations": 5}
    team = TeamMember.objects.filter(project=project)
    assert team.filter(role="lead", user=world.qi).exists()  # the College's QI account leads
    assert team.filter(role="coach").count() == 1
    assert team.filter(role_text__startswith="Student").count() == 2
    assert team.filter(role_text__startswith="Staff tutor").count() == 3
    assert team.filter(role_text__startswith="Research manager").count() == 1
    assert ChangeIdea.objects.filter(project=project).count() == 4
    assert all(c.starts_on.year == 2019 for c in PDSACycle.objects.filter(change_idea__project=project))
    chart = MeasureChart.objects.get(project=project, measure_key="staff_tutors_teaching")
    # Judged against the baseline year's limits: no recalculation is picked for the team.
    assert chart.chart == "xmr" and not chart.rebase_at.exists()
    assert ProgressScore.objects.filter(project=project).count() >= 5
    assert StakeholderEntry.objects.filter(project=project).count() >= 3
