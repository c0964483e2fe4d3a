"""Writes of pay records: validated, atomic, audited (tutors' pay is personal data).

Status changes are conditional UPDATEs (`... WHERE status = 'approved'`), so however many
requests race to mark one payment paid, the database lets exactly one of them through.
"""

import re
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.audit.services import record, record_many
from tandem.core import versions
from tandem.core.models import College
from tandem.courses.selectors import delivered_by_rows
from tandem.tutors.models import Tutor

from . import pay
from .models import (
    Activity,
    Expense,
    Payment,
    PaymentChoice,
    PayPoint,
    PayPolicy,
    PayYear,
    RateCard,
    StaffPayGrade,
    WorkLog,
)

RATE_CARD_FIELDS = (
    "effective_from",
    "delivery_basis",
    "delivery_rate",
    "hourly_rate",
    "pays_delivery",
    "pays_preparation",
    "pays_coproduction",
    "pays_supervision",
    "pays_training",
    "note",
)
POLICY_FIELDS = ("comparator", "floor_band", "floor_point", "prep_hours_per_session")
PAY_YEAR_FIELDS = ("label", "hcas_percent", "hcas_min", "hcas_max", "illustrative", "source")


# --- Rate cards, policy, pay table, grades ----------------------------------------------------


def card_in_force(cards, day):
    """The card in force on `day` from cards sorted by effective_from descending, or None."""
    for card in cards:
        if card.effective_from <= day:
            return card
    return None


@transaction.atomic
def rate_card_save(*, actor, college, card=None, **fields):
    fields = {k: v for k, v in fields.items() if k in RATE_CARD_FIELDS}
    creating = card is None
    card = card or RateCard(college=college)
    changed = [k for k, v in fields.items() if creating or getattr(card, k) != v]
    for key, value in fields.items():
        setattr(card, key, value)
    clash = RateCard.objects.filter(college=college, effective_from=card.effective_from).exclude(pk=card.pk)
    if clash.exists():
        raise ValidationError({"effective_from": "Another rate card already starts on this date."})
    card.full_clean(exclude=["college"])
    card.save()
    if changed:
        record(actor=actor, action="create" if creating else "update", obj=card, fields=changed)
    return card


def policy_for(college):
    """The College's pay policy (the defaults until an admin saves one)."""
    return PayPolicy.objects.filter(college=college).first() or PayPolicy(college=college)


@transaction.atomic
def policy_save(*, actor, college, **fields):
    policy = PayPolicy.objects.select_for_update().filter(college=college).first() or PayPolicy(college=college)
    fields = {k: v for k, v in fields.items() if k in POLICY_FIELDS}
    fields["floor_band"] = (fields.get("floor_band") or "").strip().lower()
    if fields.get("comparator") == PayPolicy.Comparator.FLOOR and not fields["floor_band"]:
        raise ValidationError({"floor_band": "Enter the floor band, for example 5."})
    changed = [k for k, v in fields.items() if policy.pk is None or getattr(policy, k) != v]
    for key, value in fields.items():
        setattr(policy, key, value)
    policy.full_clean(exclude=["college"])
    policy.save()
    if changed:
        record(actor=actor, action="update", obj=policy, fields=changed)
    return policy


def pay_year_start(label):
    """'2019/20' → 1 April 2019 (Agenda for Change pay years run April to March)."""
    try:
        first, second = label.split("/")
        year = int(first)
        if len(first) != 4 or len(second) != 2 or int(second) != (year + 1) % 100:
            raise ValueError
    except ValueError:
        raise ValidationError({"label": "Write the pay year like 2019/20."}) from None
    return date(year, 4, 1)


@transaction.atomic
def pay_year_save(*, actor, college, pay_year=None, **fields):
    fields = {k: v for k, v in fields.items() if k in PAY_YEAR_FIELDS}
    creating = pay_year is None
    pay_year = pay_year or PayYear(college=college)
    if "label" in fields:
        fields["label"] = fields["label"].strip()
        pay_year.starts_on = pay_year_start(fields["label"])
    if fields.get("hcas_percent") is None and (
        fields.get("hcas_min") is not None or fields.get("hcas_max") is not None
    ):
        raise ValidationError(
            {"hcas_percent": "Enter the supplement's percentage, or leave its minimum and maximum empty."}
        )
    lo, hi = fields.get("hcas_min"), fields.get("hcas_max")
    if lo is not None and hi is not None and lo > hi:
        raise ValidationError({"hcas_max": "The maximum must not be less than the minimum."})
    changed = [k for k, v in fields.items() if creating or getattr(pay_year, k) != v]
    for key, value in fields.items():
        setattr(pay_year, key, value)
    if PayYear.objects.filter(college=college, label=pay_year.label).exclude(pk=pay_year.pk).exists():
        raise ValidationError({"label": "This pay year is already in the table."})
    pay_year.full_clean(exclude=["college"])
    pay_year.save()
    if changed:
        record(actor=actor, action="create" if creating else "update", obj=pay_year, fields=changed)
    return pay_year


@transaction.atomic
def pay_point_save(*, actor, pay_year, band, point, annual_salary):
    """Add a pay point, or change the salary of one already in the table."""
    band = band.strip().lower()
    obj, created = PayPoint.objects.update_or_create(
        pay_year=pay_year, band=band, point=point, defaults={"annual_salary": annual_salary}
    )
    record(actor=actor, action="create" if created else "update", obj=obj, fields=["annual_salary"])
    return obj


@transaction.atomic
def staff_grade_save(*, actor, tutor, band, point, from_date):
    if tutor.kind != Tutor.Kind.STAFF:
        raise ValidationError({"tutor": "Only staff tutors have a pay band: peer tutors are paid by rate card."})
    grade, created = StaffPayGrade.objects.update_or_create(
        tutor=tutor, from_date=from_date, defaults={"band": band.strip().lower(), "point": point}
    )
    record(actor=actor, action="create" if created else "update", obj=grade, fields=["band", "point", "from_date"])
    return grade


# --- Logged work and expenses -----------------------------------------------------------------


@transaction.atomic
def work_log_create(*, actor, tutor, date, activity, hours, run=None, note=""):
    if run is not None and run.course.college_id != tutor.college_id:
        raise ValidationError({"run": "Choose a course run of this College."})
    log = WorkLog(tutor=tutor, date=date, activity=activity, hours=hours, run=run, note=note)
    log.full_clean()
    log.save()
    record(actor=actor, action="create", obj=log, fields=["tutor", "date", "activity", "hours", "run"])
    return log


@transaction.atomic
def expense_create(*, actor, tutor, date, amount, description):
    expense = Expense(tutor=tutor, date=date, amount=amount, description=description)
    expense.full_clean()
    expense.save()
    record(actor=actor, action="create", obj=expense, fields=["tutor", "date", "amount", "description"])
    return expense


# --- Payments ---------------------------------------------------------------------------------


def _session_payments(college, cards):
    """Unsaved payments for every peer tutor of every delivered session (one each)."""
    rows = (
        delivered_by_rows(college, kind=Tutor.Kind.PEER)
        .values_list(
            "tutor_id", "session_id", "session__run_id", "session__date", "session__start_time", "session__end_time"
        )
        .order_by("session__date", "session_id", "tutor_id")
    )
    done = set(Payment.objects.filter(session__run__course__college=college).values_list("tutor_id", "session_id"))
    out = []
    for tutor_id, session_id, run_id, day, start, end in rows:
        if (tutor_id, session_id) in done:
            continue
        card = card_in_force(cards, day)
        if card is None or not card.pays_delivery:
            continue
        hours = pay.session_hours(day, start, end)
        out.append(
            Payment(
                tutor_id=tutor_id,
                activity=Activity.DELIVERY,
                session_id=session_id,
                run_id=run_id,
                date=day,
                hours=hours,
                basis=card.delivery_basis,
                rate=card.delivery_rate,
                rate_card=card,
                amount=pay.amount_for(basis=card.delivery_basis, rate=card.delivery_rate, hours=hours),
            )
        )
    return out


def _work_payments(college, cards):
    """Unsaved payments for peer tutors' logged work that the card in force on the day pays."""
    logs = (
        WorkLog.objects.filter(tutor__college=college, tutor__kind=Tutor.Kind.PEER, payment__isnull=True)
        .values_list("id", "tutor_id", "run_id", "date", "activity", "hours")
        .order_by("date", "id")
    )
    out = []
    for log_id, tutor_id, run_id, day, activity, hours in logs:
        card = card_in_force(cards, day)
        if card is None or not card.pays(activity):
            continue
        out.append(
            Payment(
                tutor_id=tutor_id,
                activity=activity,
                work_log_id=log_id,
                run_id=run_id,
                date=day,
                hours=hours,
                basis=RateCard.Basis.HOUR,
                rate=card.hourly_rate,
                rate_card=card,
                amount=pay.amount_for(basis=RateCard.Basis.HOUR, rate=card.hourly_rate, hours=hours),
            )
        )
    return out


def generate_payments(*, actor, college):
    """Create the missing payments of a College's peer tutors from delivered sessions and logged
    work, at the rate card in force on each day. Idempotent: a second call creates nothing, and
    the database's unique constraints ignore any row a concurrent call created first.
    Staff tutors are salaried: they never get a payment. Returns how many this call created.

    Concurrent calls for one College queue on a lock of the College's row, so each sees what the
    one before it created and reports (and audits) only its own new payments."""
    with transaction.atomic():
        College.objects.select_for_update().filter(pk=college.pk).first()
        cards = list(RateCard.objects.filter(college=college).order_by("-effective_from"))
        new = _session_payments(college, cards) + _work_payments(college, cards)
        existing = set(Payment.objects.filter(tutor__college=college).values_list("pk", flat=True))
        Payment.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
        new_ids = set(Payment.objects.filter(tutor__college=college).values_list("pk", flat=True)) - existing
        created = len(new_ids)
        if created:
            versions.changed(college)  # bulk_create sends no signals: pay parity counts these
            record(
                actor=actor,
                action="generate",
                object_type=Payment._meta.label,
                fields=["tutor", "amount", "hours"],
                note=f"{created} payments generated",
            )
            # And one row per new payment, so each tutor's payments can be traced in the log.
            record_many(
                actor=actor,
                action="create",
                model=Payment,
                object_ids=sorted(new_ids),
                fields=["tutor", "amount", "hours"],
                college_id=college.pk,
            )
    return created


def approve_payments(*, actor, payments):
    """Approve the pending payments among `payments` (a queryset). Returns how many."""
    with transaction.atomic():
        ids = list(payments.filter(status=Payment.Status.PENDING).values_list("pk", flat=True))
        count = Payment.objects.filter(pk__in=ids, status=Payment.Status.PENDING).update(
            status=Payment.Status.APPROVED, approved_at=timezone.now(), approved_by=actor
        )
        if count:
            # One audit row per payment (a tutor's subject-access export finds each of theirs).
            approved = Payment.objects.filter(pk__in=ids, approved_by=actor, status=Payment.Status.APPROVED)
            versions.changed(*Tutor.objects.filter(payments__in=ids).values_list("college_id", flat=True).distinct())
            record_many(
                actor=actor,
                action="approve",
                model=Payment,
                object_ids=approved.values_list("pk", flat=True),
                fields=["status"],
                note=f"{count} payments approved together" if count > 1 else "",
            )
    return count


def mark_paid(*, actor, payment_id):
    """approved → paid, once. The conditional UPDATE lets exactly one of any number of
    concurrent callers through; the others get False (already paid, or not approved)."""
    with transaction.atomic():
        changed = Payment.objects.filter(pk=payment_id, status=Payment.Status.APPROVED).update(
            status=Payment.Status.PAID, paid_at=timezone.now(), paid_by=actor
        )
        if changed:
            versions.changed(*Tutor.objects.filter(payments=payment_id).values_list("college_id", flat=True))
            record(
                actor=actor,
                action="mark_paid",
                object_type=Payment._meta.label,
                object_id=str(payment_id),
                fields=["status"],
            )
    return bool(changed)


def mark_paid_many(*, actor, payments):
    """Mark each approved payment among `payments` paid. Returns (paid, skipped)."""
    paid = skipped = 0
    for pk in payments.values_list("pk", flat=True):
        if mark_paid(actor=actor, payment_id=pk):
            paid += 1
        else:
            skipped += 1
    return paid, skipped


@transaction.atomic
def choice_record(*, actor, payment, decision, amount_taken=None, reason="", note="", on_behalf=False, stated_how=""):
    """Record a tutor's own choice about one payment: by the tutor, or by an admin on their behalf
    with how the tutor stated it. Refused once the payment is paid."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status == Payment.Status.PAID:
        raise ValidationError("This payment has already been paid: its amount can no longer be changed.")
    errors = {}
    if decision == PaymentChoice.Decision.ALL:
        amount_taken, reason = payment.amount, ""
    elif decision == PaymentChoice.Decision.NONE:
        amount_taken = Decimal("0.00")
    elif decision == PaymentChoice.Decision.PART:
        if amount_taken is None:
            errors["amount_taken"] = "Enter how much of the payment to take, in pounds"
        elif not (Decimal("0") < amount_taken < payment.amount):
            errors["amount_taken"] = f"Enter an amount more than £0 and less than £{payment.amount}"
    else:
        errors["decision"] = "Choose whether to take all, part or none of the payment"
    if decision in (PaymentChoice.Decision.PART, PaymentChoice.Decision.NONE) and not reason:
        errors["reason"] = "Choose the reason"
    if on_behalf and not stated_how.strip():
        errors["stated_how"] = "Say how the tutor told you their choice"
    if errors:
        raise ValidationError(errors)
    choice, created = PaymentChoice.objects.update_or_create(
        payment=payment,
        defaults={
            "decision": decision,
            "amount_taken": pay.pence(amount_taken),
            "reason": reason,
            "note": note,
            "recorded_by": actor,
            "on_behalf": on_behalf,
            "stated_how": stated_how.strip() if on_behalf else "",
        },
    )
    record(
        actor=actor,
        action="create" if created else "update",
        obj=choice,
        fields=["decision", "amount_taken", "reason", "note"] + (["stated_how"] if on_behalf else []),
        note="on behalf of the tutor" if on_behalf else "",
    )
    return choice


CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Where a spreadsheet may split a cell: a locale that separates with ";" (or a tab, or ",") reads
# "Pat;=HYPERLINK(…)" as two cells, the second a formula. The export quotes every cell, and any
# part after one of these that starts like a formula is neutralised too.
CSV_SEPARATORS = re.compile(r"([;,\t|])(\s*)(?=[=+\-@\r])")


def neutralise(cell):
    """A spreadsheet must never run a cell as a formula: prefix a single quote to any cell that
    starts with = + - @ tab or carriage return, and to any part of it after a ; , tab or | that
    does (for spreadsheets set to another separator)."""
    text = "" if cell is None else str(cell)
    text = CSV_SEPARATORS.sub(lambda m: m.group(1) + m.group(2) + "'", text)
    return "'" + text if text.startswith(CSV_TRIGGERS) else text


def export_rows(payments):
    """Rows of the payroll CSV (header first) for the given payments."""
    yield [
        "reference",
        "tutor",
        "email",
        "date",
        "activity",
        "course",
        "hours",
        "basis",
        "rate_gbp",
        "gross_gbp",
        "to_pay_gbp",
        "tutor_choice",
        "approved_on",
    ]
    for p in payments.select_related("tutor", "run__course", "choice"):
        choice = getattr(p, "choice", None)
        course = p.run.course.title if p.run_id else ""
        yield [
            p.reference,
            p.tutor.full_name,
            p.tutor.email,
            p.date.isoformat(),
            p.get_activity_display(),
            course,
            str(p.hours),
            p.get_basis_display(),
            str(p.rate),
            str(p.amount),
            str(p.amount_to_pay),
            choice.get_decision_display() if choice else "Take all (no choice recorded)",
            p.approved_on.isoformat() if p.approved_at else "",
        ]
