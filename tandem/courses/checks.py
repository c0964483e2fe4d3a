"""Checks shared by the services of courses, runs and the session register: who is missing from a
pair, tutors of the right College."""

from django.core.exceptions import ValidationError

from tandem.tutors.models import Tutor


def kinds_of(tutors):
    return {t.kind for t in tutors}


def missing_kinds(tutors):
    """'a peer tutor', 'a staff tutor', 'a peer tutor and a staff tutor' or '' for what a pair lacks."""
    kinds = kinds_of(tutors)
    missing = [
        label
        for kind, label in ((Tutor.Kind.PEER, "a peer tutor"), (Tutor.Kind.STAFF, "a staff tutor"))
        if kind not in kinds
    ]
    return " and ".join(missing)


def check_coproducers(tutors):
    missing = missing_kinds(tutors)
    if missing:
        raise ValidationError(
            {"co_producers": f"A course is co-produced by at least one peer tutor and one staff tutor: add {missing}."}
        )


def check_same_college(college, tutors, field):
    if any(t.college_id != college.pk for t in tutors):
        raise ValidationError({field: "Choose tutors of this College."})


def acting_user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None
