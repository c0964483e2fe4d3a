"""Reads of tutor records, always scoped to what the user may see."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from tandem.accounts.models import Role
from tandem.accounts.rules import can
from tandem.audit.services import record
from tandem.core.scoping import college_id_of, scoped

from .models import SensitiveProfile, Tutor


def visible_tutors(user):
    """Admins, the QI team and leaders see the College's register; a line manager sees the staff
    they manage; a tutor sees only themselves."""
    qs = Tutor.objects.select_related("employer", "line_manager")
    if college_id_of(user) is None:
        return qs.none()
    qs = scoped(qs, user)
    if can(user, "view_tutor_register"):
        return qs
    if user.role == Role.LINE_MANAGER:
        return qs.filter(line_manager=user)
    if user.role == Role.TUTOR:
        return qs.filter(user=user)
    return qs.none()


def tutor_for(user, pk):
    return get_object_or_404(visible_tutors(user), pk=pk)


def filter_tutors(qs, *, kind="", status="", q="", employer=""):
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if employer:
        qs = qs.filter(employer_id=employer)
    if q:
        qs = qs.filter(
            Q(first_name__icontains=q) | Q(last_name__icontains=q) | Q(profession__icontains=q) | Q(team__icontains=q)
        )
    return qs


def sensitive_profile_read(user, tutor):
    """A peer tutor's sensitive profile (or None), for an admin only; every read is audited."""

    if not can(user, "manage_sensitive_profiles"):
        raise PermissionDenied
    profile = SensitiveProfile.objects.filter(tutor=tutor).first()
    if profile is not None:
        record(actor=user, action="read", obj=profile, fields=list(profile.SENSITIVE_FIELDS))
    return profile
