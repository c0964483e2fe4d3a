"""The emails of the release workflow: plain text, with a link back to the request.

Sent after the transaction commits (transaction.on_commit), so a rolled-back write never emails."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse


def fmt_hours(value):
    from .services import fmt_hours as fmt

    return fmt(value)


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
        span = f" from {rr.starts_on:%d %b %Y}" + (f" to {rr.ends_on:%d %b %Y}" if rr.ends_on and rr.ends_on != rr.starts_on else "")
    return f"co-production work{span}"


def _send(subject, body, to):
    to = [address for address in to if address]
    if not to:
        return 0
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
        outcome = f"declined. Reason: {rr.get_decline_reason_display()}" + (f" ({rr.decline_note})" if rr.decline_note else "")
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
    from .services import setting_days

    return setting_days(name)


def on_commit(fn, rr):
    """Send `fn(rr)` once the surrounding transaction commits (re-reading the request)."""
    pk = rr.pk

    def send():
        from .models import ReleaseRequest

        fresh = ReleaseRequest.objects.select_related("tutor", "manager", "run__course", "run__term",
                                                      "requested_by", "decided_by").get(pk=pk)
        fn(fresh)

    transaction.on_commit(send)
