"""Part 2 of the students' records: individual learning plans, outcome questionnaires (SWEMWBS,
QPR-15), the Friends and Family Test, and optional equality monitoring. Writes (keyword-only,
one transaction, audited with field names only) and scoped reads.

Who sees what:
- a learning plan: the student and the College's learning advisers (`advise_students`, its
  admins) only;
- questionnaires and feedback: the student, and College admins (`enter_outcomes`, who enter
  them from paper);
- equality monitoring: the student (their own answers) and College admins (`view_equality`),
  every admin read audited; reported only in aggregate, with counts under 5 suppressed.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404

from tandem.accounts.rules import can
from tandem.audit.services import record
from tandem.core import clock
from tandem.courses.models import Course, CourseRun, Session

from . import scoring
from .models import Booking, EqualityMonitoring, Feedback, LearningGoal, PlanReview, Questionnaire, Student
from .services import settings_for

SMALL_NUMBER = 5  # equality counts below this are reported as "fewer than 5"


# --- Who may reach which student ---------------------------------------------------------------


def plan_student(user, pk=None):
    """The student whose learning plan `user` may see: their own (pk None), or any of the
    College's for a learning adviser. 404 / 403 otherwise."""
    if pk is None:
        if not can(user, "answer_outcomes"):
            raise PermissionDenied
        return get_object_or_404(Student, user=user, college_id=user.college_id)
    if not can(user, "advise_students"):
        raise PermissionDenied
    return get_object_or_404(Student, college_id=user.college_id, pk=pk)


def plan_of(student):
    goals = list(student.goals.prefetch_related("courses"))
    reviews = list(student.plan_reviews.all())
    return goals, reviews


def plan_courses(student):
    """Courses a goal may point to: the College's courses that are not retired."""
    return Course.objects.filter(college_id=student.college_id).exclude(status=Course.Status.RETIRED).order_by("title")


@transaction.atomic
def goal_add(*, actor, student, text, courses=()):
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write the goal in your own words."})
    courses = list(courses)
    if any(c.college_id != student.college_id for c in courses):
        raise ValidationError({"courses": "Choose courses of this College."})
    goal = LearningGoal.objects.create(student=student, text=text, created_on=clock.today(student.college))
    goal.courses.set(courses)
    record(actor=actor, action="create", obj=goal, fields=["text", "courses"], college_id=student.college_id)
    return goal


def plan_goal(student, pk):
    """A goal of the student's learning plan (404 for anyone else's)."""
    return get_object_or_404(LearningGoal.objects.select_related("student__college"), student=student, pk=pk)


@transaction.atomic
def goal_mark_achieved(*, actor, goal, achieved_on):
    """Mark a goal achieved on a date (not before it was set, not after today), or not achieved
    yet (`achieved_on` None: a mistake put right)."""
    goal = LearningGoal.objects.select_for_update().select_related("student__college").get(pk=goal.pk)
    if achieved_on is not None:
        if achieved_on > clock.today(goal.student.college):
            raise ValidationError({"achieved_on": "The date must be today or in the past."})
        if achieved_on < goal.created_on:
            raise ValidationError(
                {"achieved_on": f"The goal was set on {goal.created_on:%d %B %Y}: enter that date or a later one."}
            )
    if goal.achieved_on != achieved_on:
        goal.achieved_on = achieved_on
        goal.save(update_fields=["achieved_on"])
        record(actor=actor, action="update", obj=goal, fields=["achieved_on"], college_id=goal.student.college_id)
    return goal


@transaction.atomic
def review_add(*, actor, student, reviewed_on, note=""):
    if reviewed_on is None:
        raise ValidationError({"reviewed_on": "Enter the date of the review."})
    if reviewed_on > clock.today(student.college):
        raise ValidationError({"reviewed_on": "The date of the review must be today or in the past."})
    review = PlanReview.objects.create(
        student=student, reviewed_on=reviewed_on, note=(note or "").strip(), recorded_by=actor
    )
    record(actor=actor, action="create", obj=review, fields=["reviewed_on", "note"], college_id=student.college_id)
    return review


# --- Questionnaires and feedback ---------------------------------------------------------------


ENABLED = {
    Questionnaire.Kind.SWEMWBS: "swemwbs_enabled",
    Questionnaire.Kind.QPR: "qpr_enabled",
}


def enabled_kinds(college):
    rules = settings_for(college)
    return [k for k in Questionnaire.Kind if getattr(rules, ENABLED[k])]


def feedback_enabled(college):
    return settings_for(college).feedback_enabled


def run_has_ended(run, today):
    """A run has ended when it is completed, or its last session (not cancelled) is today or past."""
    if run.status == CourseRun.Status.COMPLETED:
        return True
    last = (
        run.sessions.exclude(status=Session.Status.CANCELLED).order_by("-date").values_list("date", flat=True).first()
    )
    return last is not None and last <= today


def open_timings(run, today):
    """Which ends of a run a student may answer online now: the start until the run ends, the end
    once it has."""
    if run.status == CourseRun.Status.CANCELLED:
        return []
    return [Questionnaire.Timing.END] if run_has_ended(run, today) else [Questionnaire.Timing.START]


def _score(kind, items):
    try:
        if kind == Questionnaire.Kind.SWEMWBS:
            return scoring.score_swemwbs(items)
        if kind == Questionnaire.Kind.QPR:
            return scoring.score_qpr(items), None
    except ValueError as exc:
        raise ValidationError({"__all__": str(exc)}) from None
    raise ValidationError({"kind": "Choose SWEMWBS or QPR-15."})


@transaction.atomic
def questionnaire_save(
    *, actor, student, run, kind, timing, items, source=Questionnaire.Source.ONLINE, completed_on=None
):
    """Save (or correct) a student's answers at the start or end of a run. Unanswered items are
    None; the score counts only when every item is answered. Refused when the College has switched
    the questionnaire off, or the run is not the student's College's."""
    college = student.college
    if run.course.college_id != student.college_id:
        raise ValidationError({"run": "Choose a course of this College."})
    if kind not in enabled_kinds(college):
        raise ValidationError({"kind": "The College does not use this questionnaire."})
    if timing not in Questionnaire.Timing.values:
        raise ValidationError({"timing": "Choose the start or the end of the course."})
    if source == Questionnaire.Source.ONLINE:
        if not Booking.objects.filter(student=student, run=run, status=Booking.Status.BOOKED).exists():
            raise ValidationError({"run": "You can answer this for a course you are booked on."})
        if timing not in open_timings(run, clock.today(college)):
            raise ValidationError({"timing": "This questionnaire is not open for this course now."})
    raw, metric = _score(kind, items)
    today = clock.today(college)
    completed_on = completed_on or today
    if completed_on > today:
        raise ValidationError({"completed_on": "The date must be today or in the past."})
    row, created = Questionnaire.objects.update_or_create(
        student=student,
        run=run,
        kind=kind,
        timing=timing,
        defaults=dict(
            items=list(items), raw=raw, metric=metric, completed_on=completed_on, source=source, entered_by=actor
        ),
    )
    record(
        actor=actor,
        action="create" if created else "update",
        obj=row,
        fields=["items", "raw", "metric"],
        college_id=college.pk,
    )
    return row


@transaction.atomic
def feedback_save(*, actor, student, run, answer, comment="", source=Questionnaire.Source.ONLINE, given_on=None):
    """The Friends and Family Test at the end of a run (once per student and run; a second answer
    corrects the first)."""
    college = student.college
    if run.course.college_id != student.college_id:
        raise ValidationError({"run": "Choose a course of this College."})
    if not feedback_enabled(college):
        raise ValidationError({"answer": "The College does not ask for feedback here."})
    if answer not in Feedback.Answer.values:
        raise ValidationError({"answer": "Choose one of the answers."})
    today = clock.today(college)
    if source == Questionnaire.Source.ONLINE:
        if not Booking.objects.filter(student=student, run=run, status=Booking.Status.BOOKED).exists():
            raise ValidationError({"run": "You can give feedback on a course you are booked on."})
        if not run_has_ended(run, today):
            raise ValidationError({"answer": "You can give feedback when the course has ended."})
    row, created = Feedback.objects.update_or_create(
        student=student,
        run=run,
        defaults=dict(
            answer=answer, comment=(comment or "").strip(), given_on=given_on or today, source=source, entered_by=actor
        ),
    )
    record(
        actor=actor,
        action="create" if created else "update",
        obj=row,
        fields=["answer", "comment"],
        college_id=college.pk,
    )
    return row


def student_run(user, pk):
    """A run the student is booked on (404 otherwise)."""
    student = plan_student(user)
    booking = get_object_or_404(
        Booking.objects.select_related("run__course__college", "run__term"),
        student=student,
        run_id=pk,
        status=Booking.Status.BOOKED,
    )
    return student, booking.run


def outcomes_of(student):
    """{run_id: {(kind, timing): Questionnaire}} and {run_id: Feedback} of a student."""
    answers = {}
    for q in Questionnaire.objects.filter(student=student):
        answers.setdefault(q.run_id, {})[(q.kind, q.timing)] = q
    feedback = {f.run_id: f for f in Feedback.objects.filter(student=student)}
    return answers, feedback


def college_student(user, pk):
    if not can(user, "enter_outcomes"):
        raise PermissionDenied
    return get_object_or_404(Student.objects.select_related("college"), college_id=user.college_id, pk=pk)


def runs_of(student):
    """Runs a student is or was booked on (newest first): what paper answers can be entered for."""
    return (
        CourseRun.objects.filter(bookings__student=student, bookings__status=Booking.Status.BOOKED)
        .select_related("course", "term")
        .distinct()
        .order_by("-start_date")
    )


# --- Equality monitoring -----------------------------------------------------------------------


def equality_read(user, student):
    """A student's equality-monitoring answers: the student's own, or (audited) a College admin's
    read. None when they gave none."""
    row = EqualityMonitoring.objects.filter(student=student).first()
    if student.user_id == user.pk:
        return row
    if not can(user, "view_equality") or student.college_id != user.college_id:
        raise PermissionDenied
    if row is not None:
        record(actor=user, action="read", obj=row, fields=list(EqualityMonitoring.SENSITIVE_FIELDS))
    return row


@transaction.atomic
def equality_save(*, actor, student, **answers):
    """Save the optional answers (every one may be left blank or "prefer not to say")."""
    unknown = set(answers) - set(EqualityMonitoring.SENSITIVE_FIELDS)
    if unknown:
        raise ValidationError({"__all__": "Unknown question."})
    errors = {}
    for name, value in answers.items():
        allowed = {c for c, _ in EqualityMonitoring._meta.get_field(name).choices} | {""}
        if value not in allowed:
            errors[name] = "Choose one of the answers, or leave it blank."
    if errors:
        raise ValidationError(errors)
    row, created = EqualityMonitoring.objects.update_or_create(
        student=student, defaults=dict(updated_on=clock.today(student.college), **answers)
    )
    record(
        actor=actor,
        action="create" if created else "update",
        obj=row,
        fields=sorted(answers),
        college_id=student.college_id,
    )
    return row


def equality_summary(user):
    """The College's equality monitoring in aggregate: {question label: [(answer label, count or
    "fewer than 5")]}, plus the number who answered. Admins only."""
    if not can(user, "view_equality"):
        raise PermissionDenied
    rows = EqualityMonitoring.objects.filter(student__college_id=user.college_id)
    total = rows.count()
    out = {}
    for name in EqualityMonitoring.SENSITIVE_FIELDS:
        field = EqualityMonitoring._meta.get_field(name)
        counts = dict.fromkeys([c for c, _ in field.choices] + [""], 0)
        for value in rows.values_list(name, flat=True):
            counts[value] = counts.get(value, 0) + 1
        labels = dict(field.choices) | {"": "Not answered"}
        out[field.verbose_name.capitalize()] = [
            (labels[c], n if n >= SMALL_NUMBER or n == 0 else f"fewer than {SMALL_NUMBER}") for c, n in counts.items()
        ]
    record(
        actor=user,
        action="read",
        object_type=EqualityMonitoring._meta.label,
        object_id="aggregate",
        note="equality monitoring summary",
        college_id=user.college_id,
    )
    return total, out


def dress_bookings(student, bookings, today):
    """Give each booked place of *My courses* `to_answer` (questionnaires and feedback open now:
    (label, url name, args)) and `answered` (labels of what the student has answered)."""
    answers, feedback = outcomes_of(student)
    kinds = enabled_kinds(student.college)
    ask_feedback = feedback_enabled(student.college)
    for b in bookings:
        b.to_answer, b.answered = [], []
        if b.status != Booking.Status.BOOKED:
            continue
        done = answers.get(b.run_id, {})
        for (kind, timing), q in sorted(done.items()):
            b.answered.append(
                f"{Questionnaire.Kind(kind).label}, {Questionnaire.Timing(timing).label.lower()}"
                + (f": {q.score}" if q.score is not None else " (not scored: some questions blank)")
            )
        for timing in open_timings(b.run, today):
            for kind in kinds:
                if (kind, timing) not in done:
                    b.to_answer.append(
                        (
                            f"{Questionnaire.Kind(kind).label}: {Questionnaire.Timing(timing).label.lower()}",
                            "students:questionnaire",
                            [b.run_id, kind, timing],
                        )
                    )
        if ask_feedback and run_has_ended(b.run, today) and b.run.status != CourseRun.Status.CANCELLED:
            if b.run_id in feedback:
                b.answered.append("Feedback given")
            else:
                b.to_answer.append(("Feedback on the course", "students:feedback", [b.run_id]))


def paper_context(student):
    """What the student's page shows of their questionnaires and feedback, by run."""
    answers, feedback = outcomes_of(student)
    runs = list(runs_of(student))
    for r in runs:
        r.answers = sorted(answers.get(r.pk, {}).values(), key=lambda q: (q.kind, q.timing != "start"))
        r.fft = feedback.get(r.pk)
    return {
        "outcome_runs": runs,
        "kinds": [(k, Questionnaire.Kind(k).label) for k in enabled_kinds(student.college)],
        "timings": list(Questionnaire.Timing.choices),
        "ask_feedback": feedback_enabled(student.college),
    }
