"""Demo release history, derived from the College's generated records (the staff-tutor pipeline's
is tandem.pipeline.demo).

`populate(college, rng)` reads the runs, sessions and tutors another generator wrote
(tandem.demo.generate) and writes what must have happened for them:

- a run with a staff tutor was released: an approved request per staff tutor, made 2–6 weeks
  before the run started and decided 1–20 days later; some of these runs first had another staff
  tutor declined (more often for longer courses, less often once the QI project's change ideas
  landed in 2019);
- a run cancelled for want of a staff tutor had its release refused: as many declined requests
  as its cancellation note says ("Staff release declined (2 requests)"), each by a different
  trained staff tutor, with a reason weighted by the course's length (longer courses are declined
  as "too long" more often) and by the notice given;
- a few co-production requests for course development, budgets for the latest terms, and two
  requests still waiting for the demo line manager's decision.

Deterministic given `rng` (a random.Random): runs and tutors are visited in a fixed order.
Written with bulk inserts; no emails are sent and no audit rows are written (the records are
history, not anyone's action today).
"""

import re
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tandem.courses.models import Course, CourseRun, Session
from tandem.courses.selectors import delivered_sessions
from tandem.demo.data import login
from tandem.tutors.models import Tutor

from .models import ReleaseBudget, ReleaseRequest
from .services import hours_of

RR = ReleaseRequest
CULTURE_FROM = date(2019, 3, 1)  # stories shared, then the case presented to leaders (QI change ideas)
SHORT_NOTICE_DAYS = 21

# Chance a staffed run first had another staff tutor's release declined, by course length.
PRIOR_DECLINE = {"single": 0.06, "short": 0.22, "long": 0.42}
CULTURE_FACTOR = 0.45  # ... multiplied by this for requests from CULTURE_FROM on

OTHER_NOTES = (
    "Annual leave already booked in the team",
    "Team restructure this term",
    "Clinic moved to the same day",
    "Covering a colleague's caseload",
)
PURPOSES = (
    "Co-deliver {course} with a peer tutor, including preparation",
    "Teach {course} alongside a peer tutor",
    "Co-deliver {course}: sessions and planning with my co-tutor",
)


def band(sessions):
    return "single" if sessions <= 1 else "short" if sessions <= 5 else "long"


def decline_reason(rng, sessions, notice_days):
    b = band(sessions)
    weights = {
        "service_pressure": 3.0,
        "course_too_long": {"single": 0.0, "short": 1.2, "long": 5.0}[b],
        "short_notice": 3.0 if notice_days < SHORT_NOTICE_DAYS else 0.3,
        "other": 0.5,
    }
    reasons = list(weights)
    return rng.choices(reasons, weights=[weights[r] for r in reasons])[0]


def at(day, rng):
    """An aware datetime on `day` during working hours."""
    return timezone.make_aware(datetime.combine(day, time(rng.randint(8, 16), rng.choice((0, 15, 30, 45)))))


def _declines_in(note):
    """How many release requests a no-staff-tutor cancellation note says were declined."""
    m = re.search(r"declined \((\d+) request", note or "")
    if m:
        return int(m.group(1))
    if "free" in (note or "") or "not yet requested" in (note or "").lower():
        return 0  # nobody could be asked
    return 1


class _Builder:
    def __init__(self, college, rng, today):
        self.college, self.rng, self.today = college, rng, today
        self.requests, self.sessions, self.approved = [], [], []  # parallel: session lists per request

    def add(
        self,
        *,
        tutor,
        run,
        requested_on,
        status,
        decided_after,
        sessions=(),
        hours=None,
        reason="",
        note="",
        kind=RR.Kind.RUN,
        term=None,
        starts_on=None,
        ends_on=None,
        purpose=None,
        approved=None,
    ):
        rng = self.rng
        sessions = list(sessions)
        if hours is None:
            hours = (
                hours_of(sessions)
                if sessions
                else (Decimal(run.course.number_of_sessions) * run.course.hours_per_session).quantize(Decimal("0.01"))
            )
        # Nothing happens after the demo's "today": later asks are made, and decided, just before it.
        requested_on = min(requested_on, self.today - timedelta(days=3))
        requested_at = at(requested_on, rng)
        decided_at = None
        if decided_after is not None:
            decided_at = at(min(requested_on + timedelta(days=decided_after), self.today - timedelta(days=1)), rng)
        if status == RR.Status.DECLINED and reason == "other" and not note:
            note = rng.choice(OTHER_NOTES)
        if purpose is None:
            purpose = rng.choice(PURPOSES).format(course=run.course.title)
        approved_hours = None
        if status in RR.APPROVED_STATUSES:
            approved_hours = hours if approved is None else hours_of(approved)
        self.requests.append(
            RR(
                college=self.college,
                tutor=tutor,
                manager_id=tutor.line_manager_id,
                requested_by_id=tutor.user_id,
                kind=kind,
                run=run,
                term=term or (run.term if run else None),
                hours=hours,
                starts_on=starts_on,
                ends_on=ends_on,
                purpose=purpose,
                requested_at=requested_at,
                status=status,
                approved_hours=approved_hours,
                decline_reason=reason if status == RR.Status.DECLINED else "",
                decline_note=note if status == RR.Status.DECLINED else "",
                decided_by_id=tutor.line_manager_id if decided_at else None,
                decided_at=decided_at,
            )
        )
        self.sessions.append(sessions)
        self.approved.append(
            list(approved if approved is not None else sessions) if status in RR.APPROVED_STATUSES else []
        )

    def save(self):
        created = RR.objects.bulk_create(self.requests, batch_size=500)
        Asked, Approved = RR.sessions.through, RR.approved_sessions.through
        Asked.objects.bulk_create(
            [Asked(releaserequest_id=rr.pk, session_id=s.pk) for rr, ss in zip(created, self.sessions) for s in ss],
            batch_size=2000,
        )
        Approved.objects.bulk_create(
            [Approved(releaserequest_id=rr.pk, session_id=s.pk) for rr, ss in zip(created, self.approved) for s in ss],
            batch_size=2000,
        )
        return created


def _eligible(staff, run, day):
    """Staff tutors who could have been asked on `day` to teach `run` (trained, not gone)."""
    last = run._last_date
    return [
        t
        for t in staff
        if t.coproduction_trained_on
        and t.coproduction_trained_on <= day
        and (t.joined_on is None or t.joined_on <= day)
        and (t.left_on is None or t.left_on > last)
        and t.pk not in run._staff_ids
    ]


def _pick(rng, candidates, co_producers, k):
    """k distinct tutors, co-producers of the course three times as likely."""
    pool = list(candidates)
    out = []
    while pool and len(out) < k:
        weights = [3.0 if t.pk in co_producers else 1.0 for t in pool]
        t = rng.choices(pool, weights=weights)[0]
        out.append(t)
        pool.remove(t)
    return out


@transaction.atomic
def populate(college, rng):
    """Write the demo release history, budgets and pending requests. Returns counts."""
    staff = list(
        Tutor.objects.filter(college=college, kind=Tutor.Kind.STAFF, line_manager__isnull=False)
        .select_related("employer", "line_manager")
        .order_by("pk")
    )
    runs = list(
        CourseRun.objects.filter(course__college=college)
        .select_related("course", "term")
        .prefetch_related("tutors")
        .order_by("start_date", "start_time", "pk")
    )
    sessions = defaultdict(list)
    for s in Session.objects.filter(run__course__college=college).order_by("date", "start_time", "pk"):
        sessions[s.run_id].append(s)
    co_producers = defaultdict(set)
    for course_id, tutor_id in Course.co_producers.through.objects.filter(course__college=college).values_list(
        "course_id", "tutor_id"
    ):
        co_producers[course_id].add(tutor_id)
    for run in runs:
        run._staff = [t for t in run.tutors.all() if t.kind == Tutor.Kind.STAFF and t.line_manager_id]
        run._staff_ids = {t.pk for t in run.tutors.all() if t.kind == Tutor.Kind.STAFF}
        run._sessions = sessions.get(run.pk, [])
        run._last_date = run._sessions[-1].date if run._sessions else run.start_date

    today = _demo_today(college)
    b = _Builder(college, rng, today)
    for run in runs:
        n = run.course.number_of_sessions
        asked_on = run.start_date - timedelta(days=rng.randint(14, 42))
        if run._staff:
            for i, tutor in enumerate(run._staff):
                p = PRIOR_DECLINE[band(n)] * (CULTURE_FACTOR if asked_on >= CULTURE_FROM else 1.0)
                if i == 0 and rng.random() < p:
                    first_on = asked_on - timedelta(days=rng.randint(8, 20))
                    others = _pick(
                        rng,
                        [t for t in _eligible(staff, run, first_on) if t.pk != tutor.pk],
                        co_producers[run.course_id],
                        1,
                    )
                    if others:
                        b.add(
                            tutor=others[0],
                            run=run,
                            requested_on=first_on,
                            status=RR.Status.DECLINED,
                            decided_after=rng.randint(1, 7),
                            sessions=run._sessions,
                            reason=decline_reason(rng, n, (run.start_date - first_on).days),
                        )
                b.add(
                    tutor=tutor,
                    run=run,
                    requested_on=asked_on,
                    status=RR.Status.APPROVED,
                    decided_after=rng.randint(1, 20),
                    sessions=run._sessions,
                )
        elif run.status == CourseRun.Status.CANCELLED and run.cancel_reason == CourseRun.CancelReason.NO_STAFF_TUTOR:
            k = _declines_in(run.cancel_note)
            if not k:
                continue
            day = asked_on - timedelta(days=8 * (k - 1))
            for tutor in _pick(rng, _eligible(staff, run, day), co_producers[run.course_id], k):
                wait = rng.randint(1, 20) if k == 1 else rng.randint(1, 8)
                b.add(
                    tutor=tutor,
                    run=run,
                    requested_on=day,
                    status=RR.Status.DECLINED,
                    decided_after=wait,
                    sessions=run._sessions,
                    reason=decline_reason(rng, n, (run.start_date - day).days),
                )
                day = day + timedelta(days=wait + rng.randint(0, 2))

    # Co-production work: a staff co-producer released to develop each course before its first run.
    first_run = {}
    for run in runs:
        first_run.setdefault(run.course_id, run)
    courses = Course.objects.filter(college=college).order_by("pk")
    first_day = runs[0].start_date if runs else None
    for course in courses:
        run = first_run.get(course.pk)
        if run is None or run.start_date <= first_day + timedelta(days=60):
            continue  # the founding catalogue was developed before the College opened
        makers = [
            t
            for t in staff
            if t.pk in co_producers[course.pk]
            and t.coproduction_trained_on
            and t.coproduction_trained_on < run.start_date - timedelta(days=70)
        ]
        if not makers:
            continue
        tutor = makers[0]
        start = run.start_date - timedelta(days=rng.randint(56, 90))
        declined = rng.random() < (0.15 if start >= CULTURE_FROM else 0.3)
        b.add(
            tutor=tutor,
            run=None,
            kind=RR.Kind.COPRODUCTION,
            term=None,
            requested_on=start - timedelta(days=rng.randint(14, 30)),
            status=RR.Status.DECLINED if declined else RR.Status.APPROVED,
            decided_after=rng.randint(1, 15),
            hours=Decimal(rng.choice((6, 8, 9, 12))),
            starts_on=start,
            ends_on=start + timedelta(days=rng.choice((14, 21, 28))),
            purpose=f"Co-produce the new course “{course.title}” with peer tutors",
            reason=rng.choice(("service_pressure", "other")) if declined else "",
        )

    # Two requests still waiting for the demo line manager ("manager"), for gaps on the timetable.
    waiting = 0
    managed = [
        t
        for t in staff
        if t.line_manager
        and t.line_manager.username == login("manager", college.slug)
        and (t.left_on is None or t.left_on > today)
        and t.coproduction_trained_on
    ]
    managed.sort(key=lambda t: (t.user_id is None, t.pk))  # the demo tutor first
    gaps = [
        r
        for r in runs
        if r.status in (CourseRun.Status.PLANNED, CourseRun.Status.CONFIRMED)
        and not r._staff_ids
        and r.start_date > today
    ]
    for tutor, run in zip(managed, gaps[:2]):
        b.add(
            tutor=tutor,
            run=run,
            requested_on=today - timedelta(days=rng.randint(1, 3)),
            status=RR.Status.PENDING,
            decided_after=None,
            sessions=run._sessions,
            purpose=f"Fill the gap: co-deliver {run.course.title} with a peer tutor",
        )
        waiting += 1
    created = b.save()

    budgets = _budgets(college, staff, runs)
    counts = defaultdict(int)
    for rr in created:
        counts[str(rr.status)] += 1
    return {
        "requests": len(created),
        **dict(sorted(counts.items())),
        "budgets": budgets,
        "pending": waiting,
    }


def _demo_today(college):
    """The demo's "today": the day after the last delivered session (never the machine clock)."""
    last = delivered_sessions(college).aggregate(d=Max("date"))["d"]
    return (last or date.today()) + timedelta(days=1)


def _budgets(college, staff, runs):
    """A release budget for the latest two terms: 30 hours, or more where more was approved."""
    terms = sorted({r.term for r in runs}, key=lambda t: t.starts_on)[-2:]
    used = defaultdict(Decimal)
    for tutor_id, term_id, hours in RR.objects.filter(
        college=college, term__in=terms, status__in=RR.APPROVED_STATUSES
    ).values_list("tutor_id", "term_id", "approved_hours"):
        used[(tutor_id, term_id)] += hours
    rows = []
    for term in terms:
        for t in staff:
            if t.left_on and t.left_on < term.starts_on:
                continue
            need = used.get((t.pk, term.pk), Decimal("0"))
            hours = max(Decimal("30"), (need / 6).to_integral_value(ROUND_CEILING) * 6)
            rows.append(ReleaseBudget(tutor=t, term=term, hours=hours))
    ReleaseBudget.objects.bulk_create(rows)
    return len(rows)
