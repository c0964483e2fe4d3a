"""Pages of the catalogue, the timetable and course runs. The session register is in
register_views.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.accounts.rules import can, requires
from tandem.core import clock
from tandem.core.forms import add_service_errors
from tandem.core.params import parse_id
from tandem.release.selectors import release_detail_for_run, release_status_for_runs
from tandem.tutors.models import Tutor

from . import selectors, services
from .forms import AssignForm, CourseForm, RemoveForm, RunCancelForm, RunForm
from .models import Course, CourseRun

SECTION_COURSES, SECTION_TIMETABLE = "courses", "timetable"


@require_GET
@requires("view_courses")
def course_list(request):
    courses = selectors.visible_courses(request.user)
    topic = request.GET.get("topic", "")
    if topic:
        courses = courses.filter(topic=topic)
    show_retired = request.GET.get("retired") == "1"
    if not show_retired:
        courses = courses.exclude(status=Course.Status.RETIRED)
    topics = selectors.visible_courses(request.user).order_by("topic").values_list("topic", flat=True).distinct()
    return render(
        request,
        "courses/list.jinja",
        {
            "title": "Course catalogue",
            "section": SECTION_COURSES,
            "courses": courses,
            "topics": topics,
            "topic": topic,
            "show_retired": show_retired,
        },
    )


@require_GET
@requires("view_courses")
def course_detail(request, pk):
    course = selectors.course_for(request.user, pk)
    runs = selectors.with_gap_flags(selectors.visible_runs(request.user).filter(course=course).order_by("-start_date"))
    return render(
        request,
        "courses/detail.jinja",
        {"title": course.title, "section": SECTION_COURSES, "course": course, "runs": runs},
    )


def _course_fields(form):
    data = dict(form.cleaned_data)
    return data.pop("co_producers"), data


@require_http_methods(["GET", "POST"])
@requires("manage_courses")
def course_create(request):
    form = CourseForm(
        request.POST if request.method == "POST" else None,
        college=request.user.college,
        initial={"status": Course.Status.ACTIVE},
    )
    if request.method == "POST" and form.is_valid():
        co_producers, fields = _course_fields(form)
        try:
            course = services.course_create(
                actor=request.user, college=request.user.college, co_producers=co_producers, **fields
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{course.title} is in the catalogue. Add its first run when you are ready.")
            return redirect("courses:detail", pk=course.pk)
    return render(
        request,
        "courses/course_form.jinja",
        {"title": "Add a course", "section": SECTION_COURSES, "form": form, "course": None},
    )


@require_http_methods(["GET", "POST"])
@requires("manage_courses")
def course_edit(request, pk):
    course = selectors.course_for(request.user, pk)
    form = CourseForm(request.POST if request.method == "POST" else None, instance=course, college=request.user.college)
    if request.method == "POST" and form.is_valid():
        co_producers, fields = _course_fields(form)
        try:
            # The form wrote its values onto `course`; the service reads the stored row itself.
            services.course_update(
                actor=request.user, course=selectors.course_for(request.user, pk), co_producers=co_producers, **fields
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The course is saved.")
            return redirect("courses:detail", pk=pk)
    course = selectors.course_for(request.user, pk)
    return render(
        request,
        "courses/course_form.jinja",
        {"title": f"Edit {course.title}", "section": SECTION_COURSES, "form": form, "course": course},
    )


@require_http_methods(["GET", "POST"])
@requires("manage_courses")
def course_retire(request, pk):
    course = selectors.course_for(request.user, pk)
    if request.method == "POST":
        services.course_retire(actor=request.user, course=course)
        messages.success(request, f"{course.title} is retired. Its runs and their records stay.")
        return redirect("courses:detail", pk=pk)
    live = course.runs.exclude(status__in=[CourseRun.Status.CANCELLED, CourseRun.Status.COMPLETED]).count()
    return render(
        request,
        "courses/retire.jinja",
        {"title": f"Retire {course.title}", "section": SECTION_COURSES, "course": course, "live_runs": live},
    )


@require_GET
@requires("view_timetable")
def timetable(request):
    college_id = request.user.college_id
    terms = selectors.college_terms(request.user)

    term_id = parse_id(request.GET.get("term"), name="term")
    if term_id is not None:
        term = get_object_or_404(terms, pk=term_id)
    else:
        term = selectors.current_term(college_id, today=clock.today(request.user))
    days, runs = selectors.timetable(request.user, term) if term else ([], [])
    return render(
        request,
        "courses/timetable.jinja",
        {
            "title": f"Timetable, {term}" if term else "Timetable",
            "section": SECTION_TIMETABLE,
            "term": term,
            "terms": terms,
            "days": days,
            "gaps": [r for r in runs if r.is_gap],
            "weeks": selectors.term_weeks(term) if term else [],
            "release_status": release_status_for_runs(runs),
        },
    )


@require_GET
@requires("view_timetable")
def run_detail(request, pk):
    run = selectors.run_for(request.user, pk)
    sessions = run.sessions.prefetch_related("delivered_by").order_by("date")
    manage = can(request.user, "manage_courses")
    tutors = list(run.tutors.all())
    releases, unreleased = release_detail_for_run(run)
    asked = {r["tutor"].pk for r in releases}
    context = {
        "releases": releases,
        "unreleased": unreleased,
        "asked": asked,
        "title": str(run),
        "section": SECTION_TIMETABLE,
        "run": run,
        "sessions": sessions,
        "manage": manage,
        "today": clock.today(request.user),
        "missing": services.missing_kinds(tutors),
        "tutors": tutors,
        "can_record": can(request.user, "record_sessions")
        and (manage or any(t.user_id == request.user.pk for t in tutors)),
        "candidates": None,
        "changes": None,
    }
    if manage:
        context["changes"] = selectors.tutor_changes(run)[:20]
        if run.is_gap:
            # The next steps for a gap: candidates of the missing kind, free ones first.
            context["candidates"] = {
                kind: selectors.candidate_tutors(run, kind)[:5]
                for kind in (Tutor.Kind.PEER, Tutor.Kind.STAFF)
                if not any(t.kind == kind for t in tutors)
            }
    return render(request, "courses/run.jinja", context)


def _run_fields(form):
    return dict(form.cleaned_data)


@require_http_methods(["GET", "POST"])
@requires("manage_courses")
def run_create(request, pk):
    course = selectors.course_for(request.user, pk)
    if course.status == Course.Status.RETIRED:
        messages.warning(request, f"{course.title} is retired: edit the course and make it active to add a run.")
        return redirect("courses:detail", pk=pk)
    college = request.user.college
    term = selectors.current_term(college.pk, today=clock.today(request.user))
    form = RunForm(
        request.POST if request.method == "POST" else None,
        college=college,
        initial={"term": term.pk if term else None, "capacity": 15, "weeks": course.number_of_sessions},
    )
    if request.method == "POST" and form.is_valid():
        try:
            run = services.run_create(actor=request.user, course=course, **_run_fields(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"The run is added with {run.sessions.count()} sessions. Now put a peer and a staff tutor on it.",
            )
            return redirect("courses:run", pk=run.pk)
    return render(
        request,
        "courses/run_form.jinja",
        {
            "title": f"Add a run of {course.title}",
            "section": SECTION_COURSES,
            "form": form,
            "course": course,
            "run": None,
        },
    )


@require_http_methods(["GET", "POST"])
@requires("manage_courses")
def run_edit(request, pk):
    run = selectors.run_for(request.user, pk)
    if run.status in (CourseRun.Status.CANCELLED, CourseRun.Status.COMPLETED):
        messages.warning(request, f"This run is {run.get_status_display().lower()}: it cannot be changed.")
        return redirect("courses:run", pk=pk)
    initial = {
        "term": run.term_id,
        "weekday": run.weekday,
        "start_time": run.start_time,
        "end_time": run.end_time,
        "start_date": run.start_date,
        "weeks": run.sessions.count(),
        "online": run.online,
        "room": run.room_id,
        "capacity": run.capacity,
    }
    form = RunForm(request.POST if request.method == "POST" else None, college=request.user.college, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.run_update(actor=request.user, run=run, **_run_fields(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            filled = len(run.places_filled)
            messages.success(
                request,
                "The run is saved."
                + (
                    f" {filled} {'person' if filled == 1 else 'people'} on the waiting list "
                    f"{'has' if filled == 1 else 'have'} a place now and {'was' if filled == 1 else 'were'} emailed."
                    if filled
                    else ""
                ),
            )
            return redirect("courses:run", pk=pk)
    return render(
        request,
        "courses/run_form.jinja",
        {
            "title": f"Change the run of {run.course.title}",
            "section": SECTION_TIMETABLE,
            "form": form,
            "course": run.course,
            "run": run,
        },
    )


@require_http_methods(["GET", "POST"])
@requires("manage_courses")
def run_assign(request, pk):
    run = selectors.run_for(request.user, pk)
    kind = request.GET.get("kind") or request.POST.get("kind") or ""
    if kind not in Tutor.Kind.values:
        # No kind asked for: the kind the run lacks (a peer first), else a peer.
        kind = Tutor.Kind.STAFF if run.n_peer and not run.n_staff else Tutor.Kind.PEER
    everyone = request.GET.get("all") == "1" or request.POST.get("all") == "1"
    candidates = selectors.candidate_tutors(run, kind, everyone=everyone)
    chosen = parse_id(request.GET.get("tutor"), optional=True)
    form = AssignForm(
        request.POST if request.method == "POST" else None,
        candidates=candidates,
        initial={"tutor": chosen} if chosen is not None else None,
    )
    if request.method == "POST" and form.is_valid():
        tutor = form.cleaned_data["tutor"]
        try:
            services.run_assign_tutor(
                actor=request.user,
                run=run,
                tutor=tutor,
                asked_by=form.cleaned_data["asked_by"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{tutor.full_name} is on the run.")
            return redirect("courses:run", pk=pk)
    label = Tutor.Kind(kind).label.lower()
    return render(
        request,
        "courses/assign.jinja",
        {
            "title": f"Put a {label} on {run.course.title}",
            "section": SECTION_TIMETABLE,
            "run": run,
            "form": form,
            "kind": kind,
            "kind_label": label,
            "candidates": candidates,
            "everyone": everyone,
        },
    )


@require_http_methods(["GET", "POST"])
@requires("manage_courses")
def run_remove(request, pk, tutor_pk):
    run = selectors.run_for(request.user, pk)
    tutor = get_object_or_404(run.tutors.all(), pk=tutor_pk)
    form = RemoveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.run_remove_tutor(actor=request.user, run=run, tutor=tutor, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{tutor.full_name} is off the run.")
            return redirect("courses:run", pk=pk)
    return render(
        request,
        "courses/remove.jinja",
        {
            "title": f"Take {tutor.full_name} off {run.course.title}",
            "section": SECTION_TIMETABLE,
            "run": run,
            "tutor": tutor,
            "form": form,
        },
    )


@require_POST
@requires("manage_courses")
def run_confirm(request, pk):
    run = selectors.run_for(request.user, pk)
    try:
        services.run_confirm(actor=request.user, run=run)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "The run is confirmed.")
    return redirect("courses:run", pk=pk)


@require_http_methods(["GET", "POST"])
@requires("manage_courses")
def run_cancel(request, pk):
    run = selectors.run_for(request.user, pk)
    if run.status in (CourseRun.Status.CANCELLED, CourseRun.Status.COMPLETED):
        messages.warning(request, f"This run is already {run.get_status_display().lower()}.")
        return redirect("courses:run", pk=pk)
    initial = {}
    if run.is_gap:
        initial["cancel_reason"] = (
            CourseRun.CancelReason.NO_PEER_TUTOR if not run.n_peer else CourseRun.CancelReason.NO_STAFF_TUTOR
        )
    form = RunCancelForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.run_cancel(
                actor=request.user,
                run=run,
                reason=form.cleaned_data["cancel_reason"],
                note=form.cleaned_data["cancel_note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The run is cancelled. Its sessions still to come are cancelled with it.")
            return redirect("courses:run", pk=pk)
    return render(
        request,
        "courses/cancel.jinja",
        {
            "title": f"Cancel {run.course.title}",
            "section": SECTION_TIMETABLE,
            "run": run,
            "form": form,
            "back": reverse("courses:run", args=[run.pk]),
        },
    )
