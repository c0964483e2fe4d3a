"""Reads of courses, runs and sessions, scoped to the user's College (and, for a tutor, to
their own runs on the timetable)."""

from datetime import timedelta

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404

from tandem.accounts.models import Role
from tandem.core import clock, versions
from tandem.core.models import College, Term
from tandem.core.scoping import college_id_of, scoped
from tandem.tutors.models import Tutor

from .models import Course, CourseRun, Session


def visible_courses(user):
    return scoped(Course.objects, user).prefetch_related("co_producers")


def course_for(user, pk):
    return get_object_or_404(visible_courses(user), pk=pk)


def visible_runs(user):
    if college_id_of(user) is None:
        return CourseRun.objects.none()
    qs = scoped(CourseRun.objects, user, "course__college")
    # Filter through a subquery, not a join, so later Count("tutors") annotations count every
    # tutor of the run rather than only the ones that matched this filter.
    if user.role == Role.TUTOR:
        qs = qs.filter(pk__in=CourseRun.objects.filter(tutors__user=user).values("pk"))
    elif user.role == Role.LINE_MANAGER:
        # Their staff's runs, and any run a release request to them is about (to decide it).
        qs = qs.filter(
            Q(pk__in=CourseRun.objects.filter(tutors__line_manager=user).values("pk"))
            | Q(pk__in=CourseRun.objects.filter(release_requests__manager=user).values("pk"))
        )
    return qs.select_related("course", "term", "room__site").prefetch_related(
        Prefetch("tutors", queryset=Tutor.objects.only("id", "first_name", "last_name", "kind"))
    )


def with_gap_flags_qs(runs):
    """Annotate runs with how many peer and staff tutors are assigned."""
    return runs.annotate(
        n_peer=Count("tutors", filter=Q(tutors__kind=Tutor.Kind.PEER), distinct=True),
        n_staff=Count("tutors", filter=Q(tutors__kind=Tutor.Kind.STAFF), distinct=True),
    )


def with_gap_flags(runs):
    """The runs as a list, each with is_gap: not cancelled and lacking a peer or a staff tutor."""
    runs = list(with_gap_flags_qs(runs))
    for run in runs:
        run.is_gap = run.status != CourseRun.Status.CANCELLED and not (run.n_peer and run.n_staff)
    return runs


def dashboard_term(user, today):
    """(term, runs) for the dashboard: the College's term on `today` (current_term) and the runs
    of it the user sees, with gap flags (term_runs_with_gap_flags). Worked out once per version of
    the College's records and day, for the College (the roles that see all its runs) or for the
    one tutor or line manager."""
    scope = f"user-{user.pk}" if user.role in (Role.TUTOR, Role.LINE_MANAGER) else "college"

    def compute():
        term = current_term(user.college_id, today=today)
        return term, term_runs_with_gap_flags(user, term) if term else []

    return versions.cached(user.college_id, ["dashboard-term", today.isoformat(), scope], compute)


def term_runs_with_gap_flags(user, term):
    """The dashboard's runs of a term: with_gap_flags of the user's runs, with only what the
    dashboard shows of them (course title, day, start time and date; no tutors, rooms or sites)."""
    runs = visible_runs(user).filter(term=term).select_related(None).prefetch_related(None)
    return with_gap_flags(
        runs.select_related("course").only("status", "weekday", "start_time", "start_date", "course__title")
    )


def current_term(college_id, today=None):
    """The term running today (the College's today), else the next one, else the latest."""
    if today is None:
        today = clock.today(College.objects.filter(pk=college_id).first())
    terms = Term.objects.filter(college_id=college_id)
    return (
        terms.filter(starts_on__lte=today, ends_on__gte=today).first()
        or terms.filter(starts_on__gt=today).order_by("starts_on").first()
        or terms.order_by("-starts_on").first()
    )


def term_for(user, pk):
    return get_object_or_404(Term.objects.filter(college_id=user.college_id), pk=pk)


def timetable(user, term):
    """Runs of the term grouped by weekday, with gaps flagged."""
    runs = with_gap_flags(visible_runs(user).filter(term=term).order_by("weekday", "start_time"))
    days = {d: [] for d, _ in CourseRun.WEEKDAYS}
    for run in runs:
        days[run.weekday].append(run)
    return [(label, days[d]) for d, label in CourseRun.WEEKDAYS if days[d] or d < 5], runs


def term_weeks(term):
    start = term.starts_on - timedelta(days=term.starts_on.weekday())
    weeks = []
    while start <= term.ends_on:
        weeks.append(start)
        start += timedelta(days=7)
    return weeks


# --- Delivered sessions: the one definition every measure, payment and parity check reads ------


def delivered_sessions(college=None):
    """Sessions recorded as delivered, of the College (of every College when `college` is None)."""
    qs = Session.objects.filter(status=Session.Status.DELIVERED)
    return qs if college is None else qs.filter(run__course__college=college)


def delivered_by_rows(college=None, *, kind=None, trust_staff=False):
    """Rows of who delivered which delivered session (Session.delivered_by's through table), of
    the College (of every College when None); only tutors of `kind` if given; only staff tutors
    employed by the Trust when `trust_staff`."""
    qs = Session.delivered_by.through.objects.filter(session__status=Session.Status.DELIVERED)
    if college is not None:
        # The tutor's College too (always the session's: courses.checks.check_same_college), so
        # the database can start from the College's own tutors rather than every College's.
        qs = qs.filter(session__run__course__college=college, tutor__college=college)
    if trust_staff:
        qs = qs.filter(tutor__kind=Tutor.Kind.STAFF, tutor__employer__is_trust=True)
    elif kind is not None:
        qs = qs.filter(tutor__kind=kind)
    return qs


def terms_with_delivered_sessions(college_id):
    """The College's terms in which at least one session was delivered, newest first."""
    return (
        Term.objects.filter(college_id=college_id, runs__sessions__status=Session.Status.DELIVERED)
        .distinct()
        .order_by("-starts_on")
    )


# --- Courses and runs an admin manages ----------------------------------------------------------


def run_for(user, pk):
    """A run the user may see (404 otherwise), with its peer and staff counts and gap flag."""
    run = get_object_or_404(with_gap_flags_qs(visible_runs(user)), pk=pk)
    run.is_gap = run.status != CourseRun.Status.CANCELLED and not (run.n_peer and run.n_staff)
    return run


def college_terms(user):
    return Term.objects.filter(college_id=user.college_id).order_by("-starts_on")


def qualified_tutor_ids(course):
    """Tutors who may teach the course: they co-produced it, delivered a session of it, or were
    put on a run of it (the planner reads qualifications the same way)."""
    ids = set(course.co_producers.values_list("pk", flat=True))
    ids |= set(
        Session.delivered_by.through.objects.filter(session__run__course=course).values_list("tutor_id", flat=True)
    )
    ids |= set(CourseRun.tutors.through.objects.filter(courserun__course=course).values_list("tutor_id", flat=True))
    return ids


def busy_tutor_ids(run):
    """Tutors on another live run of the same term whose day and hours overlap this run's."""
    clash = (
        CourseRun.objects.filter(
            term_id=run.term_id,
            weekday=run.weekday,
            start_time__lt=run.end_time,
            end_time__gt=run.start_time,
        )
        .exclude(pk=run.pk)
        .exclude(status=CourseRun.Status.CANCELLED)
    )
    return set(CourseRun.tutors.through.objects.filter(courserun__in=clash).values_list("tutor_id", flat=True))


def candidate_tutors(run, kind, *, everyone=False):
    """Trained or active tutors of `kind` not on the run, those free at the run's time first.
    Only tutors qualified for the course unless `everyone`. Each has `.free` and `.qualified`."""
    qs = (
        Tutor.objects.filter(
            college_id=run.course.college_id, kind=kind, status__in=[Tutor.Status.ACTIVE, Tutor.Status.TRAINED]
        )
        .exclude(pk__in=run.tutors.values("pk"))
        .select_related("employer", "line_manager")
    )
    qualified = qualified_tutor_ids(run.course)
    busy = busy_tutor_ids(run)
    out = []
    for tutor in qs:
        tutor.qualified = tutor.pk in qualified
        tutor.free = tutor.pk not in busy
        if tutor.qualified or everyone:
            out.append(tutor)
    out.sort(key=lambda t: (not t.free, not t.qualified, t.last_name, t.first_name))
    return out


def tutor_changes(run):
    return run.tutor_changes.select_related("tutor", "changed_by")


# --- The session register -----------------------------------------------------------------------


def _sessions_base(user):
    return scoped(Session.objects, user, "run__course__college").select_related(
        "run__course", "run__term", "run__room__site"
    )


def recordable_sessions(user):
    """Sessions the user may record: an admin every session of the College, a tutor the sessions
    of runs they are on."""
    qs = _sessions_base(user)
    if user.role == Role.COLLEGE_ADMIN:
        return qs
    if user.role == Role.TUTOR:
        return qs.filter(run__in=CourseRun.objects.filter(tutors__user=user).values("pk"))
    return Session.objects.none()


def session_for_record(user, pk):
    return get_object_or_404(recordable_sessions(user), pk=pk)


def unrecorded(qs, today):
    """Past sessions still scheduled (not recorded as delivered or cancelled), of live runs."""
    return qs.filter(status=Session.Status.SCHEDULED, date__lt=today).exclude(run__status=CourseRun.Status.CANCELLED)


def unrecorded_sessions(user, today):
    return (
        unrecorded(recordable_sessions(user), today)
        .prefetch_related(Prefetch("run__tutors", queryset=Tutor.objects.only("id", "first_name", "last_name", "kind")))
        .order_by("date", "start_time")
    )


def my_sessions(user, today):
    """A tutor's own sessions this week (Monday to Sunday) and their past sessions still unrecorded."""
    week_start = today - timedelta(days=today.weekday())
    week_end = week_start + timedelta(days=6)
    qs = (
        recordable_sessions(user)
        .prefetch_related(
            Prefetch("run__tutors", queryset=Tutor.objects.only("id", "first_name", "last_name", "kind")),
            Prefetch("delivered_by", queryset=Tutor.objects.only("id", "first_name", "last_name", "kind")),
        )
        .exclude(run__status=CourseRun.Status.CANCELLED)
    )
    this_week = list(qs.filter(date__range=(week_start, week_end)).order_by("date", "start_time"))
    earlier = list(unrecorded(qs, week_start).order_by("date", "start_time"))
    return this_week, earlier, (week_start, week_end)


def unrecorded_count(user, today):
    return unrecorded(recordable_sessions(user), today).count()


def gaps_of_term(user, term):
    if term is None:
        return []
    return [
        r for r in with_gap_flags(visible_runs(user).filter(term=term).order_by("start_date", "start_time")) if r.is_gap
    ]
