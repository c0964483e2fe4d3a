"""The pay arithmetic, against figures worked by hand."""

import datetime as dt
from decimal import Decimal

from tandem.payments import pay


def test_hourly_equivalent_is_salary_over_52_143_weeks_of_37_5_hours():
    # 24,214 / 52.143 / 37.5 = 24,214 / 1,955.3625 = 12.38339...
    assert pay.pence(pay.hourly_equivalent(Decimal("24214"))) == Decimal("12.38")
    # 31,365 / 1,955.3625 = 16.0405...
    assert pay.pence(pay.hourly_equivalent(Decimal("31365"))) == Decimal("16.04")


def test_hcas_is_a_percentage_raised_to_its_minimum_and_capped_at_its_maximum():
    assert pay.hcas(
        Decimal("24214"), percent=Decimal("5"), minimum=Decimal("1000"), maximum=Decimal("1500")
    ) == Decimal("1210.70")
    assert pay.hcas(
        Decimal("18000"), percent=Decimal("5"), minimum=Decimal("1000"), maximum=Decimal("1500")
    ) == Decimal("1000")
    assert pay.hcas(
        Decimal("40000"), percent=Decimal("5"), minimum=Decimal("1000"), maximum=Decimal("1500")
    ) == Decimal("1500")
    assert pay.hcas(Decimal("40000"), percent=Decimal("20")) == Decimal("8000")
    assert pay.hcas(Decimal("40000")) == 0
    # (24,214 + 1,210.70) / 1,955.3625 = 13.00255...
    hourly = pay.hourly_equivalent(
        Decimal("24214"), hcas_percent=Decimal("5"), hcas_min=Decimal("1000"), hcas_max=Decimal("1500")
    )
    assert pay.pence(hourly) == Decimal("13.00")


def test_amounts_per_hour_and_per_session():
    assert pay.amount_for(basis="hour", rate=Decimal("14.25"), hours=Decimal("2.5")) == Decimal(
        "35.63"
    )  # 35.625 half up
    assert pay.amount_for(basis="session", rate=Decimal("30"), hours=Decimal("2.5")) == Decimal("30.00")


def test_session_hours():
    day = dt.date(2019, 9, 3)
    assert pay.session_hours(day, dt.time(10), dt.time(12, 30)) == Decimal("2.50")
    assert pay.session_hours(day, dt.time(13, 30), dt.time(15, 10)) == Decimal("1.67")


def test_effective_rate():
    assert pay.effective_rate(Decimal("40"), Decimal("7")) == Decimal("40") / Decimal("7")
    assert pay.effective_rate(Decimal("40"), Decimal("0")) is None
