"""Account emails (an invitation with a one-time link to set a password). The link is made when
the email is sent; the email goes after the transaction commits, from a background task, and a
failure is logged and written to the audit log (`email_failed`), where College admins see it."""

import logging

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from tandem.audit.services import record
from tandem.core.text import one_line

from .models import User

INVITATION = "invitation"
log = logging.getLogger(__name__)


def set_password_link(user):
    """The one-time link with which a person sets their password: it stops working once used (the
    token depends on the password) and after PASSWORD_RESET_TIMEOUT. Built from SITE_URL."""
    path = reverse(
        "accounts:set_password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL.rstrip("/") + path


def later(kind, user):
    transaction.on_commit(lambda: send_account_email.enqueue(kind, user.pk))


def _invitation(user):
    college = user.college.name if user.college_id else "Tandem"
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    subject = f"You are invited to Tandem, {college}"
    body = (
        f"Hello {user.first_name or user.username},\n\n"
        f"{college} has made you an account on Tandem, the system the College runs on.\n"
        f"Your username is {user.username}. Follow this link to choose your password. It works once, "
        f"for {days} days:\n\n{set_password_link(user)}\n\n"
        "If the link has expired, ask your College admin to send a new one.\n\nTandem\n"
    )
    return subject, body


@task()
def send_account_email(kind, user_id):
    user = User.objects.select_related("college").filter(pk=user_id).first()
    if user is None or not user.email:
        return 0
    subject, body = {INVITATION: _invitation}[kind](user)
    try:
        return send_mail(one_line(subject), body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except Exception as exc:  # a mail server down, refused, timed out: logged and audited, never raised
        log.warning("account email %s to user %s failed: %s", kind, user_id, exc.__class__.__name__)
        record(
            actor=None,
            action="email_failed",
            obj=user,
            fields=[kind],
            note=exc.__class__.__name__,
            college_id=user.college_id,
        )
        return 0
