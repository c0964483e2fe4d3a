"""Charts of QI measures, built from the measures registry and drawn by tandem.charts."""

from tandem.charts import BLUE, GREEN, MID_GREY, Chart, Line, render_svg

from .measures import REGISTRY, goal_for, series


def _label(period):
    import calendar

    year, month = period.split("-")
    return f"{calendar.month_abbr[int(month)]} {year}"


def outcome_chart(college, key="staff_tutors_teaching"):
    points = series(college, key)
    if not points:
        return None
    goal = goal_for(college, key)
    labels = [_label(p["period"]) for p in points]
    values = [p["value"] for p in points]
    lines = []
    if goal:
        lines.append(Line("Baseline (mean of 12 months before the project)", [goal["baseline"]] * len(points), MID_GREY, "6 4"))
        lines.append(Line("Target", [goal["target"]] * len(points), GREEN, "2 2"))
    m = REGISTRY[key]
    description = f"{m.name} per month, {labels[0]} to {labels[-1]}."
    if goal:
        description += f" Baseline {goal['baseline']:.1f}; target {goal['target']:.1f} by {goal['deadline']}."
    svg = render_svg(Chart(title=m.name, labels=labels, values=values, y_label="Staff tutors", lines=lines,
                           description=description))
    latest = next((p for p in reversed(points) if p["value"] is not None), None)
    return {
        "measure": m,
        "svg": svg,
        "rows": [{"label": lab, "value": v} for lab, v in zip(labels, values)],
        "goal": goal,
        "latest": {"label": _label(latest["period"]), "value": latest["value"]} if latest else None,
        "colour": BLUE,
    }
