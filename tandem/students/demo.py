"""The demo College's students: `populate(college, rng) -> summary` (registered in
tandem.demo.generate.AREA_DEMOS, called after the College's runs and sessions are written).

Invented students book the College's runs (waiting lists and places freed included), come to
its delivered sessions (never to a cancelled one; walk-ins too), earn certificates, answer
SWEMWBS and QPR-15 at both ends of a run and the Friends and Family Test at the end (from autumn
2018, when the College started asking), keep learning plans and answer the optional equality
questions. The history is simulated in plain Python (tandem.students.demo_history) by the
services' rules and written with bulk inserts, for speed; tandem/students/tests/test_demo.py
replays a sample through the services and checks every record against their rules. The
College's setting (four runs a student a term) goes through `services.settings_update`.

The demo login `student` (password as the other demo logins) has a certificate from the summer,
a run that has just ended (its end questionnaires and feedback to answer), a run under way
(taught by the `tutor` or `peer` login where one of theirs is), a place on a run still to come,
the first place on a full run's waiting list, a learning plan and equality answers.
"""

import datetime as dt
import functools
import secrets
from collections import defaultdict
from datetime import date
from itertools import product

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.db import connection, transaction
from django.utils import timezone

from tandem.accounts.models import Role, User
from tandem.audit.services import record
from tandem.core import clock
from tandem.core.models import Term
from tandem.courses.models import CourseRun, Session
from tandem.demo import data
from tandem.tutors.models import Tutor

from . import services
from .demo_history import QUESTIONNAIRE_MIN_SESSIONS, RUNS_PER_TERM, THRESHOLD, Run, at, simulate
from .models import (
    Attendance,
    Booking,
    Certificate,
    EqualityMonitoring,
    Feedback,
    LearningGoal,
    PlanReview,
    Questionnaire,
    Student,
)

USER_COLUMNS = (
    "password",
    "username",
    "email",
    "first_name",
    "last_name",
    "role",
    "college",
    "date_joined",
    "is_superuser",
    "is_staff",
    "is_active",
)
USER_FLAGS = (False, False, True)
# The profile's fields are the services' own list, in its order (the rows below follow it).
STUDENT_COLUMNS = (
    "college",
    "user",
    *services.PROFILE_FIELDS,
    "source",
    "enrolled_by",
    "created_at",
)
ZONE = timezone.get_default_timezone()
OUTCOMES_FROM = date(2018, 9, 1)  # the College began asking for SWEMWBS, QPR-15 and the FFT in autumn 2018


def _aware(moment):
    """A naive moment of the simulation in the College's time zone (zoneinfo: replace is exact)."""
    return moment.replace(tzinfo=ZONE) if moment is not None else None


def _insert(model, columns, rows):
    """Insert many rows of `model` at once without building model instances: bulk_create spends
    about 50 µs a row in Django's compiler, and the demo has tens of thousands of bookings and
    attendances. Values must be ready for the database (see `_moment`, `_day`)."""
    qn = connection.ops.quote_name
    cols = ", ".join(qn(model._meta.get_field(c).column) for c in columns)
    sql = f"INSERT INTO {qn(model._meta.db_table)} ({cols}) VALUES ({', '.join(['%s'] * len(columns))})"  # nosec B608 - names from the model's metadata; values are parameters
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[i : i + 5000])


@functools.cache
def _utc_offset(day):
    """The College's offset from UTC on `day` (the simulation's moments are 07:00 to 21:00, never
    near a clock change at 01:00)."""
    return ZONE.utcoffset(dt.datetime.combine(day, dt.time(12)))


def _moment(moment):
    """A naive moment of the simulation (the College's time zone) as the database takes it: what
    connection.ops.adapt_datetimefield_value does, without its per-value cost (SQLite stores UTC
    text; PostgreSQL takes the aware value)."""
    if moment is None:
        return None
    if connection.vendor == "sqlite":
        return str(moment - _utc_offset(moment.date()))
    return _aware(moment)


def _day(day):
    return connection.ops.adapt_datefield_value(day)


def _names(college, rng):
    """Invented (first, last) pairs the College's tutors and staff do not have, in a shuffled
    order; once every pair is used, they come round again (two students may share a name)."""
    taken = set(Tutor.objects.filter(college=college).values_list("first_name", "last_name"))
    taken |= set(User.objects.filter(college=college).values_list("first_name", "last_name"))
    pairs = sorted(set(product(data.FIRST_NAMES, data.LAST_NAMES)) - taken)
    rng.shuffle(pairs)
    state = {"i": 0}

    def names():
        pair = pairs[state["i"] % len(pairs)]
        state["i"] += 1
        return pair

    return names


def _emails(college):
    domain = "students.example" if college.slug == data.COLLEGE_SLUG else f"{college.slug}.students.example"
    seen = defaultdict(int)

    def email(first, last):
        local = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
        seen[local] += 1
        return f"{local}{seen[local] if seen[local] > 1 else ''}@{domain}"

    return email


def _runs(college):
    sessions = defaultdict(list)
    for pk, run, day, status in (
        Session.objects.filter(run__course__college=college).order_by("date", "start_time", "pk")
    ).values_list("pk", "run_id", "date", "status"):
        sessions[run].append((pk, day, status))
    tutors = defaultdict(set)
    for run, username in CourseRun.tutors.through.objects.filter(
        courserun__course__college=college, tutor__user__isnull=False
    ).values_list("courserun_id", "tutor__user__username"):
        tutors[run].add(username)
    rows = (
        CourseRun.objects.filter(course__college=college)
        .order_by("start_date", "start_time", "course__title", "pk")
        .values_list(
            "pk", "course_id", "term_id", "weekday", "start_time", "start_date", "capacity", "status", "cancel_reason"
        )
    )
    return [Run(*row, sessions=sessions[row[0]], tutors=frozenset(tutors[row[0]])) for row in rows]


def pick_demo_runs(college, runs, today):
    """The runs of the demo student's story: {role: run pk} (a role is left out when the College
    has no run for it, as with another seed)."""
    term = Term.objects.filter(college=college, starts_on__lte=today, ends_on__gte=today).values_list("pk", flat=True)
    current = term.first()
    ours = {data.login("tutor", college.slug), data.login("peer", college.slug)}

    def delivered(r):
        return sum(1 for _pk, _day, status in r.sessions if status == "delivered")

    def long_enough(r):
        return len(r.sessions) >= QUESTIONNAIRE_MIN_SESSIONS

    picks, times = {}, set()

    def choose(role, candidates, key):
        found = sorted((r for r in candidates if (r.weekday, r.start_time) not in times), key=key)
        if found:
            picks[role] = found[0].pk
            if role != "past":  # this term's: at different times of the week
                times.add((found[0].weekday, found[0].start_time))

    in_term = [r for r in runs if r.term == current]
    choose(
        "running",
        [r for r in in_term if r.status == "running" and long_enough(r) and delivered(r) >= 2],
        lambda r: (not (r.tutors & ours), r.start_date, r.pk),
    )
    choose(
        "ended",
        [r for r in in_term if r.status == "completed" and long_enough(r) and delivered(r) >= 2],
        lambda r: (-r.sessions[-1][1].toordinal(), r.pk),
    )
    choose(
        "past",
        [
            r
            for r in runs
            if r.term != current and r.status == "completed" and r.start_date >= OUTCOMES_FROM and delivered(r) >= 3
        ],
        lambda r: (-r.start_date.toordinal(), r.pk),
    )
    future = [r for r in in_term if r.status == "confirmed" and r.start_date > today]
    choose("booked", future, lambda r: (r.start_date, r.pk))
    choose("waiting", [r for r in future if r.pk != picks.get("booked")], lambda r: (r.start_date, r.pk))
    return picks


def history(college, rng):
    """(runs, the demo login's story, History): the College's students simulated from its records."""
    today = clock.today(college)
    runs = _runs(college)
    names = _names(college, rng)
    demo = {"name": names(), "runs": pick_demo_runs(college, runs, today)}
    h = simulate(
        rng, runs=runs, names=names, email=_emails(college), today=today, outcomes_from=OUTCOMES_FROM, demo=demo
    )
    return runs, demo, h


@transaction.atomic
def populate(college, rng):
    """Write the demo College's students and their records; return a summary of what was written."""
    admin = User.objects.filter(college=college, role=Role.COLLEGE_ADMIN).order_by("pk").first()
    services.settings_update(
        actor=None,
        college=college,
        runs_per_term=RUNS_PER_TERM,
        certificate_numerator=THRESHOLD[0],
        certificate_denominator=THRESHOLD[1],
    )
    runs, demo, h = history(college, rng)

    # Accounts: students who signed up (or were given one). The demo login shares the other demo
    # logins' password (its hash). Those who signed up chose a password nobody knows: one hash of a
    # random secret for all (key stretching takes a quarter of a second a hash); those enrolled by
    # staff may not have set theirs yet (unusable, as an invitation waiting).
    demo_key = 0 if demo["runs"] else None
    login = data.login("student", college.slug)
    shared = (
        User.objects.filter(college=college, username=data.login("admin", college.slug))
        .values_list("password", flat=True)
        .first()
    )
    chosen = make_password(secrets.token_urlsafe(32))

    def password(s):
        if s.key == demo_key and shared:
            return shared
        return chosen if s.source == "self" else f"{UNUSABLE_PASSWORD_PREFIX}{rng.getrandbits(160):040x}"

    accounts = [s for s in h.students if s.account]
    _insert(
        User,
        USER_COLUMNS,
        [
            (
                password(s),
                login if s.key == demo_key else s.email,
                s.email,
                s.first_name,
                s.last_name,
                Role.STUDENT,
                college.pk,
                _moment(s.joined),
                *USER_FLAGS,
            )
            for s in accounts
        ],
    )
    # The new rows' ids in the order they were inserted (the College had no students before).
    user_ids = User.objects.filter(college=college, role=Role.STUDENT).order_by("pk").values_list("pk", flat=True)
    user_of = dict(zip([s.key for s in accounts], user_ids, strict=True))
    _insert(
        Student,
        STUDENT_COLUMNS,
        [
            (
                college.pk,
                user_of.get(s.key),
                s.first_name,
                s.last_name,
                s.email,
                s.phone,
                s.relation,
                None if s.source == "walk_in" else _moment(s.joined),
                s.adjustments,
                s.contact_by_email,
                s.contact_by_phone,
                s.source,
                admin.pk if admin and s.source == "staff" else None,
                _moment(s.joined),
            )
            for s in h.students
        ],
    )
    pk = list(Student.objects.filter(college=college).order_by("pk").values_list("pk", flat=True))
    assert len(pk) == len(h.students)
    by_self = {s.key for s in h.students if s.source == "self"}
    admin_id = admin.pk if admin else None

    def actor(key, online):
        """Who wrote a row: the student from their own account, else the admin (by phone, from paper)."""
        return user_of[key] if online else admin_id

    _insert(
        Booking,
        ("student", "run", "status", "created_at", "booked_at", "cancelled_at", "booked_by"),
        [
            (
                pk[b.student],
                b.run,
                b.status,
                _moment(b.created),
                _moment(b.booked),
                _moment(b.cancelled),
                actor(b.student, b.student in by_self),
            )
            for b in h.bookings
        ],
    )
    dates = dict(Session.objects.filter(run__course__college=college).values_list("pk", "date"))
    recorded = {s: _moment(at(day, 9 * 60)) for s, day in dates.items()}
    _insert(
        Attendance,
        ("session", "student", "walk_in", "recorded_at"),
        [(s, pk[key], walk_in, recorded[s]) for s, key, walk_in in h.attendance],
    )
    # The register's rule: the head count is the number who came.
    by_count = defaultdict(list)
    for session, n in sorted(h.head_counts.items()):
        by_count[n].append(session)
    for n, sessions in sorted(by_count.items()):
        for i in range(0, len(sessions), 500):
            Session.objects.filter(pk__in=sessions[i : i + 500]).update(head_count=n)
    _insert(
        Certificate,
        ("student", "run", "sessions_attended", "sessions_delivered", "issued_on"),
        [(pk[key], run, a, d, _day(on)) for key, run, a, d, on in h.certificates],
    )
    _insert(
        Questionnaire,
        ("student", "run", "kind", "timing", "items", "raw", "metric", "completed_on", "source", "entered_by"),
        [
            (
                pk[q["student"]],
                q["run"],
                q["kind"],
                q["timing"],
                connection.ops.adapt_json_value(q["items"], None),
                q["raw"],
                q["metric"],
                _day(q["completed_on"]),
                q["source"],
                actor(q["student"], q["source"] == "online"),
            )
            for q in h.questionnaires
        ],
    )
    _insert(
        Feedback,
        ("student", "run", "answer", "comment", "given_on", "source", "entered_by"),
        [
            (
                pk[f["student"]],
                f["run"],
                f["answer"],
                f["comment"],
                _day(f["given_on"]),
                f["source"],
                actor(f["student"], f["source"] == "online"),
            )
            for f in h.feedback
        ],
    )
    goals = LearningGoal.objects.bulk_create(
        [
            LearningGoal(student_id=pk[key], text=text, created_on=created, achieved_on=achieved)
            for key, text, _courses, created, achieved in h.goals
        ]
    )
    Through = LearningGoal.courses.through
    Through.objects.bulk_create(
        [
            Through(learninggoal_id=goal.pk, course_id=course)
            for goal, (_key, _text, courses, _c, _a) in zip(goals, h.goals)
            for course in courses
        ]
    )
    PlanReview.objects.bulk_create(
        [PlanReview(student_id=pk[key], reviewed_on=day, note=note, recorded_by=admin) for key, day, note in h.reviews]
    )
    EqualityMonitoring.objects.bulk_create(
        [EqualityMonitoring(student_id=pk[key], updated_on=day, **answers) for key, answers, day in h.equality]
    )
    record(
        actor=None,
        action="create",
        object_type=Student._meta.label,
        note=f"Demo students: {len(pk)} students, {len(h.bookings)} bookings, {len(h.attendance)} attendances",
        college_id=college.pk,
    )
    return {
        "students": len(pk),
        "accounts": len(accounts),
        "bookings": len(h.bookings),
        "attendances": len(h.attendance),
        "certificates": len(h.certificates),
        "questionnaires": len(h.questionnaires),
        "feedback": len(h.feedback),
        "learning_goals": len(h.goals),
        "login": login if demo_key is not None else None,
        "login_runs": sorted(demo["runs"]),
    }
