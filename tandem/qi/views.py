from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.accounts.rules import requires
from tandem.core import clock
from tandem.core.forms import add_service_errors

from . import cached, forms, present, report, selectors, services
from .diagram import render_driver_diagram
from .measures import REGISTRY
from .models import Aim, Annotation, ChangeIdea, Driver, StakeholderEntry, TeamMember


@require_GET
@requires("view_measures")
def measures(request):
    college = request.user.college
    return render(
        request,
        "qi/measures.jinja",
        {
            "title": "Measures",
            "section": "qi_measures",
            "outcome": cached.outcome_chart(college),
            "measures": list(REGISTRY.values()),
            "projects": list(selectors.visible_projects(request.user)),
        },
    )


def _page(request, template, title, project=None, tab=None, **context):
    return render(
        request, f"qi/{template}", {"title": title, "section": "qi", "project": project, "tab": tab, **context}
    )


# --- Projects and charter ------------------------------------------------------------------------


@require_GET
@requires("view_qi")
def home(request):
    projects = list(selectors.visible_projects(request.user))
    return _page(request, "home.jinja", "QI projects", projects=projects)


@require_http_methods(["GET", "POST"])
@requires("manage_qi")
def project_create(request):
    form = forms.ProjectForm(request.POST if request.method == "POST" else None, college=request.user.college)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=request.user, college=request.user.college, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "QI project started")
            return redirect("qi:project", pk=project.pk)
    return _page(
        request, "form.jinja", "Start a QI project", form=form, submit="Start the project", cancel=reverse("qi:home")
    )


@require_GET
@requires("view_qi")
def project(request, pk):
    project = selectors.project_for(request.user, pk)
    return _page(
        request,
        "project.jinja",
        project.title,
        project,
        "charter",
        aims=list(project.aims.all()),
        team=selectors.team(project),
        progress=selectors.progress(project),
        goal=present.goal_progress(project),
    )


@require_http_methods(["GET", "POST"])
@requires("manage_qi")
def charter_edit(request, pk):
    project = selectors.project_for(request.user, pk)
    form = forms.ProjectForm(
        request.POST if request.method == "POST" else None, instance=project, college=project.college
    )
    if request.method == "POST" and form.is_valid():
        fresh = selectors.project_for(request.user, pk)
        try:
            services.item_update(actor=request.user, item=fresh, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Charter saved")
            return redirect("qi:project", pk=pk)
    return _page(
        request,
        "form.jinja",
        "Edit the charter",
        project,
        "charter",
        form=form,
        submit="Save the charter",
        cancel=reverse("qi:project", args=[pk]),
    )


@require_http_methods(["GET", "POST"])
@requires("manage_qi")
def score_add(request, pk):
    project = selectors.project_for(request.user, pk)
    form = forms.ProgressScoreForm(
        request.POST if request.method == "POST" else None, initial={"recorded_on": clock.today(request.user)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.score_record(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Progress score recorded")
            return redirect(reverse("qi:project", args=[pk]) + "#progress")
    return _page(
        request,
        "form.jinja",
        "Record the IHI progress score",
        project,
        "charter",
        form=form,
        submit="Record the score",
        cancel=reverse("qi:project", args=[pk]),
        score_scale=True,
    )


# --- Simple child objects: aims, team, drivers, change ideas, annotations, stakeholder log --------


@dataclass(frozen=True)
class Child:
    noun: str
    form: type
    lookup: Callable
    new: Callable
    back: str
    anchor: str = ""
    form_kwargs: Callable = lambda project: {}
    initial: tuple = ()


CHILDREN = {
    "aim": Child("aim", forms.AimForm, selectors.aim_for, lambda p: Aim(project=p), "qi:project", "#aims"),
    "member": Child(
        "team member",
        forms.TeamMemberForm,
        selectors.member_for,
        lambda p: TeamMember(project=p),
        "qi:project",
        "#team",
        lambda p: {"college": p.college},
    ),
    "driver": Child(
        "driver",
        forms.DriverForm,
        selectors.driver_for,
        lambda p: Driver(project=p),
        "qi:drivers",
        "",
        lambda p: {"project": p},
        ("parent",),
    ),
    "idea": Child(
        "change idea",
        forms.ChangeIdeaForm,
        selectors.idea_for,
        lambda p: ChangeIdea(project=p),
        "qi:drivers",
        "",
        lambda p: {"project": p},
        ("driver",),
    ),
    "annotation": Child(
        "annotation",
        forms.AnnotationForm,
        selectors.annotation_for,
        lambda p: Annotation(project=p),
        "qi:annotations",
        "",
        lambda p: {"project": p},
        ("cycle", "date", "text"),
    ),
    "stakeholder": Child(
        "stakeholder log entry",
        forms.StakeholderForm,
        selectors.stakeholder_entry_for,
        lambda p: StakeholderEntry(project=p),
        "qi:stakeholders",
    ),
}
TABS = {
    "aim": "charter",
    "member": "charter",
    "driver": "drivers",
    "idea": "drivers",
    "annotation": "annotations",
    "stakeholder": "stakeholders",
}


def _back(child, pk):
    return reverse(child.back, args=[pk]) + child.anchor


@require_http_methods(["GET", "POST"])
@requires("manage_qi")
def child_add(request, pk, kind):
    child = CHILDREN[kind]
    project = selectors.project_for(request.user, pk)
    initial = {k: request.GET[k] for k in child.initial if k in request.GET}
    form = child.form(request.POST if request.method == "POST" else None, initial=initial, **child.form_kwargs(project))
    if request.method == "POST" and form.is_valid():
        try:
            services.item_create(actor=request.user, item=child.new(project), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{child.noun.capitalize()} added")
            return redirect(_back(child, pk))
    return _page(
        request,
        "form.jinja",
        f"Add {'an' if child.noun[0] in 'aeiou' else 'a'} {child.noun}",
        project,
        TABS[kind],
        form=form,
        submit=f"Save the {child.noun}",
        cancel=_back(child, pk),
    )


@require_http_methods(["GET", "POST"])
@requires("manage_qi")
def child_edit(request, pk, item, kind):
    child = CHILDREN[kind]
    project = selectors.project_for(request.user, pk)
    obj = child.lookup(project, item)
    form = child.form(request.POST if request.method == "POST" else None, instance=obj, **child.form_kwargs(project))
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(actor=request.user, item=child.lookup(project, item), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{child.noun.capitalize()} saved")
            return redirect(_back(child, pk))
    return _page(
        request,
        "form.jinja",
        f"Edit the {child.noun}",
        project,
        TABS[kind],
        form=form,
        submit=f"Save the {child.noun}",
        cancel=_back(child, pk),
        delete_url=reverse(f"qi:{kind}_delete", args=[pk, item]),
        delete_text=f"Delete this {child.noun}",
    )


@require_POST
@requires("manage_qi")
def child_delete(request, pk, item, kind):
    child = CHILDREN[kind]
    project = selectors.project_for(request.user, pk)
    obj = child.lookup(project, item)
    try:
        services.item_delete(actor=request.user, item=obj)
    except ValidationError as exc:
        messages.error(request, f"The {child.noun} was not deleted. {' '.join(exc.messages)}")
        return redirect(reverse(f"qi:{kind}_edit", args=[pk, item]))
    messages.success(request, f"{child.noun.capitalize()} deleted")
    return redirect(_back(child, pk))


# --- Driver diagram and PDSA cycles --------------------------------------------------------------


@require_GET
@requires("view_qi")
def drivers(request, pk):
    project = selectors.project_for(request.user, pk)
    tree = selectors.driver_tree(project)
    aim = present.goal_statement(project)
    return _page(
        request,
        "drivers.jinja",
        "Driver diagram",
        project,
        "drivers",
        tree=tree,
        aim=aim,
        svg=render_driver_diagram(aim, tree),
    )


@require_GET
@requires("view_qi")
def cycles(request, pk):
    project = selectors.project_for(request.user, pk)
    return _page(request, "cycles.jinja", "PDSA cycles", project, "pdsa", chains=selectors.cycle_chains(project))


@require_GET
@requires("view_qi")
def cycle(request, pk, item):
    project = selectors.project_for(request.user, pk)
    c = selectors.cycle_for(project, item)
    names = {m.key: m.name for m in selectors.measures(project)}
    return _page(
        request,
        "cycle.jinja",
        f"PDSA cycle {c.number}: {c.title}",
        project,
        "pdsa",
        cycle=c,
        measure_names=[(k, names.get(k, k)) for k in c.measures],
        chain=list(c.change_idea.cycles.order_by("starts_on", "number")),
    )


@require_http_methods(["GET", "POST"])
@requires("manage_qi")
def cycle_add(request, pk):
    project = selectors.project_for(request.user, pk)
    initial = {"change_idea": request.GET["idea"]} if request.GET.get("idea") else {}
    form = forms.PDSAForm(request.POST if request.method == "POST" else None, initial=initial, project=project)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            c = services.cycle_create(actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"PDSA cycle {c.number} added")
            return redirect("qi:cycle", pk=pk, item=c.pk)
    return _page(
        request,
        "form.jinja",
        "Add a PDSA cycle",
        project,
        "pdsa",
        form=form,
        submit="Save the cycle",
        cancel=reverse("qi:cycles", args=[pk]),
    )


@require_http_methods(["GET", "POST"])
@requires("manage_qi")
def cycle_edit(request, pk, item):
    project = selectors.project_for(request.user, pk)
    c = selectors.cycle_for(project, item)
    form = forms.PDSAForm(request.POST if request.method == "POST" else None, instance=c, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.cycle_update(actor=request.user, cycle=selectors.cycle_for(project, item), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "PDSA cycle saved")
            return redirect("qi:cycle", pk=pk, item=item)
    return _page(
        request,
        "form.jinja",
        f"Edit PDSA cycle {c.number}",
        project,
        "pdsa",
        form=form,
        submit="Save the cycle",
        cancel=reverse("qi:cycle", args=[pk, item]),
        delete_url=reverse("qi:cycle_delete", args=[pk, item]),
        delete_text="Delete this cycle",
    )


@require_POST
@requires("manage_qi")
def cycle_delete(request, pk, item):
    project = selectors.project_for(request.user, pk)
    services.item_delete(actor=request.user, item=selectors.cycle_for(project, item))
    messages.success(request, "PDSA cycle deleted")
    return redirect("qi:cycles", pk=pk)


# --- Annotations, stakeholder log, leader report ------------------------------------------------------


@require_GET
@requires("view_qi")
def annotations(request, pk):
    project = selectors.project_for(request.user, pk)
    return _page(
        request,
        "annotations.jinja",
        "Annotations",
        project,
        "annotations",
        annotations=list(project.annotations.select_related("cycle__change_idea")),
    )


@require_GET
@requires("view_qi")
def stakeholders(request, pk):
    project = selectors.project_for(request.user, pk)
    return _page(
        request,
        "stakeholders.jinja",
        "Stakeholder log",
        project,
        "stakeholders",
        entries=list(project.stakeholder_log.all()),
    )


@require_GET
@requires("view_qi")
def report_page(request, pk):
    project = selectors.project_for(request.user, pk)
    return _page(request, "report.jinja", "Leader report", project, "report", r=cached.report(project))


@require_GET
@requires("view_qi")
def report_pdf(request, pk):
    project = selectors.project_for(request.user, pk)
    pdf = report.cached_pdf(request, project)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="qi-leader-report-{project.pk}.pdf"'
    return response
