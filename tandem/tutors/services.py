"""Writes of tutor records: validated, atomic, audited."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tandem.audit.services import record
from tandem.core.text import refuse_line_breaks

from .models import SensitiveProfile, Tutor

TUTOR_FIELDS = (
    "kind",
    "first_name",
    "last_name",
    "email",
    "status",
    "coproduction_trained_on",
    "joined_on",
    "left_on",
    "employer",
    "profession",
    "team",
    "line_manager",
)


def _check(tutor):
    # A name goes into email subjects and page titles: one line only.
    refuse_line_breaks({name: getattr(tutor, name) for name in ("first_name", "last_name", "profession", "team")})
    if (
        tutor.email
        and tutor.college_id
        and (
            Tutor.objects.filter(college_id=tutor.college_id, email__iexact=tutor.email.strip())
            .exclude(pk=tutor.pk)
            .exists()
        )
    ):
        raise ValidationError({"email": "Another tutor of the College already has this email address"})
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


def _save(tutor):
    """Save; a concurrent request that took the same email address first is a field error too."""
    try:
        with transaction.atomic():
            tutor.save()
    except IntegrityError:
        if Tutor.objects.filter(college_id=tutor.college_id, email=tutor.email).exclude(pk=tutor.pk).exists():
            raise ValidationError({"email": "Another tutor of the College already has this email address"}) from None
        raise


@transaction.atomic
def tutor_create(*, actor, college, **fields):
    tutor = Tutor(college=college, **{k: v for k, v in fields.items() if k in TUTOR_FIELDS})
    _check(tutor)
    tutor.full_clean(exclude=["college", "user"])
    _save(tutor)
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
    _save(tutor)
    if changed:
        record(actor=actor, action="update", obj=tutor, fields=changed)
    return tutor


@transaction.atomic
def sensitive_profile_save(*, actor, tutor, lived_experience="", support_needs=""):
    """Record (or change) a peer tutor's sensitive profile. Audited with field names only."""
    if tutor.kind != Tutor.Kind.PEER:
        raise ValidationError({"lived_experience": "Only a peer tutor has a sensitive profile."})
    profile = SensitiveProfile.objects.select_for_update().filter(tutor=tutor).first()
    created = profile is None
    profile = profile or SensitiveProfile(tutor=tutor)
    values = {"lived_experience": (lived_experience or "").strip(), "support_needs": (support_needs or "").strip()}
    changed = [k for k, v in values.items() if getattr(profile, k) != v]
    for key in changed:
        setattr(profile, key, values[key])
    if created or changed:
        profile.save()
        record(actor=actor, action="create" if created else "update", obj=profile, fields=changed)
    return profile


@transaction.atomic
def sensitive_profile_delete(*, actor, tutor):
    profile = SensitiveProfile.objects.filter(tutor=tutor).first()
    if profile is not None:
        record(actor=actor, action="delete", obj=profile, fields=list(profile.SENSITIVE_FIELDS))
        profile.delete()
    return profile is not None
