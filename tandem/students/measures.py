"""The students' QI measures, in the registry of tandem.qi.measures (imported in AppConfig.ready).

Missing months follow tandem.qi.measures' one rule (active_months): a count is 0 in a month in
which the College delivered sessions and nothing was counted, and missing (null) in a month in
which it delivered none (the summer break). A rate or a mean is missing where it has no
denominator (no booked places, no enrolments, no pairs, no answers): 0 ÷ 0 is not 0.
"""

from collections import defaultdict
from statistics import fmean

from tandem.courses.models import CourseRun, Session
from tandem.courses.selectors import delivered_sessions
from tandem.qi.measures import active_months, counts_in_active_months, measure, month_key

from .models import Attendance, Booking, Feedback, Questionnaire
from .services import meets_threshold, settings_for

NO_SESSIONS = "missing in a month with no delivered sessions (nobody could attend)"


@measure(
    key="students_attending",
    name="Students attending",
    kind="outcome",
    improvement="increase",
    definition=(
        "Distinct students recorded as attending at least one delivered session in the month (booked or "
        "walk-in). Source: the session register's attendance. Months with no delivered sessions are missing."
    ),
    population="The College's students",
    numerator="Distinct students recorded as attending at least one delivered session in the month",
    denominator="None (a count)",
    source="Tandem session register (attendance of delivered sessions)",
    frequency=f"Monthly; 0 in a month with delivered sessions and nobody recorded; {NO_SESSIONS}",
)
def students_attending(college):
    seen = defaultdict(set)
    rows = Attendance.objects.filter(session__in=delivered_sessions(college)).values_list("session__date", "student_id")
    for day, student in rows:
        seen[month_key(day)].add(student)
    return counts_in_active_months(college, {m: len(s) for m, s in seen.items()})


def _booked_places(college, taken):
    """(session date, session id, student id) of every booked place at every delivered session
    whose attendance was taken (`taken`: session ids): bookings with a place (not cancelled, not
    waiting) on the session's run."""
    sessions = delivered_sessions(college).values_list("pk", "date", "run_id")
    by_run = defaultdict(list)
    for student, run in Booking.objects.filter(run__course__college=college, status=Booking.Status.BOOKED).values_list(
        "student_id", "run_id"
    ):
        by_run[run].append(student)
    for pk, day, run in sessions:
        if pk in taken:
            for student in by_run.get(run, ()):
                yield day, pk, student


@measure(
    key="student_attendance_rate",
    name="Student attendance rate",
    kind="process",
    unit="proportion",
    improvement="increase",
    definition=(
        "Of the booked places at the sessions delivered in the month (each student with a place on the run × "
        "each delivered session), the share at which the student was recorded as attending. Walk-ins and "
        "cancelled or waiting-list bookings are not counted, nor sessions whose attendance was not taken (recorded "
        "as delivered with one tap or in a batch, nobody ticked and no head count). Source: bookings and the "
        "session register. Missing in a month with no delivered sessions or no booked places."
    ),
    population="Booked places at the College's delivered sessions",
    numerator="Booked places at delivered sessions in the month at which the student was recorded as attending",
    denominator="Booked places at delivered sessions in the month",
    source="Tandem bookings and session register",
    frequency=f"Monthly; {NO_SESSIONS}, and in a month whose sessions had no booked places",
)
def student_attendance_rate(college):
    came = set(
        Attendance.objects.filter(session__in=delivered_sessions(college)).values_list("session_id", "student_id")
    )
    # Attendance taken: someone recorded as there, or a head count typed (0 when nobody came).
    taken = {session for session, _student in came} | set(
        delivered_sessions(college).filter(head_count__isnull=False).values_list("pk", flat=True)
    )
    booked, attended = defaultdict(int), defaultdict(int)
    for day, session, student in _booked_places(college, taken):
        m = month_key(day)
        booked[m] += 1
        attended[m] += (session, student) in came
    return {m: (attended[m] / booked[m] if booked.get(m) else None) for m in active_months(college, booked)}


def _run_end_months(college):
    """{run id: 'YYYY-MM' of its last delivered session} for the College's completed runs."""
    ends = {}
    for run, day in Session.objects.filter(
        run__course__college=college, run__status=CourseRun.Status.COMPLETED, status=Session.Status.DELIVERED
    ).values_list("run_id", "date"):
        if run not in ends or day > ends[run]:
            ends[run] = day
    return {run: month_key(day) for run, day in ends.items()}


@measure(
    key="course_completion_rate",
    name="Course completion rate",
    kind="outcome",
    unit="proportion",
    improvement="increase",
    definition=(
        "Of the enrolments (booked places, not cancelled) on runs completed with their last delivered session in "
        "the month, the share whose student attended at least the College's certificate threshold of the run's "
        "delivered sessions (default two thirds). Source: bookings, the session register and the College's student "
        "settings. Missing in a month in which no run with enrolments ended."
    ),
    population="Enrolments on the College's completed course runs",
    numerator="Enrolments meeting the certificate threshold, on runs ending in the month",
    denominator="Enrolments on runs ending in the month",
    source="Tandem bookings, session register and student settings",
    frequency="Monthly, by the month of each run's last delivered session; missing in a month no run with "
    "enrolments ended",
)
def course_completion_rate(college):
    rule = settings_for(college)
    ends = _run_end_months(college)
    delivered = defaultdict(int)
    for run in Session.objects.filter(run_id__in=ends, status=Session.Status.DELIVERED).values_list(
        "run_id", flat=True
    ):
        delivered[run] += 1
    came = defaultdict(int)
    for run, student in Attendance.objects.filter(
        session__run_id__in=ends, session__status=Session.Status.DELIVERED
    ).values_list("session__run_id", "student_id"):
        came[(run, student)] += 1
    enrolled, completed = defaultdict(int), defaultdict(int)
    for run, student in Booking.objects.filter(run_id__in=ends, status=Booking.Status.BOOKED).values_list(
        "run_id", "student_id"
    ):
        m = ends[run]
        enrolled[m] += 1
        completed[m] += meets_threshold(came[(run, student)], delivered[run], rule)
    return {m: completed[m] / enrolled[m] for m in enrolled}


def paired_change(college, kind):
    """{'YYYY-MM': mean(end − start)} over students' pairs (start and end of the same run, both
    scored), by the month of the end score; None in an active month without pairs."""
    scores = {}
    for student, run, timing, raw, metric, day in Questionnaire.objects.filter(
        run__course__college=college, kind=kind, raw__isnull=False
    ).values_list("student_id", "run_id", "timing", "raw", "metric", "completed_on"):
        scores[(student, run, timing)] = (float(metric) if kind == Questionnaire.Kind.SWEMWBS else raw, day)
    changes = defaultdict(list)
    for (student, run, timing), (post, day) in scores.items():
        if timing == Questionnaire.Timing.END and (student, run, Questionnaire.Timing.START) in scores:
            changes[month_key(day)].append(post - scores[(student, run, Questionnaire.Timing.START)][0])
    out = {m: None for m in active_months(college)}
    out.update({m: round(fmean(v), 2) for m, v in changes.items()})
    return out


PAIRS = (
    "Mean of (end score − start score) over students with both scores for the same run, each counting "
    "only when every item was answered, by the month of the end score"
)


@measure(
    key="swemwbs_change",
    name="Change in wellbeing (SWEMWBS)",
    kind="outcome",
    unit="metric points",
    improvement="increase",
    definition=(
        f"{PAIRS}; SWEMWBS metric scores (raw 7–35 converted with the published table). Source: SWEMWBS answered "
        "at the start and end of runs, online or from paper. Missing (null) in a month with no pairs; missing "
        "where the College has switched SWEMWBS off."
    ),
    population="Students with a scored SWEMWBS at both the start and the end of a run",
    numerator="Sum of (end − start) SWEMWBS metric scores of the pairs completed in the month",
    denominator="Pairs completed in the month",
    source="Tandem questionnaires (SWEMWBS © NHS Health Scotland, University of Warwick and University of Edinburgh)",
    frequency="Monthly, by the month of the end score; null without pairs",
)
def swemwbs_change(college):
    return paired_change(college, Questionnaire.Kind.SWEMWBS)


@measure(
    key="qpr_change",
    name="Change in recovery (QPR-15)",
    kind="outcome",
    unit="points",
    improvement="increase",
    definition=(
        f"{PAIRS}; QPR-15 totals (0–60). Source: QPR-15 answered at the start and end of runs, online or from "
        "paper. Missing (null) in a month with no pairs."
    ),
    population="Students with a scored QPR-15 at both the start and the end of a run",
    numerator="Sum of (end − start) QPR-15 totals of the pairs completed in the month",
    denominator="Pairs completed in the month",
    source="Tandem questionnaires (QPR-15)",
    frequency="Monthly, by the month of the end score; null without pairs",
)
def qpr_change(college):
    return paired_change(college, Questionnaire.Kind.QPR)


@measure(
    key="friends_and_family_positive",
    name="Friends and Family Test: positive",
    kind="outcome",
    unit="proportion",
    improvement="increase",
    definition=(
        'Share of the NHS Friends and Family Test answers given in the month that were "Very good" or "Good", '
        'out of all answers except "Don\'t know". Source: feedback at the end of runs, online or from paper. '
        'Missing (null) in a month with no answers other than "Don\'t know".'
    ),
    population="Students giving feedback at the end of a run",
    numerator='Answers "Very good" or "Good" given in the month',
    denominator='Answers given in the month, except "Don\'t know"',
    source="Tandem feedback (NHS Friends and Family Test)",
    frequency="Monthly, by the date the answer was given; null without answers",
)
def friends_and_family_positive(college):
    good, counted = defaultdict(int), defaultdict(int)
    for answer, day in (
        Feedback.objects.filter(run__course__college=college)
        .exclude(answer=Feedback.Answer.DONT_KNOW)
        .values_list("answer", "given_on")
    ):
        m = month_key(day)
        counted[m] += 1
        good[m] += answer in (Feedback.Answer.VERY_GOOD, Feedback.Answer.GOOD)
    out = {m: None for m in active_months(college)}
    out.update({m: good[m] / counted[m] for m in counted})
    return out
