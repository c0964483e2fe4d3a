"""The demo College generator (tandem.demo) and the `tandem demo` command.

The demo is generated three times in this module, each in its own transaction: seed 2019 and
seed 3 (both rolled back at once), then seed 2019 again through the command, kept for the rest of
the module and rolled back at its end.
"""

import io
import random
from collections import Counter, defaultdict
from datetime import date
from types import SimpleNamespace

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Q

from tandem.accounts.models import Role, User
from tandem.core.management.commands.demo import Command as DemoCommand
from tandem.core.models import College, Organisation, Term
from tandem.courses.models import Course, CourseRun, Session
from tandem.demo import generate, summarise
from tandem.demo.release import APPROVAL_BY_LENGTH, DECLINE_REASONS, release_decision
from tandem.demo.timeline import TODAY
from tandem.qi.measures import goal_for, series
from tandem.tutors.models import Tutor

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # generates the whole demo College three times

PASSWORD = "tandem-demo"


class _Discard(Exception):
    pass


def _generate_and_discard(seed):
    """Generate in a transaction of its own, keep the summary, roll the records back."""
    try:
        with transaction.atomic():
            summary = generate(seed=seed)
            assert College.objects.filter(slug="demo").exists()
            raise _Discard(summary)
    except _Discard as done:
        assert not College.objects.exists()
        return done.args[0]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        first = _generate_and_discard(2019)
        other = _generate_and_discard(3)
        with transaction.atomic():
            out = io.StringIO()
            call_command("demo", stdout=out)  # the default seed, 2019
            college = College.objects.get(slug="demo")
            yield SimpleNamespace(
                college=college, first=first, other=other, output=out.getvalue(), summary=summarise(college)
            )
            transaction.set_rollback(True)


def band(sessions):
    return "single" if sessions == 1 else "short" if sessions <= 5 else "long"


# Determinism


def test_same_seed_gives_the_same_college(demo):
    kept = demo.summary
    assert kept["fingerprint"] == demo.first["fingerprint"]
    for key, value in kept.items():
        assert demo.first[key] == value, key


def test_another_seed_gives_another_college(demo):
    assert demo.other["seed"] == 3
    assert demo.other["fingerprint"] != demo.first["fingerprint"]
    assert demo.other["runs"] != demo.first["runs"]


def test_summary_counts(demo):
    s = demo.first
    assert s["college"] == "demo" and s["seed"] == 2019 and s["today"] == "2019-11-15"
    # 16 terms that ran (autumn 2014 to autumn 2019) and spring 2020, being planned.
    assert s["organisations"] == 4 and s["sites"] == 3 and s["terms"] == 17
    assert 40 <= s["courses"] <= 50
    assert 8 <= s["line_managers"] <= 12
    assert s["runs"]["total"] == sum(s["runs"]["by_status"].values())
    assert s["release_decisions"]["total"] > s["release_decisions"]["approved"] > 0
    assert set(s["release_decisions"]) - {"total", "approved", "pending"} <= set(DECLINE_REASONS)


# The College


def test_organisations_college_and_sites(demo):
    trust = Organisation.objects.get(is_trust=True)
    assert trust.name == "Northvale NHS Foundation Trust"
    assert Organisation.objects.filter(is_trust=False).count() == 3
    assert demo.college.name == "Northvale Recovery College" and demo.college.trust == trust
    kinds = Counter(demo.college.sites.values_list("kind", flat=True))
    assert kinds == {"hub": 1, "community": 2}
    assert all(site.rooms.exists() for site in demo.college.sites.all())


def test_terms_from_autumn_2014_to_autumn_2019(demo):
    terms = list(Term.objects.filter(college=demo.college, runs__isnull=False).distinct().order_by("starts_on"))
    assert (terms[0].season, terms[0].year) == ("autumn", 2014)
    assert (terms[-1].season, terms[-1].year) == ("autumn", 2019)
    assert len(terms) == 16
    # The next term exists, with no runs yet: its wish list waits to be planned.
    following = Term.objects.filter(college=demo.college).order_by("starts_on").last()
    assert (following.season, following.year) == ("spring", 2020) and not following.runs.exists()
    for term in terms:
        months = {"autumn": (9, 12), "spring": (1, 3), "summer": (4, 7)}[term.season]
        assert (term.starts_on.month, term.ends_on.month) == months


def test_sessions_every_month_but_august(demo):
    delivered = Session.objects.filter(run__course__college=demo.college, status=Session.Status.DELIVERED)
    months = {(d.year, d.month) for d in delivered.values_list("date", flat=True)}
    for year in range(2015, 2020):
        for month in range(1, 13):
            if (year, month) <= (2019, 10):
                assert ((year, month) in months) == (month != 8), (year, month)


def test_runs_per_term_between_50_and_70_and_growing(demo):
    per_term = list(
        Term.objects.filter(college=demo.college, starts_on__lte=date(2019, 11, 15))
        .order_by("starts_on")
        .annotate(n=Count("runs"))
        .values_list("n", flat=True)
    )
    assert all(50 <= n <= 70 for n in per_term), per_term
    assert sum(per_term[:3]) / 3 + 8 < sum(per_term[-3:]) / 3, per_term


def test_every_course_is_co_produced_by_a_peer_and_a_staff_tutor(demo):
    courses = Course.objects.filter(college=demo.college).annotate(
        peers=Count("co_producers", filter=Q(co_producers__kind=Tutor.Kind.PEER)),
        staff=Count("co_producers", filter=Q(co_producers__kind=Tutor.Kind.STAFF)),
    )
    lengths = Counter(band(c.number_of_sessions) for c in courses)
    assert set(lengths) == {"single", "short", "long"}
    for course in courses:
        assert course.peers >= 1 and course.staff >= 1, course.title


def test_delivered_sessions_are_co_delivered_and_counts_match(demo):
    sessions = (
        Session.objects.filter(run__course__college=demo.college)
        .annotate(
            peers=Count("delivered_by", filter=Q(delivered_by__kind=Tutor.Kind.PEER)),
            staff=Count("delivered_by", filter=Q(delivered_by__kind=Tutor.Kind.STAFF)),
        )
        .values_list("status", "peer_count", "staff_count", "peers", "staff")
    )
    sizes = Counter()
    for status, peer_count, staff_count, peers, staff in sessions:
        assert (peer_count, staff_count) == (peers, staff)
        if status == Session.Status.DELIVERED:
            assert peer_count >= 1 and staff_count >= 1
            sizes[peer_count + staff_count] += 1
        else:
            assert peer_count == staff_count == 0
    assert sizes[2] > sizes[3] > 0  # mostly the pair, sometimes three tutors


def test_runs_are_consistent(demo):
    runs = CourseRun.objects.filter(course__college=demo.college).select_related("course", "term")
    for run in runs.annotate(n=Count("sessions")):
        assert run.n == run.course.number_of_sessions
        assert run.term.starts_on <= run.start_date <= run.term.ends_on
        assert run.start_date.weekday() == run.weekday
        assert (run.status == CourseRun.Status.CANCELLED) == bool(run.cancel_reason)
        assert run.online or run.room_id
    by_reason = Counter(runs.filter(status=CourseRun.Status.CANCELLED).values_list("cancel_reason", flat=True))
    assert by_reason.most_common(1)[0][0] == "no_staff_tutor"


def test_the_current_term_has_delivered_then_scheduled_sessions_and_gaps(demo):
    current = CourseRun.objects.filter(course__college=demo.college, term__season="autumn", term__year=2019)
    sessions = Session.objects.filter(run__in=current)
    assert not sessions.filter(date__lt=TODAY, status=Session.Status.SCHEDULED).exists()
    assert not sessions.filter(date__gte=TODAY, status=Session.Status.DELIVERED).exists()
    assert sessions.filter(date__gte=TODAY, status=Session.Status.SCHEDULED).exists()
    assert (
        not Session.objects.filter(run__course__college=demo.college, status=Session.Status.SCHEDULED)
        .exclude(run__in=current)
        .exists()
    )
    statuses = set(current.values_list("status", flat=True))
    assert {"completed", "running", "confirmed"} <= statuses
    gaps = current.filter(status=CourseRun.Status.PLANNED).annotate(
        staff=Count("tutors", filter=Q(tutors__kind=Tutor.Kind.STAFF))
    )
    assert gaps.exists() and all(g.staff == 0 and g.start_date > TODAY for g in gaps)


def test_tutor_pools(demo):
    tutors = Tutor.objects.filter(college=demo.college)
    staff, peers = tutors.filter(kind=Tutor.Kind.STAFF), tutors.filter(kind=Tutor.Kind.PEER)
    assert not peers.filter(employer__isnull=False).exists()
    assert not staff.filter(line_manager__isnull=True).exists()
    assert not staff.exclude(line_manager__role=Role.LINE_MANAGER).exists()
    assert staff.filter(employer__is_trust=True).count() > 0.75 * staff.count()
    assert staff.filter(employer__is_trust=False).exists()
    assert staff.values("profession").distinct().count() >= 8
    statuses = set(tutors.values_list("status", flat=True))
    assert {"active", "left", "paused", "interested"} <= statuses
    left = tutors.filter(status=Tutor.Status.LEFT)
    assert not left.filter(left_on__isnull=True).exists()
    assert not tutors.exclude(status=Tutor.Status.LEFT).filter(left_on__isnull=False).exists()
    assert not tutors.filter(status=Tutor.Status.INTERESTED, coproduction_trained_on__isnull=False).exists()
    # Nobody taught before their co-production training or after they left.
    delivered = Session.delivered_by.through.objects.filter(tutor__college=demo.college)
    assert not delivered.filter(session__date__gte=F("tutor__left_on")).exists()
    assert not delivered.filter(session__date__lt=F("tutor__coproduction_trained_on")).exists()


def test_names_are_invented(demo):
    from tandem.demo import data

    names = Tutor.objects.filter(college=demo.college).values_list("first_name", "last_name")
    for first, last in names:
        assert first in data.FIRST_NAMES and last in data.LAST_NAMES
    assert len(set(names)) == len(names)


# The QI story


def test_qi_project(demo):
    project = demo.college.qi_projects.get()
    assert project.starts_on == date(2019, 2, 1) and project.deadline == date(2019, 10, 31)
    assert project.goal_measure == "staff_tutors_teaching" and float(project.target_change_percent) == 20
    assert "Trust staff" in project.title


def test_october_2019_meets_the_target_and_the_rise_is_sustained(demo):
    goal = goal_for(demo.college, "staff_tutors_teaching")
    assert goal["baseline_from"] == "2018-02" and goal["baseline_to"] == "2019-01"
    values = {p["period"]: p["value"] for p in series(demo.college, "staff_tutors_teaching")}
    assert values["2019-08"] is None
    assert values["2019-10"] >= goal["target"], (values["2019-10"], goal)
    # The changes (from March 2019) take a term to bite; from May every month is above the baseline.
    after = [values[m] for m in ("2019-05", "2019-06", "2019-07", "2019-09", "2019-10", "2019-11")]
    assert all(v > goal["baseline"] for v in after), (after, goal)
    assert max(values[m] for m in values if "2018-02" <= m < "2019-02" and values[m] is not None) < values["2019-10"]


def test_release_counts_are_zero_not_missing_whenever_requests_were_made_or_decided(demo):
    """Zero is not missing: "no declines" that month is 0 (the improvement itself), never null."""
    from django.utils import timezone

    from tandem.qi.measures import month_key
    from tandem.release.models import ReleaseRequest

    rr = ReleaseRequest.objects.filter(college=demo.college)
    busy = {month_key(timezone.localtime(t)) for t in rr.values_list("requested_at", flat=True)}
    busy |= {month_key(timezone.localtime(t)) for t in rr.exclude(decided_at=None).values_list("decided_at", flat=True)}
    assert len(busy) > 12
    for key in ("release_requests_made", "release_requests_approved", "release_requests_declined"):
        values = {p["period"]: p["value"] for p in series(demo.college, key)}
        assert all(values.get(m) is not None for m in busy), key
    declined = {p["period"]: p["value"] for p in series(demo.college, "release_requests_declined")}
    assert 0 in declined.values()


def test_release_is_refused_more_often_for_longer_courses_before_2019(demo):
    runs = CourseRun.objects.filter(course__college=demo.college, start_date__lt=date(2019, 1, 1))
    total, no_staff = Counter(), Counter()
    for sessions, reason in runs.values_list("course__number_of_sessions", "cancel_reason"):
        total[band(sessions)] += 1
        no_staff[band(sessions)] += reason == "no_staff_tutor"
    rate = {b: no_staff[b] / total[b] for b in total}
    assert rate["long"] > rate["short"] > rate["single"], rate
    assert rate["long"] > 2 * rate["single"], rate


def test_release_decision_is_one_explicit_rule():
    assert APPROVAL_BY_LENGTH["single"] > APPROVAL_BY_LENGTH["short"] > APPROVAL_BY_LENGTH["long"]
    rng = random.Random(1)
    early, late = date(2018, 5, 1), date(2019, 6, 1)
    approvals = defaultdict(list)
    for sessions in (1, 4, 8):
        for when in (early, late):
            for _ in range(400):
                d = release_decision(
                    rng, sessions=sessions, team_pressure=0.2, requested_on=when, starts_on=when.replace(day=28)
                )
                assert d.approved == (d.reason == "")
                assert d.reason in ("", *DECLINE_REASONS)
                approvals[sessions, when].append(d.approved)
    share = {k: sum(v) / len(v) for k, v in approvals.items()}
    assert share[1, early] > share[4, early] > share[8, early]
    for sessions in (1, 4, 8):
        assert share[sessions, late] > share[sessions, early]


def test_short_notice_and_course_length_show_in_decline_reasons():
    rng = random.Random(2)
    reasons = Counter()
    for _ in range(500):
        d = release_decision(
            rng, sessions=10, team_pressure=0.1, requested_on=date(2018, 3, 1), starts_on=date(2018, 3, 10)
        )
        reasons[d.reason] += 1
    assert reasons["short_notice"] > 0 and reasons["course_too_long"] > 0


# Logins and the command


def test_demo_logins_exist_for_every_role(demo):
    expected = {
        "admin": Role.COLLEGE_ADMIN,
        "qi": Role.QI_TEAM,
        "tutor": Role.TUTOR,
        "peer": Role.TUTOR,
        "manager": Role.LINE_MANAGER,
        "leader": Role.LEADER,
        "student": Role.STUDENT,
    }
    for username, role in expected.items():
        user = authenticate(username=username, password=PASSWORD)
        assert user is not None, username
        assert user.role == role and user.college == demo.college
        assert user.first_name and user.last_name
        assert not user.is_superuser and not user.is_staff  # the Django admin is for platform operators only
    # Every role has a demo login.
    assert {r for r, _label in Role.choices} == set(
        User.objects.filter(username__in=expected).values_list("role", flat=True)
    )


def test_the_tutor_and_peer_logins_are_teaching_now(demo):
    tutor = Tutor.objects.get(user__username="tutor")
    assert tutor.kind == Tutor.Kind.STAFF and tutor.employer.is_trust and tutor.status == Tutor.Status.ACTIVE
    assert tutor.line_manager.username == "manager"
    now = tutor.assigned_runs.filter(term__season="autumn", term__year=2019).exclude(status=CourseRun.Status.CANCELLED)
    assert now.exists()
    peer = Tutor.objects.get(user__username="peer")
    assert peer.kind == Tutor.Kind.PEER and peer.status == Tutor.Status.ACTIVE
    managed = Tutor.objects.filter(line_manager__username="manager").exclude(status=Tutor.Status.LEFT)
    assert managed.count() >= 3


def test_the_students_are_the_same_for_the_same_seed(demo):
    from tandem.students.models import Attendance, Booking, Questionnaire, Student

    mine = demo.first["areas"]["students"]
    college = demo.college
    kept = {
        "students": Student.objects.filter(college=college).count(),
        "bookings": Booking.objects.filter(student__college=college).count(),
        "attendances": Attendance.objects.filter(student__college=college).count(),
        "questionnaires": Questionnaire.objects.filter(student__college=college).count(),
    }
    assert {k: mine[k] for k in kept} == kept
    assert demo.other["areas"]["students"]["bookings"] != mine["bookings"]
    # Of the students' accounts, only the demo login's password is known.
    students = User.objects.filter(college=college, role=Role.STUDENT)
    assert students.count() > 1000
    assert authenticate(username="student", password=PASSWORD) is not None
    others = students.exclude(username="student").exclude(password__startswith="!")
    assert others.exists() and authenticate(username=others.first().username, password=PASSWORD) is None


def test_other_line_managers_cannot_log_in(demo):
    others = User.objects.filter(college=demo.college, role=Role.LINE_MANAGER).exclude(username="manager")
    assert others.exists() and not any(u.has_usable_password() for u in others)


def test_command_prints_counts_and_logins(demo):
    out = demo.output
    assert "seed 2019" in out and "course runs" in out and "sessions" in out
    for username in ("admin", "qi", "tutor", "peer", "manager", "leader", "student"):
        assert f"  {username} " in out
    assert PASSWORD in out


@pytest.fixture
def keep_connection(monkeypatch):
    """run_from_argv closes every database connection when it ends, which would end the module's
    transaction (on PostgreSQL): keep it open while a test runs the command as from the shell."""
    from django.core.management import base

    monkeypatch.setattr(base.connections, "close_all", lambda: None)


def test_command_refuses_a_database_that_holds_a_college(demo, capsys, keep_connection):
    with pytest.raises(SystemExit) as exit_:
        DemoCommand().run_from_argv(["tandem", "demo", "--skip-checks"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "already holds a College" in err and "empty database" in err
    assert College.objects.count() == 1


def test_command_refuses_a_bad_seed(capsys, keep_connection):
    with pytest.raises(SystemExit) as exit_:
        DemoCommand().run_from_argv(["tandem", "demo", "--skip-checks", "--seed", "many"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1
