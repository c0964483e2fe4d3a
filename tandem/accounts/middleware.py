"""Session timeouts, two-factor enforcement and no-store caching for signed-in pages."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django_otp import user_has_device

from .two_factor import is_two_factor_role

SESSION_STARTED = "tandem_signed_in_at"
SESSION_LAST_SEEN = "tandem_last_seen_at"
# Writing the session on every request is wasteful: the last-seen time moves on at most this often.
LAST_SEEN_RESOLUTION = 15


def _now():
    return time.time()


class SessionTimeoutMiddleware:
    """Ends a session 15 minutes (SESSION_IDLE_TIMEOUT) after its last request and 12 hours
    (SESSION_ABSOLUTE_TIMEOUT) after sign-in, whichever comes first. The times live in the
    session; a session without them (force_login in tests, or one from before this middleware)
    starts its clocks at its first request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = _now()
            session = request.session
            started = session.get(SESSION_STARTED)
            last_seen = session.get(SESSION_LAST_SEEN)
            expired = (last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT) or (
                started is not None and now - started > settings.SESSION_ABSOLUTE_TIMEOUT
            )
            if expired:
                logout(request)
                messages.info(request, "You were signed out because your session timed out. Sign in again.")
                return redirect(
                    f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}"
                    if request.method == "GET"
                    else reverse("accounts:login")
                )
            if started is None:
                session[SESSION_STARTED] = now
            if last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION:
                session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


def needs_two_factor(user):
    return settings.TANDEM_OTP_REQUIRED and user is not None and is_two_factor_role(user)


# Pages an unverified user of a two-factor role may still reach.
OTP_OPEN_URL_NAMES = ("accounts:logout", "accounts:otp_setup", "accounts:otp_verify", "accounts:login")


class TwoFactorMiddleware:
    """After the password, a College admin, QI team member, line manager or platform operator
    must verify a TOTP code (set one up first if they have no device) before any page but sign-out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if needs_two_factor(user) and not user.is_verified():
            request.tandem_two_factor_pending = True  # base.jinja shows no navigation
            path = request.path_info
            open_paths = {reverse(name) for name in OTP_OPEN_URL_NAMES}
            if path not in open_paths and not path.startswith(settings.STATIC_URL):
                target = "accounts:otp_verify" if user_has_device(user) else "accounts:otp_setup"
                query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
                return redirect(reverse(target) + (f"?{query}" if query else ""))
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages shown to a signed-in user may hold personal data: no browser or proxy keeps them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
