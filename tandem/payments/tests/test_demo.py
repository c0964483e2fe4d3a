"""The demo's pay records on the demo College: parity breaches every month before the rate
change of 1 April 2018 and none after; the same records from the same random stream."""

import hashlib
import random

import pytest
from django.db import transaction

from tandem.core.models import College
from tandem.demo.generate import generate
from tandem.payments.demo import RATE_CHANGE, populate
from tandem.payments.models import Expense, Payment, PaymentChoice, PayPolicy, PayYear, RateCard, StaffPayGrade, WorkLog
from tandem.payments.parity import breaches_by_month

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # generates the whole demo College


def clear(college):
    """Remove the College's pay records (in case the demo generator already wrote them)."""
    PaymentChoice.objects.filter(payment__tutor__college=college).delete()
    Payment.objects.filter(tutor__college=college).delete()
    WorkLog.objects.filter(tutor__college=college).delete()
    Expense.objects.filter(tutor__college=college).delete()
    StaffPayGrade.objects.filter(tutor__college=college).delete()
    PayYear.objects.filter(college=college).delete()
    RateCard.objects.filter(college=college).delete()
    PayPolicy.objects.filter(college=college).delete()


def fingerprint(college):
    h = hashlib.sha256()
    for qs, fields in (
        (
            Payment.objects.filter(tutor__college=college),
            ("tutor__email", "date", "activity", "hours", "rate", "amount", "status", "session__run__start_date"),
        ),
        (
            WorkLog.objects.filter(tutor__college=college),
            ("tutor__email", "date", "activity", "hours", "run__start_date"),
        ),
        (Expense.objects.filter(tutor__college=college), ("tutor__email", "date", "amount")),
        (StaffPayGrade.objects.filter(tutor__college=college), ("tutor__email", "band", "point", "from_date")),
        (
            PaymentChoice.objects.filter(payment__tutor__college=college),
            ("payment__tutor__email", "payment__date", "decision", "amount_taken", "reason"),
        ),
    ):
        for row in sorted(repr(r) for r in qs.values_list(*fields)):
            h.update(row.encode())
        h.update(b"|")
    return h.hexdigest()


def test_demo_parity_holds_only_after_the_rate_change_and_is_deterministic():
    summary = generate(seed=2019)
    college = College.objects.get(slug=summary["college"])
    clear(college)
    sid = transaction.savepoint()
    populate(college, random.Random(2019))
    first = fingerprint(college)
    transaction.savepoint_rollback(sid)

    pay = populate(college, random.Random(2019))
    assert fingerprint(college) == first  # the same seed, the same payments
    assert pay["payments"] > 1000 and pay["work_logs"] > 1000 and pay["expenses"] > 0 and pay["choices"] > 0
    assert not Payment.objects.filter(tutor__college=college, tutor__kind="staff").exists()
    assert PayYear.objects.filter(college=college, illustrative=False).count() == 0  # labelled illustrative
    by_month = breaches_by_month(college)
    change = f"{RATE_CHANGE:%Y-%m}"
    before = {m: v for m, v in by_month.items() if m < change}
    after = {m: v for m, v in by_month.items() if m >= change}
    assert before and all(v > 0 for v in before.values()), before
    assert after and all(v == 0 for v in after.values()), after
