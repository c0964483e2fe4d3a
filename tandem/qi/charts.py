"""Charts of QI measures: the SPC analysis (the pure `spc` core) turned into a drawing for
tandem.charts, with its meaning in words and a data table. The page and the leader report use
the same functions, so they show the same chart."""

from datetime import date

from spc import SpcInputError, analyse
from tandem.charts import (
    BLUE,
    DARK_GREY,
    GREEN,
    MID_GREY,
    Annotation,
    Chart,
    Line,
    assurance_icon,
    render_svg,
    variation_icon,
)
from tandem.core.dates import month_label

from .measures import REGISTRY, goal_for, goal_of, month_key, months_between, series, values_of


def fmt(value):
    """A measure's value for people: whole numbers without decimals, others to 2 significant places."""
    if value is None:
        return ""
    if float(value).is_integer():
        return f"{value:.0f}"
    return f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}".rstrip("0").rstrip(".")


def outcome_chart(college, key="staff_tutors_teaching"):
    values = values_of(college, REGISTRY[key])  # once: the series and the goal both read it
    points = series(college, key, values=values)
    if not points:
        return None
    goal = goal_for(college, key, values)
    labels = [month_label(p["period"], short=True) for p in points]
    values = [p["value"] for p in points]
    lines = []
    if goal:
        lines.append(
            Line("Baseline (mean of 12 months before the project)", [goal["baseline"]] * len(points), MID_GREY, "6 4")
        )
        lines.append(Line("Target", [goal["target"]] * len(points), GREEN, "2 2"))
    m = REGISTRY[key]
    description = f"{m.name} per month, {labels[0]} to {labels[-1]}."
    if goal:
        description += f" Baseline {goal['baseline']:.1f}; target {goal['target']:.1f} by {goal['deadline']}."
    svg = render_svg(
        Chart(title=m.name, labels=labels, values=values, y_label="Staff tutors", lines=lines, description=description)
    )
    latest = next((p for p in reversed(points) if p["value"] is not None), None)
    return {
        "measure": m,
        "svg": svg,
        "rows": [{"label": lab, "value": v} for lab, v in zip(labels, values)],
        "goal": goal,
        "latest": {"label": month_label(latest["period"], short=True), "value": latest["value"]} if latest else None,
        "colour": BLUE,
    }


# --- Making Data Count: what the icons mean, in words ------------------------------------------


def variation_text(point_type, improvement):
    higher, lower = "higher values", "lower values"
    if point_type in (None, "common_cause"):
        return "Common cause variation: no significant change"
    if point_type == "special_cause_improvement":
        return f"Special cause variation of an improving nature: {lower if improvement == 'decrease' else higher}"
    if point_type == "special_cause_concern":
        return f"Special cause variation of a concerning nature: {higher if improvement == 'decrease' else lower}"
    if point_type == "special_cause_neutral_high":
        return f"Special cause variation of a neither improving nor concerning nature: {higher}"
    if point_type == "special_cause_neutral_low":
        return f"Special cause variation of a neither improving nor concerning nature: {lower}"
    return "Special cause variation"


ASSURANCE_TEXT = {
    "pass": "The system is expected to consistently pass the target",
    "fail": "The system is expected to consistently fail the target",
    "inconsistent": "The system may achieve or fail the target, subject to random variation",
}

POINT_WORDS = {
    None: "",
    "common_cause": "Common cause",
    "special_cause_improvement": "Special cause: improvement",
    "special_cause_concern": "Special cause: concern",
    "special_cause_neutral_high": "Special cause: higher",
    "special_cause_neutral_low": "Special cause: lower",
    "special_cause": "Special cause",
}
RULE_WORDS = {
    None: "",
    "outside": "a point beyond a process limit",
    "trend": "7 points in a row going up or down",
    "two_in_three": "2 of 3 points close to a limit",
    "shift": "7 points in a row on one side of the mean",
}


# Units that cannot go below zero: a lower process limit below zero is drawn at 0 and said so.
NON_NEGATIVE_UNITS = {"count", "hours", "days", "proportion", "per cent", "percent", "%"}


def run_chart_results(groups, labels):
    """A run chart's result in words, one sentence per period of the chart: signal or none."""
    out = []
    for g in groups:
        runs = g.get("runs") or {}
        since = f"From {labels[g['first_index']]}" if len(groups) > 1 else "Over the chart"
        if not runs.get("n_useful"):
            out.append(f"{since}: too few values off the median to test for a non-random pattern")
        elif runs.get("signal"):
            out.append(
                f"{since}: a non-random pattern (signal): the longest run on one side of the median is "
                f"{runs['longest_run']} points (more than {runs['longest_run_max']} would be unusual) and the "
                f"line crosses the median {runs['crossings']} times (fewer than {runs['crossings_min']} would "
                "be unusual)"
            )
        else:
            out.append(
                f"{since}: no signal, only random variation: the longest run on one side of the median is "
                f"{runs['longest_run']} points (at most {runs['longest_run_max']} expected) and the line "
                f"crosses the median {runs['crossings']} times (at least {runs['crossings_min']} expected)"
            )
    return out


def year_rows(periods, vals, points=None):
    """The chart's data as a compact table for the one-page report: a row per year, a cell per
    month ('' outside the chart, '–' where missing, '*' after a special-cause value)."""
    rows = {}
    for i, (period, v) in enumerate(zip(periods, vals)):
        year, month = map(int, period.split("-"))
        cells = rows.setdefault(year, [""] * 12)
        kind = (points[i].get("type") if points and i < len(points) else None) or "common_cause"
        cells[month - 1] = "–" if v is None else fmt(v) + ("*" if kind != "common_cause" else "")
    return [{"year": y, "cells": c} for y, c in sorted(rows.items())]


def chart_window(project, values):
    """The months a project's chart shows: from the start of the baseline (12 months before the
    project, the SMART goal's baseline period) or the first month with data if later, to the
    last month with data."""
    months = sorted(values)
    first, last = months[0], months[-1]
    if project is not None:
        baseline_from = month_key(date(project.starts_on.year - 1, project.starts_on.month, 1))
        if first < baseline_from <= last:
            first = baseline_from
    return months_between(first, last)


def _baseline_points(project, periods, vals):
    """How many months from the chart's start fall before the project started, if they are
    enough to fix XmR limits on (MDC: at least 12 points; the summer break may leave one or two
    of them without a value); else None."""
    if project is None:
        return None
    start = month_key(project.starts_on)
    n = sum(1 for p in periods if p < start)
    if n < 12 or n >= len(periods) or sum(v is not None for v in vals[:n]) < 10:
        return None
    return n


def measure_chart(
    project, mdef, *, chart_type="xmr", rebase_annotations=(), id_prefix="measure-chart", width=760, height=340
):
    """Everything the page or the report needs to show one measure as a run or XmR chart."""
    college = project.college
    values = values_of(college, mdef)
    if not any(v is not None for v in values.values()):
        return None
    periods = chart_window(project, values)
    vals = [values.get(p) for p in periods]
    labels = [month_label(p, short=True) for p in periods]
    index_of = {p: i for i, p in enumerate(periods)}
    goal = goal_of(project, values) if project.goal_measure == mdef.key else None
    target = goal["target"] if goal else None

    annotations = []
    for a in project.annotations.select_related("cycle").order_by("date", "id"):
        i = index_of.get(month_key(a.date))
        if i is not None:
            annotations.append({"number": len(annotations) + 1, "index": i, "obj": a})
    rebase_ids = {a.pk for a in rebase_annotations}
    rebase_at = sorted({a["index"] for a in annotations if a["obj"].pk in rebase_ids and a["index"] > 0})

    request = {"chart": chart_type, "values": vals, "improvement": mdef.improvement, "rebase_at": rebase_at}
    # Making Data Count: judge the months after the project started against limits from its
    # baseline year ("fix after n points"), so an improvement shows as special cause instead of
    # widening the limits it should be judged against. Needs at least 12 baseline points.
    baseline_n = _baseline_points(project, periods, vals) if chart_type == "xmr" else None
    if baseline_n:
        request["baseline_points"] = baseline_n
    if chart_type == "xmr" and target is not None and mdef.improvement != "neutral":
        request["target"] = target
    problem = None
    try:
        result = analyse(request)
    except SpcInputError as exc:  # too few points for limits, say
        result, problem = None, str(exc)
    points = result["points"] if result else [{} for _ in vals]
    groups = result["groups"] if result else []
    if result and not any(g["centre"] is not None for g in groups):
        problem = "there are too few values to calculate a centre line"

    lines, notes = [], []
    clamp = (mdef.unit or "").strip().lower() in NON_NEGATIVE_UNITS
    below_zero = {}  # point index -> the calculated lower limit, where it is below zero
    if result and chart_type == "xmr" and clamp:
        below_zero = {i: p["lower"] for i, p in enumerate(points) if p.get("lower") is not None and p["lower"] < 0}
        if below_zero:
            calculated = sorted({fmt(g["lower"]) for g in groups if g.get("lower") is not None and g["lower"] < 0})
            notes.append(
                f"The calculated lower process limit ({', '.join(c.replace('-', '−') for c in calculated)}) "
                f"is below zero, where this measure (in {mdef.unit}) cannot go, so the lower limit is shown at 0"
            )
    if result and chart_type == "xmr":
        last = groups[-1]
        for attr, name, colour, dash in (
            ("upper", "Upper process limit", DARK_GREY, "5 3"),
            ("centre", "Mean", MID_GREY, ""),
            ("lower", "Lower process limit", DARK_GREY, "5 3"),
        ):
            per_point = [p.get(attr) for p in points]
            end = last[attr]
            if attr == "lower" and clamp:
                per_point = [None if v is None else max(v, 0) for v in per_point]
                end = None if end is None else max(end, 0)
            if any(v is not None for v in per_point):
                lines.append(
                    Line(name, per_point, colour, dash, end_label=f"{name} {fmt(end)}" if end is not None else "")
                )
    elif result:
        centre = [p.get("centre") for p in points]
        if any(v is not None for v in centre):
            lines.append(Line("Median", centre, MID_GREY, "", end_label=f"Median {fmt(groups[-1]['centre'])}"))
    if target is not None:
        lines.append(Line("Target", [target] * len(vals), GREEN, "2 2", end_label=f"Target {fmt(target)}"))

    latest_i = next((i for i in range(len(vals) - 1, -1, -1) if vals[i] is not None), None)
    variation = assurance = None
    if result and chart_type == "xmr" and result["variation"]:
        variation = {
            "type": result["variation"],
            "text": variation_text(result["variation"], mdef.improvement),
            "icon": variation_icon(result["variation"], mdef.improvement),
        }
        if result["assurance"]:
            assurance = {
                "type": result["assurance"],
                "text": ASSURANCE_TEXT[result["assurance"]],
                "icon": assurance_icon(result["assurance"]),
            }
    signals, run_results = [], []
    if result and chart_type == "run":
        for g in groups:
            runs = g.get("runs") or {}
            if runs.get("signal"):
                signals.append(
                    f"From {labels[g['first_index']]}: a non-random pattern (a run of "
                    f"{runs['longest_run']} points on one side of the median, or only "
                    f"{runs['crossings']} crossings of it)"
                )
        run_results = run_chart_results(groups, labels)
    elif chart_type == "run":
        run_results = [f"No result: {problem}" if problem else "No result: too few values"]

    kind_words = "XmR chart" if chart_type == "xmr" else "Run chart"
    description = f"{kind_words} of {mdef.name} per month, {labels[0]} to {labels[-1]}."
    if latest_i is not None:
        description += f" Latest value {fmt(vals[latest_i])} in {labels[latest_i]}."
    if baseline_n:
        description += f" Limits calculated from the baseline, {labels[0]} to {labels[baseline_n - 1]}."
    if rebase_at:
        description += " Limits recalculated from " + ", ".join(labels[i] for i in rebase_at) + "."
    for text in run_results + notes:
        description += f" {text}."
    if variation:
        description += f" {variation['text']}."
    if assurance:
        description += f" {assurance['text']}."
    special = [i for i, p in enumerate(points) if p.get("type") not in (None, "common_cause")]
    if special:
        description += f" {len(special)} special-cause points."
    if annotations:
        description += (
            " Changes marked: "
            + "; ".join(f"{a['number']} {a['obj'].text} ({labels[a['index']]})" for a in annotations)
            + "."
        )

    svg = render_svg(
        Chart(
            title=f"{mdef.name}: {kind_words.lower()}",
            labels=labels,
            values=vals,
            y_label=mdef.unit.capitalize() if mdef.unit else "",
            lines=lines,
            point_types=[p.get("type") or "common_cause" for p in points] if (result and chart_type == "xmr") else None,
            annotations=[Annotation(a["index"], a["obj"].text, a["number"]) for a in annotations],
            description=description,
            width=width,
            height=height,
            id_prefix=id_prefix,
            breaks=rebase_at,
        )
    )
    rows = []
    for i, (label, v, p) in enumerate(zip(labels, vals, points)):
        rows.append(
            {
                "label": label,
                "value": "no data" if v is None else fmt(v),
                "centre": fmt(p.get("centre")),
                "lower": (
                    f"0 (calculated {fmt(below_zero[i]).replace('-', '−')})" if i in below_zero else fmt(p.get("lower"))
                ),
                "upper": fmt(p.get("upper")),
                "type": POINT_WORDS.get(p.get("type"), p.get("type") or "") if v is not None else "",
                "rule": RULE_WORDS.get(p.get("rule"), p.get("rule") or ""),
                "recalculated": i in rebase_at,
            }
        )
    return {
        "measure": mdef,
        "chart_type": chart_type,
        "svg": svg,
        "rows": rows,
        "goal": goal,
        "latest": {"label": labels[latest_i], "value": fmt(vals[latest_i]), "raw": vals[latest_i]}
        if latest_i is not None
        else None,
        "annotations": [
            {"number": a["number"], "label": labels[a["index"]], "annotation": a["obj"]} for a in annotations
        ],
        "recalculated_from": [labels[i] for i in rebase_at],
        "baseline": f"{labels[0]} to {labels[baseline_n - 1]}" if baseline_n else None,
        "variation": variation,
        "assurance": assurance,
        "signals": signals,
        "run_results": run_results,
        "notes": notes,
        "year_rows": year_rows(periods, vals, points),
        "special_points": [{"label": labels[i], "type": points[i]["type"]} for i in special],
        "problem": problem,
        "result": result,
        "periods": periods,
    }
