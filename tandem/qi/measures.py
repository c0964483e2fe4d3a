"""QI measures computed from the College's own records (never typed twice).

Each measure is registered with its key, kind and operational definition; `series(college,
key)` gives its monthly values. Other apps add their measures with the same `@measure`
decorator (imported in their AppConfig.ready), so `tandem measures`, the QI workspace and the
dashboard all read one registry.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from statistics import fmean

from tandem.core import versions
from tandem.core.models import Term
from tandem.courses.models import CourseRun
from tandem.courses.selectors import delivered_by_rows, delivered_sessions
from tandem.tutors.models import Tutor

from .models import ManualMeasure, ManualValue, QIProject


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
    # The operational definition, field by field (shown on the measure's page)
    population: str = ""
    numerator: str = ""
    denominator: str = ""
    source: str = ""
    frequency: str = "Monthly"
    manual: bool = False  # entered by the QI team (ManualMeasure), not computed


REGISTRY: dict[str, MeasureDef] = {}


def measure(
    *,
    key,
    name,
    kind,
    unit="count",
    period="month",
    improvement="neutral",
    definition,
    population="",
    numerator="",
    denominator="",
    source="",
    frequency="Monthly",
):
    def register(fn):
        REGISTRY[key] = MeasureDef(
            key,
            name,
            kind,
            unit,
            period,
            improvement,
            definition,
            fn,
            population,
            numerator,
            denominator,
            source,
            frequency,
        )
        return fn

    return register


def manual_def(m):
    """A ManualMeasure as a MeasureDef: its values are the months the QI team entered."""

    def compute(college, _pk=m.pk):
        return {month_key(p): v for p, v in ManualValue.objects.filter(measure_id=_pk).values_list("period", "value")}

    return MeasureDef(
        m.key,
        m.name,
        m.kind,
        m.unit,
        "month",
        m.improvement,
        m.definition,
        compute,
        m.population,
        m.numerator,
        m.denominator,
        m.source,
        m.frequency,
        manual=True,
    )


def measures_for(college):
    """Every measure the College has: the registry's computed measures, then its manual ones."""
    out = list(REGISTRY.values())
    if college is not None:
        out += [manual_def(m) for m in ManualMeasure.objects.filter(college=college).exclude(key__in=list(REGISTRY))]
    return out


def measure_for(college, key):
    """The measure with this key for the College (computed or manual), or None."""
    if key in REGISTRY:
        return REGISTRY[key]

    m = ManualMeasure.objects.filter(college=college, key=key).first() if college is not None else None
    return manual_def(m) if m else None


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


# --- Zero is not missing ------------------------------------------------------------------------
# One notion of an "active month", shared by every computed measure. A count is missing (null)
# only in a month in which the thing it counts could not happen; where it could and did not, it
# is 0 (often the improvement itself: no declines, no cancellations). A month is active for a
# measure when the College delivered any session in it (it was teaching: not the summer break),
# or when the measure's own kind of event happened in it (a request made or decided, a run due to
# start, someone trained): an event shows the thing could happen. Each measure's `frequency`
# says which events make its months active.


def delivered_months(college):
    """Months in which the College delivered any session."""
    return {month_key(d) for d in delivered_sessions(college).values_list("date", flat=True).distinct()}


def active_months(college, *also):
    """The months in which a measure of the College has a value: every month it delivered a
    session, plus the months given in `also` (iterables of 'YYYY-MM': the measure's own events).
    Outside them the measure is missing (null)."""
    months = delivered_months(college)
    for extra in also:
        months |= set(extra)
    return months


def counts_in_active_months(college, counts, *also):
    """{'YYYY-MM': count} over every active month (see active_months): 0 where nothing was
    counted in an active month; months with a count are active by definition."""
    return {m: counts.get(m, 0) for m in active_months(college, counts, *also)}


@measure(
    key="staff_tutors_teaching",
    name="Trust staff tutors teaching",
    kind="outcome",
    improvement="increase",
    definition=(
        "Distinct tutors of kind staff, employed by the Trust, who delivered at least one session "
        "in the month. Source: delivered session records. Months with no delivered sessions are missing."
    ),
    population="Staff tutors employed by the Trust",
    numerator="Distinct Trust staff tutors recorded as delivering at least one session in the month",
    denominator="None (a count)",
    source="Tandem session records (sessions marked delivered, with who delivered them)",
    frequency=(
        "Monthly; months with no delivered sessions (the summer break) are missing, not zero: "
        "nobody could teach in them"
    ),
)
def staff_tutors_teaching(college):
    rows = delivered_by_rows(college, trust_staff=True).values_list("session__date", "tutor_id").distinct()
    per_month = defaultdict(set)
    for day, tutor_id in rows:
        per_month[month_key(day)].add(tutor_id)
    return {m: len(per_month.get(m, ())) for m in active_months(college)}


def staff_tutors_teaching_by_term(college):
    """The outcome measure per term: distinct Trust staff tutors who delivered in the term."""
    out = []
    through = delivered_by_rows(college, trust_staff=True)
    for term in Term.objects.filter(college=college).order_by("starts_on"):
        n = through.filter(session__run__term=term).values("tutor_id").distinct().count()
        out.append({"term": str(term), "starts_on": term.starts_on.isoformat(), "value": n})
    return out


@measure(
    key="runs_cancelled_no_staff",
    name="Course runs cancelled for want of a staff tutor",
    kind="process",
    improvement="decrease",
    definition=(
        "Course runs cancelled or not offered because no staff tutor could be found or released "
        "(cancellation reason: no staff tutor), counted in the month the run was to start."
    ),
    population="The College's course runs",
    numerator="Runs with status cancelled and cancellation reason 'no staff tutor', by the run's start month",
    denominator="None (a count)",
    source="Tandem course run records",
    frequency=(
        "Monthly; 0 in a month in which a run was due to start or a session was delivered and no run "
        "was cancelled for want of a staff tutor; missing in a month with neither"
    ),
)
def runs_cancelled_no_staff(college):
    runs = CourseRun.objects.filter(course__college=college).values_list("start_date", "status", "cancel_reason")
    counts, starts = defaultdict(int), set()
    for start, status, reason in runs:
        key = month_key(start)
        starts.add(key)
        if status == CourseRun.Status.CANCELLED and reason == CourseRun.CancelReason.NO_STAFF_TUTOR:
            counts[key] += 1
    return counts_in_active_months(college, counts, starts)


@measure(
    key="staff_tutors_newly_trained",
    name="Staff tutors newly trained in co-production",
    kind="process",
    improvement="increase",
    definition="Staff tutors (any employer) whose co-production training date falls in the month.",
    population="The College's staff tutors",
    numerator="Staff tutors whose date of co-production training is in the month",
    denominator="None (a count)",
    source="Tandem tutor records (date of co-production training)",
    frequency=(
        "Monthly; 0 in a month in which the College delivered sessions and nobody was trained; "
        "missing in a month with no delivered sessions and no training (the summer break)"
    ),
)
def staff_tutors_newly_trained(college):
    dates = Tutor.objects.filter(college=college, kind=Tutor.Kind.STAFF, coproduction_trained_on__isnull=False)
    counts = defaultdict(int)
    for day in dates.values_list("coproduction_trained_on", flat=True):
        counts[month_key(day)] += 1
    return counts_in_active_months(college, counts)


@measure(
    key="peer_tutor_delivery_hours",
    name="Peer tutor delivery hours",
    kind="balancing",
    unit="hours",
    improvement="neutral",
    definition=(
        "Hours of delivered sessions multiplied by the number of peer tutors who delivered them, in "
        "the month: peer tutors' teaching must not fall as more staff teach."
    ),
    population="Peer tutors delivering the College's sessions",
    numerator="Sum over delivered sessions in the month of the session's hours × peer tutors delivering it",
    denominator="None (hours)",
    source="Tandem session records (times and who delivered each session)",
    frequency="Monthly; months with no delivered sessions are missing (nobody could teach in them)",
)
def peer_tutor_delivery_hours(college):
    rows = delivered_by_rows(college, kind=Tutor.Kind.PEER).values_list(
        "session__date", "session__start_time", "session__end_time"
    )
    hours = defaultdict(float)
    for day, start, end in rows:
        hours[month_key(day)] += (datetime.combine(day, end) - datetime.combine(day, start)).total_seconds() / 3600
    return {m: hours.get(m, 0.0) for m in active_months(college)}


def values_of(college, mdef):
    """The measure's {'YYYY-MM': value} for the College, computed once per version of the
    College's records (tandem.core.versions: any write to them computes it afresh)."""
    if college is None:
        return mdef.compute(college)
    return versions.cached(college.pk, ["measure", mdef.key], lambda: mdef.compute(college))


def series(college, key, *, start=None, end=None, values=None):
    """[{period, value}] for every month from the first to the last month with data (or the
    given bounds), with null for months that have nothing to count. `values`: the measure's
    values when the caller has them already."""
    if values is None:
        found = measure_for(college, key)
        values = values_of(college, found) if found else {}
    if not values and not (start and end):
        return []
    first = start or min(values)
    last = end or max(values)
    return [{"period": m, "value": values.get(m)} for m in months_between(first, last)]


def goal_for(college, key, values=None):
    """The SMART goal on this measure from the College's QI project, if it has one:
    baseline = mean of the 12 months before the project starts (missing months left out)."""
    project = QIProject.objects.filter(college=college, goal_measure=key).order_by("-starts_on").first()
    if project is None:
        return None
    return goal_of(project, values)


def goal_of(project, values=None):
    """The project's SMART goal: baseline (mean of the 12 months before it starts, missing months
    left out), target = baseline × (1 + change %), deadline. None when the baseline has no data."""
    start = project.starts_on
    before = date(start.year - 1, start.month, 1)
    last = date(start.year, start.month, 1)
    if values is None:
        m = measure_for(project.college, project.goal_measure)
        if m is None:
            return None
        values = values_of(project.college, m)
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
    for m in measures_for(college):
        key = m.key
        values = values_of(college, m)
        out.append(
            {
                "key": key,
                "name": m.name,
                "kind": m.kind,
                "unit": m.unit,
                "period": m.period,
                "improvement": m.improvement,
                "definition": m.definition,
                "goal": goal_for(college, key, values),
                "series": series(college, key, start=start, end=end, values=values),
            }
        )
    return out
