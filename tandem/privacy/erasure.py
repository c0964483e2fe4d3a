"""Erasure (GDPR Art. 17) by anonymisation, keeping what the law requires.

A tutor is never deleted: sessions they delivered stay delivered (the QI measures are computed
from them) and payments must be kept for six years (HMRC), so the tutor row stays with every
identifying field replaced, and free text about them is cleared. Amounts, hours and dates stay.
The reason is recorded in the audit log (which holds no values, so it is kept as it is).
"""

import datetime as dt
import re

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django_otp.plugins.otp_totp.models import TOTPDevice

from tandem.audit.services import record, record_many
from tandem.core import versions
from tandem.payments.models import Expense, PaymentChoice, WorkLog
from tandem.pipeline.models import PipelineEntry, PipelineSubmission
from tandem.planning.instance import tutor_id
from tandem.planning.models import PlanJob, PlanWhatIf, TutorAvailability
from tandem.release.models import ReleaseRequest
from tandem.stories.models import Story
from tandem.students.models import EqualityMonitoring, Feedback, LearningGoal, PlanReview, Student
from tandem.tutors.models import SensitiveProfile, Tutor

from .registry import NAME_COPIES

ERASED_DOMAIN = "erased.invalid"
ERASED_TEXT = "Erased"


def is_erased_tutor(tutor):
    return tutor.email.endswith("@" + ERASED_DOMAIN)


def _scrub(value, replacements):
    """`value` (text, or JSON: dicts, lists, strings) with every occurrence of each old text
    replaced, case-insensitively. Returns (new value, changed?)."""

    if isinstance(value, str):
        new = value
        for old, repl in replacements:
            if old:
                new = re.sub(re.escape(old), lambda _m, r=repl: r, new, flags=re.IGNORECASE)
        return new, new != value
    if isinstance(value, dict):
        out, changed = {}, False
        for key, item in value.items():
            new_key, key_changed = _scrub(key, replacements)
            new_item, item_changed = _scrub(item, replacements)
            out[new_key] = new_item
            changed = changed or key_changed or item_changed
        return out, changed
    if isinstance(value, list):
        pairs = [_scrub(item, replacements) for item in value]
        return [p[0] for p in pairs], any(p[1] for p in pairs)
    return value, False


def _replacements(first, last, email, new_name, new_email):
    """What to replace in copies of a person's name: their email and full name (in both orders).
    A first or last name on its own is not replaced: another person may share it."""
    pairs = [(email, new_email)]
    if first and last:
        pairs += [(f"{first} {last}", new_name), (f"{last}, {first}", new_name), (f"{last} {first}", new_name)]
    return [(old, new) for old, new in pairs if old and old.strip()]


def _scrub_rows(actor, queryset, field_names, replacements, label, summary, college_id, note):
    """Scrub `field_names` of every row of `queryset`; audit (field names only) the rows changed."""

    changed_ids, changed_fields = [], set()
    for row in queryset:
        updates = {}
        for name in field_names:
            new, changed = _scrub(getattr(row, name), replacements)
            if changed:
                updates[name] = new
        if updates:
            type(row)._base_manager.filter(pk=row.pk).update(**updates)
            changed_ids.append(row.pk)
            changed_fields.update(updates)
    if changed_ids:
        versions.changed(college_id)  # update() sends no signals: a cached page may show the text
        summary["changed"][label] = sorted(changed_fields)
        record_many(
            actor=actor,
            action="erase",
            model=queryset.model,
            object_ids=changed_ids,
            fields=sorted(changed_fields),
            note=note,
            college_id=college_id,
        )
    return changed_ids


def _scrub_admin_log(actor, replacements, summary, college_id, note, objects=()):
    """The Django admin's own log (django_admin_log) keeps each object's str() and a change
    message: rename the entries about `objects` and scrub every entry that names the person."""

    query = Q()
    for old, _new in replacements:
        query |= Q(object_repr__icontains=old) | Q(change_message__icontains=old)
    for obj in objects:
        ct = ContentType.objects.get_for_model(type(obj), for_concrete_model=False)
        entries = LogEntry.objects.filter(content_type=ct, object_id=str(obj.pk))
        renamed = list(entries.values_list("pk", flat=True))
        if renamed:
            entries.update(object_repr=str(obj)[:200])
            summary["changed"]["admin.LogEntry (object)"] = ["object_repr"]
    _scrub_rows(
        actor,
        LogEntry.objects.filter(query),
        NAME_COPIES["admin.LogEntry"],
        replacements,
        "admin.LogEntry",
        summary,
        college_id,
        note,
    )


def _reason(reason):
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": "Say why this person's records are being erased"})
    return reason


@transaction.atomic
def erase_user(*, actor, user, reason):
    """Anonymise an account: no name, no email, no password, no authenticator, signed out,
    disabled. The row stays (release requests and audit rows point at it)."""

    reason = _reason(reason)
    old_username = user.get_username()
    old_names = (user.first_name, user.last_name, user.email)
    user.username = f"erased-user-{user.pk}"
    user.first_name = user.last_name = user.email = ""
    user.is_active = False  # ends their sessions (tandem.accounts.signals)
    user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
    TOTPDevice.objects.filter(user=user).delete()
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username=old_username).delete()
    record(
        actor=actor,
        action="erase",
        obj=user,
        fields=["username", "first_name", "last_name", "email", "password", "is_active", "totp_device"],
        note=f"Erasure: {reason}",
    )
    first, last, email = old_names
    replacements = [(old_username, user.username)] + _replacements(
        first, last, email, f"erased user {user.pk}", f"erased-user-{user.pk}@{ERASED_DOMAIN}"
    )
    _scrub_admin_log(
        actor, replacements, {"changed": {}}, user.college_id, f"Erasure of user {user.pk}", objects=[user]
    )
    return user


@transaction.atomic
def erase_tutor(*, actor, tutor, reason, today=None):
    """Anonymise a tutor and clear free text about them; keep payments' amounts and the sessions
    they delivered. Returns a summary dict (what was changed, what was kept)."""

    reason = _reason(reason)
    today = today or dt.date.today()
    tutor = Tutor.objects.select_for_update().get(pk=tutor.pk)
    old_name = tutor.full_name
    old_first, old_last, old_email = tutor.first_name, tutor.last_name, tutor.email
    summary = {"tutor": tutor.pk, "changed": {}, "kept": []}

    tutor.first_name = ERASED_TEXT
    tutor.last_name = f"tutor {tutor.pk}"
    tutor.email = f"erased-tutor-{tutor.pk}@{ERASED_DOMAIN}"
    tutor.profession = tutor.team = ""
    tutor.line_manager = None
    if tutor.status != Tutor.Status.LEFT:
        tutor.status = Tutor.Status.LEFT
        tutor.left_on = tutor.left_on or today
    tutor.save()
    summary["changed"]["tutors.Tutor"] = [
        "first_name",
        "last_name",
        "email",
        "profession",
        "team",
        "line_manager",
        "status",
    ]
    record(actor=actor, action="erase", obj=tutor, fields=summary["changed"]["tutors.Tutor"], note=f"Erasure: {reason}")

    def clear(qs, label, **values):
        ids = list(qs.values_list("pk", flat=True))
        if ids:
            qs.model.objects.filter(pk__in=ids).update(**values)
            versions.changed(tutor.college_id)  # update() sends no signals
            summary["changed"][label] = sorted(values)

            record_many(
                actor=actor,
                action="erase",
                model=qs.model,
                object_ids=ids,
                fields=sorted(values),
                note=f"Erasure of tutor {tutor.pk}",
                college_id=tutor.college_id,
            )
        return len(ids)

    profile = SensitiveProfile.objects.filter(tutor=tutor).first()
    if profile is not None:
        record(
            actor=actor, action="delete", obj=profile, fields=list(profile.SENSITIVE_FIELDS), note=f"Erasure: {reason}"
        )
        profile.delete()
        summary["changed"]["tutors.SensitiveProfile"] = ["deleted"]
    availability = TutorAvailability.objects.filter(tutor=tutor)
    if availability.exists():
        record(
            actor=actor,
            action="delete",
            object_type=TutorAvailability._meta.label,
            object_id="",
            fields=["weekday", "slot"],
            note=f"Erasure of tutor {tutor.pk}",
            college_id=tutor.college_id,
        )
        availability.delete()
        summary["changed"]["planning.TutorAvailability"] = ["deleted"]

    clear(WorkLog.objects.filter(tutor=tutor).exclude(note=""), "payments.WorkLog", note="")
    clear(Expense.objects.filter(tutor=tutor), "payments.Expense", description=ERASED_TEXT)
    choices = PaymentChoice.objects.filter(payment__tutor=tutor)
    clear(choices.exclude(note=""), "payments.PaymentChoice", note="")
    # stated_how must stay non-empty for a choice recorded on the tutor's behalf (a constraint).
    clear(choices.filter(on_behalf=True), "payments.PaymentChoice (how stated)", stated_how=ERASED_TEXT)
    requests = ReleaseRequest.objects.filter(tutor=tutor)
    clear(requests, "release.ReleaseRequest", purpose=ERASED_TEXT)
    clear(requests.exclude(decline_note=""), "release.ReleaseRequest (decline note)", decline_note=ERASED_TEXT)
    entry = PipelineEntry.objects.filter(tutor=tutor).first()
    if entry is not None:
        clear(
            PipelineEntry.objects.filter(pk=entry.pk),
            "pipeline.PipelineEntry",
            name=ERASED_TEXT,
            work_email=f"erased-entry-{entry.pk}@{ERASED_DOMAIN}",
            profession="",
            team="",
            line_manager_name="",
            line_manager_email="",
            topics="",
        )
        # Public-form posts matching the entry and waiting for review hold their name and email too.

        submissions = list(PipelineSubmission.objects.filter(entry=entry).values_list("pk", flat=True))
        if submissions:
            record_many(
                actor=actor,
                action="erase",
                model=PipelineSubmission,
                object_ids=submissions,
                fields=["deleted"],
                note=f"Erasure of tutor {tutor.pk}",
                college_id=tutor.college_id,
            )
            PipelineSubmission.objects.filter(pk__in=submissions).delete()
            summary["changed"]["pipeline.PipelineSubmission"] = ["deleted"]

    # Copies of their name elsewhere: the planner's jobs (instance, labels, results, what-ifs) and
    # the Django admin's log.

    replacements = _replacements(old_first, old_last, old_email, tutor.full_name, tutor.email)
    note = f"Erasure of tutor {tutor.pk}"

    label_key = tutor_id(tutor.pk)
    for job in PlanJob.objects.filter(wish_list__college_id=tutor.college_id, labels__has_key=label_key):
        PlanJob.objects.filter(pk=job.pk).update(labels={**job.labels, label_key: tutor.full_name})
    _scrub_rows(
        actor,
        PlanJob.objects.filter(wish_list__college_id=tutor.college_id),
        NAME_COPIES["planning.PlanJob"],
        replacements,
        "planning.PlanJob",
        summary,
        tutor.college_id,
        note,
    )
    _scrub_rows(
        actor,
        PlanWhatIf.objects.filter(job__wish_list__college_id=tutor.college_id),
        NAME_COPIES["planning.PlanWhatIf"],
        replacements,
        "planning.PlanWhatIf",
        summary,
        tutor.college_id,
        note,
    )
    _scrub_admin_log(actor, replacements, summary, tutor.college_id, note, objects=[tutor])

    if tutor.user_id:
        erase_user(actor=actor, user=tutor.user, reason=reason)
        summary["changed"]["accounts.User"] = ["anonymised", "disabled"]

    summary["kept"] = [
        "payments (amounts, hours, dates, rates: six years, HMRC)",
        "sessions delivered and course runs taught (the QI measures are computed from them)",
        "release requests' dates, hours and decisions (QI data), without their text",
        "the audit log (it holds field names only)",
    ]
    summary["stories_with_their_name"] = list(
        Story.objects.filter(college_id=tutor.college_id, author_name__iexact=old_name).values_list("pk", flat=True)
    )
    return summary


@transaction.atomic
def erase_student(*, actor, student, reason):
    """Anonymise a student: the record stays (attendance and completed runs feed the College's
    measures; certificates' dates stay) with every identifying field replaced and the reasonable
    adjustments cleared; their learning plan, equality-monitoring answers and feedback comments
    are deleted or cleared; questionnaire scores and feedback answers stay, attached only to the
    anonymised record. Their account, if any, is erased too. Returns a summary dict."""

    reason = _reason(reason)
    student = Student.objects.select_for_update().get(pk=student.pk)
    old_first, old_last, old_email = student.first_name, student.last_name, student.email
    summary = {"student": student.pk, "changed": {}, "kept": []}
    student.first_name = ERASED_TEXT
    student.last_name = f"student {student.pk}"
    student.email = student.phone = student.adjustments = ""
    student.contact_by_email = student.contact_by_phone = False
    student.save()
    fields = ["first_name", "last_name", "email", "phone", "adjustments", "contact_by_email", "contact_by_phone"]
    summary["changed"]["students.Student"] = fields
    record(actor=actor, action="erase", obj=student, fields=fields, note=f"Erasure: {reason}")
    note = f"Erasure of student {student.pk}"
    for model, label in (
        (LearningGoal, "students.LearningGoal"),
        (PlanReview, "students.PlanReview"),
        (EqualityMonitoring, "students.EqualityMonitoring"),
    ):
        ids = list(model.objects.filter(student=student).values_list("pk", flat=True))
        if ids:
            record_many(
                actor=actor,
                action="delete",
                model=model,
                object_ids=ids,
                fields=["deleted"],
                note=note,
                college_id=student.college_id,
            )
            model.objects.filter(pk__in=ids).delete()
            summary["changed"][label] = ["deleted"]
    comments = list(Feedback.objects.filter(student=student).exclude(comment="").values_list("pk", flat=True))
    if comments:
        record_many(
            actor=actor,
            action="erase",
            model=Feedback,
            object_ids=comments,
            fields=["comment"],
            note=note,
            college_id=student.college_id,
        )
        Feedback.objects.filter(pk__in=comments).update(comment="")
        versions.changed(student.college_id)  # update() sends no signals
        summary["changed"]["students.Feedback"] = ["comment"]
    replacements = _replacements(
        old_first, old_last, old_email, student.full_name, f"erased-student-{student.pk}@{ERASED_DOMAIN}"
    )
    _scrub_admin_log(actor, replacements, summary, student.college_id, note, objects=[student])
    if student.user_id:
        erase_user(actor=actor, user=student.user, reason=reason)
        summary["changed"]["accounts.User"] = ["anonymised", "disabled"]
    summary["kept"] = [
        "bookings, attendance and certificates' dates (the College's attendance and completion measures)",
        "questionnaire scores and feedback answers, without a name (the College's outcome measures)",
        "the audit log (it holds field names only)",
    ]
    return summary


def is_erased_student(student):
    return student.first_name == ERASED_TEXT and not student.email
