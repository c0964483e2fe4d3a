"""The demo College's students, simulated in plain Python (no database): who books which run and
when, the waiting lists and the places freed, who came to each delivered session, certificates,
SWEMWBS and QPR-15 at both ends of a run, the Friends and Family Test, learning plans and the
optional equality-monitoring answers. `tandem.students.demo` reads the College's runs and
sessions, calls `simulate` and writes what it returns in bulk.

The rules are the services' (tandem.students.services and .outcomes), applied to the College's
history as it happened, day by day:
- a place is booked before the run's first session, up to its capacity; later bookings join the
  waiting list; a cancelled place goes at once to the first person waiting;
- a student books at most RUNS_PER_TERM runs a term (the College's setting; waiting places count);
- attendance only at delivered sessions (a cancelled session has none), by students with a place
  or walk-ins; the session's head count is the number who came;
- a certificate when a completed run's attendance meets the threshold, issued on the day the
  run's last session was recorded;
- questionnaires at the start (before the run has ended) and at the end (once it has), online by
  the student or from paper by the admin; feedback once a run has ended. The College started
  asking for them in OUTCOMES_FROM.

Deterministic given the records and `rng` (a random.Random): every loop visits a list in a fixed
order. Names are invented (tandem.demo.data).
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from .scoring import score_qpr, score_swemwbs

RUNS_PER_TERM = 4
THRESHOLD = (2, 3)  # the default certificate threshold (no StudentSettings row changes it)
LOW_ENROLMENT = 6  # "Fewer than six students enrolled": runs cancelled for it had fewer
BOOKING_DAYS = 42  # places are booked up to six weeks before a run starts
FILL = (0.55, 1.2)  # people wanting a place, as a share of the run's capacity
RETURNING = 0.6  # chance a place goes to someone who has studied at the College in the last 18 months
CANCEL_SHARE = 0.07
WALK_IN_SHARE = 0.05  # delivered sessions with a walk-in
RELIABILITY = ((0.95, 35), (0.85, 35), (0.7, 20), (0.45, 10))  # chance a booked student comes, weights
DROP_OUT_SHARE = 0.12  # booked students who stop coming part way through
START_SHARE, END_SHARE, FEEDBACK_SHARE = 0.75, 0.8, 0.6
ONLINE_SHARE = 0.6  # of students with an account, the share answering online (the rest on paper)
INCOMPLETE_SHARE = 0.04  # questionnaires with an item left blank (no score)
QUESTIONNAIRE_MIN_SESSIONS = 3
PLAN_SHARE, EQUALITY_SHARE, ADJUSTMENTS_SHARE = 0.25, 0.5, 0.05
RELATIONS = (("uses_services", 55), ("carer", 15), ("trust_staff", 12), ("community", 18))
ANSWERS = (("very_good", 62), ("good", 27), ("neither", 5), ("poor", 2), ("very_poor", 1), ("dont_know", 3))
COMMENTS = (
    "Hearing from someone who has been there made all the difference.",
    "I liked that nobody treated me as a patient.",
    "The room was too warm, but the course was great.",
    "More sessions please: it went too fast.",
    "I have told my friends about the College.",
    "The handouts were really useful to take home.",
    "I was nervous at first but everyone was welcoming.",
    "It would help to have it in the evening too.",
)
GOALS = (
    "Feel confident enough to go to a group on my own",
    "Understand what helps me when my mood drops",
    "Get back into a routine that works for me",
    "Find out about volunteering",
    "Sleep better",
    "Talk to my family about how I am feeling",
    "Make a plan for staying well this winter",
    "Meet people and feel less alone",
)
REVIEW_NOTES = (
    "Talked about what helped on the course and what to try next term.",
    "Looked at the prospectus together and chose the next course.",
    "Going well; wants to think about volunteering.",
    "",
)
ADJUSTMENTS = ("A seat near the door, please.", "Large-print handouts.", "A hearing loop in the room.")
EQUALITY = {
    "age_band": (("under_25", 12), ("25_44", 38), ("45_64", 35), ("65_plus", 10), ("prefer_not", 3), ("", 2)),
    "gender": (("woman", 58), ("man", 36), ("non_binary", 3), ("prefer_not", 2), ("", 1)),
    "ethnicity": (("white", 78), ("asian", 9), ("black", 5), ("mixed", 4), ("other", 1), ("prefer_not", 2), ("", 1)),
    "disability": (("yes", 38), ("no", 52), ("prefer_not", 7), ("", 3)),
    "sexual_orientation": (
        ("heterosexual", 78),
        ("gay_lesbian", 5),
        ("bisexual", 5),
        ("other", 1),
        ("prefer_not", 8),
        ("", 3),
    ),
}


@dataclass
class Run:
    pk: int
    course: int
    term: int
    weekday: int
    start_time: time
    start_date: object
    capacity: int
    status: str
    cancel_reason: str
    sessions: list  # (pk, date, status), by date
    tutors: frozenset = frozenset()


@dataclass
class Stu:
    key: int
    first_name: str
    last_name: str
    email: str
    source: str  # self, staff or walk_in
    account: bool
    joined: datetime
    relation: str = ""
    phone: str = ""
    contact_by_email: bool = True
    contact_by_phone: bool = False
    adjustments: str = ""
    reliability: float = 0.85
    wellbeing: float = 2.6  # the mean of their SWEMWBS items before a course (1-5)
    recovery: float = 2.0  # the mean of their QPR-15 items before a course (0-4)
    last_seen: object = None
    runs: list = field(default_factory=list)  # run pks they had a place on


@dataclass
class Bk:
    student: int
    run: int
    created: datetime
    status: str = "booked"
    booked: datetime | None = None
    cancelled: datetime | None = None
    cancel_at: datetime | None = None  # when they will cancel (drawn ahead)
    forced: bool = False  # the demo student's own booking


@dataclass
class History:
    students: list = field(default_factory=list)
    bookings: list = field(default_factory=list)
    attendance: list = field(default_factory=list)  # (session pk, student key, walk_in)
    head_counts: dict = field(default_factory=dict)  # session pk -> number who came
    certificates: list = field(default_factory=list)  # (student key, run pk, attended, delivered, issued_on)
    questionnaires: list = field(default_factory=list)  # dicts
    feedback: list = field(default_factory=list)  # dicts
    goals: list = field(default_factory=list)  # (student key, text, course pks, created_on, achieved_on)
    reviews: list = field(default_factory=list)  # (student key, reviewed_on, note)
    equality: list = field(default_factory=list)  # (student key, answers dict, updated_on)


def _weighted(rng, pairs):
    values, weights = zip(*pairs)
    return rng.choices(values, weights=weights)[0]


def at(day, minutes):
    """A moment on `day`, `minutes` after 08:00 (naive, the College's time; the writer makes it
    aware). Every moment of the simulation is between 07:00 and 21:00."""
    return datetime.combine(day, time(8)) + timedelta(minutes=minutes)


def meets(attended, delivered):
    n, d = THRESHOLD
    return delivered > 0 and attended * d >= n * delivered


class Simulation:
    def __init__(self, rng, *, names, email, today, outcomes_from):
        self.rng, self.names, self.email = rng, names, email
        self.today, self.outcomes_from = today, outcomes_from
        self.demo = {}  # {"student": Stu, "runs": {role: run pk}}: the demo login's own history
        self.h = History()
        self.recent = []  # students who may come back
        self.per_term = {}  # (student, term) -> runs booked
        self.busy = set()  # (student, term, weekday, start time)

    # --- People ----------------------------------------------------------------------------------

    def new_student(self, when, *, source=None, name=None):
        rng = self.rng
        first, last = name or self.names()
        source = source or ("self" if rng.random() < 0.7 else "staff")
        account = source == "self" or (source == "staff" and rng.random() < 0.5)
        has_email = account or (source == "walk_in" and rng.random() < 0.5)
        s = Stu(
            key=len(self.h.students),
            first_name=first,
            last_name=last,
            email=self.email(first, last) if has_email else "",
            source=source,
            account=account,
            joined=when,
            relation="" if source == "walk_in" else _weighted(rng, RELATIONS),
            reliability=_weighted(rng, RELIABILITY),
            wellbeing=rng.uniform(1.9, 3.3),
            recovery=rng.uniform(1.2, 2.6),
            last_seen=when.date(),
        )
        if source != "walk_in":
            s.contact_by_email = has_email and rng.random() < 0.92
            if not has_email:
                s.phone, s.contact_by_phone = f"07700 900{rng.randrange(1000):03d}", True
            if rng.random() < ADJUSTMENTS_SHARE:
                s.adjustments = rng.choice(ADJUSTMENTS)
        else:
            s.contact_by_email = has_email
        self.h.students.append(s)
        return s

    def _free(self, s, run):
        return (
            self.per_term.get((s.key, run.term), 0) < RUNS_PER_TERM
            and (s.key, run.term, run.weekday, run.start_time) not in self.busy
            and run.pk not in s.runs
        )

    def _take(self, s, run):
        self.per_term[(s.key, run.term)] = self.per_term.get((s.key, run.term), 0) + 1
        self.busy.add((s.key, run.term, run.weekday, run.start_time))
        s.runs.append(run.pk)

    def _who(self, run, when):
        rng = self.rng
        if self.recent and rng.random() < RETURNING:
            for _try in range(4):
                s = self.h.students[rng.choice(self.recent)]
                if self._free(s, run):
                    return s
        return self.new_student(when)

    # --- Bookings --------------------------------------------------------------------------------

    def book(self, run):
        """The run's bookings in the order they were made, with cancellations and promotions."""
        rng = self.rng
        first = run.sessions[0][1]
        opens = run.start_date - timedelta(days=BOOKING_DAYS)
        closes = min(run.start_date - timedelta(days=1), self.today - timedelta(days=1))
        if closes < opens:
            return []
        span = (closes - opens).days
        if run.status == "cancelled":
            wanted = rng.randint(2, LOW_ENROLMENT - 1) if run.cancel_reason == "low_enrolment" else 0
        else:
            wanted = max(LOW_ENROLMENT, round(run.capacity * rng.uniform(*FILL)))
            if run.start_date > self.today:  # still taking bookings: as many as so far
                wanted = round(wanted * (self.today - opens).days / max(1, (run.start_date - opens).days))
        forced = [role for role, pk in self.demo.get("runs", {}).items() if pk == run.pk]
        waiting_list = "waiting" in forced
        if waiting_list:
            wanted = run.capacity  # full: the demo student is first on its waiting list
        bookings = []
        if forced:
            # The demo student books first (or, for the full run, last of all), and keeps their place.
            s = self.demo["student"]
            when = at(closes, 13 * 60) if waiting_list else at(opens, -60)
            bookings.append(Bk(s.key, run.pk, when, forced=True))
            self._take(s, run)
        for _ in range(wanted):
            day = opens + timedelta(days=rng.randint(0, span))
            when = at(day, rng.randrange(0, 13 * 60))
            s = self._who(run, when)
            self._take(s, run)
            s.last_seen = max(s.last_seen, day)
            self.recent.append(s.key)
            b = Bk(s.key, run.pk, when)
            if rng.random() < CANCEL_SHARE and not waiting_list:
                # On a later day, before the first session (and before today).
                days = (min(first, self.today) - day).days - 1
                if days >= 1:
                    b.cancel_at = at(day + timedelta(days=rng.randint(1, days)), rng.randrange(0, 13 * 60))
            bookings.append(b)
        bookings.sort(key=lambda b: b.created)
        # The day-by-day story: bookings, then cancellations freeing places for the first waiting.
        events = [(b.created, 0, i) for i, b in enumerate(bookings)]
        events += [(b.cancel_at, 1, i) for i, b in enumerate(bookings) if b.cancel_at]
        taken = 0
        for when, kind, i in sorted(events):
            b = bookings[i]
            if kind == 0:
                if taken < run.capacity:
                    b.status, b.booked, taken = "booked", when, taken + 1
                else:
                    b.status = "waiting"
            else:
                was = b.status
                b.status, b.cancelled = "cancelled", when
                if was == "booked":
                    waiting = [w for w in bookings if w.status == "waiting"]
                    if waiting:  # the freed place goes to the first person waiting
                        waiting[0].status, waiting[0].booked = "booked", when
                    else:
                        taken -= 1
        self.h.bookings += bookings
        return bookings

    # --- The register ----------------------------------------------------------------------------

    def register(self, run, bookings):
        """Who came to each delivered session; walk-ins; head counts; certificates."""
        rng = self.rng
        came = {}  # student key -> sessions attended
        placed = [b for b in bookings if b.status == "booked"]
        stop = {}
        for b in placed:
            if not b.forced and rng.random() < DROP_OUT_SHARE:
                stop[b.student] = rng.randrange(1, max(2, len(run.sessions)))
        delivered = [(pk, day) for pk, day, status in run.sessions if status == "delivered"]
        for n, (pk, day) in enumerate(delivered):
            here = []
            for b in placed:
                s = self.h.students[b.student]
                if b.booked.date() > day or n >= stop.get(b.student, len(delivered)):
                    continue
                if b.forced or rng.random() < s.reliability:
                    here.append((b.student, False))
            if rng.random() < WALK_IN_SHARE:
                walk_in = self.new_student(at(day, 120), source="walk_in")
                here.append((walk_in.key, True))
            for key, walk_in in here:
                self.h.attendance.append((pk, key, walk_in))
                came[key] = came.get(key, 0) + 1
                self.h.students[key].last_seen = day
            self.h.head_counts[pk] = len(here)
        if run.status == "completed":
            issued = max(day for _pk, day, _status in run.sessions)
            for key, n in came.items():
                if meets(n, len(delivered)):
                    self.h.certificates.append((key, run.pk, n, len(delivered), issued))
        return came, len(delivered)

    # --- Questionnaires and feedback -------------------------------------------------------------

    def _items(self, kind, base, gain):
        rng = self.rng
        low, high, n = (1, 5, 7) if kind == "swemwbs" else (0, 4, 15)
        items = [min(high, max(low, round(rng.gauss(base + gain, 0.7)))) for _ in range(n)]
        if rng.random() < INCOMPLETE_SHARE:
            items[rng.randrange(n)] = None
        return items

    def _answer(self, s, run, kind, timing, day, online, gain=0.0):
        items = self._items(kind, s.wellbeing if kind == "swemwbs" else s.recovery, gain)
        raw, metric = score_swemwbs(items) if kind == "swemwbs" else (score_qpr(items), None)
        self.h.questionnaires.append(
            dict(
                student=s.key,
                run=run.pk,
                kind=kind,
                timing=timing,
                items=items,
                raw=raw,
                metric=metric,
                completed_on=day,
                source="online" if online else "paper",
            )
        )

    def outcomes(self, run, bookings, came, delivered):
        """SWEMWBS and QPR-15 at the start and end, and the Friends and Family Test at the end."""
        rng = self.rng
        if run.status == "cancelled" or run.start_date < self.outcomes_from:
            return
        open_days = [day for _pk, day, status in run.sessions if status != "cancelled"]
        if not open_days:
            return
        # `last`: the last session held; `final`: the run's last date. Online, the end is open once
        # the run has ended: on its final date (a session cancelled on its day was still to come before).
        first, last, final = run.sessions[0][1], open_days[-1], run.sessions[-1][1]
        ended = run.status == "completed"
        demo = self.demo.get("student")
        for b in bookings:
            if b.status != "booked":
                continue
            s = self.h.students[b.student]
            mine = demo is not None and s.key == demo.key
            role = next((r for r, pk in self.demo.get("runs", {}).items() if pk == run.pk), "") if mine else ""
            online = s.account and (mine or rng.random() < ONLINE_SHARE)
            asks = len(run.sessions) >= QUESTIONNAIRE_MIN_SESSIONS
            if asks and role != "booked" and (mine or rng.random() < START_SHARE):
                # Online before the first session (after booking); on paper at it. Open until the run ends.
                day = max(b.booked.date(), first - timedelta(days=rng.randint(0, 4))) if online else first
                if day < last and day <= self.today:
                    for kind in ("swemwbs", "qpr"):
                        self._answer(s, run, kind, "start", day, online)
            share = came.get(s.key, 0) / delivered if delivered else 0
            if not ended or not share or role == "ended":
                continue  # the demo student's just-ended run: its end questionnaires and feedback wait for them
            end_day = min(self.today, final + timedelta(days=rng.randint(0, 6))) if online else last
            if asks and (mine or rng.random() < END_SHARE * share):
                effect = min(1.0, share / 0.67)
                for kind, mean, sd in (("swemwbs", 0.55, 0.45), ("qpr", 0.75, 0.5)):
                    self._answer(s, run, kind, "end", end_day, online, gain=rng.gauss(mean, sd) * effect)
            if mine or rng.random() < FEEDBACK_SHARE:
                answer = "very_good" if mine else _weighted(rng, ANSWERS)
                comment = COMMENTS[0] if mine else (rng.choice(COMMENTS) if rng.random() < 0.35 else "")
                self.h.feedback.append(
                    dict(
                        student=s.key,
                        run=run.pk,
                        answer=answer,
                        comment=comment,
                        given_on=end_day,
                        source="online" if online else "paper",
                    )
                )

    # --- Learning plans and equality monitoring --------------------------------------------------

    def plans(self, course_of):
        rng = self.rng
        demo = self.demo.get("student")
        for s in self.h.students:
            if not s.account:
                continue
            if demo is not None and s.key == demo.key:
                continue
            if len(s.runs) >= 3 and s.joined.date() >= self.outcomes_from and rng.random() < PLAN_SHARE:
                created = s.joined.date()
                for text in rng.sample(GOALS, rng.randint(1, 3)):
                    courses = sorted({course_of[pk] for pk in rng.sample(s.runs, min(2, len(s.runs)))})
                    achieved = None
                    if rng.random() < 0.4:
                        achieved = min(self.today, created + timedelta(days=rng.randint(40, 300)))
                    self.h.goals.append((s.key, text, courses, created, achieved))
                for _ in range(rng.randint(0, 2)):
                    day = min(self.today, created + timedelta(days=rng.randint(30, 360)))
                    self.h.reviews.append((s.key, day, rng.choice(REVIEW_NOTES)))
            if rng.random() < EQUALITY_SHARE:
                answers = {q: _weighted(rng, choices) for q, choices in EQUALITY.items()}
                self.h.equality.append((s.key, answers, s.joined.date()))

    def demo_plan(self, course_of, runs_by_pk):
        """The demo student's learning plan: a goal met by the course that earned a certificate,
        one in progress, a review; and their equality-monitoring answers."""
        s, roles = self.demo.get("student"), self.demo.get("runs", {})
        if s is None:
            return
        past, now = runs_by_pk.get(roles.get("past")), runs_by_pk.get(roles.get("running"))
        created = s.joined.date()
        if past is not None:
            achieved = max(day for _pk, day, _st in past.sessions)
            self.h.goals.append((s.key, GOALS[0], [past.course], created, achieved))
            self.h.reviews.append((s.key, achieved + timedelta(days=7), REVIEW_NOTES[1]))
        if now is not None:
            self.h.goals.append((s.key, GOALS[1], [now.course], created, None))
        self.h.equality.append(
            (
                s.key,
                {
                    "age_band": "25_44",
                    "gender": "",
                    "ethnicity": "prefer_not",
                    "disability": "",
                    "sexual_orientation": "",
                },
                created,
            )
        )


def simulate(rng, *, runs, names, email, today, outcomes_from, demo):
    """The College's students' history. `runs`: Run records in the order they start; `names()`:
    the next invented (first, last); `email(first, last)`: a student's address; `demo`: the demo
    login's (first, last) name and the runs picked for it ({role: run pk}: past, ended, running,
    booked, waiting). Returns a History."""
    sim = Simulation(rng, names=names, email=email, today=today, outcomes_from=outcomes_from)
    roles = demo.get("runs", {})
    if roles:
        first = min(r.start_date for r in runs if r.pk in roles.values())
        joined = at(first - timedelta(days=BOOKING_DAYS + 7), 90)
        student = sim.new_student(joined, source="self", name=demo["name"])
        student.reliability, student.adjustments, student.contact_by_email = 1.0, "", True
        sim.demo = {"student": student, "runs": roles}
    last_prune = None
    for run in runs:
        if last_prune != run.term:  # who may come back: anyone seen in the last 18 months
            horizon = run.start_date - timedelta(days=540)
            sim.recent = sorted({k for k in sim.recent if sim.h.students[k].last_seen >= horizon})
            last_prune = run.term
        if not run.sessions:
            continue
        bookings = sim.book(run)
        came, delivered = sim.register(run, bookings)
        sim.outcomes(run, bookings, came, delivered)
    course_of = {r.pk: r.course for r in runs}
    sim.plans(course_of)
    sim.demo_plan(course_of, {r.pk: r for r in runs})
    return sim.h
