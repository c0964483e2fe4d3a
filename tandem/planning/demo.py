"""Demo term planning: next term (Spring 2020) ready for the admin to plan at once.

`populate(college, rng)` derives from the College's generated records:

- the Spring 2020 term, if the College does not have it yet;
- weekly availability for every trained or active tutor: the day-slots they have taught at
  before, plus a few more; a staff tutor is released on one to three weekdays;
- a Spring 2020 release budget for every such staff tutor (the release app's ReleaseBudget);
- a wish list for Spring 2020 of about 60 wished runs from the catalogue: last spring's
  courses first, then other active courses, with priorities, allowed days, start windows,
  venues and places.

Deterministic given `rng` (a random.Random): records are visited in a fixed order. Bulk inserts,
no audit rows (history, not anyone's action today).
"""

from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

from django.db import transaction

from tandem.core.models import Term
from tandem.courses.models import Course, CourseRun
from tandem.release.models import ReleaseBudget
from tandem.tutors.models import Tutor

from .instance import PLANNING_STATUSES
from .models import TutorAvailability, WishedRun, WishList
from .slots import ALL_DAYSLOTS, DAYTIME_DAYSLOTS, SLOT_IDS, slot_index, term_weeks

SPRING_2020 = ("spring", 2020, date(2020, 1, 6), date(2020, 3, 27))
WISHED_RUNS = 60
BUDGET_HOURS = (0, 6, 9, 12, 12, 15, 18, 18, 24, 30)  # hours a line manager releases for the term


@transaction.atomic
def populate(college, rng):
    season, year, starts, ends = SPRING_2020
    term = Term.objects.filter(college=college, season=season, year=year).first()
    created = term is None
    if created:
        term = Term.objects.create(college=college, season=season, year=year, starts_on=starts, ends_on=ends)
    tutors = [
        t
        for t in Tutor.objects.filter(college=college, status__in=PLANNING_STATUSES).order_by("pk")
        if t.left_on is None or t.left_on > term.starts_on
    ]
    availability = _availability(tutors, rng)
    budgets = _budgets(tutors, term, rng)
    wished = 0
    if not WishList.objects.filter(term=term).exists():
        wished = _wish_list(college, term, rng)
    return {
        "term": str(term),
        "term_created": created,
        "availability": availability,
        "budgets": budgets,
        "wished_runs": wished,
    }


def _availability(tutors, rng):
    taught = defaultdict(Counter)
    for tutor_id, weekday, start in (
        CourseRun.tutors.through.objects.filter(tutor__in=tutors, courserun__weekday__lt=5)
        .values_list("tutor_id", "courserun__weekday", "courserun__start_time")
        .order_by("pk")
    ):
        taught[tutor_id][(weekday, slot_index(start))] += 1
    have = set(TutorAvailability.objects.filter(tutor__in=tutors).values_list("tutor_id", flat=True).distinct())
    rows = []
    for t in tutors:
        if t.pk in have:
            continue
        usual = [ds for ds, _n in sorted(taught[t.pk].items(), key=lambda x: (-x[1], x[0]))]
        if t.kind == Tutor.Kind.STAFF:
            # Days released: the weekdays they have taught on most, else one to three at random.
            days = []
            for d, _s in usual:
                if d not in days:
                    days.append(d)
            days = days[:1]
            want = rng.choice((1, 1, 2, 2, 3))
            others = [d for d in range(5) if d not in days]
            days += rng.sample(others, max(0, want - len(days)))
            chosen = {(d, s) for d in days for s in (0, 1)}
            chosen |= {ds for ds in usual if ds[0] in days}  # an evening they have taught
        else:
            chosen = set(usual[:4])
            pool = [
                tuple(ds)
                for ds in (DAYTIME_DAYSLOTS if rng.random() < 0.7 else ALL_DAYSLOTS)
                if tuple(ds) not in chosen
            ]
            chosen |= set(rng.sample(pool, min(len(pool), rng.randint(3, 7))))
        rows += [TutorAvailability(tutor=t, weekday=d, slot=SLOT_IDS[s]) for d, s in sorted(chosen)]
    TutorAvailability.objects.bulk_create(rows)
    return len(rows)


def _budgets(tutors, term, rng):
    have = set(ReleaseBudget.objects.filter(term=term).values_list("tutor_id", flat=True))
    rows = [
        ReleaseBudget(tutor=t, term=term, hours=Decimal(rng.choice(BUDGET_HOURS)))
        for t in tutors
        if t.kind == Tutor.Kind.STAFF and t.pk not in have
    ]
    ReleaseBudget.objects.bulk_create(rows)
    return len(rows)


def _wish_list(college, term, rng):
    weeks = term_weeks(term)
    courses = [
        c
        for c in Course.objects.filter(college=college, status=Course.Status.ACTIVE).order_by("pk")
        if c.number_of_sessions <= weeks
    ]
    sites = list(college.sites.order_by("pk"))
    hubs = [s for s in sites if s.kind == "hub"] or sites
    last = Term.objects.filter(college=college, season=term.season, year=term.year - 1).first()
    picks = []
    if last is not None:
        active = {c.pk for c in courses}
        picks = [
            r.course_id
            for r in CourseRun.objects.filter(term=last).order_by("start_date", "start_time", "pk")
            if r.course_id in active
        ]
    by_pk = {c.pk: c for c in courses}
    per_course = Counter(picks)
    for _attempt in range(50 * WISHED_RUNS):
        if len(picks) >= WISHED_RUNS or not courses:
            break
        c = rng.choice(courses)
        if per_course[c.pk] < (4 if c.number_of_sessions == 1 else 3):
            picks.append(c.pk)
            per_course[c.pk] += 1
    picks = picks[:WISHED_RUNS]
    wl = WishList.objects.create(college=college, term=term)
    rows = []
    for pk in picks:
        course = by_pk[pk]
        n = course.number_of_sessions
        r = rng.random()
        if r < 0.55:
            allowed = [list(ds) for ds in DAYTIME_DAYSLOTS]
        elif r < 0.8:
            days = sorted(rng.sample(range(5), rng.choice((2, 3))))
            allowed = [[d, s] for d in days for s in (0, 1)]
        elif r < 0.92:
            allowed = [list(ds) for ds in ALL_DAYSLOTS]
        else:
            allowed = [[d, 2] for d in range(5)]  # an evening course, for people at work
        latest = max(1, weeks - n + 1)
        if n >= 6 and rng.random() < 0.5:
            lo, hi = 1, min(latest, 3)
        else:
            lo, hi = 1, latest
        online = rng.random() < 0.1
        site = None if online else (rng.choice(hubs) if rng.random() < 0.6 else rng.choice(sites))
        rows.append(
            WishedRun(
                wish_list=wl,
                course=course,
                weight=rng.choices((1, 2, 3, 4, 5), weights=(3, 4, 3, 2, 1))[0],
                allowed=allowed,
                start_week_min=lo,
                start_week_max=hi,
                online=online,
                site=site,
                cohort=rng.choice((8, 10, 12, 12, 14, 16)),
                needs_accessible=rng.random() < 0.15,
                split_allowed=n >= 6 and rng.random() < 0.6,
                mandatory=False,
            )
        )
    WishedRun.objects.bulk_create(rows)
    return len(rows)
