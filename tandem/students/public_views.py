"""The public prospectus and self sign-up: no sign-in needed (self-referral is a defining feature
of a Recovery College). Reads only what is public: runs, times, places, tutors' first names."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from tandem.accounts.models import Role
from tandem.core import clock
from tandem.core.client_ip import TOO_MANY_MESSAGE, public_form_limit
from tandem.core.forms import add_service_errors
from tandem.core.models import College
from tandem.core.params import parse_id

from . import selectors, services
from .forms import ProspectusFilterForm, SignUpForm


def _college(slug):
    return get_object_or_404(College, slug=slug)


@login_not_required
@require_GET
def prospectus(request, college):
    college = _college(college)
    today = clock.today(college)
    form = ProspectusFilterForm(request.GET or None, topics=selectors.prospectus_topics(college))
    filters = form.filters() if request.GET else {}
    runs = selectors.prospectus_runs(college, today=today, **filters)
    return render(
        request,
        "students/prospectus.jinja",
        {
            "title": f"Courses at {college.name}",
            "section": "prospectus",
            "college": college,
            "form": None,
            "filter": form,
            "runs": runs,
            "terms": selectors.prospectus_terms(college, today),
            "filtered": any(v not in ("", None) for v in filters.values()),
        },
    )


@login_not_required
@require_GET
def prospectus_run(request, college, pk):
    college = _college(college)
    run = selectors.prospectus_run(college, pk)
    sessions = list(run.sessions.order_by("date"))
    user = request.user
    is_student = user.is_authenticated and user.role == Role.STUDENT and user.college_id == college.pk
    return render(
        request,
        "students/prospectus_run.jinja",
        {
            "title": run.course.title,
            "section": "prospectus",
            "college": college,
            "run": run,
            "sessions": sessions,
            "is_student": is_student,
        },
    )


@login_not_required
@require_http_methods(["GET", "POST"])
@public_form_limit("student-sign-up")
def sign_up(request, college):
    """A student account by email. Every post counts towards the public forms' rate limit."""
    college = _college(college)
    run_id = parse_id(request.GET.get("run"), optional=True)
    run = None
    if run_id is not None:
        run = next((r for r in selectors.prospectus_runs(college) if r.pk == run_id), None)
    form = SignUpForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if getattr(request, "limited", False):
            form.is_valid()
            form.add_error(None, TOO_MANY_MESSAGE)
            status = 429
        elif form.is_valid():
            try:
                student = services.student_sign_up(college=college, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                login(request, student.user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, f"Welcome, {student.first_name}: your student account is made.")
                if run is not None:
                    return redirect("students:book", pk=run.pk)
                return redirect("students:my_courses")
    return render(
        request,
        "students/sign_up.jinja",
        {
            "title": "Enrol as a student",
            "section": "prospectus",
            "college": college,
            "form": form,
            "run": run,
            "sign_in": reverse("accounts:login")
            + "?next="
            + (reverse("students:book", args=[run.pk]) if run else reverse("students:my_courses")),
        },
        status=status,
    )
