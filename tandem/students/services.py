"""Writes of students, bookings, attendance and certificates: one transaction each, every write
audited (field names, never values; a student's adjustments never leave their field).

Booking locks the run's row (`select_for_update`) so that two people taking the last place at the
same moment cannot both have it: the second is offered the waiting list. A place freed by a
cancellation goes at once to the first person on the waiting list, who is emailed."""

import datetime as dt

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q

from tandem.accounts import emails as account_emails
from tandem.accounts.models import Role, User
from tandem.audit.services import record
from tandem.core import clock, versions
from tandem.core.models import College
from tandem.courses import services as course_services
from tandem.courses.models import CourseRun, Session

from . import emails
from .models import Attendance, Booking, Certificate, SessionReminder, Student, StudentSettings

PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "relation",
    "agreement_accepted_at",
    "adjustments",
    "contact_by_email",
    "contact_by_phone",
)
CLOSED = (CourseRun.Status.CANCELLED, CourseRun.Status.COMPLETED)


def settings_for(college):
    """The College's student settings (the defaults, unsaved, when it has set none)."""
    return StudentSettings.objects.filter(college=college).first() or StudentSettings(college=college)


@transaction.atomic
def settings_update(
    *,
    actor,
    college,
    runs_per_term,
    certificate_numerator,
    certificate_denominator,
    swemwbs_enabled=None,
    qpr_enabled=None,
    feedback_enabled=None,
):
    if certificate_denominator is None or certificate_denominator < 1:
        raise ValidationError({"certificate_denominator": "Enter a number of sessions, 1 or more."})
    if certificate_numerator is None or not (0 <= certificate_numerator <= certificate_denominator):
        raise ValidationError({"certificate_numerator": "Enter a number from 0 to the number of sessions."})
    if runs_per_term is not None and runs_per_term < 1:
        raise ValidationError({"runs_per_term": "Enter 1 or more runs, or leave it empty for no limit."})
    row, _ = StudentSettings.objects.select_for_update().get_or_create(college=college)
    fields = dict(
        runs_per_term=runs_per_term,
        certificate_numerator=certificate_numerator,
        certificate_denominator=certificate_denominator,
    )
    switches = dict(swemwbs_enabled=swemwbs_enabled, qpr_enabled=qpr_enabled, feedback_enabled=feedback_enabled)
    fields.update({k: bool(v) for k, v in switches.items() if v is not None})
    changed = [k for k, v in fields.items() if getattr(row, k) != v]
    for k, v in fields.items():
        setattr(row, k, v)
    row.save()
    if changed:
        record(actor=actor, action="update", obj=row, fields=changed, college_id=college.pk)
    return row


# --- Students ------------------------------------------------------------------------------------


def _normal_email(email):
    return (email or "").strip().lower()


def _check_profile(*, college, email, agreement, relation, exclude=None):
    errors = {}
    if not agreement:
        errors["agreement"] = "Read the student agreement and tick to say you accept it."
    if relation and relation not in Student.Relation.values:
        errors["relation"] = "Choose how you are connected to the College from the list."
    if email:
        others = Student.objects.filter(college=college, email__iexact=email)
        if exclude is not None:
            others = others.exclude(pk=exclude.pk)
        if others.exists():
            errors["email"] = "The College already has a student with this email address."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def student_sign_up(
    *,
    college,
    first_name,
    last_name,
    email,
    password,
    relation,
    agreement,
    adjustments="",
    contact_by_email=True,
    contact_by_phone=False,
    phone="",
):
    """A member of the public makes their own student account (no referral needed)."""
    email = _normal_email(email)
    if not email:
        raise ValidationError({"email": "Enter your email address."})
    if User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists():
        raise ValidationError(
            {
                "email": "There is already an account with this email address: sign in instead "
                "(or use “Forgotten your password?” on the sign-in page)."
            }
        )
    _check_profile(college=college, email=email, agreement=agreement, relation=relation)
    user = User(
        username=email,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        role=Role.STUDENT,
        college=college,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.save()
    student = Student.objects.create(
        college=college,
        user=user,
        first_name=user.first_name,
        last_name=user.last_name,
        email=email,
        phone=(phone or "").strip(),
        relation=relation,
        agreement_accepted_at=clock.now(college),
        adjustments=(adjustments or "").strip(),
        contact_by_email=contact_by_email,
        contact_by_phone=contact_by_phone,
        source=Student.Source.SELF,
    )
    record(
        actor=None,
        action="create",
        obj=user,
        fields=["username", "email", "first_name", "last_name", "role"],
        college_id=college.pk,
        note="student sign-up",
    )
    record(actor=None, action="create", obj=student, fields=list(PROFILE_FIELDS), college_id=college.pk)
    return student


@transaction.atomic
def student_enrol(
    *,
    actor,
    college,
    first_name,
    last_name,
    email="",
    phone="",
    relation="",
    agreement,
    adjustments="",
    contact_by_email=True,
    contact_by_phone=False,
    make_account=True,
):
    """Staff enrol someone on their behalf (by phone, at the hub). With an email address and
    `make_account`, the student gets an account and an email with a link to set their password."""
    email = _normal_email(email)
    if not first_name.strip():
        raise ValidationError({"first_name": "Enter the student's first name."})
    if not email and not (phone or "").strip():
        raise ValidationError({"email": "Enter an email address or a phone number, so the College can contact them."})
    _check_profile(college=college, email=email, agreement=agreement, relation=relation)
    user = None
    if email and make_account:
        if User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists():
            raise ValidationError({"email": "There is already an account with this email address."})
        user = User(
            username=email,
            email=email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            role=Role.STUDENT,
            college=college,
        )
        user.set_unusable_password()
        user.save()
        record(actor=actor, action="create", obj=user, fields=["username", "email", "first_name", "last_name", "role"])
        account_emails.later(account_emails.INVITATION, user)
    student = Student.objects.create(
        college=college,
        user=user,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email,
        phone=(phone or "").strip(),
        relation=relation,
        agreement_accepted_at=clock.now(college),
        adjustments=(adjustments or "").strip(),
        contact_by_email=contact_by_email,
        contact_by_phone=contact_by_phone,
        source=Student.Source.STAFF,
        enrolled_by=actor,
    )
    record(actor=actor, action="create", obj=student, fields=list(PROFILE_FIELDS))
    return student


# --- Bookings ------------------------------------------------------------------------------------


def places_taken(run):
    return Booking.objects.filter(run=run, status=Booking.Status.BOOKED).count()


def _check_bookable(run, student):
    if run.course.college_id != student.college_id:
        raise ValidationError({"run": "Choose a course of this College."})
    if run.status in CLOSED:
        raise ValidationError({"run": f"This course is {run.get_status_display().lower()}: it cannot be booked."})
    today = clock.today(student.college)
    if not run.sessions.filter(date__gte=today).exclude(status=Session.Status.CANCELLED).exists():
        raise ValidationError({"run": "This course has no sessions left to come."})


@transaction.atomic
def booking_create(*, actor, student, run, waiting_list=False):
    """Book a place on a run, or (with `waiting_list`) a place on its waiting list when it is full.
    Refused: a run of another College, cancelled, completed or over; a second booking of the same
    run; more runs in the term than the College allows."""
    run = CourseRun.objects.select_for_update().select_related("course__college", "term").get(pk=run.pk)
    student = Student.objects.select_related("college").get(pk=student.pk)
    _check_bookable(run, student)
    if Booking.objects.filter(student=student, run=run).exclude(status=Booking.Status.CANCELLED).exists():
        raise ValidationError({"run": "You are already booked on this course, or on its waiting list."})
    limit = settings_for(student.college).runs_per_term
    if limit is not None:
        live = (
            Booking.objects.filter(student=student, run__term=run.term).exclude(status=Booking.Status.CANCELLED).count()
        )
        if live >= limit:
            raise ValidationError(
                {
                    "run": (
                        f"The College lets each student book {limit} course{'s' if limit != 1 else ''} a term, and "
                        f"{'you have' if actor is not None and actor == student.user else 'this student has'} {live} in "
                        f"the {run.term} term. Cancel one to book this one."
                    )
                }
            )
    now = clock.now(student.college)
    full = places_taken(run) >= run.capacity
    if full and not waiting_list:
        raise ValidationError(
            {
                "run": ValidationError(
                    "This course is full. You can join its waiting list: when a place frees, it goes to the first person "
                    "on the list, who is emailed.",
                    code="full",
                )
            }
        )
    booking = Booking.objects.create(
        student=student,
        run=run,
        status=Booking.Status.WAITING if full else Booking.Status.BOOKED,
        created_at=now,
        booked_at=None if full else now,
        booked_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record(
        actor=actor, action="create", obj=booking, fields=["student", "run", "status"], college_id=student.college_id
    )
    emails.later(emails.WAITING if full else emails.BOOKED, booking)
    return booking


@transaction.atomic
def booking_cancel(*, actor, booking):
    """Cancel a place (or a waiting-list place). A freed place goes to the first person waiting."""
    run = CourseRun.objects.select_for_update().select_related("course__college").get(pk=booking.run_id)
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status == Booking.Status.CANCELLED:
        raise ValidationError({"__all__": "This booking is already cancelled."})
    if run.status == CourseRun.Status.COMPLETED:
        raise ValidationError({"__all__": "This course has finished: its bookings stay as they were."})
    freed = booking.status == Booking.Status.BOOKED
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_at = clock.now(run.course.college)
    booking.save(update_fields=["status", "cancelled_at"])
    record(actor=actor, action="cancel", obj=booking, fields=["status"], college_id=run.course.college_id)
    promoted = promote_waiting(run=run) if freed and run.status != CourseRun.Status.CANCELLED else []
    return booking, promoted


def promote_waiting(*, run):
    """Give free places of a run (locked by the caller) to the people waiting, first come first
    served; each is emailed. Returns the bookings promoted."""
    free = run.capacity - places_taken(run)
    promoted = []
    if free <= 0:
        return promoted
    now = clock.now(run.course.college)
    for waiting in Booking.objects.filter(run=run, status=Booking.Status.WAITING).order_by("created_at", "pk")[:free]:
        waiting.status = Booking.Status.BOOKED
        waiting.booked_at = now
        waiting.save(update_fields=["status", "booked_at"])
        record(
            actor=None,
            action="promote",
            obj=waiting,
            fields=["status"],
            college_id=run.course.college_id,
            note="a place freed on the run",
        )
        emails.later(emails.PROMOTED, waiting)
        promoted.append(waiting)
    return promoted


# --- Attendance ----------------------------------------------------------------------------------


def register_students(session):
    """The students listed in a session's register: those booked on its run, and anyone already
    recorded as there (an earlier walk-in, or someone who has since cancelled)."""
    booked = Student.objects.filter(bookings__run_id=session.run_id, bookings__status=Booking.Status.BOOKED)
    came = Student.objects.filter(attendances__session=session)
    return Student.objects.filter(Q(pk__in=booked.values("pk")) | Q(pk__in=came.values("pk"))).order_by(
        "first_name", "last_name", "pk"
    )


def _walk_in_student(*, actor, college, name, email):
    email = _normal_email(email)
    if email:
        found = Student.objects.filter(college=college, email__iexact=email).first()
        if found is not None:
            return found
    first, _, last = name.strip().partition(" ")
    student = Student.objects.create(
        college=college,
        first_name=first[:100],
        last_name=last.strip()[:100],
        email=email,
        source=Student.Source.WALK_IN,
        enrolled_by=actor,
        contact_by_email=bool(email),
    )
    record(actor=actor, action="create", obj=student, fields=["first_name", "last_name", "email"], note="walk-in")
    return student


@transaction.atomic
def attendance_record(*, actor, session, attended, walk_ins=()):
    """Who came to a session: `attended` from the register's list (students), `walk_ins` as
    (name, email) pairs (email may be empty). Replaces the session's earlier record. Returns the
    number who came (the session's head count)."""
    session = Session.objects.select_related("run__course__college").get(pk=session.pk)
    college = session.run.course.college
    listed = set(register_students(session).values_list("pk", flat=True))
    attended = list(attended)
    if any(s.pk not in listed for s in attended):
        raise ValidationError({"attended": "Choose students from the list."})
    came = {s.pk: False for s in attended}
    for name, email in walk_ins:
        if not (name or "").strip():
            raise ValidationError({"walk_ins": "Give each walk-in's name."})
        student = _walk_in_student(actor=actor, college=college, name=name, email=email)
        came.setdefault(student.pk, student.pk not in listed)
    before = dict(Attendance.objects.filter(session=session).values_list("student_id", "walk_in"))
    Attendance.objects.filter(session=session).exclude(student_id__in=came).delete()
    now = clock.now(college)
    Attendance.objects.bulk_create(
        [
            Attendance(
                session=session,
                student_id=pk,
                walk_in=walk_in or before.get(pk, False),
                recorded_by=actor,
                recorded_at=now,
            )
            for pk, walk_in in came.items()
            if pk not in before
        ]
    )
    if set(before) != set(came):
        versions.changed(college)  # bulk_create sends no signals: the attendance measures read these
        record(actor=actor, action="attendance", obj=session, fields=["attendances"], college_id=college.pk)
    return len(came)


@transaction.atomic
def session_record_with_students(*, actor, session, tutors, attended, walk_ins=()):
    """The register's delivered session with its students: who came, then the delivery with the
    head count following from them (ticked + walk-ins). All or nothing."""
    head_count = attendance_record(actor=actor, session=session, attended=attended, walk_ins=walk_ins)
    return course_services.session_record_delivery(actor=actor, session=session, tutors=tutors, head_count=head_count)


# --- Certificates --------------------------------------------------------------------------------


def meets_threshold(attended, delivered, college_settings):
    return delivered > 0 and attended * college_settings.certificate_denominator >= (
        college_settings.certificate_numerator * delivered
    )


@transaction.atomic
def certificates_issue(*, run):
    """Certificates of attendance for a completed run: every student who came to at least the
    College's threshold of its delivered sessions (once each). Returns the new certificates."""
    run = CourseRun.objects.select_related("course__college").get(pk=run.pk)
    if run.status != CourseRun.Status.COMPLETED:
        return []
    college = run.course.college
    delivered = run.sessions.filter(status=Session.Status.DELIVERED).count()
    rule = settings_for(college)
    counts = (
        Attendance.objects.filter(session__run=run, session__status=Session.Status.DELIVERED)
        .values("student_id")
        .annotate(n=Count("pk"))
    )
    have = set(Certificate.objects.filter(run=run).values_list("student_id", flat=True))
    today = clock.today(college)
    new = [
        Certificate(
            student_id=row["student_id"],
            run=run,
            sessions_attended=row["n"],
            sessions_delivered=delivered,
            issued_on=today,
        )
        for row in counts
        if row["student_id"] not in have and meets_threshold(row["n"], delivered, rule)
    ]
    Certificate.objects.bulk_create(new)
    versions.changed(college)  # bulk_create sends no signals
    for cert in Certificate.objects.filter(run=run, student_id__in=[c.student_id for c in new]):
        record(actor=None, action="issue", obj=cert, fields=["student", "run"], college_id=college.pk)
    return new


# --- Reminders -----------------------------------------------------------------------------------


def send_reminders(*, today=None):
    """Email every booked student a reminder the day before each of their sessions (once each).
    Each College is judged by its own clock unless `today` is given. Returns the number queued."""
    sent = 0
    for college in College.objects.all():
        day = today or clock.today(college)
        tomorrow = day + dt.timedelta(days=1)
        sessions = Session.objects.filter(
            run__course__college=college, date=tomorrow, status=Session.Status.SCHEDULED
        ).exclude(run__status__in=CLOSED)
        for session in sessions:
            for booking in Booking.objects.filter(run_id=session.run_id, status=Booking.Status.BOOKED):
                with transaction.atomic():
                    _, created = SessionReminder.objects.get_or_create(
                        booking=booking, session=session, defaults={"sent_on": day}
                    )
                    if created:
                        emails.later(emails.REMINDER, booking, session_id=session.pk)
                        sent += 1
    return sent


@transaction.atomic
def session_record_delivery_clearing(*, actor, session, tutors, head_count):
    """A delivered session recorded without naming who came: any earlier attendance of it is
    cleared (audited), and the typed head count kept."""
    if Attendance.objects.filter(session=session).exists():
        Attendance.objects.filter(session=session).delete()
        record(actor=actor, action="attendance", obj=session, fields=["attendances"])
    return course_services.session_record_delivery(actor=actor, session=session, tutors=tutors, head_count=head_count)
