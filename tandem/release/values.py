"""Small facts of the release workflow shared by its services and its emails (kept apart so the
emails need not import the services that send them)."""

from decimal import Decimal

from django.conf import settings


def setting_days(name):
    """RELEASE_REMINDER_DAYS or RELEASE_EXPIRY_DAYS (settings.py), checked again where a test or an
    operator changed it at run time."""
    value = getattr(settings, name)
    if not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a whole number of days, at least 1")
    return value


def fmt_hours(value):
    """6.50 -> '6.5', 5.00 -> '5'."""
    value = Decimal(str(value)).quantize(Decimal("0.01")).normalize()
    return format(value, "f")
