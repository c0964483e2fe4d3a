"""Erasure (GDPR Art. 17) by anonymisation, keeping what the law requires.

A tutor is never deleted: sessions they delivered stay delivered (the QI measures are computed
from them) and payments must be kept for six years (HMRC), so the tutor row stays with every
identifying field replaced, and free text about them is cleared. Amounts, hours and dates stay.
The reason is recorded in the audit log (which holds no values, so it is kept as it is).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from tandem.audit.services import record

ERASED_DOMAIN = "erased.invalid"
ERASED_TEXT = "Erased"


def is_erased_tutor(tutor):
    return tutor.email.endswith("@" + ERASED_DOMAIN)


def _reason(reason):
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": "Say why this person's records are being erased"})
    return reason


@transaction.atomic
def erase_user(*, actor, user, reason):
    """Anonymise an account: no name, no email, no password, no authenticator, signed out,
    disabled. The row stays (release requests and audit rows point at it)."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_otp.plugins.otp_totp.models import TOTPDevice

    reason = _reason(reason)
    old_username = user.get_username()
    user.username = f"erased-user-{user.pk}"
    user.first_name = user.last_name = user.email = ""
    user.is_active = False  # ends their sessions (tandem.accounts.signals)
    user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
    TOTPDevice.objects.filter(user=user).delete()
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username=old_username).delete()
    record(actor=actor, action="erase", obj=user,
           fields=["username", "first_name", "last_name", "email", "password", "is_active", "totp_device"],
           note=f"Erasure: {reason}")
    return user


@transaction.atomic
def erase_tutor(*, actor, tutor, reason, today=None):
    """Anonymise a tutor and clear free text about them; keep payments' amounts and the sessions
    they delivered. Returns a summary dict (what was changed, what was kept)."""
    from tandem.payments.models import Expense, PaymentChoice, WorkLog
    from tandem.planning.models import TutorAvailability
    from tandem.release.models import PipelineEntry, ReleaseRequest
    from tandem.stories.models import Story
    from tandem.tutors.models import SensitiveProfile, Tutor

    reason = _reason(reason)
    today = today or dt.date.today()
    tutor = Tutor.objects.select_for_update().get(pk=tutor.pk)
    old_name = tutor.full_name
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
    summary["changed"]["tutors.Tutor"] = ["first_name", "last_name", "email", "profession", "team",
                                          "line_manager", "status"]
    record(actor=actor, action="erase", obj=tutor, fields=summary["changed"]["tutors.Tutor"],
           note=f"Erasure: {reason}")

    def clear(qs, label, **values):
        ids = list(qs.values_list("pk", flat=True))
        if ids:
            qs.model.objects.filter(pk__in=ids).update(**values)
            summary["changed"][label] = sorted(values)
            from tandem.audit.services import record_many

            record_many(actor=actor, action="erase", model=qs.model, object_ids=ids, fields=sorted(values),
                        note=f"Erasure of tutor {tutor.pk}", college_id=tutor.college_id)
        return len(ids)

    profile = SensitiveProfile.objects.filter(tutor=tutor).first()
    if profile is not None:
        record(actor=actor, action="delete", obj=profile, fields=list(profile.SENSITIVE_FIELDS),
               note=f"Erasure: {reason}")
        profile.delete()
        summary["changed"]["tutors.SensitiveProfile"] = ["deleted"]
    availability = TutorAvailability.objects.filter(tutor=tutor)
    if availability.exists():
        record(actor=actor, action="delete", object_type=TutorAvailability._meta.label, object_id="",
               fields=["weekday", "slot"], note=f"Erasure of tutor {tutor.pk}", college_id=tutor.college_id)
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
        clear(PipelineEntry.objects.filter(pk=entry.pk), "release.PipelineEntry", name=ERASED_TEXT,
              work_email=f"erased-entry-{entry.pk}@{ERASED_DOMAIN}", profession="", team="",
              line_manager_name="", line_manager_email="", topics="")

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
