"""Writes of tutor records: validated, atomic, audited."""

from django.core.exceptions import ValidationError
from django.db import transaction

from tandem.audit.services import record

from .models import Tutor

TUTOR_FIELDS = (
    "kind", "first_name", "last_name", "email", "status", "coproduction_trained_on", "joined_on",
    "left_on", "employer", "profession", "team", "line_manager",
)


def _check(tutor):
    if tutor.kind == Tutor.Kind.STAFF and tutor.employer_id is None:
        raise ValidationError({"employer": "A staff tutor needs an employer."})
    if tutor.kind == Tutor.Kind.PEER:
        # Peer tutors' NHS employment is not recorded: keep those fields empty.
        tutor.employer = None
        tutor.profession = ""
        tutor.team = ""
        tutor.line_manager = None
    if tutor.left_on and tutor.joined_on and tutor.left_on < tutor.joined_on:
        raise ValidationError({"left_on": "The date they left must be after the date they joined."})


@transaction.atomic
def tutor_create(*, actor, college, **fields):
    tutor = Tutor(college=college, **{k: v for k, v in fields.items() if k in TUTOR_FIELDS})
    _check(tutor)
    tutor.full_clean(exclude=["college", "user"])
    tutor.save()
    record(actor=actor, action="create", obj=tutor, fields=[k for k in fields if k in TUTOR_FIELDS])
    return tutor


@transaction.atomic
def tutor_update(*, actor, tutor, **fields):
    changed = []
    for key, value in fields.items():
        if key in TUTOR_FIELDS and getattr(tutor, key) != value:
            setattr(tutor, key, value)
            changed.append(key)
    _check(tutor)
    tutor.full_clean(exclude=["college", "user"])
    tutor.save()
    if changed:
        record(actor=actor, action="update", obj=tutor, fields=changed)
    return tutor
