"""TOTP two-factor authentication (django-otp) for the roles in settings.TANDEM_OTP_ROLES and for
platform operators (tandem.accounts.rules.is_platform_operator)."""

import base64
import io
from datetime import timedelta

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from tandem.audit.services import record

from .rules import is_platform_operator

DEVICE_NAME = "Authenticator app"
VERIFIED, WRONG, TOO_MANY = "verified", "wrong", "too_many"
MAX_WRONG_CODES = 5
WRONG_CODES_KEY = "tandem_otp_wrong_codes"
# The unconfirmed device being set up belongs to the session that started the set-up (its id is
# kept here), and lives this long: a password alone never gives a lasting view of a secret.
SETUP_DEVICE_KEY = "tandem_otp_setup_device"
SETUP_LIFETIME = timedelta(minutes=10)


def is_two_factor_role(user):
    """The roles that must use two-factor (whether or not TANDEM_OTP_REQUIRED is on), and platform
    operators (the Django admin shows every College's records)."""
    return user.is_authenticated and (user.role in settings.TANDEM_OTP_ROLES or is_platform_operator(user))


def has_confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def stale_setups():
    """Unconfirmed devices whose set-up time has run out (the set-up page and `tandem retention`
    delete them)."""
    return TOTPDevice.objects.filter(confirmed=False, created_at__lt=timezone.now() - SETUP_LIFETIME)


def session_device(request):
    """The unconfirmed device this session started setting up, while it is in time; else None."""
    device_id = request.session.get(SETUP_DEVICE_KEY)
    if device_id is None:
        return None
    return TOTPDevice.objects.filter(
        pk=device_id,
        user=request.user,
        confirmed=False,
        created_at__gte=timezone.now() - SETUP_LIFETIME,
    ).first()


@transaction.atomic
def pending_device(request):
    """The device this session is setting up (the QR code stays the same across page loads of this
    session for SETUP_LIFETIME). Otherwise a new device with a fresh secret, and every other
    unconfirmed device of the user is deleted: a secret shown to one session (say, to someone who
    has only the password) is never the one another session confirms."""
    device = session_device(request)
    if device is None:
        TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
        stale_setups().delete()
        device = TOTPDevice.objects.create(user=request.user, name=DEVICE_NAME, confirmed=False)
        request.session[SETUP_DEVICE_KEY] = device.pk
    return device


def base32_secret(device):
    """The key as an authenticator app asks for it when typed in, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(text):
    """The otpauth:// URI as an inline SVG QR code (no image request, no inline style)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode("utf-8")
    svg = svg[svg.index("<svg") :]
    return svg.replace("<svg ", '<svg role="img" aria-label="QR code to scan with your authenticator app" ', 1)


def _second_factor_passed(request, device):
    """Mark the session verified and give it a new key (the key known before the second factor
    is worth nothing after it)."""
    otp_login(request, device)
    request.session.cycle_key()


@transaction.atomic
def confirm_device(request, code):
    """Confirm the device this session is setting up with a code from it. False when the code is
    wrong or the set-up ran out of time (the page then shows a new QR code)."""
    device = session_device(request)
    if device is None or not device.verify_token(code):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # A user has one authenticator: any older ones (and unfinished set-ups) stop working.
    TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
    request.session.pop(SETUP_DEVICE_KEY, None)
    _second_factor_passed(request, device)
    record(actor=request.user, action="two_factor_setup", obj=request.user, fields=["totp_device"])
    return True


def verify(request, code):
    device = match_token(request.user, code)
    if device is not None:
        request.session.pop(WRONG_CODES_KEY, None)
        _second_factor_passed(request, device)
        return VERIFIED
    wrong = request.session.get(WRONG_CODES_KEY, 0) + 1
    request.session[WRONG_CODES_KEY] = wrong
    return TOO_MANY if wrong >= MAX_WRONG_CODES else WRONG


@transaction.atomic
def reset(*, actor, user):
    """Remove a user's authenticator (lost phone): they set up a new one at their next sign-in."""
    count, _ = TOTPDevice.objects.filter(user=user).delete()
    record(actor=actor, action="two_factor_reset", obj=user, fields=["totp_device"])
    return count
