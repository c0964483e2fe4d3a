"""The pay-parity check: is every peer tutor paid, per hour worked, no less than the staff
comparator for the same course run?

For each peer tutor × course run in which the peer delivered at least one session:

- money   = every payment to the peer for the run (delivery, and logged work tied to the run), at
            its gross amount whatever its status. A tutor's own choice to take less is their
            choice, not a gap in what the College pays. Expenses are never pay.
- hours   = delivery hours (each delivered session's length)
          + preparation: the hours logged for the run, or, when less is logged, the College's
            rule (PayPolicy.prep_hours_per_session × sessions delivered). Unlogged preparation
            is still work, so hours are never understated.
          + other logged work tied to the run (co-production, supervision, training).
- effective hourly rate = money ÷ hours.
- comparator = hourly equivalent (annual salary + any High Cost Area Supplement, ÷ 52.143 ÷ 37.5)
  of the band and point the College's policy picks, from the pay table of the pay year in force
  on the first session the peer delivered in the run, and the staff grades in force that day:
    paired — the staff tutor who co-delivered most of the peer's sessions in the run (ties: the
             higher paid);
    lowest — the lowest paid staff tutor who delivered any session of the run;
    floor  — the College's floor band and point (lowest point of the band if no point is set).
  When the paired or lowest comparator cannot be found (no grade recorded, point missing from
  the table) the floor band is used if the College set one; otherwise the pair is listed as
  "not checked", never silently passed.
- breach when comparator − effective rate, rounded to the penny, is above £0.00.

Logged work with no course run is paid but outside this per-run check.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.paginator import Paginator
from django.urls import reverse

from tandem.core import versions
from tandem.courses.models import CourseRun
from tandem.courses.selectors import delivered_by_rows, terms_with_delivered_sessions
from tandem.qi.measures import counts_in_active_months
from tandem.tutors.models import Tutor

from . import pay
from .models import Activity, Payment, PayYear, StaffPayGrade, WorkLog
from .services import policy_for


@dataclass
class Comparator:
    hourly: Decimal
    band: str
    point: int
    pay_year: str
    basis: str  # how it was chosen, in words
    staff_id: int | None = None


@dataclass
class ParityRow:
    run_id: int
    tutor_id: int
    first_date: date
    months: set
    sessions: int
    delivery_hours: Decimal
    prep_logged: Decimal
    prep_implied: Decimal
    other_hours: Decimal
    money: Decimal
    comparator: Comparator | None = None
    unchecked_reason: str = ""
    term_id: int | None = None
    run: CourseRun | None = None
    tutor: Tutor | None = None

    @property
    def prep_hours(self):
        return max(self.prep_logged, self.prep_implied)

    @property
    def hours(self):
        return self.delivery_hours + self.prep_hours + self.other_hours

    @property
    def effective(self):
        return pay.effective_rate(self.money, self.hours)

    @property
    def gap(self):
        """£ an hour below the comparator (0 or negative when at or above it), to the penny."""
        if self.comparator is None or self.effective is None:
            return None
        return pay.pence(self.comparator.hourly - self.effective)

    @property
    def breach(self):
        gap = self.gap
        return gap is not None and gap > 0

    @property
    def checked(self):
        return self.comparator is not None


class _Table:
    """The College's pay table, staff grades and policy, for comparator look-ups."""

    def __init__(self, college, policy):
        self.policy = policy
        self.years = list(PayYear.objects.filter(college=college).order_by("-starts_on").prefetch_related("points"))
        self.points = {y.pk: {(p.band, p.point): p for p in y.points.all()} for y in self.years}
        self.grades = defaultdict(list)
        for g in StaffPayGrade.objects.filter(tutor__college=college).order_by("-from_date"):
            self.grades[g.tutor_id].append(g)

    def year_on(self, day):
        return next((y for y in self.years if y.starts_on <= day), None)

    def point(self, year, band, point=None):
        points = self.points[year.pk]
        if point is None:
            found = sorted((p for (b, _), p in points.items() if b == band), key=lambda p: p.point)
            return found[0] if found else None
        return points.get((band, point))

    def staff(self, staff_id, year, day):
        """(hourly, grade) of a staff tutor on `day`, or (None, reason)."""
        grade = next((g for g in self.grades.get(staff_id, ()) if g.from_date <= day), None)
        if grade is None:
            return None, "no pay band recorded"
        p = self.point(year, grade.band, grade.point)
        if p is None:
            return None, f"band {grade.band} point {grade.point} is not in the {year.label} pay table"
        return p.hourly, grade

    def floor(self, year, why=""):
        band = self.policy.floor_band
        if not band:
            return None
        p = self.point(year, band, self.policy.floor_point)
        if p is None:
            return None
        basis = "College floor band" + (f" ({why})" if why else "")
        return Comparator(p.hourly, p.band, p.point, year.label, basis)


def _comparator(table, row, shared, run_staff, names):
    year = table.year_on(row.first_date)
    if year is None:
        return None, f"no pay year in the table covers {row.first_date:%d %B %Y}"
    policy = table.policy.comparator
    if policy == "floor":
        found = table.floor(year)
        return (found, "") if found else (None, "the College floor band is not in the pay table")
    if policy == "paired":
        candidates = shared
        if not candidates:
            return None, "no staff tutor co-delivered"
        top = max(candidates.values())
        pool = [s for s, n in candidates.items() if n == top]
        label = "paired staff tutor"
        pick = max
    else:
        pool = sorted(run_staff)
        label = "lowest paid staff tutor on the run"
        pick = min
    known, problems = [], []
    for staff_id in pool:
        hourly, grade = table.staff(staff_id, year, row.first_date)
        if hourly is None:
            problems.append(f"{names.get(staff_id, 'a staff tutor')}: {grade}")
        else:
            known.append((hourly, staff_id, grade))
    if known and (policy == "paired" or not problems):
        hourly, staff_id, grade = pick(known, key=lambda k: (k[0], -k[1]))
        return Comparator(
            hourly, grade.band, grade.point, year.label, f"{label}, {names.get(staff_id, '')}".rstrip(", "), staff_id
        ), ""
    why = "; ".join(problems) or "no staff tutor delivered"
    found = table.floor(year, why)
    return (found, "") if found else (None, why)


def parity_rows(college, *, policy=None, with_objects=False):
    """Every peer tutor × course run in which the peer delivered a session, with the check,
    oldest first. With the College's own policy, computed once per version of its records
    (tandem.core.versions: any write to them computes it afresh)."""
    if policy is None:
        out = versions.cached(college.pk, ["parity"], lambda: _parity_rows(college, policy_for(college)))
    else:
        out = _parity_rows(college, policy)
    if with_objects:
        with_objects_for(out)
    return out


PAGE_SIZE = 50


def parity_terms(college):
    """The College's terms with delivered sessions, newest first (the page's choice of term)."""
    return versions.cached(college.pk, ["parity-terms"], lambda: list(terms_with_delivered_sessions(college.pk)))


def parity_page(college, *, term=None, show="breaches", page=None):
    """What the pay parity page shows for a term (None: every term), newest first: `counts` (pairs,
    breaches, not checked), the policy, the first 50 pairs not checked and the page of the
    breaches (show="breaches") or of every pair, each row with its run and tutor. Worked out once
    per version of the College's records, so a request unpickles a page of rows, not the College's
    every pair. `term`: one of parity_terms(college)."""
    term_id = term.pk if term is not None else "all"
    show = "breaches" if show == "breaches" else "all"
    summary = versions.cached(college.pk, ["parity-summary", term_id], lambda: _parity_summary(college, term))
    listed = summary["counts"]["breaches" if show == "breaches" else "pairs"]
    found = Paginator(range(listed), PAGE_SIZE).get_page(page)
    found.object_list = versions.cached(
        college.pk,
        ["parity-page", term_id, show, found.number],
        lambda: _parity_page_rows(college, term, show, found.number),
    )
    return {**summary, "page": found}


def _term_rows(college, term):
    rows = parity_rows(college)[::-1]
    return [r for r in rows if r.term_id == term.pk] if term is not None else rows


def _parity_summary(college, term):
    rows = _term_rows(college, term)
    unchecked = [r for r in rows if not r.checked]
    first = unchecked[:PAGE_SIZE]
    _shown(first)
    return {
        "counts": {"pairs": len(rows), "breaches": sum(r.breach for r in rows), "unchecked": len(unchecked)},
        "unchecked": first,
        "policy": policy_for(college),
    }


def _parity_page_rows(college, term, show, number):
    rows = _term_rows(college, term)
    if show == "breaches":
        rows = [r for r in rows if r.breach]
    chosen = rows[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    _shown(chosen)
    return chosen


def _gbp(value):
    return "–" if value is None else f"£{value:,.2f}"


def _hours(value):
    return "–" if value is None else f"{value:,.2f}".rstrip("0").rstrip(".")


def _shown(rows):
    """Attach each row's run, tutor and figures as the page prints them: worked out with the rows,
    once per version, rather than at every request (50 rows × 7 formatted cells)."""
    with_objects_for(rows)
    for r in rows:
        r.shown = {
            "run_url": reverse("courses:run", args=[r.run_id]),
            "term": str(r.run.term),
            "run": f"{r.run.course.title}, {r.run.term}",
            "hours": _hours(r.hours),
            "delivery": _hours(r.delivery_hours),
            "prep": _hours(r.prep_hours),
            "other": _hours(r.other_hours) if r.other_hours else "",
            "paid": _gbp(r.money),
            "per_hour": _gbp(r.effective),
            "comparator": _gbp(r.comparator.hourly) if r.comparator else "",
            "gap": _gbp(r.gap) if r.breach else "",
        }


def with_objects_for(rows):
    """Attach each row's run (with course and term) and tutor: for the rows a page shows."""
    rows = [r for r in rows if r.run is None]
    runs = CourseRun.objects.select_related("course", "term").in_bulk({r.run_id for r in rows})
    tutors = Tutor.objects.in_bulk({r.tutor_id for r in rows})
    for r in rows:
        r.run, r.tutor = runs[r.run_id], tutors[r.tutor_id]
    return rows


def _parity_rows(college, policy):
    table = _Table(college, policy)
    through = delivered_by_rows(college)
    peer_rows = (
        through.filter(tutor__kind=Tutor.Kind.PEER)
        .values_list(
            "tutor_id",
            "session_id",
            "session__run_id",
            "session__date",
            "session__start_time",
            "session__end_time",
            "session__run__term_id",
        )
        .order_by("session__date", "session_id", "tutor_id")
    )
    session_staff = defaultdict(list)
    run_staff = defaultdict(set)
    for staff_id, session_id, run_id in through.filter(tutor__kind=Tutor.Kind.STAFF).values_list(
        "tutor_id", "session_id", "session__run_id"
    ):
        session_staff[session_id].append(staff_id)
        run_staff[run_id].add(staff_id)

    rows, shared = {}, defaultdict(Counter)
    for tutor_id, session_id, run_id, day, start, end, term_id in peer_rows:
        key = (run_id, tutor_id)
        row = rows.get(key)
        if row is None:
            row = rows[key] = ParityRow(
                run_id,
                tutor_id,
                day,
                set(),
                0,
                Decimal(0),
                Decimal(0),
                Decimal(0),
                Decimal(0),
                Decimal(0),
                term_id=term_id,
            )
        row.sessions += 1
        row.months.add(f"{day:%Y-%m}")
        row.delivery_hours += pay.session_hours(day, start, end)
        shared[key].update(session_staff[session_id])

    logged = WorkLog.objects.filter(tutor__college=college, tutor__kind=Tutor.Kind.PEER, run__isnull=False)
    for tutor_id, run_id, activity, hours in logged.order_by().values_list("tutor_id", "run_id", "activity", "hours"):
        row = rows.get((run_id, tutor_id))
        if row is None:
            continue
        if activity == Activity.PREPARATION:
            row.prep_logged += hours
        else:
            row.other_hours += hours
    paid = Payment.objects.filter(tutor__college=college, tutor__kind=Tutor.Kind.PEER, run__isnull=False)
    for tutor_id, run_id, amount in paid.order_by().values_list("tutor_id", "run_id", "amount"):
        row = rows.get((run_id, tutor_id))
        if row is not None:
            row.money += amount

    names = {}
    if policy.comparator != "floor":
        staff_ids = {s for ids in run_staff.values() for s in ids}
        names = {t.pk: t.full_name for t in Tutor.objects.filter(pk__in=staff_ids).only("first_name", "last_name")}
    for key, row in rows.items():
        row.prep_implied = policy.prep_hours_per_session * row.sessions
        row.comparator, row.unchecked_reason = _comparator(table, row, shared[key], run_staff[row.run_id], names)

    return sorted(rows.values(), key=lambda r: (r.first_date, r.run_id, r.tutor_id))


def breaches_by_month(college):
    """{'YYYY-MM': breaching peer × run pairs with a session that month} over every month the
    College delivered a session (0 when none breached; months without sessions are missing)."""
    counts = {}
    for row in parity_rows(college):
        if row.breach:
            for m in row.months:
                counts[m] = counts.get(m, 0) + 1
    return counts_in_active_months(college, counts)
