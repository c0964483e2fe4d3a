"""Reads of the QI workspace, always scoped to the user's College: another College's project, or
an object of another project, answers 404."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from tandem.core import clock
from tandem.core.scoping import scoped

from .measures import measure_for, measures_for
from .models import (
    Aim,
    Annotation,
    ChangeIdea,
    Driver,
    ManualMeasure,
    MeasureChart,
    PDSACycle,
    ProgressScore,
    QIProject,
    StakeholderEntry,
    TeamMember,
)

NUDGE_AFTER_DAYS = 30
ROLE_ORDER = {"lead": 0, "sponsor": 1, "coach": 2, "member": 3}


def visible_projects(user):
    return scoped(QIProject.objects, user, perm="view_qi").select_related("college")


def project_for(user, pk):
    return get_object_or_404(visible_projects(user), pk=pk)


# Each child object is looked up within its project, so a pk of another project is a 404.
def aim_for(project, pk):
    return get_object_or_404(Aim.objects.filter(project=project), pk=pk)


def member_for(project, pk):
    return get_object_or_404(TeamMember.objects.filter(project=project), pk=pk)


def driver_for(project, pk):
    return get_object_or_404(Driver.objects.filter(project=project), pk=pk)


def idea_for(project, pk):
    return get_object_or_404(ChangeIdea.objects.filter(project=project).select_related("driver"), pk=pk)


def cycle_for(project, pk):
    return get_object_or_404(
        PDSACycle.objects.filter(change_idea__project=project).select_related("change_idea"), pk=pk
    )


def annotation_for(project, pk):
    return get_object_or_404(Annotation.objects.filter(project=project), pk=pk)


def stakeholder_entry_for(project, pk):
    return get_object_or_404(StakeholderEntry.objects.filter(project=project), pk=pk)


def manual_measure_for(project, key):
    return get_object_or_404(ManualMeasure.objects.filter(college_id=project.college_id), key=key)


def measure_def_for(project, key):
    m = measure_for(project.college, key)
    if m is None:
        raise Http404("No such measure")
    return m


def measures(project):
    return measures_for(project.college)


def chart_settings(project, key):
    """(chart type, annotations the limits are recalculated at) for the project's chart of a measure."""
    setting = MeasureChart.objects.filter(project=project, measure_key=key).first()
    if setting is None:
        return "xmr", []
    return setting.chart, list(setting.rebase_at.order_by("date"))


def team(project):
    members = list(project.team.select_related("user"))
    members.sort(key=lambda m: (ROLE_ORDER.get(m.role, 9), m.pk))
    return members


def progress(project, today=None):
    """The progress score history (newest first), the latest entry, and whether it is stale."""
    today = today or clock.today(project.college)
    history = list(ProgressScore.objects.filter(project=project).select_related("recorded_by"))
    latest = history[0] if history else None
    age = (today - latest.recorded_on).days if latest else None
    return {
        "history": history,
        "latest": latest,
        "age_days": age,
        "nudge": latest is None or age > NUDGE_AFTER_DAYS,
    }


def driver_tree(project):
    """[(primary, [(secondary, [change ideas])])], in order."""
    drivers = list(project.drivers.all())
    ideas = list(project.change_ideas.all())
    primaries = [d for d in drivers if d.parent_id is None]
    tree = []
    for p in primaries:
        secondaries = [d for d in drivers if d.parent_id == p.pk]
        tree.append((p, [(s, [i for i in ideas if i.driver_id == s.pk]) for s in secondaries]))
    return tree


def cycle_chains(project):
    """[(change idea, [cycles in order])] for every change idea, in diagram order."""
    cycles = list(PDSACycle.objects.filter(change_idea__project=project).order_by("starts_on", "number", "id"))
    out = []
    for _primary, secondaries in driver_tree(project):
        for _secondary, ideas in secondaries:
            for idea in ideas:
                out.append((idea, [c for c in cycles if c.change_idea_id == idea.pk]))
    return out
