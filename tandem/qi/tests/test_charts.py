import datetime as dt
import re

import pytest

from tandem.charts import Annotation as ChartAnnotation
from tandem.charts import Chart, Line, assurance_icon, render_svg, variation_icon
from tandem.qi import present, services
from tandem.qi.charts import measure_chart, variation_text
from tandem.qi.measures import REGISTRY, goal_of
from tandem.qi.models import Annotation, QIProject

from . import history

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(world):
    history.build(world)
    p = QIProject.objects.create(
        college=world.college,
        title="More Trust staff teaching",
        starts_on=dt.date(2019, 2, 1),
        deadline=dt.date(2019, 10, 31),
    )
    p.first_change = Annotation.objects.create(project=p, date=dt.date(2019, 3, 1), text="Stories shared")
    Annotation.objects.create(project=p, date=dt.date(2019, 4, 10), text="Case presented to Trust leaders")
    return p


def outcome(project, **kwargs):
    return measure_chart(project, REGISTRY["staff_tutors_teaching"], **kwargs)


def test_rebased_at_the_first_change_the_xmr_chart_shows_the_improvement(project, world):
    services.chart_update(
        actor=world.qi,
        project=project,
        measure_key="staff_tutors_teaching",
        chart="xmr",
        rebase_at=[project.first_change],
    )
    chart = present.chart_for(project, REGISTRY["staff_tutors_teaching"])
    first_after = chart["periods"].index("2019-03")
    assert chart["recalculated_from"] == ["Mar 2019"]
    groups = chart["result"]["groups"]
    assert [g["first_index"] for g in groups] == [0, first_after]
    improving = [p["index"] for p in chart["result"]["points"] if p["type"] == "special_cause_improvement"]
    assert improving and min(improving) >= first_after, improving
    assert not any(p["type"] == "special_cause_improvement" for p in chart["result"]["points"][:first_after])
    # The limits are drawn per group and labelled; improving points are coloured and listed.
    assert "Upper process limit" in chart["svg"] and "Lower process limit" in chart["svg"] and "Mean" in chart["svg"]
    assert chart["svg"].count('fill="#005eb8" stroke="#ffffff"') >= len(improving)
    assert chart["special_points"]


def test_without_a_chosen_recalculation_point_the_limits_are_never_rebased(project):
    chart = outcome(project)
    assert len(chart["result"]["groups"]) == 1
    assert chart["recalculated_from"] == []


def test_recalculation_points_must_be_the_projects_own_annotations(project, world):
    from django.core.exceptions import ValidationError

    other = QIProject.objects.create(
        college=world.other_college, title="Other", starts_on=dt.date(2019, 1, 1), deadline=dt.date(2019, 12, 31)
    )
    foreign = Annotation.objects.create(project=other, date=dt.date(2019, 3, 1), text="Not ours")
    with pytest.raises(ValidationError):
        services.chart_update(
            actor=world.qi, project=project, measure_key="staff_tutors_teaching", chart="xmr", rebase_at=[foreign]
        )


def test_goal_target_is_computed_from_the_baseline(project):
    goal = goal_of(project)
    # Feb 2018 .. Jan 2019, August missing: 11 months with a mean of 64/11
    assert goal["baseline"] == pytest.approx(64 / 11)
    assert goal["target"] == pytest.approx(64 / 11 * 1.2)
    progress = present.goal_progress(project)
    assert progress["statement"] == "Increase Trust staff tutors teaching by 20% by 31 October 2019"
    assert progress["target"] == "6.98" and progress["latest"] == "11" and progress["latest_period"] == "April 2020"


def test_chart_marks_annotations_and_target_and_describes_itself(project):
    chart = outcome(project)
    svg = chart["svg"]
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "1 Stories shared" in svg and "2 Case presented to Trust leaders" in svg
    assert "Target 6.98" in svg
    assert [a["number"] for a in chart["annotations"]] == [1, 2]
    assert "Changes marked: 1 Stories shared (Mar 2019)" in svg
    assert len(chart["rows"]) == len(history.MONTHS)
    assert chart["rows"][6]["value"] == "no data"  # August 2018


def test_run_chart_uses_the_median_and_reports_signals(project):
    chart = outcome(project, chart_type="run")
    assert "Median" in chart["svg"] and "process limit" not in chart["svg"]
    assert chart["variation"] is None
    assert chart["signals"], "a long run above the median after the changes is a non-random signal"


def test_variation_and_assurance_in_words():
    assert variation_text("special_cause_improvement", "increase") == (
        "Special cause variation of an improving nature: higher values"
    )
    assert variation_text("special_cause_improvement", "decrease").endswith("lower values")
    assert variation_text("special_cause_concern", "increase").endswith("concerning nature: lower values")
    assert variation_text("common_cause", "increase").startswith("Common cause variation")
    for icon in (variation_icon("special_cause_improvement", "increase"), assurance_icon("pass")):
        assert 'aria-hidden="true"' in icon and icon.startswith("<svg")
    assert ">H</text>" in variation_icon("special_cause_improvement", "increase")
    assert ">L</text>" in variation_icon("special_cause_improvement", "decrease")


def test_chart_module_keeps_ids_unique_and_breaks_lines_at_recalculation():
    chart = Chart(
        title="T",
        labels=list("abcdef"),
        values=[1, 2, 3, 4, 5, 6],
        id_prefix="one",
        breaks=[3],
        lines=[Line("Mean", [2, 2, 2, 5, 5, 5], end_label="Mean 5")],
        annotations=[ChartAnnotation(3, "Change", 1)],
    )
    svg = render_svg(chart)
    assert 'id="one-title"' in svg and 'aria-labelledby="one-title" aria-describedby="one-desc"' in svg
    mean_lines = re.findall(r'<polyline fill="none" stroke="#4c6272"[^>]*points="([^"]+)"', svg)
    assert len(mean_lines) == 2  # the centre line restarts at the recalculation
    assert ">1 Change</text>" in svg and ">Mean 5</text>" in svg
