from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from tandem.accounts.emails import set_password_link
from tandem.accounts.rules import can, is_platform_operator, requires
from tandem.core import clock
from tandem.courses.selectors import dashboard_term, unrecorded_count
from tandem.qi.cached import outcome_chart
from tandem.release.selectors import pending_count

from . import importers
from .forms import ImportForm, SetupForm, add_service_errors
from .models import College
from .selectors import headline_counts
from .setup import AlreadySetUp, college_setup


@require_GET
def dashboard(request):
    if is_platform_operator(request.user) and request.user.college_id is None:
        # A platform operator has no College of their own: the first-run page until one exists.
        if not College.objects.exists():
            return redirect("core:setup")
        return render(
            request,
            "core/operator.jinja",
            {"title": "Tandem", "section": "dashboard", "colleges": College.objects.select_related("trust")},
        )
    if can(request.user, "view_my_courses"):  # a student's home is *My courses* (tandem.students)
        return redirect("students:my_courses")
    if not can(request.user, "view_dashboard"):
        raise PermissionDenied
    college = request.user.college
    today = clock.today(college)
    term, runs = dashboard_term(request.user, today) if college else (None, [])
    context = {
        "title": "Dashboard",
        "section": "dashboard",
        "college": college,
        "term": term,
        "runs": runs,
        "gaps": [r for r in runs if r.is_gap],
        "counts": headline_counts(college) if college else None,
        "outcome": outcome_chart(college) if college else None,
        "today": today,
        "own_clock": college is not None and college.clock_date is not None,
        "manage": can(request.user, "manage_courses"),
        "unrecorded": unrecorded_count(request.user, today)
        if college and can(request.user, "record_sessions")
        else None,
        "decisions": pending_count(request.user),
    }
    return render(request, "core/dashboard.jinja", context)


@require_http_methods(["GET", "POST"])
@requires("import_records")
def import_records(request):
    form = ImportForm(request.POST if request.method == "POST" else None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = importers.import_file(
            kind=form.cleaned_data["kind"],
            data=form.cleaned_data["file"].read(),
            college=request.user.college,
            actor=request.user,
        )
        if result.ok:
            messages.success(
                request,
                " ".join([f"Imported {result.count} {form.cleaned_data['kind']}.", *(f"{n}." for n in result.notes)]),
            )
            return redirect("core:import")
    return render(
        request,
        "core/import.jinja",
        {"title": "Import tutors, courses or past registers", "section": "import", "form": form, "result": result},
    )


@require_http_methods(["GET", "POST"])
def first_run(request):
    """Set up the first College (platform operators only, and only while there is none): the same
    as `tandem setup`."""
    if not is_platform_operator(request.user) or College.objects.exists():
        raise Http404
    form = SetupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            college, admin = college_setup(
                actor=request.user,
                trust=data["trust"],
                college=data["college"],
                slug=data["slug"],
                partners=data["partners"].splitlines(),
                admin_username=data["admin_username"],
                admin_email=data["admin_email"],
            )
        except AlreadySetUp as exc:
            form.add_error("slug", str(exc)[:1].upper() + str(exc)[1:])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return render(
                request,
                "core/setup_done.jinja",
                {
                    "title": "The College is set up",
                    "college": college,
                    "admin": admin,
                    "link": set_password_link(admin),
                },
            )
    return render(request, "core/setup.jinja", {"title": "Set up your College", "form": form})
