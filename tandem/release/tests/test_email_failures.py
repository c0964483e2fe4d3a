"""A mail server that is down never breaks a request: the decision is saved and answered as
usual, the email is sent by a background task, retried where the backend can defer, then logged
and shown to College admins in the audit log."""

import logging
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from tandem.audit.models import AuditEvent
from tandem.release import emails
from tandem.release.models import ReleaseRequest

from .factories import make_request

pytestmark = pytest.mark.django_db


class DownBackend(BaseEmailBackend):
    """An SMTP server that refuses every connection."""

    def send_messages(self, messages):
        raise smtplib.SMTPConnectError(421, "Service not available")


@pytest.fixture
def mail_down(settings):
    settings.EMAIL_BACKEND = f"{__name__}.DownBackend"
    settings.AXES_ENABLED = False  # force_login's request has no address (PostgreSQL refuses it)


@pytest.fixture
def w(world):
    world.manager.email = "manager@example.nhs.uk"
    world.manager.save()
    return world


def test_a_decision_is_saved_and_answered_when_the_mail_server_is_down(
    w, client, mail_down, caplog, django_capture_on_commit_callbacks
):
    rr = make_request(w)
    client.raise_request_exception = False
    client.force_login(w.manager)
    with (
        caplog.at_level(logging.ERROR, logger="tandem.release.emails"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(reverse("release:decide", args=[rr.pk]), {"decision": "approve"})
    assert response.status_code == 302
    rr.refresh_from_db()
    assert rr.status == ReleaseRequest.Status.APPROVED
    assert mail.outbox == []
    assert any(
        "decided email of release request" in r.getMessage() and "SMTPConnectError" in r.getMessage()
        for r in caplog.records
    )
    failed = AuditEvent.objects.get(action="email_failed", object_id=str(rr.pk))
    assert failed.object_type == "release.ReleaseRequest" and failed.college_id == w.college.pk
    assert "decision email was not sent" in failed.note and "manager@example.nhs.uk" not in failed.note
    # College admins see it in the audit log.
    client.force_login(w.admin)
    page = client.get(reverse("audit:log"), {"action": "email_failed"})
    assert page.status_code == 200 and "decision email was not sent" in page.content.decode()


def test_a_request_is_made_and_answered_when_the_mail_server_is_down(
    w, client, mail_down, django_capture_on_commit_callbacks
):
    from tandem.release import services

    with django_capture_on_commit_callbacks(execute=True):
        rr = services.release_request_create(
            actor=w.tutor_user,
            tutor=w.staff,
            kind="run",
            run=w.run,
            sessions=[w.session],
            purpose="Co-deliver the course",
        )
    assert ReleaseRequest.objects.filter(pk=rr.pk, status="pending").exists()
    assert AuditEvent.objects.filter(action="email_failed", object_id=str(rr.pk), fields=["request_made"]).exists()


def test_a_failed_send_is_retried_later_where_the_backend_can_defer(w, mail_down, monkeypatch):
    queued = []
    monkeypatch.setattr(emails, "_can_defer", lambda task: True)
    monkeypatch.setattr(emails, "_queue_retry", lambda delay, *args: queued.append((delay, args)))
    rr = make_request(w)
    assert emails.deliver("request_made", rr.pk) == "retrying"
    assert queued and queued[0][1] == ("request_made", rr.pk, 2)
    assert not AuditEvent.objects.filter(action="email_failed").exists()
    # The last attempt gives up and records it.
    assert emails.deliver("request_made", rr.pk, attempt=len(emails.RETRY_DELAYS) + 1) == "failed"
    assert AuditEvent.objects.filter(action="email_failed", object_id=str(rr.pk)).count() == 1


def test_the_email_is_sent_by_the_task_when_the_server_is_up(w, django_capture_on_commit_callbacks):
    from tandem.release import services

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.release_request_create(
            actor=w.tutor_user,
            tutor=w.staff,
            kind="run",
            run=w.run,
            sessions=[w.session],
            purpose="Co-deliver the course",
        )
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["manager@example.nhs.uk"]
    assert not AuditEvent.objects.filter(action="email_failed").exists()
