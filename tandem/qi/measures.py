"""QI measures computed from the College's own records (never typed twice).

Each measure is registered with its key, kind and operational definition; `series(college,
key)` gives its monthly values. Other apps add their measures with the same `@measure`
decorator (imported in their AppConfig.ready), so `tandem measures`, the QI workspace and the
dashboard all read one registry.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from statistics import fmean
from typing import Callable

from tandem.courses.models import Session
from tandem.tutors.models import Tutor


@dataclass(frozen=True)
class MeasureDef:
    key: str
    name: str
    kind: str  # outcome, process, balancing
    unit: str
    period: str
    improvement: str  # increase, decrease, neutral
    definition: str
    compute: Callable  # (college) -> {"YYYY-MM": value or None}


REGISTRY: dict[str, MeasureDef] = {}


def measure(*, key, name, kind, unit="count", period="month", improvement="neutral", definition):
    def register(fn):
        REGISTRY[key] = MeasureDef(key, name, kind, unit, period, improvement, definition, fn)
        return fn

    return register


def month_key(d):
    return f"{d.year:04d}-{d.month:02d}"


def months_between(first, last):
    """Every 'YYYY-MM' from first to last inclusive."""
    y, m = map(int, first.split("-"))
    ly, lm = map(int, last.split("-"))
    out = []
    while (y, m) <= (ly, lm):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _delivered_rows(college):
    return Session.objects.filter(run__course__college=college, status=Session.Status.DELIVERED)


def _active_months(college):
    """Months in which the College delivered any session: other months (the summer break) have
    nothing to count, so their value is missing (null), not zero."""
    return {month_key(d) for d in _delivered_rows(college).values_list("date", flat=True).distinct()}


@measure(
    key="staff_tutors_teaching",
    name="Trust staff tutors teaching",
    kind="outcome",
    improvement="increase",
    definition=(
        "Distinct tutors of kind staff, employed by the Trust, who delivered at least one session "
        "in the month. Source: delivered session records. Months with no delivered sessions are missing."
    ),
)
def staff_tutors_teaching(college):
    rows = (
        Session.delivered_by.through.objects.filter(
            session__run__course__college=college,
            session__status=Session.Status.DELIVERED,
            tutor__kind=Tutor.Kind.STAFF,
            tutor__employer__is_trust=True,
        )
        .values_list("session__date", "tutor_id")
        .distinct()
    )
    per_month = defaultdict(set)
    for day, tutor_id in rows:
        per_month[month_key(day)].add(tutor_id)
    return {m: len(per_month.get(m, ())) for m in _active_months(college)}


def staff_tutors_teaching_by_term(college):
    """The outcome measure per term: distinct Trust staff tutors who delivered in the term."""
    from tandem.core.models import Term

    out = []
    through = Session.delivered_by.through.objects.filter(
        session__run__course__college=college,
        session__status=Session.Status.DELIVERED,
        tutor__kind=Tutor.Kind.STAFF,
        tutor__employer__is_trust=True,
    )
    for term in Term.objects.filter(college=college).order_by("starts_on"):
        n = through.filter(session__run__term=term).values("tutor_id").distinct().count()
        out.append({"term": str(term), "starts_on": term.starts_on.isoformat(), "value": n})
    return out


def series(college, key, *, start=None, end=None):
    """[{period, value}] for every month from the first to the last month with data (or the
    given bounds), with null for months that have nothing to count."""
    values = REGISTRY[key].compute(college)
    if not values and not (start and end):
        return []
    first = start or min(values)
    last = end or max(values)
    return [{"period": m, "value": values.get(m)} for m in months_between(first, last)]


def goal_for(college, key):
    """The SMART goal on this measure from the College's QI project, if it has one:
    baseline = mean of the 12 months before the project starts (missing months left out)."""
    from .models import QIProject

    project = QIProject.objects.filter(college=college, goal_measure=key).order_by("-starts_on").first()
    if project is None:
        return None
    start = project.starts_on
    before = date(start.year - 1, start.month, 1)
    last = date(start.year, start.month, 1)
    values = REGISTRY[key].compute(college)
    window = [v for m, v in values.items() if month_key(before) <= m < month_key(last) and v is not None]
    if not window:
        return None
    baseline = fmean(window)
    target = baseline * (1 + float(project.target_change_percent) / 100)
    return {
        "baseline": baseline,
        "target": target,
        "deadline": project.deadline.isoformat(),
        "baseline_from": month_key(before),
        "baseline_to": months_between(month_key(before), month_key(last))[-2],
        "project_starts": start.isoformat(),
    }


def all_measures(college, *, start=None, end=None):
    out = []
    for key, m in REGISTRY.items():
        out.append({
            "key": key,
            "name": m.name,
            "kind": m.kind,
            "unit": m.unit,
            "period": m.period,
            "improvement": m.improvement,
            "definition": m.definition,
            "goal": goal_for(college, key),
            "series": series(college, key, start=start, end=end),
        })
    return out
