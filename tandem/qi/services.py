"""Writes of the QI workspace: validated, atomic, audited (team members and progress entries name
people, so every write is recorded)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from tandem.audit.services import record
from tandem.core import clock

from . import values_csv
from .measures import REGISTRY, measure_for
from .models import (
    ChangeIdea,
    Driver,
    ManualMeasure,
    ManualValue,
    MeasureChart,
    PDSACycle,
    ProgressScore,
    QIProject,
    TeamMember,
)

PROJECT_FIELDS = (
    "title",
    "problem",
    "starts_on",
    "goal_measure",
    "target_change_percent",
    "deadline",
    "report_fidelity",
    "report_compare",
)


def _check(obj):
    """Rules a form cannot see on its own (objects from another project, tree shape)."""
    if isinstance(obj, QIProject):
        if obj.deadline and obj.starts_on and obj.deadline <= obj.starts_on:
            raise ValidationError({"deadline": "The deadline must be after the project starts."})
        if obj.goal_measure and measure_for(obj.college, obj.goal_measure) is None:
            raise ValidationError({"goal_measure": "Choose one of the College's measures."})
    elif isinstance(obj, TeamMember):
        if obj.user_id is None and not obj.name.strip():
            raise ValidationError({"name": "Enter the person's name, or choose their Tandem account."})
        if obj.user_id is not None and obj.user.college_id != obj.project.college_id:
            raise ValidationError({"user": "Choose an account of this College."})
    elif isinstance(obj, Driver):
        if obj.parent_id is not None:
            if obj.parent.project_id != obj.project_id or obj.parent.parent_id is not None:
                raise ValidationError({"parent": "A secondary driver hangs from a primary driver of this project."})
            if obj.pk and obj.children.exists():
                raise ValidationError(
                    {"parent": "This driver has secondary drivers, so it must stay a primary driver."}
                )
    elif isinstance(obj, ChangeIdea):
        if obj.driver.project_id != obj.project_id or obj.driver.parent_id is None:
            raise ValidationError({"driver": "A change idea hangs from a secondary driver of this project."})
    elif isinstance(obj, PDSACycle):
        college = obj.change_idea.project.college
        unknown = [k for k in obj.measures if measure_for(college, k) is None]
        if unknown:
            raise ValidationError({"measures": f"Unknown measure: {', '.join(unknown)}."})
        if obj.ends_on and obj.ends_on < obj.starts_on:
            raise ValidationError({"ends_on": "The end date must be on or after the start date."})
    elif isinstance(obj, ManualMeasure):
        if obj.key in REGISTRY:
            raise ValidationError({"key": "A computed measure already has this key: choose another."})
    elif getattr(obj, "cycle_id", None) is not None:  # Annotation
        if obj.cycle.change_idea.project_id != obj.project_id:
            raise ValidationError({"cycle": "Choose a PDSA cycle of this project."})


def _save(*, actor, obj, fields, exclude=()):
    _check(obj)
    obj.full_clean(exclude=list(exclude))
    created = obj.pk is None
    obj.save()
    record(actor=actor, action="create" if created else "update", obj=obj, fields=list(fields))
    return obj


@transaction.atomic
def project_create(*, actor, college, **fields):
    project = QIProject(college=college, **{k: v for k, v in fields.items() if k in PROJECT_FIELDS})
    return _save(actor=actor, obj=project, fields=[k for k in fields if k in PROJECT_FIELDS])


@transaction.atomic
def item_create(*, actor, item, **fields):
    """Create a child object (aim, team member, driver, change idea, annotation, stakeholder entry,
    manual measure) already tied to its project or College."""
    for key, value in fields.items():
        setattr(item, key, value)
    return _save(actor=actor, obj=item, fields=fields)


@transaction.atomic
def item_update(*, actor, item, **fields):
    changed = [k for k, v in fields.items() if getattr(item, k) != v]
    for key in changed:
        setattr(item, key, fields[key])
    if not changed:
        return item
    return _save(actor=actor, obj=item, fields=changed)


@transaction.atomic
def item_delete(*, actor, item):
    if isinstance(item, Driver) and (item.children.exists() or item.change_ideas.exists()):
        raise ValidationError("Delete or move its secondary drivers and change ideas first.")
    if isinstance(item, ChangeIdea) and item.cycles.exists():
        raise ValidationError("Delete its PDSA cycles first.")
    record(actor=actor, action="delete", obj=item, note=str(item)[:200])
    item.delete()


@transaction.atomic
def cycle_create(*, actor, change_idea, **fields):
    number = (change_idea.cycles.aggregate(n=Max("number"))["n"] or 0) + 1
    cycle = PDSACycle(change_idea=change_idea, number=number, **fields)
    return _save(actor=actor, obj=cycle, fields=fields)


@transaction.atomic
def cycle_update(*, actor, cycle, **fields):
    if "change_idea" in fields and fields["change_idea"].pk != cycle.change_idea_id:
        new = fields["change_idea"]
        fields["number"] = (new.cycles.aggregate(n=Max("number"))["n"] or 0) + 1
    return item_update(actor=actor, item=cycle, **fields)


@transaction.atomic
def score_record(*, actor, project, score, recorded_on=None, note=""):
    entry = ProgressScore(
        project=project,
        score=score,
        recorded_on=recorded_on or clock.today(project.college),
        note=note,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        recorded_by_label=actor.display_name if getattr(actor, "is_authenticated", False) else "",
    )
    return _save(actor=actor, obj=entry, fields=["score", "recorded_on", "note"])


@transaction.atomic
def chart_update(*, actor, project, measure_key, chart, rebase_at=()):
    """Store how a measure is charted. Limits are only ever recalculated at the project's own
    annotated changes that the team picks."""
    if measure_for(project.college, measure_key) is None:
        raise ValidationError({"chart": "Unknown measure."})
    if chart not in MeasureChart.Type.values:
        raise ValidationError({"chart": "Choose a run chart or an XmR chart."})
    if any(a.project_id != project.pk for a in rebase_at):
        raise ValidationError({"rebase_at": "Choose annotated changes of this project."})
    setting, _ = MeasureChart.objects.get_or_create(project=project, measure_key=measure_key)
    setting.chart = chart
    setting.save()
    setting.rebase_at.set(rebase_at)
    record(actor=actor, action="update", obj=setting, fields=["chart", "rebase_at"], note=measure_key)
    return setting


@transaction.atomic
def value_set(*, actor, measure, period, value):
    """Enter (or, with value None, remove) one month's value of a manual measure."""
    period = date(period.year, period.month, 1)
    if value is None:
        ManualValue.objects.filter(measure=measure, period=period).delete()
    else:
        ManualValue.objects.update_or_create(measure=measure, period=period, defaults={"value": value})
    record(
        actor=actor,
        action="delete" if value is None else "update",
        obj=measure,
        fields=["values"],
        note=f"{period:%Y-%m}",
    )


def values_import(*, actor, measure, data):
    """Check every row of a CSV (bytes or pasted text), then write all of them in one transaction,
    or nothing. Returns values_csv.Parsed: its errors name row and column."""
    parsed = values_csv.parse(data)
    if parsed.errors:
        return parsed
    with transaction.atomic():
        for period, value in parsed.values:
            ManualValue.objects.update_or_create(measure=measure, period=period, defaults={"value": value})
        record(actor=actor, action="import", obj=measure, fields=["values"], note=f"{len(parsed.values)} months")
    return parsed
