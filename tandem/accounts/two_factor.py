"""TOTP two-factor authentication (django-otp) for the roles in settings.TANDEM_OTP_ROLES and for
platform operators (tandem.accounts.rules.is_platform_operator)."""

import base64
import io

from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from tandem.audit.services import record

from .rules import is_platform_operator

DEVICE_NAME = "Authenticator app"
VERIFIED, WRONG, TOO_MANY = "verified", "wrong", "too_many"
MAX_WRONG_CODES = 5
WRONG_CODES_KEY = "tandem_otp_wrong_codes"


def is_two_factor_role(user):
    """The roles that must use two-factor (whether or not TANDEM_OTP_REQUIRED is on), and platform
    operators (the Django admin shows every College's records)."""
    return user.is_authenticated and (user.role in settings.TANDEM_OTP_ROLES or is_platform_operator(user))


def has_confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_device(user):
    """The unconfirmed device being set up (kept across page loads so the QR code stays the same)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def base32_secret(device):
    """The key as an authenticator app asks for it when typed in, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_svg(text):
    """The otpauth:// URI as an inline SVG QR code (no image request, no inline style)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode("utf-8")
    svg = svg[svg.index("<svg"):]
    return svg.replace("<svg ", '<svg role="img" aria-label="QR code to scan with your authenticator app" ', 1)


@transaction.atomic
def confirm_device(request, device, code):
    if not device.verify_token(code):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # A user has one authenticator: any older ones stop working.
    TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
    otp_login(request, device)
    record(actor=request.user, action="two_factor_setup", obj=request.user, fields=["totp_device"])
    return True


def verify(request, code):
    device = match_token(request.user, code)
    if device is not None:
        otp_login(request, device)
        request.session.pop(WRONG_CODES_KEY, None)
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
