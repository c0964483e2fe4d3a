"""Reads of courses, runs and sessions, scoped to the user's College (and, for a tutor, to
their own runs on the timetable)."""

from datetime import date, timedelta

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404

from tandem.accounts.models import Role
from tandem.core.models import Term
from tandem.tutors.models import Tutor

from .models import Course, CourseRun


def visible_courses(user):
    if not user.is_authenticated or user.college_id is None:
        return Course.objects.none()
    return Course.objects.filter(college_id=user.college_id).prefetch_related("co_producers")


def course_for(user, pk):
    return get_object_or_404(visible_courses(user), pk=pk)


def visible_runs(user):
    if not user.is_authenticated or user.college_id is None:
        return CourseRun.objects.none()
    qs = CourseRun.objects.filter(course__college_id=user.college_id)
    # Filter through a subquery, not a join, so later Count("tutors") annotations count every
    # tutor of the run rather than only the ones that matched this filter.
    if user.role == Role.TUTOR:
        qs = qs.filter(pk__in=CourseRun.objects.filter(tutors__user=user).values("pk"))
    elif user.role == Role.LINE_MANAGER:
        qs = qs.filter(pk__in=CourseRun.objects.filter(tutors__line_manager=user).values("pk"))
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


def current_term(college_id, today=None):
    """The term running today, else the next one, else the latest."""
    today = today or date.today()
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
