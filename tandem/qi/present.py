"""What the QI pages and the leader report show, worked out once for both (no writes)."""

from datetime import date

from django.apps import apps

from tandem.core.dates import month_label

from . import selectors
from .charts import fmt, measure_chart
from .compare import report_comparison
from .fidelity import chart, for_college
from .measures import goal_of, measure_for, month_key, values_of

PROPER_WORDS = {"Trust", "NHS", "College"}  # kept capitalised at the start of a measure's name


def goal_statement(project, mdef=None):
    mdef = mdef or measure_for(project.college, project.goal_measure)
    pct = float(project.target_change_percent)
    verb = "Increase" if pct >= 0 else "Reduce"
    name = mdef.name if mdef else project.goal_measure
    if name[:1].isupper() and name[1:2].islower() and name.split()[0] not in PROPER_WORDS:
        name = name[:1].lower() + name[1:]
    return f"{verb} {name} by {abs(pct):g}% by {project.deadline.day} {project.deadline:%B %Y}"


def goal_progress(project):
    """Baseline, target, latest value and deadline of the project's SMART goal, for people."""
    mdef = measure_for(project.college, project.goal_measure)
    if mdef is None:
        return None
    values = values_of(project.college, mdef)
    goal = goal_of(project, values)
    latest_key = max((k for k, v in values.items() if v is not None), default=None)
    since = [v for k, v in values.items() if v is not None and k >= month_key(project.starts_on)]
    out = {
        "measure": mdef,
        "statement": goal_statement(project, mdef),
        "deadline": project.deadline,
        "baseline": None,
        "target": None,
        "latest": None,
    }
    if goal:
        out.update(
            baseline=fmt(goal["baseline"]),
            baseline_period=f"mean of {month_label(goal['baseline_from'])} to {month_label(goal['baseline_to'])}",
            target=fmt(goal["target"]),
            target_raw=goal["target"],
        )
    if latest_key:
        out["latest"] = fmt(values[latest_key])
        out["latest_period"] = month_label(latest_key)
        if goal:
            out["latest_meets_target"] = (values[latest_key] >= goal["target"]) == (goal["target"] >= goal["baseline"])
    if since:
        out["mean_since_start"] = fmt(sum(since) / len(since))
        out["months_since_start"] = len(since)
    return out


def chart_for(project, mdef, *, force_xmr=False, **kwargs):
    chart_type, rebase = selectors.chart_settings(project, mdef.key)
    if force_xmr:
        chart_type = "xmr"
    return measure_chart(project, mdef, chart_type=chart_type, rebase_annotations=rebase, **kwargs)


def stories(college):
    """Consented stories for leader reports, once a `stories` app provides them; None without it."""
    if not apps.is_installed("tandem.stories"):
        return None
    try:
        from tandem.stories.selectors import stories_for_channel  # noqa: PLC0415  (optional app: may be absent)
    except ImportError:
        return None
    return list(stories_for_channel(college, "leader_report"))[:2]


def pdsa_summary(project):
    rows = []
    for idea, cycles in selectors.cycle_chains(project):
        if not cycles:
            rows.append({"idea": idea, "cycles": 0, "first": None, "last": None, "latest": None})
            continue
        last = cycles[-1]
        rows.append(
            {
                "idea": idea,
                "cycles": len(cycles),
                "first": cycles[0].starts_on,
                "latest": last,
                "last": last.ends_on or last.starts_on,
            }
        )
    return rows


def compare_summary(project, height=220):
    """Compare Colleges in the leader report when the project asks for it (else None)."""
    return report_comparison(project, height=height)


def report(project, chart_height=300):
    """Everything on the one-page leader report."""
    mdef = measure_for(project.college, project.goal_measure)
    chart = chart_for(project, mdef, force_xmr=True, id_prefix="report-chart", height=chart_height) if mdef else None
    prog = selectors.progress(project)
    return {
        "project": project,
        "aims": list(project.aims.all()),
        "goal": goal_progress(project),
        "chart": chart,
        "pdsa": pdsa_summary(project),
        "stories": stories(project.college),
        "score": prog["latest"],
        "fidelity": fidelity_summary(project, height=max(120, chart_height // 2)),
        "compare": compare_summary(project, height=chart_height),
        "generated_on": date.today(),
    }


def fidelity_summary(project, height=150):
    """The College's RECOLLECT totals for the leader report, when the project chose to show them."""
    if not project.report_fidelity:
        return None

    items = for_college(project.college)[-6:]
    return {
        "chart": chart(items, id_prefix="report-fidelity", width=480, height=height) if items else None,
        "items": items,
    }
