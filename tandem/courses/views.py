from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from tandem.accounts.rules import requires
from tandem.core.models import Term
from tandem.release.selectors import release_status_for_runs

from . import selectors


@require_GET
@requires("view_courses")
def course_list(request):
    courses = selectors.visible_courses(request.user)
    topic = request.GET.get("topic", "")
    if topic:
        courses = courses.filter(topic=topic)
    topics = selectors.visible_courses(request.user).order_by("topic").values_list("topic", flat=True).distinct()
    return render(request, "courses/list.jinja", {"title": "Course catalogue", "section": "courses",
                                                  "courses": courses, "topics": topics, "topic": topic})


@require_GET
@requires("view_courses")
def course_detail(request, pk):
    course = selectors.course_for(request.user, pk)
    runs = selectors.with_gap_flags(selectors.visible_runs(request.user).filter(course=course).order_by("-start_date"))
    return render(request, "courses/detail.jinja", {"title": course.title, "section": "courses", "course": course, "runs": runs})


@require_GET
@requires("view_timetable")
def timetable(request):
    college_id = request.user.college_id
    terms = Term.objects.filter(college_id=college_id).order_by("-starts_on")
    term_id = request.GET.get("term")
    if term_id and term_id.isdigit():
        term = get_object_or_404(terms, pk=int(term_id))
    else:
        term = selectors.current_term(college_id)
    days, runs = selectors.timetable(request.user, term) if term else ([], [])
    return render(request, "courses/timetable.jinja", {
        "title": f"Timetable, {term}" if term else "Timetable", "section": "timetable", "term": term, "terms": terms,
        "days": days, "gaps": [r for r in runs if r.is_gap], "weeks": selectors.term_weeks(term) if term else [],
        "release_status": release_status_for_runs(runs),
    })


@require_GET
@requires("view_timetable")
def run_detail(request, pk):
    run = get_object_or_404(selectors.with_gap_flags_qs(selectors.visible_runs(request.user)), pk=pk)
    run.is_gap = run.status != run.Status.CANCELLED and not (run.n_peer and run.n_staff)
    sessions = run.sessions.prefetch_related("delivered_by").order_by("date")
    return render(request, "courses/run.jinja", {"title": str(run), "section": "timetable", "run": run, "sessions": sessions,
                                                 "release_status": release_status_for_runs([run])})
