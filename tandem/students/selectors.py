"""Reads of students, bookings and certificates, always scoped: a student reaches only their own
records, a College admin the College's; anything else answers 404. The prospectus reads only
what is public: runs, their times and places, and the tutors' first names."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404

from tandem.accounts.models import Role
from tandem.accounts.rules import can
from tandem.audit.services import record
from tandem.core import clock
from tandem.core.models import Term
from tandem.courses.models import CourseRun, Session
from tandem.tutors.models import Tutor

from .models import Attendance, Booking, Certificate, Student

CLOSED = (CourseRun.Status.CANCELLED, CourseRun.Status.COMPLETED)


# --- The prospectus ------------------------------------------------------------------------------


def prospectus_terms(college, today=None):
    """This term (the one today falls in, if any) and the next one to start."""
    today = today or clock.today(college)
    current = Term.objects.filter(college=college, starts_on__lte=today, ends_on__gte=today).first()
    after = Term.objects.filter(college=college, starts_on__gt=today).order_by("starts_on").first()
    return [t for t in (current, after) if t is not None]


def prospectus_runs(college, *, today=None, topic="", weekday=None, online=None):
    """Course runs of this and next term still to be joined (not cancelled or completed), each
    with `places_left` and `tutors_first_names`, ordered by date."""
    terms = prospectus_terms(college, today)
    runs = (
        CourseRun.objects.filter(course__college=college, term__in=terms)
        .exclude(status__in=CLOSED)
        .select_related("course", "term", "room__site")
        .annotate(
            n_booked=Count("bookings", filter=Q(bookings__status=Booking.Status.BOOKED), distinct=True),
            n_sessions=Count("sessions", filter=~Q(sessions__status=Session.Status.CANCELLED), distinct=True),
        )
        .prefetch_related(Prefetch("tutors", queryset=Tutor.objects.order_by("kind", "first_name")))
        .order_by("start_date", "start_time", "course__title")
    )
    if topic:
        runs = runs.filter(course__topic=topic)
    if weekday is not None:
        runs = runs.filter(weekday=weekday)
    if online is not None:
        runs = runs.filter(online=online)
    runs = list(runs)
    for run in runs:
        dress(run)
    return runs


def dress(run):
    """What the prospectus shows of a run: places left, tutors' first names, the last date."""
    booked = getattr(run, "n_booked", None)
    if booked is None:
        booked = run.bookings.filter(status=Booking.Status.BOOKED).count()
    run.places_left = max(0, run.capacity - booked)
    run.tutors_first_names = [t.first_name for t in run.tutors.all()]
    last = (
        run.sessions.exclude(status=Session.Status.CANCELLED).order_by("-date").values_list("date", flat=True).first()
    )
    run.last_date = last
    return run


def prospectus_topics(college):
    terms = prospectus_terms(college)
    return sorted(
        set(
            CourseRun.objects.filter(course__college=college, term__in=terms)
            .exclude(status__in=CLOSED)
            .values_list("course__topic", flat=True)
        )
    )


def prospectus_run(college, pk):
    run = get_object_or_404(
        CourseRun.objects.filter(course__college=college, term__in=prospectus_terms(college))
        .exclude(status__in=CLOSED)
        .select_related("course", "term", "room__site"),
        pk=pk,
    )
    return dress(run)


def bookable_run(user, pk):
    """A run of the user's College that the prospectus offers (404 otherwise)."""
    if user.college_id is None:
        raise PermissionDenied
    return prospectus_run(user.college, pk)


# --- A student's own records ---------------------------------------------------------------------


def student_of(user):
    """The student record of a student's account (404 if it has none)."""
    return get_object_or_404(Student.objects.select_related("college"), user=user, college_id=user.college_id)


def my_courses(user):
    """(student, bookings, certificates): their live and past bookings, each with the sessions
    they came to, and their certificates."""
    student = student_of(user)
    bookings = list(
        Booking.objects.filter(student=student)
        .select_related("run__course", "run__term", "run__room__site")
        .order_by("-run__start_date", "-created_at")
    )
    came = set(Attendance.objects.filter(student=student).values_list("session_id", flat=True))
    for b in bookings:
        sessions = list(b.run.sessions.order_by("date"))
        b.sessions = sessions
        b.attended = sum(1 for s in sessions if s.pk in came and s.status == Session.Status.DELIVERED)
        b.delivered = sum(1 for s in sessions if s.status == Session.Status.DELIVERED)
        for s in sessions:
            s.came = s.pk in came
    certificates = list(Certificate.objects.filter(student=student).select_related("run__course", "run__term"))
    return student, bookings, certificates


def bookings_visible(user):
    if can(user, "manage_students"):
        return Booking.objects.filter(student__college_id=user.college_id)
    if can(user, "view_my_courses"):
        return Booking.objects.filter(student__user=user, student__college_id=user.college_id)
    return Booking.objects.none()


def booking_for(user, pk):
    return get_object_or_404(bookings_visible(user).select_related("run__course", "run__term", "student"), pk=pk)


def certificate_for(user, pk):
    if can(user, "manage_students"):
        qs = Certificate.objects.filter(student__college_id=user.college_id)
    elif can(user, "view_my_courses"):
        qs = Certificate.objects.filter(student__user=user, student__college_id=user.college_id)
    else:
        raise PermissionDenied
    return get_object_or_404(qs.select_related("student__college", "run__course", "run__term"), pk=pk)


# --- The College's students (admins) -------------------------------------------------------------


def students_of(user, query=""):
    qs = Student.objects.filter(college_id=user.college_id)
    query = (query or "").strip()
    if query:
        qs = qs.filter(Q(first_name__icontains=query) | Q(last_name__icontains=query) | Q(email__icontains=query))
    return qs.annotate(n_live=Count("bookings", filter=~Q(bookings__status=Booking.Status.CANCELLED))).order_by(
        "last_name", "first_name", "pk"
    )


def student_for(user, pk):
    return get_object_or_404(Student.objects.filter(college_id=user.college_id), pk=pk)


def adjustments_read(user, student):
    """A student's reasonable adjustments (special category), for a College admin only: every
    read is audited, with the field name, never the value."""
    if not can(user, "manage_students"):
        raise PermissionDenied
    if student.adjustments:
        record(actor=user, action="read", obj=student, fields=list(Student.SENSITIVE_FIELDS))
    return student.adjustments


def run_for_admin(user, pk):
    return get_object_or_404(
        CourseRun.objects.filter(course__college_id=user.college_id).select_related("course", "term"), pk=pk
    )


def run_bookings(run):
    return list(
        Booking.objects.filter(run=run)
        .exclude(status=Booking.Status.CANCELLED)
        .select_related("student")
        .order_by("status", "created_at", "pk")
    )


def bookable_runs_for_admin(user):
    college = user.college
    return [r for r in prospectus_runs(college)]


def register_label(user, student):
    """How the register names a student: the tutors see first names only."""
    if user.role == Role.COLLEGE_ADMIN:
        return student.full_name + (f" ({student.email})" if student.email else "")
    return student.first_name


# --- Attendance still to take --------------------------------------------------------------------


def attendance_not_taken(sessions):
    """Of `sessions` (a Session queryset), the delivered ones of runs with students booked whose
    attendance nobody has taken yet: no one recorded as there and no head count (recorded with
    one tap, or in the admin's batch)."""
    booked = Booking.objects.filter(run_id=OuterRef("run_id"), status=Booking.Status.BOOKED)
    recorded = Attendance.objects.filter(session_id=OuterRef("pk"))
    return (
        sessions.filter(status=Session.Status.DELIVERED, head_count__isnull=True)
        .filter(Exists(booked))
        .exclude(Exists(recorded))
    )


def attendance_taken(session):
    """Whether anyone has said who came to a session (ticked, walk-ins or a head count)."""
    return session.head_count is not None or session.attendances.exists()
