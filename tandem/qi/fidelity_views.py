"""Pages of the College's RECOLLECT fidelity self-assessment: the years and their run chart, and
one year's assessment (add, edit) with the evidence from Tandem's records beside each component."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from tandem.accounts.rules import requires
from tandem.core import clock
from tandem.core.forms import add_service_errors

from . import fidelity
from .forms import FidelityForm
from .models import RECOLLECT_CITATION, RECOLLECT_MAX, RECOLLECT_MODIFIABLE, RECOLLECT_SCORED


@require_GET
@requires("view_fidelity")
def fidelity_list(request):
    items = list(fidelity.assessments(request.user))
    return render(
        request,
        "qi/fidelity.jinja",
        {
            "title": "College fidelity: RECOLLECT",
            "section": "qi",
            "project": None,  # qi/_layout.jinja: a page outside any project
            "items": items,
            "chart": fidelity.chart(items),
            "scored": RECOLLECT_SCORED,
            "modifiable": RECOLLECT_MODIFIABLE,
            "max": RECOLLECT_MAX,
            "citation": RECOLLECT_CITATION,
        },
    )


def _year_of(form, fallback):
    try:
        return int(form.data.get("year")) if form.is_bound else int(form.initial.get("year") or fallback)
    except (TypeError, ValueError):
        return fallback


def _form_page(request, form, title, submit, assessment=None):
    default_year = assessment.year if assessment else clock.today(request.user).year
    year = _year_of(form, default_year)
    if not 2000 <= year <= 2100:
        year = default_year
    return render(
        request,
        "qi/fidelity_form.jinja",
        {
            "title": title,
            "section": "qi",
            "project": None,  # qi/_layout.jinja: a page outside any project
            "form": form,
            "submit": submit,
            "assessment": assessment,
            "evidence": fidelity.evidence(request.user.college, year),
            "evidence_year": year,
            "citation": RECOLLECT_CITATION,
            "cancel": reverse("qi:fidelity"),
        },
    )


@require_http_methods(["GET", "POST"])
@requires("manage_fidelity")
def fidelity_add(request):
    today = clock.today(request.user)
    form = FidelityForm(
        request.POST if request.method == "POST" else None, initial={"year": today.year, "assessed_on": today}
    )
    if request.method == "POST" and form.is_valid():
        try:
            a = fidelity.save(actor=request.user, college=request.user.college, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"RECOLLECT assessment for {a.year} saved: {a.total} of {RECOLLECT_MAX}")
            return redirect("qi:fidelity")
    return _form_page(request, form, "Add a RECOLLECT fidelity assessment", "Save the assessment")


@require_http_methods(["GET", "POST"])
@requires("manage_fidelity")
def fidelity_edit(request, item):
    a = fidelity.assessment_for(request.user, item)
    form = FidelityForm(request.POST if request.method == "POST" else None, instance=a)
    if request.method == "POST" and form.is_valid():
        try:
            fidelity.save(
                actor=request.user,
                college=request.user.college,
                assessment=fidelity.assessment_for(request.user, item),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"RECOLLECT assessment for {form.cleaned_data['year']} saved")
            return redirect("qi:fidelity")
    return _form_page(request, form, f"Edit the RECOLLECT fidelity assessment for {a.year}", "Save the assessment", a)
