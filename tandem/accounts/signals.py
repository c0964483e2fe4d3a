"""Session bookkeeping: sign-in starts the absolute timeout; disabling an account ends its sessions."""

import time

from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from .middleware import SESSION_LAST_SEEN, SESSION_STARTED
from .models import User


@receiver(user_logged_in)
def start_session_clock(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SESSION_STARTED] = now
        request.session[SESSION_LAST_SEEN] = now


def end_sessions_of(user_id):
    """Delete every live session signed in as this user. Returns how many."""
    keys = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        try:
            data = session.get_decoded()
        # An unreadable session (another secret key, corrupt data) is not this user's: skip it.
        except Exception:  # nosec B112
            continue
        if str(data.get("_auth_user_id")) == str(user_id):
            keys.append(session.session_key)
    Session.objects.filter(session_key__in=keys).delete()
    return len(keys)


@receiver(pre_save, sender=User)
def note_deactivation(sender, instance, **kwargs):
    instance._tandem_deactivated = False
    if instance.pk and not instance.is_active:
        was_active = User.objects.filter(pk=instance.pk, is_active=True).exists()
        instance._tandem_deactivated = was_active


@receiver(post_save, sender=User)
def end_sessions_when_disabled(sender, instance, created, **kwargs):
    if getattr(instance, "_tandem_deactivated", False):
        end_sessions_of(instance.pk)
