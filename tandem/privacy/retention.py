"""Retention: anonymise or delete what has passed its period (settings.TANDEM_RETENTION).

Each rule reports what it would do (dry run) or did. Every change is audited. The audit log
itself is kept: it holds no values, and it is the record that the rules ran.
"""

import datetime as dt
from dataclasses import dataclass

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tandem.accounts.two_factor import stale_setups
from tandem.audit.services import record_many
from tandem.payments.models import Expense, Payment, PaymentChoice, WorkLog
from tandem.pipeline.models import PipelineEntry, PipelineSubmission
from tandem.release.models import ReleaseRequest
from tandem.stories.models import Consent, Story
from tandem.stories.services import story_delete
from tandem.students.models import Student
from tandem.tutors.models import Tutor

from .erasure import ERASED_TEXT, erase_student, erase_tutor, is_erased_student, is_erased_tutor


@dataclass
class Outcome:
    rule: str  # the TANDEM_RETENTION key
    what: str  # what the rule acts on
    done: str  # what it does to them: "anonymised", "deleted", "cleared"
    count: int


def years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def financial_year_start(day):
    return dt.date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def _periods():
    return settings.TANDEM_RETENTION


def left_tutors(today, dry_run):

    cutoff = years_before(today, _periods()["left_tutor_years"])
    due = [t for t in Tutor.objects.filter(status=Tutor.Status.LEFT, left_on__lte=cutoff) if not is_erased_tutor(t)]
    if not dry_run:
        for tutor in due:
            erase_tutor(
                actor=None,
                tutor=tutor,
                reason=f"retention: left more than {_periods()['left_tutor_years']} years ago",
                today=today,
            )
    return Outcome("left_tutor_years", "tutors who left", "anonymised", len(due))


def old_payments(today, dry_run):
    """Payments (with their choices, and the work logs and expenses behind them) of financial
    years that ended more than `payments_years` years ago."""

    cutoff = years_before(financial_year_start(today), _periods()["payments_years"])
    payments = Payment.objects.filter(date__lt=cutoff)
    logs = WorkLog.objects.filter(date__lt=cutoff)
    expenses = Expense.objects.filter(date__lt=cutoff)
    count = payments.count() + logs.count() + expenses.count()
    if not dry_run and count:
        with transaction.atomic():
            for qs in (payments, logs, expenses):
                ids = list(qs.values_list("pk", flat=True))
                if ids:
                    record_many(
                        actor=None,
                        action="delete",
                        model=qs.model,
                        object_ids=ids,
                        note=f"retention: financial year ended more than {_periods()['payments_years']} years ago",
                    )
                    if qs.model is Payment:
                        PaymentChoice.objects.filter(payment_id__in=ids).delete()
                    qs.model.objects.filter(pk__in=ids).delete()
    return Outcome("payments_years", "payments, work logs and expenses", "deleted", count)


def stale_pipeline(today, dry_run):
    """Pipeline entries that went no further, and public-form submissions (matching an existing
    record) left unreviewed, after `pipeline_years`."""

    cutoff = years_before(today, _periods()["pipeline_years"])
    qs = PipelineEntry.objects.filter(tutor__isnull=True, stage__in=["interested", "lapsed"])
    due = [
        e.pk
        for e in qs.prefetch_related("changes")
        if max([c.on for c in e.changes.all()] or [timezone.localtime(e.created_at).date()]) <= cutoff
    ]
    submissions = [
        s.pk
        for s in PipelineSubmission.objects.all()
        if s.entry_id in due or timezone.localtime(s.submitted_at).date() <= cutoff
    ]
    if not dry_run and (due or submissions):
        with transaction.atomic():
            if submissions:
                record_many(
                    actor=None,
                    action="delete",
                    model=PipelineSubmission,
                    object_ids=submissions,
                    note=f"retention: not reviewed within {_periods()['pipeline_years']} years",
                )
                PipelineSubmission.objects.filter(pk__in=submissions).delete()
            if due:
                record_many(
                    actor=None,
                    action="delete",
                    model=PipelineEntry,
                    object_ids=due,
                    note=f"retention: no change for {_periods()['pipeline_years']} years",
                )
                PipelineEntry.objects.filter(pk__in=due).delete()
    return Outcome(
        "pipeline_years",
        "pipeline entries that went no further and unreviewed form submissions",
        "deleted",
        len(due) + len(submissions),
    )


def withdrawn_stories(today, dry_run):

    cutoff = today - dt.timedelta(days=_periods()["withdrawn_story_days"])
    open_consent = Consent.objects.filter(withdrawn_on__isnull=True, superseded_on__isnull=True)
    due = list(Story.objects.exclude(consents__in=open_consent).filter(consents__withdrawn_on__lte=cutoff).distinct())
    if not dry_run:
        for story in due:
            story_delete(actor=None, story=story)
    return Outcome("withdrawn_story_days", "stories whose consent was withdrawn", "deleted", len(due))


def release_text(today, dry_run):

    cutoff = years_before(today, _periods()["release_text_years"])
    old = ReleaseRequest.objects.filter(requested_at__date__lt=cutoff)
    purpose = old.exclude(purpose__in=["", ERASED_TEXT, CLEARED])
    notes = old.exclude(decline_note__in=["", ERASED_TEXT, CLEARED])
    count = purpose.count() + notes.count()
    if not dry_run and count:
        with transaction.atomic():
            for qs, field in ((purpose, "purpose"), (notes, "decline_note")):
                ids = list(qs.values_list("pk", flat=True))
                if ids:
                    record_many(
                        actor=None,
                        action="update",
                        model=ReleaseRequest,
                        object_ids=ids,
                        fields=[field],
                        note=f"retention: text cleared after {_periods()['release_text_years']} years",
                    )
                    ReleaseRequest.objects.filter(pk__in=ids).update(**{field: CLEARED})
    return Outcome("release_text_years", "release requests' free texts", "cleared", count)


CLEARED = "Cleared under the retention policy"


def sign_in_records(today, dry_run):

    cutoff = timezone.now() - dt.timedelta(days=_periods()["sign_in_records_days"])
    querysets = [
        AccessAttempt.objects.filter(attempt_time__lt=cutoff),
        AccessLog.objects.filter(attempt_time__lt=cutoff),
        AccessFailureLog.objects.filter(attempt_time__lt=cutoff),
        Session.objects.filter(expire_date__lt=timezone.now()),
        # Authenticator set-ups never confirmed within their 10 minutes (their secrets).
        stale_setups(),
    ]
    count = sum(qs.count() for qs in querysets)
    if not dry_run:
        for qs in querysets:
            qs.delete()
    return Outcome(
        "sign_in_records_days",
        "sign-in records, expired sessions and unfinished authenticator set-ups",
        "deleted",
        count,
    )


def inactive_students(today, dry_run):
    """Students with nothing at the College (no booking made, no session attended, no account
    sign-in, not enrolled) for `student_years` (default 6; TANDEM_RETENTION) are anonymised."""

    years = _periods().get("student_years", 6)
    cutoff = years_before(today, years)
    due = []
    for s in Student.objects.select_related("user").annotate(
        last_booking=Max("bookings__created_at"), last_session=Max("attendances__session__date")
    ):
        if is_erased_student(s):
            continue
        dates = [timezone.localtime(s.created_at).date()]
        if s.last_booking:
            dates.append(timezone.localtime(s.last_booking).date())
        if s.last_session:
            dates.append(s.last_session)
        if s.user_id and s.user.last_login:
            dates.append(timezone.localtime(s.user.last_login).date())
        if max(dates) <= cutoff:
            due.append(s)
    if not dry_run:
        for s in due:
            erase_student(actor=None, student=s, reason=f"retention: nothing at the College for {years} years")
    return Outcome("student_years", "students with nothing at the College", "anonymised", len(due))


RULES = [left_tutors, old_payments, stale_pipeline, withdrawn_stories, release_text, sign_in_records, inactive_students]


def run(*, dry_run=False, today=None):
    today = today or timezone.localdate()
    return [rule(today, dry_run) for rule in RULES]
