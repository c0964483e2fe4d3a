"""Payments from delivered sessions and logged work: rate cards by date, paid activities,
one payment per tutor per session (a database constraint), idempotent generation."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tandem.audit.models import AuditEvent
from tandem.courses.tests.factories import deliver
from tandem.payments import services
from tandem.payments.models import Expense, Payment, WorkLog

from .factories import rate_card

pytestmark = pytest.mark.django_db


@pytest.fixture
def sessions(world):
    before = deliver(world.run, dt.date(2018, 3, 27), [world.peer, world.staff])
    after = deliver(world.run, dt.date(2018, 4, 3), [world.peer, world.staff], end=dt.time(12, 30))
    rate_card(world.college, dt.date(2017, 4, 1), basis="session", rate="25.00", hourly="10.00")
    rate_card(
        world.college, dt.date(2018, 4, 1), basis="hour", rate="14.00", hourly="14.00", pays=("delivery", "preparation")
    )
    return before, after


def test_peer_tutors_are_paid_per_session_at_the_card_in_force_and_staff_never(world, sessions):
    before, after = sessions
    assert services.generate_payments(actor=world.admin, college=world.college) == 2
    paid = {p.session_id: p for p in Payment.objects.all()}
    assert set(paid) == {before.pk, after.pk}
    assert all(p.tutor == world.peer for p in paid.values())  # the staff tutor is salaried: no row
    assert (paid[before.pk].basis, paid[before.pk].amount) == ("session", Decimal("25.00"))
    assert (paid[after.pk].basis, paid[after.pk].hours, paid[after.pk].amount) == (
        "hour",
        Decimal("2.50"),
        Decimal("35.00"),
    )
    assert paid[after.pk].run == world.run and paid[after.pk].status == "pending"
    assert AuditEvent.objects.filter(action="generate").count() == 1


def test_generation_is_idempotent(world, sessions):
    assert services.generate_payments(actor=world.admin, college=world.college) == 2
    assert services.generate_payments(actor=world.admin, college=world.college) == 0
    assert Payment.objects.count() == 2
    assert AuditEvent.objects.filter(action="generate").count() == 1


def test_logged_work_is_paid_only_when_the_card_pays_that_activity(world, sessions):
    unpaid = WorkLog.objects.create(
        tutor=world.peer, date=dt.date(2018, 3, 20), activity="preparation", hours=Decimal("1.5"), run=world.run
    )
    paid = WorkLog.objects.create(
        tutor=world.peer, date=dt.date(2018, 4, 2), activity="preparation", hours=Decimal("1.5"), run=world.run
    )
    coproduction = WorkLog.objects.create(
        tutor=world.peer, date=dt.date(2018, 4, 2), activity="coproduction", hours=Decimal("3")
    )
    staff_log = WorkLog.objects.create(
        tutor=world.staff, date=dt.date(2018, 4, 2), activity="preparation", hours=Decimal("2")
    )
    services.generate_payments(actor=None, college=world.college)
    by_log = {p.work_log_id: p for p in Payment.objects.filter(work_log__isnull=False)}
    assert set(by_log) == {paid.pk}
    assert (by_log[paid.pk].amount, by_log[paid.pk].activity, by_log[paid.pk].run) == (
        Decimal("21.00"),
        "preparation",
        world.run,
    )
    assert unpaid.pk not in by_log and coproduction.pk not in by_log and staff_log.pk not in by_log


def test_no_rate_card_no_payment(world):
    deliver(world.run, dt.date(2019, 9, 10), [world.peer, world.staff])
    assert services.generate_payments(actor=world.admin, college=world.college) == 0


def test_other_colleges_sessions_are_not_paid_by_this_college(world, sessions):
    from tandem.tutors.models import Tutor

    far_staff = Tutor.objects.create(
        college=world.other_college,
        kind="staff",
        first_name="Far",
        last_name="Staff",
        email="far@example.nhs.uk",
        employer=world.trust,
    )
    deliver(world.other_run, dt.date(2018, 5, 1), [world.other_tutor, far_staff])
    services.generate_payments(actor=world.admin, college=world.college)
    assert not Payment.objects.filter(tutor=world.other_tutor).exists()


def test_the_database_refuses_a_second_payment_for_the_same_tutor_and_session(world, sessions):
    services.generate_payments(actor=world.admin, college=world.college)
    first = Payment.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            tutor=first.tutor,
            activity="delivery",
            session=first.session,
            run=first.run,
            date=first.date,
            hours=first.hours,
            basis=first.basis,
            rate=first.rate,
            amount=first.amount,
            rate_card=first.rate_card,
        )


def test_a_payment_has_exactly_one_source(world, sessions):
    card = sessions and world.college.rate_cards.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            tutor=world.peer,
            activity="preparation",
            date=dt.date(2018, 4, 3),
            hours=1,
            basis="hour",
            rate=1,
            amount=1,
            rate_card=card,
        )


def test_a_work_log_is_never_delivery_and_expenses_are_never_pay(world, sessions):
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkLog.objects.create(tutor=world.peer, date=dt.date(2018, 4, 2), activity="delivery", hours=2)
    services.expense_create(
        actor=world.admin, tutor=world.peer, date=dt.date(2018, 4, 3), amount=Decimal("4.60"), description="Bus fare"
    )
    services.generate_payments(actor=world.admin, college=world.college)
    assert Expense.objects.count() == 1
    assert sum(p.amount for p in Payment.objects.all()) == Decimal("60.00")  # 25 + 35, no expense


def test_approve_then_mark_paid_once(world, sessions):
    services.generate_payments(actor=world.admin, college=world.college)
    p = Payment.objects.first()
    assert services.mark_paid(actor=world.admin, payment_id=p.pk) is False  # not approved yet
    assert services.approve_payments(actor=world.admin, payments=Payment.objects.all()) == 2
    assert services.approve_payments(actor=world.admin, payments=Payment.objects.all()) == 0
    assert services.mark_paid(actor=world.admin, payment_id=p.pk) is True
    assert services.mark_paid(actor=world.admin, payment_id=p.pk) is False
    p.refresh_from_db()
    assert p.status == "paid" and p.paid_by == world.admin and p.paid_at is not None
    assert AuditEvent.objects.filter(action="mark_paid", object_id=str(p.pk)).count() == 1


def test_choices_take_part_decline_and_never_after_paid(world, sessions):
    services.generate_payments(actor=world.admin, college=world.college)
    p = Payment.objects.get(basis="hour")  # £35.00
    with pytest.raises(ValidationError) as err:
        services.choice_record(
            actor=world.peer_user, payment=p, decision="part", amount_taken=Decimal("35.00"), reason="benefits"
        )
    assert "amount_taken" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.choice_record(actor=world.peer_user, payment=p, decision="none")
    assert "reason" in err.value.message_dict
    choice = services.choice_record(
        actor=world.peer_user, payment=p, decision="part", amount_taken=Decimal("20"), reason="benefits"
    )
    assert choice.amount_taken == Decimal("20.00") and not choice.on_behalf
    p = Payment.objects.get(pk=p.pk)
    assert p.amount_to_pay == Decimal("20.00") and p.amount == Decimal("35.00")
    with pytest.raises(ValidationError) as err:
        services.choice_record(actor=world.admin, payment=p, decision="none", reason="benefits", on_behalf=True)
    assert "stated_how" in err.value.message_dict
    services.choice_record(
        actor=world.admin,
        payment=p,
        decision="none",
        reason="benefits",
        on_behalf=True,
        stated_how="By phone, 4 April 2018",
    )
    assert Payment.objects.get(pk=p.pk).amount_to_pay == Decimal("0.00")
    services.approve_payments(actor=world.admin, payments=Payment.objects.filter(pk=p.pk))
    services.mark_paid(actor=world.admin, payment_id=p.pk)
    with pytest.raises(ValidationError):
        services.choice_record(actor=world.peer_user, payment=p, decision="all")


def test_a_payment_without_a_choice_is_paid_in_full(world, sessions):
    services.generate_payments(actor=world.admin, college=world.college)
    assert all(p.amount_to_pay == p.amount for p in Payment.objects.all())


def test_neutralise():
    for risky in ("=SUM(A1)", "+1", "-2", "@cmd", "\tx", "\rx"):
        assert services.neutralise(risky) == "'" + risky
    assert services.neutralise("Pat Peer") == "Pat Peer"
    assert services.neutralise(None) == ""
    assert services.neutralise(Decimal("12.50")) == "12.50"


def test_pay_year_label(world):
    assert services.pay_year_start("2019/20") == dt.date(2019, 4, 1)
    for bad in ("2019/21", "2019-20", "19/20", "abc"):
        with pytest.raises(ValidationError):
            services.pay_year_start(bad)


def test_neutralise_parts_after_a_separator():
    """A spreadsheet set to split cells at ";" (or tab, ",", "|") must not find a formula either."""
    for risky, safe in (
        ('Pat;=HYPERLINK("http://x")', 'Pat;\'=HYPERLINK("http://x")'),
        ("Pat; +1", "Pat; '+1"),
        ("a,@cmd", "a,'@cmd"),
        ("x\t-2", "x\t'-2"),
        ("a|=1", "a|'=1"),
        ("=A;=B", "'=A;'=B"),
    ):
        assert services.neutralise(risky) == safe
    assert services.neutralise("Smith-Jones; nurse") == "Smith-Jones; nurse"
