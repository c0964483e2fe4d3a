"""Writes of the staff-tutor pipeline: validated, atomic, audited (personal data: names, work
emails). Nothing about anyone's health is asked or kept."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from tandem.audit.services import record
from tandem.core import clock
from tandem.tutors.models import Tutor

from .models import PipelineEntry, PipelineStageChange, PipelineSubmission

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
            raise ValidationError(
                {"line_manager_email": "Enter the line manager's email in the correct format."}
            ) from None
    return out


def _add_change(entry, stage, on, actor):
    PipelineStageChange.objects.create(
        entry=entry, stage=stage, on=on, recorded_by=actor if actor and actor.is_authenticated else None
    )
    if entry.stage != stage:
        entry.stage = stage
        entry.save(update_fields=["stage"])


@transaction.atomic
def interest_submit(*, college, work_email, today=None, **fields):
    """The public form: a new person enters the pipeline as interested. A work email already in
    the pipeline changes nothing there (anyone can type anyone's email): the post is kept as a
    submission for the College to review (submission_use / submission_discard). The answer is the
    same either way, so the form never tells a stranger who is already known."""
    today = today or clock.today(college)
    email = (work_email or "").strip().lower()
    validate_email(email)
    details = _clean_details(fields)
    entry = PipelineEntry.objects.filter(college=college, work_email=email).first()
    if entry is None:
        try:
            with transaction.atomic():
                entry = PipelineEntry.objects.create(
                    college=college,
                    work_email=email,
                    stage=Stage.INTERESTED,
                    source=PipelineEntry.Source.WEB_FORM,
                    **details,
                )
        except IntegrityError:  # the same email sent twice at once: the second is a submission
            entry = PipelineEntry.objects.get(college=college, work_email=email)
        else:
            PipelineStageChange.objects.create(entry=entry, stage=Stage.INTERESTED, on=today)
            record(
                actor=None,
                action="create",
                obj=entry,
                fields=["work_email", *details],
                note="Interested in teaching form",
            )
            return entry
    submission = PipelineSubmission.objects.create(college=college, entry=entry, work_email=email, **details)
    record(
        actor=None,
        action="create",
        obj=submission,
        fields=["work_email", *details],
        note="Interested in teaching form: matches an existing record, to review",
    )
    return submission


@transaction.atomic
def submission_use(*, actor, submission, today=None):
    """The reviewer uses a submission's details for the record it matches: every detail the form
    gave replaces the record's (one left blank keeps the record's); someone lapsed is interested
    again. The submission is then deleted."""
    today = today or clock.today(submission.entry.college)
    entry = PipelineEntry.objects.select_for_update().get(pk=submission.entry_id)
    given = {k: getattr(submission, k) for k in DETAIL_FIELDS if getattr(submission, k)}
    changed = [k for k, v in given.items() if getattr(entry, k) != v]
    for key in changed:
        setattr(entry, key, given[key])
    if changed:
        entry.save(update_fields=changed)
    if entry.stage == Stage.LAPSED:
        _add_change(entry, Stage.INTERESTED, today, actor)
        changed.append("stage")
    record(
        actor=actor,
        action="update",
        obj=entry,
        fields=changed,
        note="Details from the Interested in teaching form, after review",
    )
    _delete_submission(actor, submission, "used for the record")
    return entry


@transaction.atomic
def submission_discard(*, actor, submission):
    _delete_submission(actor, submission, "discarded after review")


def _delete_submission(actor, submission, note):
    record(actor=actor, action="delete", obj=submission, note=f"Interested in teaching form: {note}")
    submission.delete()


@transaction.atomic
def entry_create(*, actor, college, work_email, stage=Stage.INTERESTED, on=None, tutor=None, **fields):
    email = (work_email or "").strip().lower()
    validate_email(email)
    if PipelineEntry.objects.filter(college=college, work_email=email).exists():
        raise ValidationError({"work_email": "Someone with this work email is already in the pipeline."})
    details = _clean_details(fields)
    entry = PipelineEntry.objects.create(
        college=college, work_email=email, stage=stage, source=PipelineEntry.Source.COLLEGE, **details
    )
    _add_change(entry, stage, on or clock.today(college), actor)
    if tutor is not None:
        entry_link_tutor(actor=actor, entry=entry, tutor=tutor, audit=False)
    record(
        actor=actor, action="create", obj=entry, fields=["work_email", "stage", *details, *(["tutor"] if tutor else [])]
    )
    return entry


@transaction.atomic
def entry_set_stage(*, actor, entry, stage, on, tutor=None):
    if stage not in Stage.values:
        raise ValidationError({"stage": "Choose a stage."})
    if on is None:
        raise ValidationError({"on": "Enter the date."})
    if on > clock.today(entry.college):
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
        raise ValidationError(
            {"tutor": f"{tutor.full_name} is already linked to another pipeline entry ({taken.name})."}
        )
    entry.tutor = tutor
    entry.save(update_fields=["tutor"])
    if audit:
        record(actor=actor, action="update", obj=entry, fields=["tutor"])
    return entry
