"""Small builders for pay tests (and the access matrix's payment rows)."""

import datetime as dt
from decimal import Decimal

from tandem.courses.tests.factories import deliver
from tandem.tutors.models import Tutor

from ..models import Payment, PayPoint, PayPolicy, PayYear, RateCard, StaffPayGrade


def rate_card(college, effective_from, *, basis="hour", rate="14.00", hourly="14.00", pays=("delivery",)):
    return RateCard.objects.create(
        college=college,
        effective_from=effective_from,
        delivery_basis=basis,
        delivery_rate=Decimal(rate),
        hourly_rate=Decimal(hourly),
        **{f"pays_{a}": a in pays for a in ("delivery", "preparation", "coproduction", "supervision", "training")},
    )


def pay_year(college, label="2019/20", points=None, **hcas):
    start = dt.date(int(label[:4]), 4, 1)
    year = PayYear.objects.create(college=college, label=label, starts_on=start, **hcas)
    for (band, point), salary in (points or {("5", 1): "24214.00", ("6", 1): "31365.00"}).items():
        PayPoint.objects.create(pay_year=year, band=band, point=point, annual_salary=Decimal(salary))
    return year


def grade(tutor, band, point, from_date=dt.date(2014, 1, 1)):
    return StaffPayGrade.objects.create(tutor=tutor, band=band, point=point, from_date=from_date)


def policy(college, **fields):
    obj, _ = PayPolicy.objects.update_or_create(college=college, defaults=fields)
    return obj


def payment_for_peer(w, status="pending"):
    """A delivered session of the world's run and the peer tutor's payment for it."""
    from django.utils import timezone

    card = RateCard.objects.filter(college=w.college).first() or rate_card(w.college, dt.date(2019, 1, 1))
    session = deliver(w.run, dt.date(2019, 9, 17), [w.peer, w.staff])
    now = timezone.now()
    return Payment.objects.create(
        tutor=w.peer,
        activity="delivery",
        session=session,
        run=w.run,
        date=session.date,
        hours=Decimal("2.00"),
        basis="hour",
        rate=card.delivery_rate,
        amount=card.delivery_rate * 2,
        rate_card=card,
        status=status,
        approved_at=now if status != "pending" else None,
        paid_at=now if status == "paid" else None,
    )


def other_college_payment(w):
    """A payment of the other College's peer tutor (nobody in the first College may see it)."""
    card = rate_card(w.other_college, dt.date(2019, 1, 1))
    staff, _ = Tutor.objects.get_or_create(
        college=w.other_college,
        email="zara@elsewhere.example.nhs.uk",
        defaults={"kind": "staff", "first_name": "Zara", "last_name": "Far", "status": "active", "employer": w.trust},
    )
    session = deliver(w.other_run, dt.date(2019, 9, 3), [w.other_tutor, staff])
    return Payment.objects.create(
        tutor=w.other_tutor,
        activity="delivery",
        session=session,
        run=w.other_run,
        date=session.date,
        hours=Decimal("2.00"),
        basis="hour",
        rate=card.delivery_rate,
        amount=card.delivery_rate * 2,
        rate_card=card,
    )
