"""Writes of the staff-tutor pipeline: validated, atomic, audited (personal data: names, work
emails). Nothing about anyone's health is asked or kept."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from tandem.audit.services import record
from tandem.tutors.models import Tutor

from .models import PipelineEntry, PipelineStageChange

Stage = PipelineEntry.Stage
DETAIL_FIELDS = ("name", "profession", "team", "line_manager_name", "line_manager_email", "topics")


def _clean_details(fields):
    out = {k: (fields.get(k) or "").strip() for k in DETAIL_FIELDS if k in fields}
    for key in ("name", "profession", "team"):
        if key in out and not out[key]:
            raise ValidationError({key: f"Enter your {key.replace('_', ' ')}."})
    if out.get("line_manager_email"):
        try:
            validate_email(out["line_manager_email"])
        except ValidationError:
            raise ValidationError({"line_manager_email": "Enter the line manager's email in the correct format."}) from None
    return out


def _add_change(entry, stage, on, actor):
    PipelineStageChange.objects.create(entry=entry, stage=stage, on=on, recorded_by=actor if actor and actor.is_authenticated else None)
    if entry.stage != stage:
        entry.stage = stage
        entry.save(update_fields=["stage"])


@transaction.atomic
def interest_submit(*, college, work_email, today=None, **fields):
    """The public form: a new person enters the pipeline as interested; someone already there has
    their details refreshed (a lapsed person is interested again). The answer is the same either
    way, so the form never tells a stranger who is already known."""
    today = today or date.today()
    email = (work_email or "").strip().lower()
    validate_email(email)
    details = _clean_details(fields)
    entry = PipelineEntry.objects.select_for_update().filter(college=college, work_email=email).first()
    if entry is None:
        entry = PipelineEntry.objects.create(college=college, work_email=email, source=PipelineEntry.Source.WEB_FORM,
                                             stage=Stage.INTERESTED, **details)
        PipelineStageChange.objects.create(entry=entry, stage=Stage.INTERESTED, on=today)
        record(actor=None, action="create", obj=entry, fields=["work_email", *details], note="Interested in teaching form")
        return entry
    changed = [k for k, v in details.items() if getattr(entry, k) != v]
    for key in changed:
        setattr(entry, key, details[key])
    if changed:
        entry.save(update_fields=changed)
    if entry.stage == Stage.LAPSED:
        _add_change(entry, Stage.INTERESTED, today, None)
        changed.append("stage")
    if changed:
        record(actor=None, action="update", obj=entry, fields=changed, note="Interested in teaching form")
    return entry


@transaction.atomic
def entry_create(*, actor, college, work_email, stage=Stage.INTERESTED, on=None, tutor=None, **fields):
    email = (work_email or "").strip().lower()
    validate_email(email)
    if PipelineEntry.objects.filter(college=college, work_email=email).exists():
        raise ValidationError({"work_email": "Someone with this work email is already in the pipeline."})
    details = _clean_details(fields)
    entry = PipelineEntry.objects.create(college=college, work_email=email, stage=stage,
                                         source=PipelineEntry.Source.COLLEGE, **details)
    _add_change(entry, stage, on or date.today(), actor)
    if tutor is not None:
        entry_link_tutor(actor=actor, entry=entry, tutor=tutor, audit=False)
    record(actor=actor, action="create", obj=entry, fields=["work_email", "stage", *details, *(["tutor"] if tutor else [])])
    return entry


@transaction.atomic
def entry_set_stage(*, actor, entry, stage, on, tutor=None):
    if stage not in Stage.values:
        raise ValidationError({"stage": "Choose a stage."})
    if on is None:
        raise ValidationError({"on": "Enter the date."})
    if on > date.today():
        raise ValidationError({"on": "The date must be today or in the past."})
    entry = PipelineEntry.objects.select_for_update().get(pk=entry.pk)
    _add_change(entry, stage, on, actor)
    fields = ["stage"]
    if tutor is not None and entry.tutor_id != tutor.pk:
        entry_link_tutor(actor=actor, entry=entry, tutor=tutor, audit=False)
        fields.append("tutor")
    record(actor=actor, action="update", obj=entry, fields=fields, note=f"{stage} on {on.isoformat()}")
    return entry


def entry_link_tutor(*, actor, entry, tutor, audit=True):
    """Link a pipeline entry to the tutor record the person now has (one entry per tutor)."""
    if tutor.college_id != entry.college_id or tutor.kind != Tutor.Kind.STAFF:
        raise ValidationError({"tutor": "Choose a staff tutor of the College."})
    taken = PipelineEntry.objects.filter(tutor=tutor).exclude(pk=entry.pk).first()
    if taken is not None:
        raise ValidationError({"tutor": f"{tutor.full_name} is already linked to another pipeline entry ({taken.name})."})
    entry.tutor = tutor
    entry.save(update_fields=["tutor"])
    if audit:
        record(actor=actor, action="update", obj=entry, fields=["tutor"])
    return entry
