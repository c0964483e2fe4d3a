"""QI objects on top of the `world` fixture: one project in the world's College with one of
everything, and a project in the other College (whose objects everyone here must get 404 for).

`qi_world(world)` creates them once per world and caches them on it, so the access matrix can
ask for them lazily from its kwargs functions.
"""

import datetime as dt
from decimal import Decimal

from tandem.qi.models import (
    Aim,
    Annotation,
    ChangeIdea,
    Driver,
    ManualMeasure,
    ManualValue,
    PDSACycle,
    ProgressScore,
    QIProject,
    StakeholderEntry,
    TeamMember,
)


class QIWorld:
    pass


def _project(college, title):
    q = QIWorld()
    q.project = QIProject.objects.create(
        college=college,
        title=title,
        problem="Too few Trust staff teach.",
        starts_on=dt.date(2019, 2, 1),
        deadline=dt.date(2019, 10, 31),
        target_change_percent=Decimal("20"),
    )
    q.aim = Aim.objects.create(project=q.project, text="Invest in staff skills", order=1)
    q.member = TeamMember.objects.create(
        project=q.project, name="Robin Student", role=TeamMember.Role.MEMBER, role_text="Student"
    )
    q.score = ProgressScore.objects.create(project=q.project, score=Decimal("2.0"), recorded_on=dt.date(2019, 4, 1))
    q.primary = Driver.objects.create(project=q.project, text="Staff are released to teach")
    q.driver = Driver.objects.create(project=q.project, parent=q.primary, text="Managers see the value")
    q.idea = ChangeIdea.objects.create(project=q.project, driver=q.driver, title="Share staff stories")
    q.cycle = PDSACycle.objects.create(
        change_idea=q.idea,
        number=1,
        title="Stories at team meetings",
        objective="Try it",
        prediction="Managers will listen",
        starts_on=dt.date(2019, 3, 1),
        measures=["staff_tutors_teaching"],
    )
    q.annotation = Annotation.objects.create(
        project=q.project, date=dt.date(2019, 3, 1), text="Stories shared", cycle=q.cycle
    )
    q.stakeholder = StakeholderEntry.objects.create(
        project=q.project,
        date=dt.date(2019, 4, 10),
        kind="presentation",
        title="The case for release",
        audience="Trust executive team",
    )
    return q


def qi_world(world):
    if getattr(world, "qi_cache", None) is None:
        q = _project(world.college, "More Trust staff teaching")
        q.manual = ManualMeasure.objects.create(
            college=world.college,
            key="student_satisfaction",
            name="Student satisfaction",
            kind="balancing",
            unit="per cent",
            improvement="increase",
            definition="Students rating their course good or very good",
        )
        for month, value in ((1, 80), (2, 85), (3, 90)):
            ManualValue.objects.create(measure=q.manual, period=dt.date(2019, month, 1), value=value)
        q.other = _project(world.other_college, "Elsewhere project")
        q.other.manual = ManualMeasure.objects.create(
            college=world.other_college,
            key="elsewhere_measure",
            name="Elsewhere",
            kind="process",
            definition="Not yours",
        )
        world.qi_cache = q
    return world.qi_cache
