"""QI measure pages: a project's measures, a measure's chart and its settings, and manual measures
(typed, pasted or uploaded values)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.accounts.rules import can, requires
from tandem.core.dates import month_label
from tandem.core.forms import add_service_errors

from . import cached, forms, present, selectors, services
from .charts import fmt
from .models import ManualMeasure
from .views import _page

# --- Measures --------------------------------------------------------------------------------------


@require_GET
@requires("view_qi")
def project_measures(request, pk):
    project = selectors.project_for(request.user, pk)
    return _page(
        request, "project_measures.jinja", "Measures", project, "measures", measures=selectors.measures(project)
    )


def _measure_page(request, project, mdef, chart_form=None, status=200):
    chart = cached.chart_for(project, mdef)
    if chart_form is None and can(request.user, "manage_qi"):  # the form is shown to the QI team only
        chart_type, rebase = selectors.chart_settings(project, mdef.key)
        chart_form = forms.ChartForm(
            initial={"chart": chart_type, "rebase_at": [a.pk for a in rebase]}, project=project
        )
    response = _page(
        request,
        "measure.jinja",
        mdef.name,
        project,
        "measures",
        measure=mdef,
        chart=chart,
        chart_form=chart_form,
        form=chart_form if chart_form is not None and chart_form.is_bound else None,
        goal=present.goal_progress(project) if project.goal_measure == mdef.key else None,
    )
    response.status_code = status
    return response


@require_GET
@requires("view_qi")
def measure(request, pk, key):
    project = selectors.project_for(request.user, pk)
    return _measure_page(request, project, selectors.measure_def_for(project, key))


@require_POST
@requires("manage_qi")
def measure_chart(request, pk, key):
    project = selectors.project_for(request.user, pk)
    mdef = selectors.measure_def_for(project, key)
    form = forms.ChartForm(request.POST, project=project)
    if form.is_valid():
        services.chart_update(actor=request.user, project=project, measure_key=key, **form.cleaned_data)
        messages.success(request, "Chart settings saved")
        return redirect(reverse("qi:measure", args=[pk, key]) + "#chart")
    return _measure_page(request, project, mdef, form)


@require_http_methods(["GET", "POST"])
@requires("manage_qi")
def manual_add(request, pk):
    project = selectors.project_for(request.user, pk)
    form = forms.ManualMeasureForm(request.POST if request.method == "POST" else None, college=project.college)
    if request.method == "POST" and form.is_valid():
        try:
            m = services.item_create(
                actor=request.user, item=ManualMeasure(college=project.college), **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Measure added: now enter its values")
            return redirect("qi:manual_values", pk=pk, key=m.key)
    return _page(
        request,
        "form.jinja",
        "Add a measure entered by hand",
        project,
        "measures",
        form=form,
        submit="Save the measure",
        cancel=reverse("qi:project_measures", args=[pk]),
    )


@require_http_methods(["GET", "POST"])
@requires("manage_qi")
def manual_edit(request, pk, key):
    project = selectors.project_for(request.user, pk)
    m = selectors.manual_measure_for(project, key)
    form = forms.ManualMeasureForm(
        request.POST if request.method == "POST" else None, instance=m, college=project.college
    )
    if request.method == "POST" and form.is_valid():
        services.item_update(actor=request.user, item=selectors.manual_measure_for(project, key), **form.cleaned_data)
        messages.success(request, "Measure saved")
        return redirect("qi:measure", pk=pk, key=key)
    return _page(
        request,
        "form.jinja",
        f"Edit {m.name}",
        project,
        "measures",
        form=form,
        submit="Save the measure",
        cancel=reverse("qi:measure", args=[pk, key]),
        delete_url=reverse("qi:manual_delete", args=[pk, key]),
        delete_text="Delete this measure and its values",
    )


@require_POST
@requires("manage_qi")
def manual_delete(request, pk, key):
    project = selectors.project_for(request.user, pk)
    services.item_delete(actor=request.user, item=selectors.manual_measure_for(project, key))
    messages.success(request, "Measure deleted")
    return redirect("qi:project_measures", pk=pk)


def _values_page(request, project, m, *, value_form=None, paste_form=None, upload_form=None, errors=None):
    bound = next((f for f in (value_form, paste_form, upload_form) if f is not None and f.is_bound), None)
    return _page(
        request,
        "values.jinja",
        f"Enter values: {m.name}",
        project,
        "measures",
        measure=m,
        values=[(v.period, fmt(v.value)) for v in m.values.order_by("-period")],
        value_form=value_form or forms.ValueForm(),
        paste_form=paste_form or forms.PasteForm(),
        upload_form=upload_form or forms.UploadForm(),
        form=bound,
        row_errors=errors,
    )


@require_http_methods(["GET", "POST"])
@requires("manage_qi")
def manual_values(request, pk, key):
    project = selectors.project_for(request.user, pk)
    m = selectors.manual_measure_for(project, key)
    form = forms.ValueForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.value_set(actor=request.user, measure=m, **form.cleaned_data)
        messages.success(request, f"Value for {month_label(form.cleaned_data['period'])} saved")
        return redirect("qi:manual_values", pk=pk, key=key)
    return _values_page(request, project, m, value_form=form if request.method == "POST" else None)


@require_POST
@requires("manage_qi")
def manual_import(request, pk, key, how):
    project = selectors.project_for(request.user, pk)
    m = selectors.manual_measure_for(project, key)
    form = (forms.PasteForm if how == "paste" else forms.UploadForm)(request.POST, request.FILES)
    if not form.is_valid():
        return _values_page(request, project, m, **{f"{how}_form": form})
    data = form.cleaned_data["text"] if how == "paste" else form.cleaned_data["file"].read()
    result = services.values_import(actor=request.user, measure=m, data=data)
    if result.errors:
        return _values_page(request, project, m, errors=[str(e) for e in result.errors])
    messages.success(request, f"{len(result.values)} month{'' if len(result.values) == 1 else 's'} of values saved")
    return redirect("qi:manual_values", pk=pk, key=key)
