from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from tandem.accounts.rules import requires
from tandem.accounts.rules import can
from tandem.core import clock
from tandem.courses.selectors import current_term, unrecorded_count, visible_runs, with_gap_flags
from tandem.qi.charts import outcome_chart

from . import importers
from .forms import ImportForm
from .selectors import headline_counts


@require_GET
@requires("view_dashboard")
def dashboard(request):
    college = request.user.college
    today = clock.today(college)
    term = current_term(college.id, today=today) if college else None
    runs = with_gap_flags(visible_runs(request.user).filter(term=term)) if term else []
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
        "unrecorded": unrecorded_count(request.user, today) if college and can(request.user, "record_sessions") else None,
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
            messages.success(request, f"Imported {result.count} {form.cleaned_data['kind']}.")
            return redirect("core:import")
    return render(request, "core/import.jinja", {"title": "Import tutors or courses", "section": "import",
                                                  "form": form, "result": result})
