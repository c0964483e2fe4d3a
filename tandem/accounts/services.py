"""Writes of accounts by a College admin: invite a person (a one-time link to set a password),
change their role or tutor record, disable or enable, unlock a locked sign-in, reset two-factor.
Every write audited (field names only); every email sent after the transaction commits by a
background task, so a mail server that is down never breaks the page."""

import datetime as dt
import re

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from tandem.audit.services import record
from tandem.core import versions
from tandem.tutors.models import Tutor

from . import emails, two_factor
from .models import Role, User

USERNAME = re.compile(r"^[\w.@+-]{1,150}$")
FIELDS = ("first_name", "last_name", "email", "role")


def is_locked(user):
    """Locked out of sign-in (django-axes) by too many wrong passwords, within the cool-off."""
    since = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=settings.AXES_COOLOFF_MINUTES)
    return AccessAttempt.objects.filter(
        username=user.username, failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
    ).exists()


def _clean_person(*, college, first_name, last_name, email, role, tutor, user=None):
    errors = {}
    for field, value, label in (("first_name", first_name, "first name"), ("last_name", last_name, "last name")):
        if not (value or "").strip():
            errors[field] = f"Enter the person's {label}"
        elif any(ord(ch) < 32 for ch in value):
            errors[field] = f"The {label} must be on one line"
    try:
        validate_email(email or "")
    except ValidationError:
        errors["email"] = "Enter an email address like name@example.nhs.uk"
    if role not in Role.values:
        errors["role"] = "Choose the person's role"
    if tutor is not None:
        if tutor.college_id != college.pk:
            errors["tutor"] = "Choose a tutor of this College"
        elif tutor.user_id and (user is None or tutor.user_id != user.pk):
            errors["tutor"] = f"{tutor.full_name}'s record is already linked to another account"
        elif role != Role.TUTOR:
            errors["tutor"] = "Only a tutor's account is linked to a tutor record: choose the role Tutor"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def user_invite(*, actor, college, username, first_name, last_name, email, role, tutor=None):
    """A new account in the College with no password yet; the person is emailed a one-time link."""
    username = (username or "").strip()
    if not USERNAME.match(username):
        raise ValidationError({"username": "Enter a username of letters, digits and @ . + - _ only"})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"The username {username} is taken: choose another"})
    _clean_person(college=college, first_name=first_name, last_name=last_name, email=email, role=role, tutor=tutor)
    user = User(
        username=username,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
        role=role,
        college=college,
    )
    user.set_unusable_password()
    user.save()
    if tutor is not None:
        Tutor.objects.filter(pk=tutor.pk).update(user=user)
        versions.changed(college)  # update() sends no signals: whose runs a tutor sees changed
    record(
        actor=actor,
        action="invite",
        obj=user,
        fields=["username", *FIELDS, "college"] + (["tutor"] if tutor else []),
        college_id=college.pk,
    )
    emails.later(emails.INVITATION, user)
    return user


@transaction.atomic
def user_update(*, actor, user, first_name, last_name, email, role, tutor=None):
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pk == getattr(actor, "pk", None) and role != user.role:
        raise ValidationError({"role": "You cannot change your own role: ask another College admin"})
    _clean_person(
        college=user.college, first_name=first_name, last_name=last_name, email=email, role=role, tutor=tutor, user=user
    )
    values = {"first_name": first_name.strip(), "last_name": last_name.strip(), "email": email.strip(), "role": role}
    changed = [k for k, v in values.items() if getattr(user, k) != v]
    for key, value in values.items():
        setattr(user, key, value)
    user.save()
    current = Tutor.objects.filter(user=user).first()
    if current != tutor:
        Tutor.objects.filter(user=user).update(user=None)
        if tutor is not None:
            Tutor.objects.filter(pk=tutor.pk).update(user=user)
        versions.changed(user.college_id)  # update() sends no signals: whose runs a tutor sees changed
        changed.append("tutor")
    if changed:
        record(actor=actor, action="update", obj=user, fields=changed, college_id=user.college_id)
    return user


@transaction.atomic
def user_set_active(*, actor, user, active):
    """Disable (their sessions end at once) or enable an account."""
    if not active and user.pk == getattr(actor, "pk", None):
        raise ValidationError({"__all__": "You cannot disable your own account"})
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    record(
        actor=actor,
        action="enable" if active else "disable",
        obj=user,
        fields=["is_active"],
        college_id=user.college_id,
    )
    return user


def user_unlock(*, actor, user):
    """Clear the failed sign-ins that locked the account (django-axes)."""
    count = axes_reset(username=user.username)
    record(actor=actor, action="unlock", obj=user, fields=["failed_sign_ins"], college_id=user.college_id)
    return count


def user_reset_two_factor(*, actor, user):
    return two_factor.reset(actor=actor, user=user)


@transaction.atomic
def user_reinvite(*, actor, user):
    """Email a new one-time link (the person never set a password, or the last link expired)."""
    record(actor=actor, action="reinvite", obj=user, fields=["password_link"], college_id=user.college_id)
    emails.later(emails.INVITATION, user)
