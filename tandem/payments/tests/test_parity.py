"""The parity check and its balancing measure, against figures worked by hand.

The world's run: Pat Peer and Sam Staff deliver 2-hour sessions. Sam is band 5 point 1:
£24,214 a year → 24,214 / 52.143 / 37.5 = £12.3834 an hour.
"""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from tandem.courses.tests.factories import deliver
from tandem.payments import services
from tandem.payments.measures import peer_pay_parity_breaches
from tandem.payments.models import WorkLog
from tandem.payments.parity import parity_rows
from tandem.qi.measures import REGISTRY, series
from tandem.tutors.models import Tutor

from .factories import grade, pay_year, policy, rate_card

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_2019(world):
    pay_year(world.college, "2019/20", {("5", 1): "24214.00", ("6", 1): "31365.00", ("4", 1): "21089.00"})
    grade(world.staff, "5", 1)
    deliver(world.run, dt.date(2019, 9, 10), [world.peer, world.staff])
    deliver(world.run, dt.date(2019, 10, 1), [world.peer, world.staff])
    WorkLog.objects.create(
        tutor=world.peer, date=dt.date(2019, 9, 9), activity="preparation", hours=Decimal("3"), run=world.run
    )
    return world


def only_row(college):
    rows = parity_rows(college)
    assert len(rows) == 1
    return rows[0]


def test_unpaid_preparation_is_a_breach_with_the_gap_in_pounds_an_hour(run_2019):
    w = run_2019
    rate_card(w.college, dt.date(2019, 4, 1), basis="session", rate="20.00")  # delivery only
    services.generate_payments(actor=w.admin, college=w.college)
    row = only_row(w.college)
    # Paid 2 × £20 = £40. Hours: 2 × 2 h delivery + 3 h logged preparation (more than the 2 × 1 h
    # the policy implies) = 7 h. £40 / 7 = £5.7143 an hour; the comparator £12.3834; gap £6.67.
    assert (row.money, row.delivery_hours, row.prep_hours, row.hours) == (Decimal("40.00"), 4, 3, 7)
    assert pay_round(row.effective) == Decimal("5.71")
    assert (row.comparator.band, row.comparator.point, pay_round(row.comparator.hourly)) == ("5", 1, Decimal("12.38"))
    assert row.gap == Decimal("6.67") and row.breach
    assert row.comparator.staff_id == w.staff.pk and "paired" in row.comparator.basis


def test_paying_preparation_at_the_comparator_or_above_is_no_breach(run_2019):
    w = run_2019
    rate_card(w.college, dt.date(2019, 4, 1), rate="14.00", hourly="14.00", pays=("delivery", "preparation"))
    services.generate_payments(actor=w.admin, college=w.college)
    row = only_row(w.college)
    # £14 × 4 h + £14 × 3 h = £98 over 7 h = £14.00 ≥ £12.38.
    assert row.money == Decimal("98.00") and row.effective == Decimal("14")
    assert row.gap == Decimal("-1.62") and not row.breach


def test_implied_preparation_counts_when_less_is_logged(run_2019):
    w = run_2019
    WorkLog.objects.all().delete()
    WorkLog.objects.create(
        tutor=w.peer, date=dt.date(2019, 9, 9), activity="preparation", hours=Decimal("0.5"), run=w.run
    )
    policy(w.college, prep_hours_per_session=Decimal("1.5"))
    rate_card(w.college, dt.date(2019, 4, 1), rate="14.00", hourly="14.00", pays=("delivery", "preparation"))
    services.generate_payments(actor=w.admin, college=w.college)
    row = only_row(w.college)
    # Paid £14 × (4 + 0.5) = £63. Hours 4 + max(0.5, 2 × 1.5 = 3) = 7 → £9.00 an hour: a £3.38 gap.
    assert (row.money, row.prep_logged, row.prep_implied, row.hours) == (
        Decimal("63.00"),
        Decimal("0.5"),
        Decimal("3.00"),
        7,
    )
    assert row.effective == Decimal("9") and row.gap == Decimal("3.38") and row.breach


def test_hcas_raises_the_comparator(run_2019):
    w = run_2019
    w.college.pay_years.update(hcas_percent=Decimal("5"), hcas_min=Decimal("1000"), hcas_max=Decimal("1500"))
    rate_card(w.college, dt.date(2019, 4, 1), rate="12.50", hourly="12.50", pays=("delivery", "preparation"))
    services.generate_payments(actor=w.admin, college=w.college)
    row = only_row(w.college)
    # £12.50 an hour against (24,214 + 1,210.70) / 1,955.3625 = £13.0026: a £0.50 gap.
    assert row.effective == Decimal("12.5") and row.gap == Decimal("0.50") and row.breach


def test_comparator_policies(run_2019):
    w = run_2019
    second = Tutor.objects.create(
        college=w.college,
        kind="staff",
        first_name="Ada",
        last_name="Band",
        email="ada@example.nhs.uk",
        status="active",
        employer=w.trust,
    )
    grade(second, "6", 1)
    # Ada delivers one more session with Pat than Sam does: she is the paired staff tutor.
    for day in (dt.date(2019, 10, 8), dt.date(2019, 10, 15), dt.date(2019, 10, 22)):
        deliver(w.run, day, [w.peer, second])
    rate_card(w.college, dt.date(2019, 4, 1), rate="14.00", hourly="14.00", pays=("delivery", "preparation"))
    services.generate_payments(actor=w.admin, college=w.college)
    paired = only_row(w.college).comparator
    assert (paired.band, paired.staff_id) == ("6", second.pk)
    policy(w.college, comparator="lowest")
    assert only_row(w.college).comparator.band == "5"
    policy(w.college, comparator="floor", floor_band="4")
    row = only_row(w.college)
    assert (row.comparator.band, row.comparator.point) == ("4", 1) and not row.breach


def test_missing_band_falls_back_to_the_floor_or_is_listed_unchecked(run_2019):
    w = run_2019
    w.staff.pay_grades.all().delete()
    rate_card(w.college, dt.date(2019, 4, 1), rate="14.00", hourly="14.00", pays=("delivery", "preparation"))
    services.generate_payments(actor=w.admin, college=w.college)
    row = only_row(w.college)
    assert row.comparator is None and not row.breach and "no pay band recorded" in row.unchecked_reason
    policy(w.college, floor_band="6")
    row = only_row(w.college)
    assert row.comparator.band == "6" and row.breach  # £14.00 < £16.04
    assert "floor" in row.comparator.basis


def test_no_pay_year_is_unchecked(world):
    deliver(world.run, dt.date(2019, 9, 10), [world.peer, world.staff])
    row = only_row(world.college)
    assert row.comparator is None and "no pay year" in row.unchecked_reason


def test_choices_and_expenses_do_not_change_the_check(run_2019):
    w = run_2019
    rate_card(w.college, dt.date(2019, 4, 1), rate="14.00", hourly="14.00", pays=("delivery", "preparation"))
    services.generate_payments(actor=w.admin, college=w.college)
    services.expense_create(
        actor=w.admin, tutor=w.peer, date=dt.date(2019, 9, 10), amount=Decimal("50"), description="Travel"
    )
    for p in w.peer.payments.all():
        services.choice_record(actor=w.peer_user, payment=p, decision="none", reason="benefits")
    row = only_row(w.college)
    assert row.money == Decimal("98.00") and not row.breach


def test_measure_counts_breaching_pairs_in_each_month_of_their_sessions(run_2019):
    w = run_2019
    rate_card(w.college, dt.date(2019, 4, 1), basis="session", rate="20.00")
    services.generate_payments(actor=w.admin, college=w.college)
    assert peer_pay_parity_breaches(w.college) == {"2019-09": 1, "2019-10": 1}
    got = {p["period"]: p["value"] for p in series(w.college, "peer_pay_parity_breaches")}
    assert got == {"2019-09": 1, "2019-10": 1}
    m = REGISTRY["peer_pay_parity_breaches"]
    assert (m.kind, m.improvement) == ("balancing", "decrease")


def test_measure_is_zero_not_missing_in_months_without_breaches(run_2019):
    w = run_2019
    rate_card(w.college, dt.date(2019, 4, 1), rate="14.00", hourly="14.00", pays=("delivery", "preparation"))
    services.generate_payments(actor=w.admin, college=w.college)
    assert peer_pay_parity_breaches(w.college) == {"2019-09": 0, "2019-10": 0}


def test_tandem_measures_lists_the_parity_measure(run_2019, capsysbinary):
    from django.core.management import call_command

    rate_card(run_2019.college, dt.date(2019, 4, 1), basis="session", rate="20.00")
    services.generate_payments(actor=None, college=run_2019.college)
    call_command("measures", "--college", "riverside")
    doc = json.loads(capsysbinary.readouterr().out)
    found = {m["key"]: m for m in doc["measures"]}["peer_pay_parity_breaches"]
    assert found["kind"] == "balancing"
    assert {p["period"]: p["value"] for p in found["series"]} == {"2019-09": 1, "2019-10": 1}


def pay_round(value):
    from tandem.payments.pay import pence

    return pence(value)


# --- computed once per version of the College's records ----------------------------------------


def test_parity_is_cached_and_a_payment_shows_at_once(run_2019, monkeypatch):
    from tandem.payments import parity

    w = run_2019
    calls = []
    real = parity._parity_rows
    monkeypatch.setattr(parity, "_parity_rows", lambda *a: calls.append(1) or real(*a))
    assert only_row(w.college).money == 0
    assert only_row(w.college).money == 0
    assert len(calls) == 1  # the second read came from the cache
    rate_card(w.college, dt.date(2019, 4, 1), basis="session", rate="20.00")
    services.generate_payments(actor=w.admin, college=w.college)
    assert only_row(w.college).money == Decimal("40.00")  # the payments' writes changed the version
    WorkLog.objects.create(
        tutor=w.peer, date=dt.date(2019, 10, 2), activity="coproduction", hours=Decimal("2"), run=w.run
    )
    assert only_row(w.college).other_hours == 2
    assert len(calls) == 3


def test_the_parity_page_lists_newest_first_and_loads_only_what_it_shows(run_2019, client):
    from tandem.courses.models import CourseRun

    w = run_2019
    later = CourseRun.objects.create(
        course=w.run.course,
        term=w.term,
        weekday=1,
        start_time=dt.time(14),
        end_time=dt.time(16),
        start_date=dt.date(2019, 11, 5),
        online=True,
    )
    deliver(later, dt.date(2019, 11, 5), [w.peer, w.staff])
    client.force_login(w.admin)
    page = client.get(reverse("payments:parity"), {"show": "all"}).content.decode()
    newest, oldest = (page.index(reverse("courses:run", args=[r.pk]) + '"') for r in (later, w.run))
    assert newest < oldest
