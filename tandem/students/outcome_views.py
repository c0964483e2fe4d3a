"""Pages of part 2: individual learning plans (the student's own, and a learning adviser's view
of a student's), questionnaires and feedback (online by the student, from paper by staff), and
equality monitoring (the student's own optional answers; the admin's audited read and the
College's aggregate report)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from tandem.accounts.rules import requires
from tandem.core import clock
from tandem.core.forms import add_service_errors
from tandem.courses.models import CourseRun

from . import outcomes, scoring
from .forms import EqualityForm, FeedbackForm, GoalAchievedForm, GoalForm, QuestionnaireForm, ReviewForm
from .models import EqualityMonitoring, Questionnaire
from .selectors import student_for

QUESTIONS = {
    Questionnaire.Kind.SWEMWBS: (
        "Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS)",
        "Below are some statements about feelings and thoughts. Choose the answer that best describes your "
        "experience of each over the last 2 weeks.",
        scoring.SWEMWBS_ITEMS,
        scoring.SWEMWBS_CHOICES,
    ),
    Questionnaire.Kind.QPR: (
        "Questionnaire about the Process of Recovery (QPR-15)",
        "Thinking about the last 7 days, how much do you agree with each statement?",
        scoring.QPR_ITEMS,
        scoring.QPR_CHOICES,
    ),
}


# --- Learning plans ------------------------------------------------------------------------------


def _plan(request, student, own):
    form = GoalForm(request.POST if request.method == "POST" else None, courses=outcomes.plan_courses(student))
    if request.method == "POST" and form.is_valid():
        try:
            outcomes.goal_add(actor=request.user, student=student, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The goal is added to the learning plan.")
            return redirect("students:my_plan") if own else redirect("students:plan", pk=student.pk)
    goals, reviews = outcomes.plan_of(student)
    return render(
        request,
        "students/plan.jinja",
        {
            "title": "My learning plan" if own else f"Learning plan: {student.full_name}",
            "section": "my_courses" if own else "students",
            "student": student,
            "own": own,
            "goals": goals,
            "reviews": reviews,
            "form": form,
        },
    )


@require_http_methods(["GET", "POST"])
@requires("answer_outcomes")
def my_plan(request):
    return _plan(request, outcomes.plan_student(request.user), own=True)


@require_http_methods(["GET", "POST"])
@requires("advise_students")
def plan(request, pk):
    return _plan(request, outcomes.plan_student(request.user, pk), own=False)


def _review(request, student, own):
    form = ReviewForm(
        request.POST if request.method == "POST" else None, initial={"reviewed_on": clock.today(student.college)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            outcomes.review_add(actor=request.user, student=student, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The review is added to the learning plan.")
            return redirect("students:my_plan") if own else redirect("students:plan", pk=student.pk)
    return render(
        request,
        "students/review.jinja",
        {
            "title": "Add a review of the learning plan",
            "section": "my_courses" if own else "students",
            "student": student,
            "own": own,
            "form": form,
        },
    )


@require_http_methods(["GET", "POST"])
@requires("answer_outcomes")
def my_plan_review(request):
    return _review(request, outcomes.plan_student(request.user), own=True)


@require_http_methods(["GET", "POST"])
@requires("advise_students")
def plan_review(request, pk):
    return _review(request, outcomes.plan_student(request.user, pk), own=False)


def _goal_achieved(request, student, goal_pk, own):
    goal = outcomes.plan_goal(student, goal_pk)
    initial = {
        "achieved": "yes" if goal.achieved_on else "no",
        "achieved_on": goal.achieved_on or clock.today(student.college),
    }
    form = GoalAchievedForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            goal = outcomes.goal_mark_achieved(actor=request.user, goal=goal, achieved_on=form.chosen_date())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"The goal is marked achieved on {goal.achieved_on:%d %B %Y}."
                if goal.achieved_on
                else "The goal is marked as not achieved yet.",
            )
            return redirect("students:my_plan") if own else redirect("students:plan", pk=student.pk)
    return render(
        request,
        "students/goal_achieved.jinja",
        {
            "title": "Mark a goal achieved",
            "section": "my_courses" if own else "students",
            "student": student,
            "goal": goal,
            "own": own,
            "form": form,
        },
    )


@require_http_methods(["GET", "POST"])
@requires("answer_outcomes")
def my_goal_achieved(request, goal):
    return _goal_achieved(request, outcomes.plan_student(request.user), goal, own=True)


@require_http_methods(["GET", "POST"])
@requires("advise_students")
def goal_achieved(request, pk, goal):
    return _goal_achieved(request, outcomes.plan_student(request.user, pk), goal, own=False)


# --- Questionnaires and feedback -----------------------------------------------------------------


def _kind_timing(student, kind, timing):
    if kind not in outcomes.enabled_kinds(student.college) or timing not in Questionnaire.Timing.values:
        raise Http404
    return Questionnaire.Kind(kind), Questionnaire.Timing(timing)


def _questionnaire(request, student, run, kind, timing, *, paper):
    name, intro, items, choices = QUESTIONS[kind]
    existing = Questionnaire.objects.filter(student=student, run=run, kind=kind, timing=timing).first()
    initial = {f"item_{i}": v for i, v in enumerate(existing.items, start=1)} if existing else {}
    if paper:
        initial["completed_on"] = existing.completed_on if existing else clock.today(student.college)
    form = QuestionnaireForm(
        request.POST if request.method == "POST" else None, items=items, choices=choices, paper=paper, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            row = outcomes.questionnaire_save(
                actor=request.user,
                student=student,
                run=run,
                kind=kind,
                timing=timing,
                items=form.answers(),
                source=Questionnaire.Source.PAPER if paper else Questionnaire.Source.ONLINE,
                completed_on=form.cleaned_data.get("completed_on"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if row.score is None:
                messages.success(
                    request,
                    "Your answers are saved. Some questions were left blank, so there is no "
                    "score: a score needs every question answered.",
                )
            else:
                messages.success(request, "Thank you: your answers are saved.")
            return redirect("students:my_courses") if not paper else redirect("students:detail", pk=student.pk)
    return render(
        request,
        "students/questionnaire.jinja",
        {
            "title": f"{name}: {Questionnaire.Timing(timing).label.lower()}",
            "section": "students" if paper else "my_courses",
            "name": name,
            "intro": intro,
            "form": form,
            "run": run,
            "student": student,
            "paper": paper,
            "timing": Questionnaire.Timing(timing),
        },
    )


@require_http_methods(["GET", "POST"])
@requires("answer_outcomes")
def questionnaire(request, pk, kind, timing):
    student, run = outcomes.student_run(request.user, pk)
    kind, timing = _kind_timing(student, kind, timing)
    if timing not in outcomes.open_timings(run, clock.today(student.college)):
        raise Http404
    return _questionnaire(request, student, run, kind, timing, paper=False)


@require_http_methods(["GET", "POST"])
@requires("enter_outcomes")
def paper_questionnaire(request, pk, run, kind, timing):
    student = outcomes.college_student(request.user, pk)
    run = _run_of(student, run)
    kind, timing = _kind_timing(student, kind, timing)
    return _questionnaire(request, student, run, kind, timing, paper=True)


def _run_of(student, pk):
    run = outcomes.runs_of(student).filter(pk=pk).first()
    if run is None:
        raise Http404
    return run


def _feedback(request, student, run, *, paper):
    if not outcomes.feedback_enabled(student.college):
        raise Http404
    existing = run.feedback.filter(student=student).first()
    form = FeedbackForm(
        request.POST if request.method == "POST" else None,
        initial={"answer": existing.answer, "comment": existing.comment} if existing else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            outcomes.feedback_save(
                actor=request.user,
                student=student,
                run=run,
                **form.cleaned_data,
                source=Questionnaire.Source.PAPER if paper else Questionnaire.Source.ONLINE,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Thank you for your feedback.")
            return redirect("students:detail", pk=student.pk) if paper else redirect("students:my_courses")
    return render(
        request,
        "students/feedback.jinja",
        {
            "title": f"Feedback on {run.course.title}",
            "section": "students" if paper else "my_courses",
            "form": form,
            "run": run,
            "student": student,
            "paper": paper,
        },
    )


@require_http_methods(["GET", "POST"])
@requires("answer_outcomes")
def feedback(request, pk):
    student, run = outcomes.student_run(request.user, pk)
    if not outcomes.run_has_ended(run, clock.today(student.college)) or run.status == CourseRun.Status.CANCELLED:
        raise Http404
    return _feedback(request, student, run, paper=False)


@require_http_methods(["GET", "POST"])
@requires("enter_outcomes")
def paper_feedback(request, pk, run):
    student = outcomes.college_student(request.user, pk)
    return _feedback(request, student, _run_of(student, run), paper=True)


# --- Equality monitoring -------------------------------------------------------------------------


def _equality(request, student, own):
    row = outcomes.equality_read(request.user, student)
    initial = {f: getattr(row, f) for f in EqualityMonitoring.SENSITIVE_FIELDS} if row else None
    form = EqualityForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            outcomes.equality_save(actor=request.user, student=student, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Thank you: the answers are saved.")
            return redirect("students:my_courses") if own else redirect("students:detail", pk=student.pk)
    return render(
        request,
        "students/equality.jinja",
        {
            "title": "Equality monitoring (optional)",
            "section": "my_courses" if own else "students",
            "form": form,
            "student": student,
            "own": own,
        },
    )


@require_http_methods(["GET", "POST"])
@requires("answer_outcomes")
def my_equality(request):
    return _equality(request, outcomes.plan_student(request.user), own=True)


@require_http_methods(["GET", "POST"])
@requires("view_equality")
def equality(request, pk):
    return _equality(request, student_for(request.user, pk), own=False)


@require_GET
@requires("view_equality")
def equality_report(request):
    total, summary = outcomes.equality_summary(request.user)
    return render(
        request,
        "students/equality_report.jinja",
        {
            "title": "Equality monitoring: the College's students",
            "section": "students",
            "total": total,
            "summary": summary,
            "small": outcomes.SMALL_NUMBER,
        },
    )
