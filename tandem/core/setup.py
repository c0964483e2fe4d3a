"""Setting up a College without the demo: its Trust, partner employers, the College with its usual
term calendar, and its first College admin, who sets a password from a one-time link."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from tandem.accounts.models import Role, User
from tandem.accounts.services import USERNAME
from tandem.audit.services import record

from . import clock, versions
from .models import College, Organisation, Term
from .terms import academic_years

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class AlreadySetUp(Exception):
    """The College exists: nothing was changed."""


def _name(value, field, label, max_length=200):
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: f"Enter the {label}."})
    if len(value) > max_length:
        raise ValidationError({field: f"The {label} must be at most {max_length} characters."})
    if any(ord(ch) < 32 for ch in value):
        raise ValidationError({field: f"The {label} must be on one line."})
    return value


@transaction.atomic
def college_setup(*, actor, trust, college, slug, admin_username, admin_email, partners=()):
    """Create the Trust, partner employers, the College and its terms, and its first College
    admin (not a superuser, no usable password yet). Raises AlreadySetUp when a College with this
    slug exists (nothing changes), ValidationError naming the field for bad input."""
    trust = _name(trust, "trust", "Trust's name")
    name = _name(college, "college", "College's name")
    slug = (slug or "").strip()
    if not SLUG.match(slug) or len(slug) > 50:
        raise ValidationError(
            {"slug": "Enter a short name for web addresses: lower-case letters, digits and hyphens, like northvale"}
        )
    if College.objects.filter(slug=slug).exists():
        raise AlreadySetUp(f"a College with the short name {slug!r} exists already: nothing was changed")
    admin_username = (admin_username or "").strip()
    if not USERNAME.match(admin_username):
        raise ValidationError({"admin_username": "Enter a username of letters, digits and @ . + - _ only"})
    if User.objects.filter(username__iexact=admin_username).exists():
        raise ValidationError({"admin_username": f"The username {admin_username} is taken: choose another"})
    admin_email = (admin_email or "").strip()
    try:
        validate_email(admin_email)
    except ValidationError:
        raise ValidationError({"admin_email": "Enter the admin's email address, like name@example.nhs.uk"}) from None
    partners = [_name(p, "partner", "partner's name") for p in partners if (p or "").strip()]

    org = Organisation.objects.filter(name=trust).first()
    if org is None:
        org = Organisation.objects.create(name=trust, is_trust=True)
    elif not org.is_trust:
        raise ValidationError({"trust": f"{trust} is recorded as an employer that is not the Trust"})
    for partner in partners:
        if partner == trust:
            raise ValidationError({"partner": "A partner cannot be the Trust itself"})
        Organisation.objects.get_or_create(name=partner, defaults={"is_trust": False})
    found = College.objects.create(name=name, slug=slug, trust=org)
    Term.objects.bulk_create(
        [Term(college=found, season=s, year=y, starts_on=a, ends_on=b) for s, y, a, b in academic_years(clock.today())]
    )
    versions.changed(found)  # bulk_create sends no signals
    admin = User(username=admin_username, email=admin_email, role=Role.COLLEGE_ADMIN, college=found)
    admin.set_unusable_password()
    admin.save()
    record(actor=actor, action="setup", obj=found, fields=["name", "slug", "trust", "terms"], college_id=found.pk)
    record(
        actor=actor, action="create", obj=admin, fields=["username", "email", "role", "college"], college_id=found.pk
    )
    return found, admin
