"""What the QI pages show most often, worked out once per version of the College's records and
day (tandem.core.versions: any write to its records works it out afresh, so no stale figure
shows after a write).

A measure's definition (MeasureDef) holds the function that computes it, so it is never stored:
it is left out of what is cached and put back on the way out.
"""

from datetime import date

from tandem.core import versions

from . import present
from .charts import outcome_chart as draw_outcome_chart
from .measures import REGISTRY, measure_for


def _stored(found):
    return None if found is None else {k: v for k, v in found.items() if k != "measure"}


def _restored(found, mdef):
    return None if found is None else {**found, "measure": mdef}


def chart_for(project, mdef, *, force_xmr=False, **kwargs):
    """present.chart_for, cached: the chart of one of the project's measures."""
    parts = ["chart", project.pk, mdef.key, date.today().isoformat(), f"xmr={force_xmr}"]
    parts += [f"{k}={v}" for k, v in sorted(kwargs.items())]
    found = versions.cached(
        project.college_id, parts, lambda: _stored(present.chart_for(project, mdef, force_xmr=force_xmr, **kwargs))
    )
    return _restored(found, mdef)


def outcome_chart(college, key="staff_tutors_teaching"):
    """charts.outcome_chart, cached: the dashboard's chart of the outcome measure."""
    parts = ["outcome-chart", key, date.today().isoformat()]
    return _restored(
        versions.cached(college.pk, parts, lambda: _stored(draw_outcome_chart(college, key))), REGISTRY[key]
    )


def report(project, chart_height=300):
    """present.report, cached: the leader report's content. Its Compare Colleges section reads
    every College's records (another College's write does not change this College's version), so
    it is worked out afresh each time."""

    def compute():
        r = present.report(project, chart_height=chart_height)
        return {**r, "chart": _stored(r["chart"]), "goal": _stored(r["goal"]), "compare": None}

    parts = ["report", project.pk, chart_height, date.today().isoformat()]
    r = versions.cached(project.college_id, parts, compute)
    mdef = measure_for(project.college, project.goal_measure)
    return {
        **r,
        "project": project,
        "chart": _restored(r["chart"], mdef),
        "goal": _restored(r["goal"], mdef),
        "compare": present.compare_summary(project, height=chart_height),
    }
