"""Writes of release requests and budgets: validated, atomic, audited.

A decision is one transition out of `pending`, claimed with a conditional UPDATE
(... WHERE status = 'pending') inside a transaction: of any number of concurrent decisions on
one request exactly one updates the row; every other raises ReleaseConflict. On PostgreSQL the
losers wait on the row lock and then see the new status; on SQLite the IMMEDIATE transaction
mode serialises the writers. The budget row is locked (SELECT ... FOR UPDATE) before the hours
are counted, so two approvals for the same tutor cannot both spend the last hours.
"""

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from tandem.audit.services import record
from tandem.core import clock, versions
from tandem.core.models import College, Term
from tandem.courses.models import CourseRun
from tandem.tutors.models import Tutor

from . import emails
from .models import ReleaseBudget, ReleaseRequest
from .values import fmt_hours, setting_days

RR = ReleaseRequest


class ReleaseConflict(Exception):
    """The request is no longer waiting for a decision (someone else decided or withdrew it)."""

    def __init__(self, status):
        self.status = status
        label = RR.Status(status).label.lower() if status in RR.Status.values else status
        super().__init__(f"This request has already been {label}: nothing was changed.")


def hours_of(sessions):
    total = sum((Decimal(str(round(s.hours, 2))) for s in sessions), Decimal("0"))
    return total.quantize(Decimal("0.01"))


def run_hours(run):
    return (Decimal(run.course.number_of_sessions) * run.course.hours_per_session).quantize(Decimal("0.01"))


def term_for_date(college, day):
    if day is None:
        return None
    return Term.objects.filter(college=college, starts_on__lte=day, ends_on__gte=day).first()


def requestable_runs(tutor):
    """Runs a staff tutor may ask release for: not cancelled or completed, and either theirs
    or lacking a staff tutor (a gap they could fill)."""
    runs = CourseRun.objects.filter(course__college_id=tutor.college_id).exclude(
        status__in=[CourseRun.Status.CANCELLED, CourseRun.Status.COMPLETED]
    )
    staffed = CourseRun.objects.filter(tutors__kind=Tutor.Kind.STAFF).values("pk")
    return runs.filter(pk__in=CourseRun.objects.filter(tutors=tutor).values("pk")) | runs.exclude(pk__in=staffed)


def _check_tutor(tutor):
    if tutor.kind != Tutor.Kind.STAFF:
        raise ValidationError({"tutor": "Only staff tutors ask their line manager for release."})
    if tutor.line_manager_id is None:
        raise ValidationError(
            {"tutor": f"{tutor.full_name} has no line manager recorded. Ask the College admin to add one."}
        )


@transaction.atomic
def release_request_create(
    *, actor, tutor, kind, purpose, run=None, sessions=(), hours=None, starts_on=None, ends_on=None, now=None
):
    """Ask the tutor's line manager for release. Emails the manager once committed."""
    _check_tutor(tutor)
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationError({"purpose": "Say what the release is for."})
    sessions = list(sessions)
    term = None
    if kind == RR.Kind.RUN:
        if run is None or run.course.college_id != tutor.college_id:
            raise ValidationError({"run": "Choose a course run of the College."})
        if run.status in (CourseRun.Status.CANCELLED, CourseRun.Status.COMPLETED):
            raise ValidationError({"run": "This run is cancelled or completed: release cannot be asked for it."})
        run_sessions = list(run.sessions.all())
        if run_sessions:
            if not sessions:
                raise ValidationError({"sessions": "Choose at least one session."})
            if any(s.run_id != run.pk for s in sessions):
                raise ValidationError({"sessions": "Choose sessions of this run only."})
            hours = hours_of(sessions)
        else:
            sessions, hours = [], run_hours(run)
        term = run.term
        starts_on = ends_on = None
        if RR.objects.filter(tutor=tutor, run=run, status=RR.Status.PENDING).exists():
            raise ValidationError({"run": "There is already a request waiting for a decision for this run."})
    elif kind == RR.Kind.COPRODUCTION:
        run = None
        sessions = []
        if hours is None or hours <= 0:
            raise ValidationError({"hours": "Enter the hours the co-production work needs, more than 0."})
        if starts_on is None:
            raise ValidationError({"starts_on": "Enter the date the work starts."})
        ends_on = ends_on or starts_on
        if ends_on < starts_on:
            raise ValidationError({"ends_on": "The end date must be on or after the start date."})
        term = term_for_date(tutor.college, starts_on)
    else:
        raise ValidationError({"kind": "Choose a course run or co-production work."})
    rr = RR.objects.create(
        college_id=tutor.college_id,
        tutor=tutor,
        manager_id=tutor.line_manager_id,
        requested_by=actor,
        kind=kind,
        run=run,
        term=term,
        hours=hours,
        starts_on=starts_on,
        ends_on=ends_on,
        purpose=purpose,
        requested_at=now or clock.now(tutor.college),
    )
    if sessions:
        rr.sessions.set(sessions)
    record(
        actor=actor,
        action="create",
        obj=rr,
        fields=["tutor", "kind", "run", "sessions", "hours", "starts_on", "ends_on", "purpose"],
    )
    emails.on_commit(emails.request_made, rr)
    return rr


def budget_for(tutor_id, term_id, *, lock=False):
    if term_id is None:
        return None
    qs = ReleaseBudget.objects.filter(tutor_id=tutor_id, term_id=term_id)
    if lock:
        qs = qs.select_for_update()
    return qs.first()


def approved_hours(tutor_id, term_id, *, exclude=None):
    qs = RR.objects.filter(tutor_id=tutor_id, term_id=term_id, status__in=RR.APPROVED_STATUSES)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.aggregate(total=Sum("approved_hours"))["total"] or Decimal("0")


def budget_remaining(tutor_id, term_id):
    """Hours left in the tutor's budget for the term, or None when no budget is set."""
    budget = budget_for(tutor_id, term_id)
    if budget is None:
        return None
    return budget.hours - approved_hours(tutor_id, term_id)


DECISIONS = ("approve", "approve_part", "decline")


def _decision_values(rr, decision, sessions, hours, reason, note):
    """(status, approved sessions, approved hours, reason, note), validated."""
    note = (note or "").strip()
    if decision == "approve":
        requested = list(rr.sessions.all())
        return RR.Status.APPROVED, requested, rr.hours, "", ""
    if decision == "approve_part":
        if rr.kind == RR.Kind.RUN and rr.sessions.exists():
            requested = {s.pk: s for s in rr.sessions.all()}
            chosen = [requested[s.pk] for s in (sessions or []) if s.pk in requested]
            if not chosen:
                raise ValidationError({"sessions": "Choose the sessions you approve."})
            if len(chosen) == len(requested):
                raise ValidationError(
                    {"sessions": "You chose every session: choose “Approve” instead, or fewer sessions."}
                )
            return RR.Status.PARTLY_APPROVED, chosen, hours_of(chosen), "", ""
        if hours is None or not (Decimal("0") < hours < rr.hours):
            raise ValidationError(
                {"hours": f"Enter the hours you approve: more than 0 and fewer than {fmt_hours(rr.hours)}."}
            )
        return RR.Status.PARTLY_APPROVED, [], hours, "", ""
    if decision == "decline":
        if reason not in RR.DeclineReason.values:
            raise ValidationError({"reason": "Choose why you decline the request."})
        if reason == RR.DeclineReason.OTHER and not note:
            raise ValidationError({"note": "Say why you decline the request."})
        return RR.Status.DECLINED, [], None, reason, note[:500]
    raise ValidationError({"decision": "Choose approve, approve in part or decline."})


def release_decide(*, actor, release_request, decision, sessions=None, hours=None, reason="", note="", now=None):
    """Approve, approve in part, or decline a pending request, as one locked transition.

    Raises ReleaseConflict when the request is no longer pending, ValidationError for bad input
    or when approving would exceed the tutor's remaining budget for the term."""
    now = now or clock.now(release_request.tutor.college)
    rr = release_request
    status, chosen, approved, reason, note = _decision_values(rr, decision, sessions, hours, reason, note)
    with transaction.atomic():
        claimed = RR.objects.filter(pk=rr.pk, status=RR.Status.PENDING).update(
            status=status,
            decided_by=actor,
            decided_at=now,
            approved_hours=approved,
            decline_reason=reason,
            decline_note=note,
        )
        if not claimed:
            raise ReleaseConflict(RR.objects.filter(pk=rr.pk).values_list("status", flat=True).first() or "gone")
        if approved is not None and rr.term_id is not None:
            budget = budget_for(rr.tutor_id, rr.term_id, lock=True)
            if budget is not None:
                left = budget.hours - approved_hours(rr.tutor_id, rr.term_id, exclude=rr.pk)
                if approved > left:
                    # Raising rolls back the claim: the request stays pending.
                    raise ValidationError(
                        {
                            "hours": (
                                f"Approving {fmt_hours(approved)} hours would exceed {rr.tutor.full_name}'s release budget for "
                                f"the {rr.term} term: {fmt_hours(max(left, Decimal('0')))} of {fmt_hours(budget.hours)} hours are left. "
                                f"Approve fewer sessions or hours, or raise the budget first."
                            )
                        }
                    )
        rr.refresh_from_db()
        versions.changed(rr.college_id)  # the claim is an update(): it sends no signals
        if chosen:
            rr.approved_sessions.set(chosen)
        record(
            actor=actor,
            action="decide",
            obj=rr,
            fields=["status", "approved_hours", "approved_sessions", "decline_reason", "decline_note"],
            note=status,
        )
        if rr.run_id is not None:
            run = rr.run
            if status == RR.Status.DECLINED and run.tutors.filter(pk=rr.tutor_id).exists():
                # A decline frees the run: without its staff tutor it shows as a gap to fill.
                run.tutors.remove(rr.tutor_id)
                record(
                    actor=actor, action="update", obj=run, fields=["tutors"], note=f"release declined (request {rr.pk})"
                )
            elif status != RR.Status.DECLINED and not run.tutors.filter(pk=rr.tutor_id).exists():
                run.tutors.add(rr.tutor_id)
                record(
                    actor=actor, action="update", obj=run, fields=["tutors"], note=f"release approved (request {rr.pk})"
                )
        emails.on_commit(emails.decided, rr)
    return rr


def release_withdraw(*, actor, release_request, now=None):
    now = now or clock.now(release_request.tutor.college)
    with transaction.atomic():
        claimed = RR.objects.filter(pk=release_request.pk, status=RR.Status.PENDING).update(
            status=RR.Status.WITHDRAWN, closed_at=now
        )
        if not claimed:
            raise ReleaseConflict(
                RR.objects.filter(pk=release_request.pk).values_list("status", flat=True).first() or "gone"
            )
        versions.changed(release_request.college_id)  # update() sends no signals
        record(actor=actor, action="withdraw", obj=release_request, fields=["status"])
        emails.on_commit(emails.withdrawn, release_request)
    release_request.refresh_from_db()
    return release_request


@transaction.atomic
def budget_set(*, actor, tutor, term, hours):
    if hours is None or hours < 0:
        raise ValidationError({"hours": "Enter the hours, 0 or more."})
    if term.college_id != tutor.college_id:
        raise ValidationError({"term": "Choose a term of the tutor's College."})
    budget, created = ReleaseBudget.objects.select_for_update().get_or_create(
        tutor=tutor, term=term, defaults={"hours": hours}
    )
    if not created and budget.hours != hours:
        budget.hours = hours
        budget.save(update_fields=["hours", "updated_at"])
    record(actor=actor, action="create" if created else "update", obj=budget, fields=["hours"])
    return budget


def send_reminders(*, now=None):
    """Remind line managers of requests pending RELEASE_REMINDER_DAYS days (once each) and expire
    requests pending RELEASE_EXPIRY_DAYS days. Safe to run twice at once: each transition is a
    conditional UPDATE. Returns {"reminded": n, "expired": n}.

    Without `now`, each College is judged by its own clock (the demo College's stands still)."""
    if now is None:
        counts = {"reminded": 0, "expired": 0}
        for college in College.objects.all():
            for key, n in _send_reminders(now=clock.now(college), college=college).items():
                counts[key] += n
        return counts
    return _send_reminders(now=now)


def _send_reminders(*, now, college=None):
    remind_before = now - timedelta(days=setting_days("RELEASE_REMINDER_DAYS"))
    expire_before = now - timedelta(days=setting_days("RELEASE_EXPIRY_DAYS"))
    counts = {"reminded": 0, "expired": 0}
    pending = RR.objects.filter(status=RR.Status.PENDING)
    if college is not None:
        pending = pending.filter(college=college)
    for rr in pending.filter(requested_at__lte=expire_before).select_related("tutor"):
        with transaction.atomic():
            if RR.objects.filter(pk=rr.pk, status=RR.Status.PENDING).update(status=RR.Status.EXPIRED, closed_at=now):
                versions.changed(rr.college_id)  # update() sends no signals
                record(actor=None, action="expire", obj=rr, fields=["status"])
                emails.on_commit(emails.expired, rr)
                counts["expired"] += 1
    for rr in pending.filter(requested_at__lte=remind_before, reminded_at__isnull=True):
        with transaction.atomic():
            if RR.objects.filter(pk=rr.pk, status=RR.Status.PENDING, reminded_at__isnull=True).update(reminded_at=now):
                record(actor=None, action="remind", obj=rr, fields=["reminded_at"])
                emails.on_commit(emails.reminder, rr)
                counts["reminded"] += 1
    return counts
