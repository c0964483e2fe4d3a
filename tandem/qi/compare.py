"""Compare Colleges: funnel plots of proportions across every College in this installation, plus
benchmark rows a College imports, with exact binomial limits (`spc` funnel, CONTRACTS.md §4).

Only aggregate counts leave a College: the numerator and denominator of each proportion and the
College's name. Nobody's name, and no tutor of another College, is ever read here.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction

from spc import SpcInputError, analyse
from spc.funnel import limits as funnel_limits
from tandem.charts_funnel import FunnelChart, FunnelPoint, render_funnel_svg
from tandem.core import clock
from tandem.core.dates import month_label
from tandem.core.imports import reading
from tandem.core.imports.reading import ImportResult, RowError, _FileProblem, _Problem, _text
from tandem.core.models import College
from tandem.courses.models import CourseRun
from tandem.courses.selectors import delivered_by_rows
from tandem.tutors.models import Tutor

from .models import Benchmark

LEVELS = (0.95, 0.998)


@dataclass(frozen=True)
class Comparison:
    key: str
    name: str  # "Teaching tutors who are Trust staff"
    improvement: str
    numerator: str
    denominator: str
    unit_noun: str  # what the denominator counts, for "26 of 61 tutors"
    benchmarks: bool = False  # imported benchmark rows apply to this comparison


COMPARISONS = (
    Comparison(
        key="staff_share",
        name="Teaching tutors who are Trust staff",
        improvement="increase",
        numerator="Distinct staff tutors employed by the Trust who delivered at least one session in the period",
        denominator="Distinct tutors (peer and staff) who delivered at least one session in the period",
        unit_noun="tutors",
        benchmarks=True,
    ),
    Comparison(
        key="runs_cancelled_no_staff",
        name="Course runs cancelled for want of a staff tutor",
        improvement="decrease",
        numerator="Course runs starting in the period, cancelled with the reason 'no staff tutor'",
        denominator="Course runs starting in the period (planned, whatever became of them)",
        unit_noun="runs",
    ),
)
BY_KEY = {c.key: c for c in COMPARISONS}


# --- Periods ---------------------------------------------------------------------------------


def month_start(d):
    return d.replace(day=1)


def month_end(d):
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def add_months(d, months):
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def default_period(college):
    """The last 12 months of the College's clock, this month included."""
    today = clock.today(college)
    return add_months(month_start(today), -11), month_end(today)


def period_label(start, end):
    return f"{month_label(start)} to {month_label(end)}"


def period_text(start, end):
    """The period as a benchmark file writes it: 2018-12/2019-11."""
    return f"{start:%Y-%m}/{end:%Y-%m}"


PERIOD = re.compile(r"^(\d{4})-(\d{1,2})\s*(?:/|to)\s*(\d{4})-(\d{1,2})$")
PERIOD_HINT = "enter the first and last month like 2018-12/2019-11"


def parse_period(value):
    """'2018-12/2019-11' (or '2018-12 to 2019-11') -> (date(2018, 12, 1), date(2019, 11, 30))."""
    m = PERIOD.match(value.strip())
    if not m:
        raise ValueError(PERIOD_HINT)
    y1, m1, y2, m2 = (int(g) for g in m.groups())
    if not (1 <= m1 <= 12 and 1 <= m2 <= 12):
        raise ValueError(f"{value} has a month that is not 1 to 12: {PERIOD_HINT}")
    start, end = date(y1, m1, 1), month_end(date(y2, m2, 1))
    if end < start:
        raise ValueError("the last month is before the first")
    return start, end


# --- Counts of every College (aggregates only) -------------------------------------------------


def college_counts(key, start, end):
    """{college_id: (numerator, denominator)} for every College with a denominator above 0."""
    if key == "staff_share":
        rows = (
            delivered_by_rows()
            .filter(session__date__range=(start, end))
            .values_list("session__run__course__college_id", "tutor_id", "tutor__kind", "tutor__employer__is_trust")
            .distinct()
        )
        tutors, staff = {}, {}
        for college_id, tutor_id, kind, is_trust in rows:
            tutors.setdefault(college_id, set()).add(tutor_id)
            if kind == Tutor.Kind.STAFF and is_trust:
                staff.setdefault(college_id, set()).add(tutor_id)
        return {c: (len(staff.get(c, ())), len(ids)) for c, ids in tutors.items()}
    if key == "runs_cancelled_no_staff":
        out = {}
        for college_id, status, reason in CourseRun.objects.filter(start_date__range=(start, end)).values_list(
            "course__college_id", "status", "cancel_reason"
        ):
            num, den = out.get(college_id, (0, 0))
            hit = status == CourseRun.Status.CANCELLED and reason == CourseRun.CancelReason.NO_STAFF_TUTOR
            out[college_id] = (num + hit, den + 1)
        return out
    raise KeyError(key)


# --- The comparison, in words and as a chart ---------------------------------------------------


def pct(value):
    return f"{value * 100:.1f}%"


def level_text(level):
    return f"{level * 100:g}%"


def position_text(unit, improvement):
    """Where a unit sits, in words: 'within the limits', 'above the upper 99.8% limit' …"""
    outside = unit["outside"]
    if outside is None:
        return "within the limits"
    lim = next(x for x in unit["limits"] if x["level"] == outside)
    high = unit["proportion"] > lim["upper"]
    words = f"{'above the upper' if high else 'below the lower'} {level_text(outside)} limit"
    top = max(x["level"] for x in unit["limits"])
    if outside != top:
        return f"{words}, within the {level_text(top)} limits"
    if unit["type"] == "special_cause_improvement":
        return f"{words}: special cause, better than the rest"
    if unit["type"] == "special_cause_concern":
        return f"{words}: special cause, worse than the rest"
    return f"{words}: special cause"


def comparison(college, key, start, end, *, id_prefix="funnel", height=380, width=760):
    """Everything the page (and the leader report) shows for one comparison."""
    c = BY_KEY[key]
    counts = college_counts(key, start, end)
    units, missing = [], []
    for other in College.objects.order_by("name", "pk"):
        num, den = counts.get(other.pk, (0, 0))
        entry = {
            "id": f"college-{other.pk}",
            "name": other.name,
            "own": other.pk == college.pk,
            "benchmark": False,
            "source": "",
            "numerator": num,
            "denominator": den,
        }
        (units if den else missing).append(entry)
    if c.benchmarks:
        for b in Benchmark.objects.filter(college=college, period_start=start, period_end=end).order_by("name"):
            units.append(
                {
                    "id": f"benchmark-{b.pk}",
                    "name": b.name,
                    "own": False,
                    "benchmark": True,
                    "source": b.source,
                    "numerator": b.numerator,
                    "denominator": b.denominator,
                }
            )
    out = {
        "comparison": c,
        "period": period_label(start, end),
        "rows": [],
        "missing": missing,
        "problem": None,
        "svg": None,
        "target": None,
        "levels": [level_text(x) for x in LEVELS],
    }
    if not units:
        out["problem"] = f"no College has any {c.unit_noun} to count in {period_label(start, end)}"
        return out
    try:
        result = analyse(
            {
                "chart": "funnel",
                "units": [{"id": u["id"], "numerator": u["numerator"], "denominator": u["denominator"]} for u in units],
                "levels": list(LEVELS),
                "improvement": c.improvement,
            }
        )
    except SpcInputError as exc:
        reason = str(exc).split(": ", 1)[-1]
        out["problem"] = f"the limits could not be calculated ({reason})"
        result = None
    points = []
    for number, u in enumerate(units, start=1):
        row = {"number": number, **u, "proportion": u["numerator"] / u["denominator"]}
        row["percent"] = pct(row["proportion"])
        if result:
            r = result["units"][number - 1]
            row.update(
                limits=r["limits"],
                type=r["type"],
                position=position_text(r, c.improvement),
                limit_texts=[f"{pct(x['lower'])} to {pct(x['upper'])}" for x in r["limits"]],
            )
            points.append(
                FunnelPoint(
                    number,
                    u["name"],
                    u["denominator"],
                    row["proportion"],
                    r["type"],
                    own=u["own"],
                    benchmark=u["benchmark"],
                )
            )
        out["rows"].append(row)
    if result:
        target = result["target"]
        out["target"] = target
        out["target_pct"] = pct(target)
        biggest = max(u["denominator"] for u in units)
        top = max(2, int(biggest * 1.08) + 1)
        ns = sorted({max(1, round(1 + (top - 1) * (i / 80) ** 2)) for i in range(81)})
        pairs = [funnel_limits(n, target, LEVELS) for n in ns]
        curves = [(level, ns, [p[k][0] for p in pairs], [p[k][1] for p in pairs]) for k, level in enumerate(LEVELS)]
        own = next((r for r in out["rows"] if r["own"]), None)
        description = (
            f"Funnel plot of {c.name.lower()}, {period_label(start, end)}: {len(units)} "
            f"{'College' if len(units) == 1 else 'Colleges'}; target (pooled) {pct(target)}; "
            f"limits {' and '.join(out['levels'])}. "
        )
        if own:
            description += (
                f"This College: {own['numerator']} of {own['denominator']} ({pct(own['proportion'])}), "
                f"{own['position']}."
            )
        out["svg"] = render_funnel_svg(
            FunnelChart(
                title=f"{c.name}: {period_label(start, end)}",
                target=target,
                points=points,
                curves=curves,
                description=description,
                x_label=f"Size of the College ({c.unit_noun})",
                id_prefix=id_prefix,
                height=height,
                width=width,
            )
        )
    return out


def comparisons(college, start, end, *, id_prefix="funnel", **kwargs):
    return [comparison(college, c.key, start, end, id_prefix=f"{id_prefix}-{c.key}", **kwargs) for c in COMPARISONS]


def report_comparison(project, height=300):
    """The leader report's Compare Colleges section (the headline comparison over the default
    period), or None when the project does not ask for it. Drawn narrow: it sits beside its words."""
    if not getattr(project, "report_compare", False):
        return None
    start, end = default_period(project.college)
    return comparison(
        project.college, COMPARISONS[0].key, start, end, id_prefix="report-funnel", height=height, width=560
    )


def benchmark_periods(college):
    """[(start, end, count)] of the College's imported benchmarks, latest first."""
    out = {}
    for start, end in Benchmark.objects.filter(college=college).values_list("period_start", "period_end"):
        out[(start, end)] = out.get((start, end), 0) + 1
    return [(s, e, n) for (s, e), n in sorted(out.items(), key=lambda kv: kv[0][1], reverse=True)]


# --- Importing benchmarks (reuses tandem.core.imports.reading) -----------------------------------


def _whole(value):
    reading._refuse_formula_in_number(value)
    if not re.fullmatch(r"\d{1,9}", value):
        raise _Problem("enter a whole number of 0 or more, like 26")
    return int(value)


def _period(value):
    reading._refuse_formula(value)
    try:
        return parse_period(value)
    except ValueError as exc:
        raise _Problem(str(exc)) from None


class _BenchmarkSheet:
    noun = "benchmark"
    plural = "benchmarks"
    model = Benchmark
    required = ("college", "period", "numerator", "denominator", "source")
    optional = ()

    def __init__(self, college, today):
        self.college = college
        self.today = today
        self.installed = {reading._name_key(n) for n in College.objects.values_list("name", flat=True)}
        self.seen = {}

    def check(self, row):
        name = row.get("college", _text(120), "enter the name of the College the counts describe")
        period = row.get("period", _period, f"enter the period: {PERIOD_HINT}")
        num = row.get("numerator", _whole, "enter the numerator: Trust staff tutors who taught")
        den = row.get("denominator", _whole, "enter the denominator: all tutors who taught")
        source = row.get("source", _text(300), "say where the counts come from (a report, a person's email)")
        if name is not None and reading._name_key(name) in self.installed:
            row.error(
                "college",
                f"{name} is a College in this Tandem: its counts come from its own records, "
                "so leave it out of the file",
            )
        if den is not None and den < 1:
            row.error("denominator", "must be at least 1: a College with no tutors teaching has nothing to compare")
        elif num is not None and den is not None and num > den:
            row.error(
                "numerator", f"is more than the denominator ({den}): the Trust staff tutors are some of all the tutors"
            )
        if name is not None and period is not None:
            key = (reading._name_key(name), period)
            if key in self.seen:
                row.error("college", f"{name} for {period_text(*period)} is already in row {self.seen[key]}")
            else:
                self.seen[key] = row.number
        return {"name": name, "period": period, "numerator": num, "denominator": den, "source": source}

    def create(self, fields, actor):
        start, end = fields["period"]
        Benchmark.objects.update_or_create(
            college=self.college,
            name=fields["name"],
            period_start=start,
            period_end=end,
            defaults={
                "numerator": fields["numerator"],
                "denominator": fields["denominator"],
                "source": fields["source"],
                "imported_on": self.today,
            },
        )


def import_benchmarks(*, data, college, actor):
    """Check every row of a benchmark CSV (columns college, period, numerator, denominator, source);
    if all are valid, write them all in one transaction (a row for a College and period already
    imported replaces it), else nothing. Never raises for anything wrong with the file."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    data = bytes(data)
    limit = settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        return reading._failed(
            f"the file is too large: it is {reading.human_size(len(data))} and the largest "
            f"Tandem accepts is {reading.human_size(limit)}"
        )
    sheet = _BenchmarkSheet(college, clock.today(college))
    try:
        text = reading._decode(data)
        with transaction.atomic():
            result = reading._import_text(sheet, text, actor)
            if not result.ok:
                transaction.set_rollback(True)
    except _FileProblem as problem:
        return reading._failed(str(problem))
    except IntegrityError:
        return ImportResult(
            ok=False,
            errors=[
                RowError(None, None, "the benchmarks changed while the file was being imported: upload the file again")
            ],
        )
    return result
