"""The demo College's students (tandem.students.demo) are what the students services write.

The demo writes its students in bulk (fast); these tests build it once and
- check every student record against the rules the services enforce (places and waiting lists,
  the per-term limit, attendance only at delivered sessions, head counts, certificates,
  questionnaires' scores and windows, feedback once a run has ended);
- replay a sample of runs through the services, day by day on a second College's clock, into a
  replica (same terms, rooms and tutors): students sign up or are enrolled, book, cancel (the
  first person waiting gets the place), the register records who came, questionnaires and
  feedback are saved, the run's completion issues certificates. The rows must be the same, by
  natural keys (students by name and email), dates rather than times of day (the services stamp
  the real time of day on the College's date);
- `tandem measures` on the demo has every student measure with a series;
- the `student` demo login has bookings, attendance, a certificate and a learning plan.
"""

import datetime as dt
import json
from collections import Counter, defaultdict
from types import SimpleNamespace

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import Role, User
from tandem.core.models import College, Room, Site, Term
from tandem.courses import services as course_services
from tandem.courses.models import CourseRun, Session
from tandem.demo import generate
from tandem.students import outcomes, services
from tandem.students.demo_history import LOW_ENROLMENT
from tandem.students.models import Attendance, Booking, Certificate, Feedback, LearningGoal, Questionnaire, Student
from tandem.students.scoring import score_qpr, score_swemwbs
from tandem.tutors.models import Tutor

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

STUDENT_KEYS = (
    "students_attending",
    "student_attendance_rate",
    "course_completion_rate",
    "swemwbs_change",
    "qpr_change",
    "friends_and_family_positive",
)


@pytest.fixture(autouse=True)
def emails_at_once():
    """Unlike the other students tests, the replay's emails stay queued (they would go to
    thousands of invented students)."""


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        summary = generate(seed=2019)
        demo = College.objects.get(slug="demo")
        yield SimpleNamespace(demo=demo, summary=summary, today=demo.clock_date)
        transaction.set_rollback(True)


def _last_open(run):
    """The date of the run's last session not cancelled (None if every one was)."""
    return (
        run.sessions.exclude(status=Session.Status.CANCELLED).order_by("-date").values_list("date", flat=True).first()
    )


# --- What the demo shows ---------------------------------------------------------------------------


def test_measures_on_the_demo_have_every_student_key_with_a_series(built, capsysbinary):
    call_command("measures", "--college", "demo")
    got = {m["key"]: m for m in json.loads(capsysbinary.readouterr().out)["measures"]}
    for key in STUDENT_KEYS:
        values = [p["value"] for p in got[key]["series"] if p["value"] is not None]
        # Attendance from the College's first term; questionnaires and feedback from autumn 2018.
        assert len(values) >= (48 if key in STUDENT_KEYS[:3] else 12), (key, len(values))
    values = {key: [p["value"] for p in got[key]["series"] if p["value"] is not None] for key in STUDENT_KEYS}
    assert min(values["students_attending"]) > 50
    assert all(0.5 < v < 1 for v in values["student_attendance_rate"] + values["course_completion_rate"])
    assert all(v > 0 for v in values["swemwbs_change"] + values["qpr_change"])  # people's wellbeing improves
    assert all(0.7 < v <= 1 for v in values["friends_and_family_positive"])


def test_the_same_records_and_seed_give_the_same_students(built):
    import random

    from tandem.students.demo import history

    first, second = history(built.demo, random.Random(7)), history(built.demo, random.Random(7))
    assert first == second
    assert history(built.demo, random.Random(8))[2] != first[2]


def test_the_student_demo_login(built, client):
    user = authenticate(username="student", password="tandem-demo")
    assert user is not None and user.role == Role.STUDENT and user.college == built.demo
    student = user.student
    statuses = Counter(student.bookings.values_list("status", flat=True))
    assert statuses == {"booked": 4, "waiting": 1}
    assert Attendance.objects.filter(student=student).count() >= 10
    assert student.certificates.count() == 2
    assert student.goals.filter(achieved_on__isnull=False).exists() and student.goals.filter(achieved_on=None).exists()
    assert student.plan_reviews.exists() and student.questionnaires.exists() and student.feedback.exists()
    client.force_login(user)
    page = client.get(reverse("students:my_courses")).content.decode()
    assert "Certificate" in page and "waiting list" in page
    # Open now: the end of the run that has just ended, the start of the run still to come.
    bookings = list(student.bookings.select_related("run").filter(status="booked"))
    outcomes.dress_bookings(student, bookings, built.today)
    open_now = sorted(label for b in bookings for label, _url, _args in b.to_answer)
    assert open_now == sorted(
        [
            "Feedback on the course",
            "QPR-15 (recovery): end of the course",
            "QPR-15 (recovery): start of the course",
            "SWEMWBS (wellbeing): end of the course",
            "SWEMWBS (wellbeing): start of the course",
        ]
    )


# --- Every record follows the services' rules ------------------------------------------------------


def test_bookings_follow_the_rules(built):
    college, today = built.demo, built.today
    limit = services.settings_for(college).runs_per_term
    assert limit == 4
    runs = {r.pk: r for r in CourseRun.objects.filter(course__college=college)}
    # Every session of a run is still to come when it is booked (sessions are recorded on their day).
    last_session = dict(
        Session.objects.filter(run__course__college=college).values_list("run_id").order_by().annotate(last=Max("date"))
    )
    places, waiting, live = Counter(), Counter(), Counter()
    for b in Booking.objects.filter(run__course__college=college).select_related("run"):
        assert _d(b.created_at) < today
        assert _d(b.created_at) < last_session[b.run_id]  # booked while it had sessions to come
        if b.status == Booking.Status.BOOKED:
            assert b.booked_at is not None and b.booked_at >= b.created_at and b.cancelled_at is None
            places[b.run_id] += 1
        elif b.status == Booking.Status.WAITING:
            assert b.booked_at is None and b.cancelled_at is None
            waiting[b.run_id] += 1
        else:
            assert b.cancelled_at is not None and b.cancelled_at >= b.created_at
        if b.status != Booking.Status.CANCELLED:
            live[(b.student_id, b.run.term_id)] += 1
    assert max(live.values()) <= limit
    for pk, run in runs.items():
        assert places[pk] <= run.capacity, run
        assert not waiting[pk] or places[pk] == run.capacity, run  # nobody waits while a place is free
        if run.status == CourseRun.Status.CANCELLED:
            assert places[pk] < (LOW_ENROLMENT if run.cancel_reason == "low_enrolment" else 1), run
    assert sum(waiting.values()) > 0 and Booking.objects.filter(status="cancelled").exists()
    # Places freed by a cancellation went to the first person waiting.
    promoted = Booking.objects.filter(run__course__college=college, status="booked").values_list(
        "created_at", "booked_at"
    )
    assert any(booked > created for created, booked in promoted)


def test_attendance_and_head_counts_follow_the_register(built):
    college = built.demo
    came = Counter(
        Attendance.objects.filter(session__run__course__college=college).values_list("session_id", flat=True)
    )
    for pk, status, head_count in Session.objects.filter(run__course__college=college).values_list(
        "pk", "status", "head_count"
    ):
        if status == Session.Status.DELIVERED:
            assert head_count == came[pk], pk
        else:
            assert head_count is None and not came[pk], pk  # no attendance at a cancelled or future session
    places = {
        (s, r): _d(booked_at)
        for s, r, booked_at in Booking.objects.filter(run__course__college=college, status="booked").values_list(
            "student_id", "run_id", "booked_at"
        )
    }
    sources = dict(Student.objects.filter(college=college).values_list("pk", "source"))
    walk_ins = 0
    for student, run, day, walk_in in Attendance.objects.filter(session__run__course__college=college).values_list(
        "student_id", "session__run_id", "session__date", "walk_in"
    ):
        if walk_in:
            walk_ins += 1
            assert sources[student] == "walk_in" and (student, run) not in places
        else:
            assert places[(student, run)] <= day  # a place on the run when the session took place
    assert walk_ins > 0


def test_certificates_are_what_the_register_earns(built):
    college = built.demo
    rule = services.settings_for(college)
    delivered = Counter(
        Session.objects.filter(run__course__college=college, status="delivered").values_list("run_id", flat=True)
    )
    came = Counter(
        Attendance.objects.filter(session__run__course__college=college, session__status="delivered").values_list(
            "session__run_id", "student_id"
        )
    )
    last = defaultdict(lambda: dt.date.min)
    for run, day in Session.objects.filter(run__course__college=college).values_list("run_id", "date"):
        last[run] = max(last[run], day)
    completed = set(CourseRun.objects.filter(course__college=college, status="completed").values_list("pk", flat=True))
    expected = {
        (student, run, n, delivered[run], last[run])
        for (run, student), n in came.items()
        if run in completed and services.meets_threshold(n, delivered[run], rule)
    }
    got = set(
        Certificate.objects.filter(run__course__college=college).values_list(
            "student_id", "run_id", "sessions_attended", "sessions_delivered", "issued_on"
        )
    )
    assert got == expected and len(got) > 1000
    # The service finds nothing left to issue (on a sample of the completed runs).
    with transaction.atomic():
        for run in CourseRun.objects.filter(pk__in=sorted(completed)[::25]):
            assert services.certificates_issue(run=run) == []
        transaction.set_rollback(True)


def test_questionnaires_and_feedback_follow_the_rules(built):
    college, today = built.demo, built.today
    users = dict(Student.objects.filter(college=college).values_list("pk", "user_id"))
    admin = User.objects.get(username="admin").pk
    places = {
        (s, r): _d(booked_at)
        for s, r, booked_at in Booking.objects.filter(run__course__college=college, status="booked").values_list(
            "student_id", "run_id", "booked_at"
        )
    }
    # (run, the last session held, the run's last date): online, a run has ended on its last date
    # (a last session cancelled on its day was still to come the day before).
    runs = {
        r.pk: (r, _last_open(r), r.sessions.order_by("-date").values_list("date", flat=True).first())
        for r in CourseRun.objects.filter(course__college=college, start_date__gte=dt.date(2018, 9, 1)).exclude(
            status="cancelled"
        )
    }
    scored = 0
    for q in Questionnaire.objects.filter(run__course__college=college):
        raw, metric = score_swemwbs(q.items) if q.kind == "swemwbs" else (score_qpr(q.items), None)
        assert (q.raw, q.metric) == (raw, metric)
        scored += raw is not None
        run, last, final = runs[q.run_id]
        assert q.completed_on <= today
        assert q.entered_by_id == (users[q.student_id] if q.source == "online" else admin)
        if q.source == "online":
            assert places[(q.student_id, q.run_id)] <= q.completed_on
            # Open at the start until the run has ended; at the end once it has.
            assert (q.completed_on < last) if q.timing == "start" else (q.completed_on >= final)
        elif q.timing == "end":
            assert q.completed_on == last  # on paper at the last session
    assert scored > 1000
    for f in Feedback.objects.filter(run__course__college=college):
        run, last, final = runs[f.run_id]
        assert run.status == "completed" and f.given_on <= today
        assert f.given_on >= final if f.source == "online" else f.given_on == last
        assert (f.student_id, f.run_id) in places
    for g in LearningGoal.objects.filter(student__college=college):
        assert g.achieved_on is None or g.created_on <= g.achieved_on <= today


# --- Replaying a sample through the services -------------------------------------------------------


def _d(moment):
    """The College's date of a stored moment (aware, UTC from the database)."""
    return timezone.localtime(moment).date() if moment else None


def _replica_email(email):
    return email.replace("@", "+replica@") if email else ""


def _who(user_role):
    return {None: None, Role.STUDENT: "student", Role.COLLEGE_ADMIN: "admin"}[user_role]


def snapshot(run):
    """A run's student records as plain values, students by (first, last, email as the demo has it)."""

    def key(s):
        return (s.first_name, s.last_name, s.email.replace("+replica@", "@"))

    bookings = sorted(
        (
            key(b.student),
            b.status,
            _d(b.created_at),
            _d(b.booked_at),
            _d(b.cancelled_at),
            _who(b.booked_by and b.booked_by.role),
        )
        for b in Booking.objects.filter(run=run).select_related("student", "booked_by")
    )
    came = sorted(
        (a.session.date, key(a.student), a.walk_in)
        for a in Attendance.objects.filter(session__run=run).select_related("session", "student")
    )
    heads = sorted(run.sessions.values_list("date", "status", "head_count"))
    certificates = sorted(
        (key(c.student), c.sessions_attended, c.sessions_delivered, c.issued_on)
        for c in Certificate.objects.filter(run=run).select_related("student")
    )
    answers = sorted(
        (
            key(q.student),
            q.kind,
            q.timing,
            tuple(q.items),
            q.raw,
            q.metric,
            q.completed_on,
            q.source,
            _who(q.entered_by and q.entered_by.role),
        )
        for q in Questionnaire.objects.filter(run=run).select_related("student", "entered_by")
    )
    feedback = sorted(
        (key(f.student), f.answer, f.comment, f.given_on, f.source, _who(f.entered_by and f.entered_by.role))
        for f in Feedback.objects.filter(run=run).select_related("student", "entered_by")
    )
    return {
        "status": run.status,
        "bookings": bookings,
        "attendance": came,
        "sessions": heads,
        "certificates": certificates,
        "questionnaires": answers,
        "feedback": feedback,
    }


class Replay:
    """The demo's runs replayed through the services into a replica College, on its own clock."""

    def __init__(self, demo):
        self.demo = demo
        self.college = College.objects.create(
            name="Replayed students", slug="replayed-students", trust=demo.trust, clock_date=demo.clock_date
        )
        self.rooms = {}
        for site in Site.objects.filter(college=demo):
            copy = Site.objects.create(college=self.college, name=site.name, kind=site.kind)
            for r in site.rooms.all():
                self.rooms[r.pk] = Room.objects.create(site=copy, name=r.name, capacity=r.capacity)
        self.terms = {
            t.pk: Term.objects.create(
                college=self.college, season=t.season, year=t.year, starts_on=t.starts_on, ends_on=t.ends_on
            )
            for t in Term.objects.filter(college=demo)
        }
        self.tutors = {}
        for t in Tutor.objects.filter(college=demo):
            self.tutors[t.pk] = Tutor.objects.create(
                college=self.college,
                kind=t.kind,
                first_name=t.first_name,
                last_name=t.last_name,
                email=t.email,
                status=t.status,
                employer=t.employer,
                profession=t.profession,
                team=t.team,
            )
        self.admin = User.objects.create_user(
            username="replay-students-admin",
            role=Role.COLLEGE_ADMIN,
            college=self.college,
            first_name="Re",
            last_name="Play",
        )
        rule = services.settings_for(demo)
        services.settings_update(
            actor=self.admin,
            college=self.college,
            runs_per_term=rule.runs_per_term,
            certificate_numerator=rule.certificate_numerator,
            certificate_denominator=rule.certificate_denominator,
        )
        self.courses, self.students = {}, {}

    def on(self, day):
        College.objects.filter(pk=self.college.pk).update(clock_date=day)

    def student(self, s):
        """The replica of demo student `s`, signed up or enrolled on the day they joined."""
        if s.pk not in self.students:
            self.on(_d(s.created_at))
            college = College.objects.get(pk=self.college.pk)
            profile = dict(
                first_name=s.first_name,
                last_name=s.last_name,
                email=_replica_email(s.email),
                relation=s.relation,
                agreement=True,
                adjustments=s.adjustments,
                contact_by_email=s.contact_by_email,
                contact_by_phone=s.contact_by_phone,
                phone=s.phone,
            )
            if s.source == "self":
                copy = services.student_sign_up(college=college, password="a-long-enough-passphrase", **profile)
            else:
                copy = services.student_enrol(
                    actor=self.admin, college=college, make_account=s.user_id is not None, **profile
                )
            self.students[s.pk] = copy
        return Student.objects.select_related("college", "user").get(pk=self.students[s.pk].pk)

    def actor(self, s, online=True):
        return self.students[s.pk].user if online and s.user_id else self.admin

    def run(self, demo_run):
        course = demo_run.course
        if course.pk not in self.courses:
            self.courses[course.pk] = course_services.course_create(
                actor=self.admin,
                college=self.college,
                co_producers=[self.tutors[t.pk] for t in course.co_producers.all()],
                title=course.title,
                topic=course.topic,
                description=course.description,
                number_of_sessions=course.number_of_sessions,
                hours_per_session=course.hours_per_session,
            )
        tutors = [self.tutors[t.pk] for t in demo_run.tutors.all()]
        run = course_services.run_create(
            actor=self.admin,
            course=self.courses[course.pk],
            term=self.terms[demo_run.term_id],
            weekday=demo_run.weekday,
            start_time=demo_run.start_time,
            end_time=demo_run.end_time,
            start_date=demo_run.start_date,
            online=demo_run.online,
            room=self.rooms.get(demo_run.room_id),
            capacity=demo_run.capacity,
            tutors=tutors,
        )
        if not course_services.missing_kinds(tutors):
            course_services.run_confirm(actor=self.admin, run=run)
        # Every event of the run's history, in order: bookings and cancellations (by the moment),
        # then on each day the register, then questionnaires, then feedback.
        events = []
        for b in Booking.objects.filter(run=demo_run).select_related("student"):
            events.append((_d(b.created_at), 0, b.created_at, "book", b))
            if b.cancelled_at:
                events.append((_d(b.cancelled_at), 0, b.cancelled_at, "cancel", b))
        for s in demo_run.sessions.exclude(cancel_reason=Session.CancelReason.RUN_CANCELLED):
            if s.status != Session.Status.SCHEDULED:
                events.append((s.date, 1, s.date, "session", s))
        if demo_run.status == CourseRun.Status.CANCELLED:
            events.append((demo_run.start_date, 1, demo_run.start_date, "cancel_run", demo_run))
        for q in Questionnaire.objects.filter(run=demo_run).select_related("student"):
            events.append((q.completed_on, 2, q.pk, "questionnaire", q))
        for f in Feedback.objects.filter(run=demo_run).select_related("student"):
            events.append((f.given_on, 3, f.pk, "feedback", f))
        mine = {}
        for day, _order, _when, what, x in sorted(events, key=lambda e: e[:3]):
            if hasattr(x, "student"):
                self.student(x.student)  # signed up (on their own day) before they act
            self.on(day)
            copy = CourseRun.objects.get(pk=run.pk)
            if what == "book":
                mine[x.pk] = services.booking_create(
                    actor=self.actor(x.student, x.student.source == "self"),
                    student=self.student(x.student),
                    run=copy,
                    waiting_list=True,
                )
            elif what == "cancel":
                services.booking_cancel(actor=self.actor(x.student, x.student.source == "self"), booking=mine[x.pk])
            elif what == "cancel_run":
                course_services.run_cancel(actor=self.admin, run=copy, reason=x.cancel_reason, note=x.cancel_note)
            elif what == "session":
                self.session(copy, x)
            elif what == "questionnaire":
                outcomes.questionnaire_save(
                    actor=self.actor(x.student, x.source == "online"),
                    student=self.student(x.student),
                    run=copy,
                    kind=x.kind,
                    timing=x.timing,
                    items=x.items,
                    source=x.source,
                    completed_on=x.completed_on,
                )
            else:
                outcomes.feedback_save(
                    actor=self.actor(x.student, x.source == "online"),
                    student=self.student(x.student),
                    run=copy,
                    answer=x.answer,
                    comment=x.comment,
                    source=x.source,
                    given_on=x.given_on,
                )
        return CourseRun.objects.get(pk=run.pk)

    def session(self, run, demo_session):
        session = run.sessions.get(date=demo_session.date)
        if demo_session.status == Session.Status.CANCELLED:
            course_services.session_cancel(
                actor=self.admin, session=session, reason=demo_session.cancel_reason, note=demo_session.cancel_note
            )
            return
        tutors = [self.tutors[t.pk] for t in demo_session.delivered_by.all()]
        came = list(demo_session.attendances.select_related("student"))
        attended = [self.students[a.student_id] for a in came if not a.walk_in]
        walk_ins = [(a.student.full_name, _replica_email(a.student.email)) for a in came if a.walk_in]
        if attended or walk_ins:
            services.session_record_with_students(
                actor=self.admin, session=session, tutors=tutors, attended=attended, walk_ins=walk_ins
            )
        else:  # nobody came: the register's typed head count, 0
            services.session_record_delivery_clearing(actor=self.admin, session=session, tutors=tutors, head_count=0)


def _sample(demo):
    runs = (
        CourseRun.objects.filter(course__college=demo)
        .select_related("course")
        .order_by("start_date", "start_time", "pk")
    )
    mine = set(Booking.objects.filter(student__user__username="student").values_list("run_id", flat=True))
    picks = {
        "promoted from the waiting list": runs.filter(
            bookings__status="cancelled", bookings__booked_at__isnull=False, status="completed"
        ).filter(bookings__status="waiting"),
        "a walk-in": runs.filter(sessions__attendances__walk_in=True, status="completed"),
        "a session cancelled, questionnaires on paper": runs.filter(
            status="completed", sessions__cancel_reason="tutor_unwell", questionnaires__source="paper"
        ),
        "an unscored questionnaire": runs.filter(questionnaires__raw__isnull=True),
        "too few students": runs.filter(cancel_reason="low_enrolment", bookings__isnull=False),
        "from the College's first term": runs.filter(status="completed"),
    }
    out = {label: qs.distinct().first() for label, qs in picks.items()}
    out.update({f"the student login's run {i}": r for i, r in enumerate(runs.filter(pk__in=mine))})
    return out


def test_a_sample_of_the_demo_is_what_the_services_write(built):
    sample = _sample(built.demo)
    missing = [label for label, run in sample.items() if run is None]
    assert not missing, f"the demo has no run of these kinds any more: {missing}"
    replay = Replay(built.demo)
    for label, demo_run in sample.items():
        got = snapshot(replay.run(demo_run))
        want = snapshot(demo_run)
        diff = [f"{k}: demo {want[k]!r}\n   services {got[k]!r}" for k in want if want[k] != got[k]]
        assert not diff, f"{label} ({demo_run.course.title}, {demo_run.start_date}):\n" + "\n".join(diff)
    # The students themselves, as sign-up and staff enrolment make them.
    for demo_pk, copy in replay.students.items():
        s, c = Student.objects.get(pk=demo_pk), Student.objects.select_related("user").get(pk=copy.pk)
        fields = (
            "first_name",
            "last_name",
            "phone",
            "relation",
            "source",
            "adjustments",
            "contact_by_email",
            "contact_by_phone",
        )
        assert [getattr(s, f) for f in fields] == [getattr(c, f) for f in fields], s
        assert (s.user_id is None) == (c.user_id is None) and _d(s.agreement_accepted_at) == _d(c.agreement_accepted_at)
