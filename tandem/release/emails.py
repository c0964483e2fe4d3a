"""The emails of the release workflow: plain text, with a link back to the request.

Queued after the transaction commits (transaction.on_commit), so a rolled-back write never emails,
and sent by a background task (tandem.release.tasks.send_release_email), so a mail server that is
down never breaks the request that made the decision. A failed send is tried again later (where
the task backend can defer: the database backend in production), then logged and written to the
audit log as `email_failed`, where College admins see it; it never raises."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tandem.audit.services import record
from tandem.core.text import one_line

from .models import ReleaseRequest
from .tasks import send_release_email
from .values import fmt_hours, setting_days


def absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def _when(rr):
    if rr.kind == rr.Kind.RUN:
        sessions = list(rr.sessions.order_by("date"))
        if sessions:
            dates = ", ".join(s.date.strftime("%a %d %b %Y") for s in sessions)
            return f"{rr.run.course.title}, {rr.run.term} term: {len(sessions)} session(s) on {dates}"
        return f"{rr.run.course.title}, {rr.run.term} term"
    span = ""
    if rr.starts_on:
        span = f" from {rr.starts_on:%d %b %Y}" + (
            f" to {rr.ends_on:%d %b %Y}" if rr.ends_on and rr.ends_on != rr.starts_on else ""
        )
    return f"co-production work{span}"


def _send(subject, body, to):
    to = [address for address in to if address]
    if not to:
        return 0
    # Names come from records: a line break in one must never break (or add to) the headers.
    subject = one_line(subject)
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, sorted(set(to)), fail_silently=False)


def _tutor_addresses(rr):
    addresses = [rr.tutor.email]
    if rr.requested_by_id and rr.requested_by and rr.requested_by.email:
        addresses.append(rr.requested_by.email)
    return addresses


def request_made(rr):
    link = absolute(reverse("release:decide", args=[rr.pk]))
    body = (
        f"Dear {rr.manager.display_name},\n\n"
        f"{rr.tutor.full_name} asks to be released to teach at the Recovery College: {_when(rr)}, "
        f"{fmt_hours(rr.hours)} hours in all.\n\n"
        f"Purpose: {rr.purpose}\n\n"
        f"Please sign in to approve it, approve it in part or decline it with a reason:\n{link}\n\n"
        f"{settings.SITE_NAME}, {settings.TRUST_NAME}\n"
    )
    return _send(f"Release request from {rr.tutor.full_name}", body, [rr.manager.email])


def reminder(rr):
    link = absolute(reverse("release:decide", args=[rr.pk]))
    body = (
        f"Dear {rr.manager.display_name},\n\n"
        f"{rr.tutor.full_name}'s request of {rr.requested_at:%d %B %Y} to be released to teach "
        f"({_when(rr)}, {fmt_hours(rr.hours)} hours) is still waiting for your decision.\n\n"
        f"Please sign in to decide it:\n{link}\n\n"
        f"Requests not decided within {settings_days('RELEASE_EXPIRY_DAYS')} days expire.\n"
    )
    return _send(f"Reminder: release request from {rr.tutor.full_name}", body, [rr.manager.email])


def decided(rr):
    link = absolute(reverse("release:detail", args=[rr.pk]))
    if rr.status == rr.Status.DECLINED:
        outcome = f"declined. Reason: {rr.get_decline_reason_display()}" + (
            f" ({rr.decline_note})" if rr.decline_note else ""
        )
    elif rr.status == rr.Status.PARTLY_APPROVED:
        outcome = f"approved in part: {fmt_hours(rr.approved_hours)} of {fmt_hours(rr.hours)} hours"
    else:
        outcome = f"approved: {fmt_hours(rr.approved_hours)} hours"
    body = (
        f"Your request to be released ({_when(rr)}) has been {outcome}.\n\n"
        f"Decided by {rr.decided_by.display_name if rr.decided_by else 'your line manager'}.\n"
        f"See the request: {link}\n"
    )
    return _send(f"Release request {rr.get_status_display().lower()}", body, _tutor_addresses(rr))


def withdrawn(rr):
    body = (
        f"Dear {rr.manager.display_name},\n\n"
        f"{rr.tutor.full_name} has withdrawn their request to be released ({_when(rr)}). "
        f"There is nothing for you to decide.\n"
    )
    return _send(f"Release request withdrawn by {rr.tutor.full_name}", body, [rr.manager.email])


def expired(rr):
    link = absolute(reverse("release:detail", args=[rr.pk]))
    body = (
        f"Your request to be released ({_when(rr)}) was not decided within "
        f"{settings_days('RELEASE_EXPIRY_DAYS')} days and has expired. You can make a new request.\n"
        f"See the request: {link}\n"
    )
    return _send("Release request expired", body, _tutor_addresses(rr) + [rr.manager.email])


def settings_days(name):
    return setting_days(name)


log = logging.getLogger(__name__)

# Which email, by name (the task's argument).
KINDS = {fn.__name__: fn for fn in (request_made, reminder, decided, withdrawn, expired)}
LABELS = {
    "request_made": "new request",
    "reminder": "reminder",
    "decided": "decision",
    "withdrawn": "withdrawal",
    "expired": "expiry",
}
# A failed send is tried again after these delays (then given up and recorded).
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=1))


def on_commit(fn, rr):
    """Queue the email `fn(rr)` once the surrounding transaction commits. Never raises."""
    pk, kind = rr.pk, fn.__name__
    assert kind in KINDS, kind

    def enqueue():
        try:
            send_release_email.enqueue(kind, pk)
        except Exception as exc:
            log.exception("Could not queue the %s email of release request %s", kind, pk)
            record_failure(kind, pk, exc, attempts=0)

    transaction.on_commit(enqueue)


def _can_defer(task):
    try:
        return bool(task.get_backend().supports_defer)
    except Exception:  # noqa: BLE001
        return False


def _queue_retry(delay, kind, pk, attempt):
    send_release_email.using(run_after=timezone.now() + delay).enqueue(kind, pk, attempt)


def deliver(kind, pk, attempt=1):
    """Send one email of a release request (the task's body). On failure: queue a retry when the
    task backend can run it later, else log it and record it in the audit log. Never raises;
    returns "sent", "retrying", "failed" or "gone" (the request no longer exists)."""
    rr = (
        ReleaseRequest.objects.select_related(
            "tutor", "manager", "run__course", "run__term", "requested_by", "decided_by"
        )
        .filter(pk=pk)
        .first()
    )
    if rr is None:
        return "gone"
    try:
        KINDS[kind](rr)
        return "sent"
    except Exception as exc:  # noqa: BLE001 - SMTP errors, timeouts, refused connections, bad headers
        if attempt <= len(RETRY_DELAYS) and _can_defer(send_release_email):
            try:
                _queue_retry(RETRY_DELAYS[attempt - 1], kind, pk, attempt + 1)
            except Exception:
                log.exception("Could not queue a retry of the %s email of release request %s", kind, pk)
            else:
                log.warning(
                    "The %s email of release request %s failed (attempt %s: %s); it will be tried again",
                    kind,
                    pk,
                    attempt,
                    exc.__class__.__name__,
                )
                return "retrying"
        log.error(
            "The %s email of release request %s could not be sent after %s attempt(s): %s: %s",
            kind,
            pk,
            attempt,
            exc.__class__.__name__,
            exc,
        )
        record_failure(kind, pk, exc, attempts=attempt)
        return "failed"


def record_failure(kind, pk, exc, *, attempts):
    """An `email_failed` row in the audit log (the College admins' audit log page shows it): which
    email of which request, and the error's kind, never addresses or text."""

    try:
        rr = ReleaseRequest.objects.filter(pk=pk).only("pk", "college_id").first()
        record(
            actor=None,
            action="email_failed",
            object_type=ReleaseRequest._meta.label,
            object_id=str(pk),
            fields=[kind],
            college_id=getattr(rr, "college_id", None),
            note=(
                f"The {LABELS.get(kind, kind)} email was not sent ({exc.__class__.__name__}, "
                f"{attempts} attempt{'' if attempts == 1 else 's'}): tell the people concerned another way"
            ),
        )
    except Exception:
        log.exception("Could not record the failed %s email of release request %s", kind, pk)
