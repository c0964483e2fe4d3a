"""The demo College's pay records: `populate(college, rng) -> summary`.

Called by the demo generator after it has written the College's tutors, runs and delivered
sessions. Writes rate cards, an illustrative Agenda for Change pay table, staff tutors' bands,
peer tutors' logged work and expenses, and the payments generated from them, with bulk inserts.
Deterministic given `rng` (rows are visited in a fixed order). The College's "today" is taken
from its records (the last delivered session), never the machine clock.

The story: until 1 April 2018 the College paid peer tutors a fee per session delivered and
nothing for preparation, co-production, supervision or training, so their effective hourly rate
(preparation included) fell below the staff tutor they co-delivered with — a parity breach on
every run. From 1 April 2018 a new rate card pays every hour of every activity at £24.00, above
the highest comparator in the illustrative table, and the breaches stop.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import Role, User
from tandem.audit.services import record
from tandem.courses.models import Course
from tandem.courses.selectors import delivered_by_rows, delivered_sessions
from tandem.tutors.models import Tutor

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
from .services import generate_payments

RATE_CHANGE = date(2018, 4, 1)
SOURCE = "Illustrative figures for the demo, not the official Agenda for Change pay table"

# (effective from, basis, delivery rate, hourly rate for other work, paid activities, note)
RATE_CARDS = (
    (
        date(2014, 9, 1),
        "session",
        "25.00",
        "0.00",
        ("delivery",),
        "Sessional fee per session delivered; preparation and co-production unpaid",
    ),
    (
        date(2016, 4, 1),
        "session",
        "28.00",
        "0.00",
        ("delivery",),
        "Sessional fee raised; preparation and co-production still unpaid",
    ),
    (
        RATE_CHANGE,
        "hour",
        "24.00",
        "24.00",
        tuple(a for a, _ in Activity.choices),
        "Pay parity: every hour of delivery, preparation, co-production, supervision and training paid",
    ),
)

# Illustrative 2014/15 annual salaries by band, points 1-4 (not official figures), and the uplift
# applied at the start of each later pay year.
BASE_SALARIES = {
    "3": ("16271", "17425", "18200", "19268"),
    "4": ("19027", "20053", "21176", "22236"),
    "5": ("21478", "23245", "25528", "27901"),
    "6": ("25783", "28180", "31072", "34530"),
    "7": ("31072", "34876", "37152", "40964"),
    "8a": ("39632", "42217", "45254", "47559"),
}
UPLIFTS = (("2014/15", "0"), ("2015/16", "1"), ("2016/17", "1"), ("2017/18", "1"), ("2018/19", "3"), ("2019/20", "1.7"))
HCAS = {"hcas_percent": Decimal("5"), "hcas_min": Decimal("1000.00"), "hcas_max": Decimal("1500.00")}
STAFF_BANDS = (("5", 35), ("6", 45), ("7", 20))  # staff tutors' bands (weights)

PREP_PER_SESSION = Decimal("1.00")  # the College's rule: an hour's preparation a session
PREP_EXTRA = (Decimal("0"), Decimal("0.25"), Decimal("0.5"))  # logged on top of the rule
TRAVEL_SHARE = 0.4  # peer tutors who claim travel for each session they deliver


def _pay_table(college):
    years, points = [], []
    factor = Decimal(1)
    for label, uplift in UPLIFTS:
        factor *= 1 + Decimal(uplift) / 100
        year = PayYear(
            college=college, label=label, starts_on=date(int(label[:4]), 4, 1), illustrative=True, source=SOURCE, **HCAS
        )
        years.append(year)
        for band, salaries in BASE_SALARIES.items():
            for point, base in enumerate(salaries, start=1):
                salary = (Decimal(base) * factor).quantize(Decimal("1"))
                points.append((year, band, point, salary))
    PayYear.objects.bulk_create(years)
    PayPoint.objects.bulk_create([PayPoint(pay_year=y, band=b, point=p, annual_salary=s) for y, b, p, s in points])
    return len(years), len(points)


def _grades(staff, rng):
    """A band for every staff tutor (the one their role has, if employed elsewhere), a point, and
    a step up a point every two years while below the top."""
    bands, weights = zip(*STAFF_BANDS)
    out = []
    for tutor in staff:
        band = rng.choices(bands, weights=weights)[0]
        point = rng.randint(1, 3)
        out.append(StaffPayGrade(tutor=tutor, band=band, point=point, from_date=date(2014, 4, 1)))
        for year in (2016, 2018):
            if point < 4 and rng.random() < 0.6:
                point += 1
                out.append(StaffPayGrade(tutor=tutor, band=band, point=point, from_date=date(year, 4, 1)))
    StaffPayGrade.objects.bulk_create(out)
    return len(out)


def _work_and_expenses(college, peers, rng, today):
    delivered = list(
        delivered_by_rows(college, kind=Tutor.Kind.PEER)
        .values_list("tutor_id", "session__run_id", "session__run__term_id", "session__date")
        .order_by("session__date", "session_id", "tutor_id")
    )
    travellers = {t.pk for t in peers if rng.random() < TRAVEL_SHARE}
    logs, expenses = [], []
    taught_terms = {}
    for tutor_id, run_id, term_id, day in delivered:
        # Preparation for each session, logged against its run: at least the College's rule.
        logs.append(
            WorkLog(
                tutor_id=tutor_id,
                run_id=run_id,
                date=day - timedelta(days=1),
                activity=Activity.PREPARATION,
                hours=PREP_PER_SESSION + rng.choice(PREP_EXTRA),
                note="Session preparation",
            )
        )
        if tutor_id in travellers:
            fare = Decimal(rng.randint(320, 860)) / 100
            expenses.append(Expense(tutor_id=tutor_id, date=day, amount=fare, description="Travel to the session"))
        taught_terms.setdefault((tutor_id, term_id), day)
    # Supervision: an hour and a half once a term for each peer tutor who taught in it.
    for (tutor_id, _term), first in sorted(taught_terms.items()):
        logs.append(
            WorkLog(
                tutor_id=tutor_id,
                date=first + timedelta(days=21),
                activity=Activity.SUPERVISION,
                hours=Decimal("1.5"),
                note="Group supervision",
            )
        )
    # Co-production: each peer co-producer's hours on a course before its first run.
    first_run = {}
    for course_id, start in Course.objects.filter(college=college).values_list("id", "runs__start_date").order_by("id"):
        if start and (course_id not in first_run or start < first_run[course_id]):
            first_run[course_id] = start
    peer_ids = {t.pk for t in peers}
    coproducers = Course.co_producers.through.objects.filter(course__college=college, tutor_id__in=peer_ids)
    for course_id, tutor_id in coproducers.values_list("course_id", "tutor_id").order_by("course_id", "tutor_id"):
        if course_id not in first_run:
            continue
        for weeks in (10, 8, 6):
            logs.append(
                WorkLog(
                    tutor_id=tutor_id,
                    date=first_run[course_id] - timedelta(weeks=weeks),
                    activity=Activity.COPRODUCTION,
                    hours=Decimal(rng.choice(("2", "2.5", "3"))),
                    note="Co-producing the course",
                )
            )
    # Training: the co-production training day.
    for tutor in peers:
        if tutor.coproduction_trained_on:
            logs.append(
                WorkLog(
                    tutor=tutor,
                    date=tutor.coproduction_trained_on,
                    activity=Activity.TRAINING,
                    hours=Decimal("6"),
                    note="Co-production training",
                )
            )
    logs = [w for w in logs if w.date <= today]  # nothing is logged ahead of the College's today
    logs.sort(key=lambda w: (w.date, w.tutor_id, w.activity, w.run_id or 0))
    WorkLog.objects.bulk_create(logs, batch_size=1000)
    Expense.objects.bulk_create(expenses, batch_size=1000)
    return len(logs), len(expenses)


def _at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _month_end(day):
    nxt = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _statuses(college, admin, today):
    """Paid up to the month before last; last month's approved; this month's waiting."""
    this_month = date(today.year, today.month, 1)
    last_month = date(this_month.year - (this_month.month == 1), (this_month.month - 2) % 12 + 1, 1)
    payments = Payment.objects.filter(tutor__college=college)
    months = sorted({date(d.year, d.month, 1) for d in payments.values_list("date", flat=True)})
    for month in months:
        if month >= this_month:
            continue
        end = _month_end(month)
        rows = payments.filter(date__gte=month, date__lte=end)
        if month == last_month:
            rows.update(status=Payment.Status.APPROVED, approved_at=_at(end + timedelta(days=5)), approved_by=admin)
        else:
            rows.update(
                status=Payment.Status.PAID,
                approved_at=_at(end + timedelta(days=5)),
                approved_by=admin,
                paid_at=_at(end + timedelta(days=20)),
                paid_by=admin,
            )


def _choices(college, peers, admin, rng, today):
    """Two peer tutors' own choices in the last year: one takes part of each payment to stay within
    benefit rules, one gives their time as a volunteer for a term. Never a default."""
    since = date(today.year - 1, today.month, 1)
    active = sorted(
        {t for t in Payment.objects.filter(tutor__college=college, date__gte=since).values_list("tutor_id", flat=True)}
    )
    if len(active) < 2:
        return 0
    by_id = {t.pk: t for t in peers}
    part_id, none_id = rng.sample(active, 2)
    out = []
    for tutor_id, decision, reason in ((part_id, "part", "benefits"), (none_id, "none", "volunteer")):
        tutor = by_id[tutor_id]
        own = tutor.user_id is not None
        rows = Payment.objects.filter(tutor_id=tutor_id, date__gte=since).order_by("date", "id")
        if decision == "none":
            rows = rows.filter(date__gte=date(today.year, 9, 1) if today.month >= 9 else since)
        for p in rows:
            taken = Decimal("0.00") if decision == "none" else min(p.amount - Decimal("0.01"), Decimal("20.00"))
            out.append(
                PaymentChoice(
                    payment=p,
                    decision=decision,
                    amount_taken=taken,
                    reason=reason,
                    recorded_by_id=tutor.user_id if own else (admin.pk if admin else None),
                    on_behalf=not own,
                    stated_how="" if own else "Told the College manager in person",
                )
            )
    PaymentChoice.objects.bulk_create(out)
    return len(out)


@transaction.atomic
def populate(college, rng):
    """Write the demo College's pay records and return a summary of what was written."""
    admin = User.objects.filter(college=college, role=Role.COLLEGE_ADMIN).order_by("pk").first()
    last = delivered_sessions(college).order_by("-date").values_list("date", flat=True).first()
    today = last or date(2019, 11, 15)
    RateCard.objects.bulk_create(
        [
            RateCard(
                college=college,
                effective_from=on,
                delivery_basis=basis,
                delivery_rate=Decimal(rate),
                hourly_rate=Decimal(hourly),
                note=note,
                **{f"pays_{a}": a in paid for a, _ in Activity.choices},
            )
            for on, basis, rate, hourly, paid, note in RATE_CARDS
        ]
    )
    PayPolicy.objects.update_or_create(
        college=college,
        defaults={
            "comparator": PayPolicy.Comparator.PAIRED,
            "floor_band": "5",
            "floor_point": None,
            "prep_hours_per_session": PREP_PER_SESSION,
        },
    )
    n_years, n_points = _pay_table(college)
    tutors = list(Tutor.objects.filter(college=college).order_by("pk"))
    staff = [t for t in tutors if t.kind == Tutor.Kind.STAFF]
    peers = [t for t in tutors if t.kind == Tutor.Kind.PEER]
    n_grades = _grades(staff, rng)
    n_logs, n_expenses = _work_and_expenses(college, peers, rng, today)
    n_payments = generate_payments(actor=None, college=college)
    _statuses(college, admin, today)
    n_choices = _choices(college, peers, admin, rng, today)
    record(
        actor=None,
        action="create",
        object_type=Payment._meta.label,
        note=f"Demo pay records: {n_payments} payments, {n_logs} work logs",
    )
    return {
        "rate_cards": len(RATE_CARDS),
        "pay_years": n_years,
        "pay_points": n_points,
        "staff_grades": n_grades,
        "work_logs": n_logs,
        "expenses": n_expenses,
        "payments": n_payments,
        "choices": n_choices,
        "rate_change": RATE_CHANGE.isoformat(),
    }
