"""Pay arithmetic, in Decimal, with no Django inside.

Hourly equivalent of a salaried post (the staff comparator): annual salary, plus any High Cost
Area Supplement, divided by 52.143 weeks and by 37.5 hours a week (Agenda for Change full time).
Money is rounded to whole pence, half up, once, at the end of each amount.
"""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

WEEKS_PER_YEAR = Decimal("52.143")
HOURS_PER_WEEK = Decimal("37.5")
PENNY = Decimal("0.01")
ZERO = Decimal("0")


def pence(value):
    """Round money to whole pence, half up."""
    return Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


def hcas(annual_salary, *, percent=None, minimum=None, maximum=None):
    """High Cost Area Supplement: a percentage of basic salary, raised to the minimum and capped
    at the maximum (each optional). No percentage means no supplement."""
    if percent is None:
        return ZERO
    amount = Decimal(annual_salary) * Decimal(percent) / 100
    if minimum is not None:
        amount = max(amount, Decimal(minimum))
    if maximum is not None:
        amount = min(amount, Decimal(maximum))
    return amount


def hourly_equivalent(annual_salary, *, hcas_percent=None, hcas_min=None, hcas_max=None):
    """£ an hour of a full-time salaried post, unrounded (round with `pence` for display)."""
    annual = Decimal(annual_salary) + hcas(annual_salary, percent=hcas_percent, minimum=hcas_min, maximum=hcas_max)
    return annual / WEEKS_PER_YEAR / HOURS_PER_WEEK


def session_hours(day, start, end):
    """Hours between two times of one day, as a Decimal (exact for whole minutes, to 1/100 h)."""
    minutes = int((datetime.combine(day, end) - datetime.combine(day, start)).total_seconds() // 60)
    return (Decimal(minutes) / 60).quantize(PENNY, rounding=ROUND_HALF_UP)


def amount_for(*, basis, rate, hours):
    """Gross pay for one item: a per-session rate is paid once, an hourly rate for every hour."""
    if basis == "session":
        return pence(rate)
    return pence(Decimal(rate) * Decimal(hours))


def effective_rate(money, hours):
    """All paid money over all hours worked; None when no hours were worked."""
    hours = Decimal(hours)
    if hours <= 0:
        return None
    return Decimal(money) / hours
