"""Students of the College: who they are (only what is needed), their bookings on course runs
(places and the waiting list), who came to each session, and certificates of attendance.

A student's reasonable adjustments are special category: never in `str()`, lists, exports of
other people or audit rows; read only by College admins, every read audited
(tandem.students.selectors.adjustments_read)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class StudentSettings(models.Model):
    """A College's rules for students. A College without a row uses the defaults."""

    college = models.OneToOneField("core.College", on_delete=models.CASCADE, related_name="student_settings")
    runs_per_term = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The most runs a student may book in one term; empty means no limit"
    )
    # A certificate of attendance needs at least numerator/denominator of the run's delivered sessions.
    certificate_numerator = models.PositiveSmallIntegerField(default=2)
    certificate_denominator = models.PositiveSmallIntegerField(default=3)
    # Questionnaires the College uses (any may be switched off; SWEMWBS needs the College's
    # registration with its owners: free for non-commercial use).
    swemwbs_enabled = models.BooleanField(default=True)
    qpr_enabled = models.BooleanField(default=True)
    feedback_enabled = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "student settings"
        constraints = [
            models.CheckConstraint(condition=Q(certificate_denominator__gte=1), name="student_settings_denominator"),
            models.CheckConstraint(
                condition=Q(certificate_numerator__lte=models.F("certificate_denominator")),
                name="student_settings_fraction_at_most_one",
            ),
        ]

    def __str__(self):
        return f"Student settings of college {self.college_id}"

    @property
    def threshold_label(self):
        n, d = self.certificate_numerator, self.certificate_denominator
        named = {(2, 3): "two thirds", (1, 2): "half", (3, 4): "three quarters", (1, 1): "all"}
        return named.get((n, d), f"{n} in every {d}")


class Student(models.Model):
    """A student of one College. With an account (`user`) when they signed up or were given one;
    without, when staff enrolled them by phone or added them as a walk-in."""

    class Relation(models.TextChoices):
        USES_SERVICES = "uses_services", "I use mental health services"
        CARER = "carer", "I am a carer, family member or friend of someone who does"
        TRUST_STAFF = "trust_staff", "I work for the Trust"
        COMMUNITY = "community", "I am a member of the community"

    class Source(models.TextChoices):
        SELF = "self", "Signed up themselves"
        STAFF = "staff", "Enrolled by staff"
        WALK_IN = "walk_in", "Walked in to a session"

    SENSITIVE_FIELDS = ("adjustments",)

    college = models.ForeignKey("core.College", on_delete=models.CASCADE, related_name="students")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="student"
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    relation = models.CharField(max_length=20, choices=Relation.choices, blank=True)
    agreement_accepted_at = models.DateTimeField(null=True, blank=True)
    adjustments = models.TextField(blank=True)  # special category: admins only, reads audited
    contact_by_email = models.BooleanField(default=True)
    contact_by_phone = models.BooleanField(default=False)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.SELF)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["college", "email"], condition=~Q(email=""), name="student_email_unique_per_college"
            ),
        ]

    def __str__(self):
        return f"Student {self.pk}"

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()


class Booking(models.Model):
    """A student's place on a course run, or their place on its waiting list."""

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        WAITING = "waiting", "On the waiting list"
        CANCELLED = "cancelled", "Cancelled"

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="bookings")
    run = models.ForeignKey("courses.CourseRun", on_delete=models.CASCADE, related_name="bookings")
    status = models.CharField(max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(default=timezone.now)  # the waiting list's order
    booked_at = models.DateTimeField(null=True, blank=True)  # when the place became theirs
    cancelled_at = models.DateTimeField(null=True, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # One live booking (a place or a waiting-list place) per student and run.
            models.UniqueConstraint(
                fields=["student", "run"], condition=~Q(status="cancelled"), name="booking_one_live_per_student_and_run"
            ),
        ]

    def __str__(self):
        return f"Booking {self.pk} ({self.status})"


class Attendance(models.Model):
    """A student came to a session: ticked from the bookings or added as a walk-in."""

    session = models.ForeignKey("courses.Session", on_delete=models.CASCADE, related_name="attendances")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="attendances")
    walk_in = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session__date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "student"], name="attendance_once_per_session"),
        ]

    def __str__(self):
        return f"Attendance {self.pk}"


class SessionReminder(models.Model):
    """A reminder sent for a booking the day before a session: sent once."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="reminders")
    session = models.ForeignKey("courses.Session", on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["booking", "session"], name="reminder_once_per_session")]


class Certificate(models.Model):
    """A certificate of attendance: the student came to at least the College's threshold of the
    run's delivered sessions. Issued when the run completes; the PDF is made on download."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="certificates")
    run = models.ForeignKey("courses.CourseRun", on_delete=models.CASCADE, related_name="certificates")
    sessions_attended = models.PositiveSmallIntegerField()
    sessions_delivered = models.PositiveSmallIntegerField()
    issued_on = models.DateField()

    class Meta:
        ordering = ["-issued_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["student", "run"], name="certificate_once_per_run")]

    def __str__(self):
        return f"Certificate {self.pk}"


# --- Part 2: learning plans, outcomes, feedback, equality monitoring -----------------------------


class LearningGoal(models.Model):
    """A goal of a student's individual learning plan, in the student's own words, with the
    courses chosen towards it. Seen by the student and the College's learning advisers only."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="goals")
    text = models.TextField()
    courses = models.ManyToManyField("courses.Course", blank=True, related_name="+")
    created_on = models.DateField()
    achieved_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["created_on", "pk"]

    def __str__(self):
        return f"Learning goal {self.pk}"


class PlanReview(models.Model):
    """A review of a student's learning plan, with its date (by the student with an adviser)."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="plan_reviews")
    reviewed_on = models.DateField()
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self):
        return f"Plan review {self.pk}"


class Questionnaire(models.Model):
    """A SWEMWBS or QPR-15 answered at the start or the end of a run: the items as answered
    (None where left blank), the raw total (only when every item is answered) and, for SWEMWBS,
    the metric score from the published conversion table (tandem.students.scoring)."""

    class Kind(models.TextChoices):
        SWEMWBS = "swemwbs", "SWEMWBS (wellbeing)"
        QPR = "qpr", "QPR-15 (recovery)"

    class Timing(models.TextChoices):
        START = "start", "Start of the course"
        END = "end", "End of the course"

    class Source(models.TextChoices):
        ONLINE = "online", "Online, by the student"
        PAPER = "paper", "From paper, by staff"

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="questionnaires")
    run = models.ForeignKey("courses.CourseRun", on_delete=models.CASCADE, related_name="questionnaires")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    timing = models.CharField(max_length=5, choices=Timing.choices)
    items = models.JSONField(default=list)
    raw = models.PositiveSmallIntegerField(null=True, blank=True)
    metric = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    completed_on = models.DateField()
    source = models.CharField(max_length=6, choices=Source.choices, default=Source.ONLINE)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["completed_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["student", "run", "kind", "timing"], name="questionnaire_once_per_run"),
        ]

    def __str__(self):
        return f"Questionnaire {self.pk}"

    @property
    def score(self):
        """The score that counts: SWEMWBS's metric score, QPR-15's total (None if incomplete)."""
        return self.metric if self.kind == self.Kind.SWEMWBS else self.raw


class Feedback(models.Model):
    """The NHS Friends and Family Test at the end of a run, with free text."""

    class Answer(models.TextChoices):
        VERY_GOOD = "very_good", "Very good"
        GOOD = "good", "Good"
        NEITHER = "neither", "Neither good nor poor"
        POOR = "poor", "Poor"
        VERY_POOR = "very_poor", "Very poor"
        DONT_KNOW = "dont_know", "Don't know"

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="feedback")
    run = models.ForeignKey("courses.CourseRun", on_delete=models.CASCADE, related_name="feedback")
    answer = models.CharField(max_length=10, choices=Answer.choices)
    comment = models.TextField(blank=True)
    given_on = models.DateField()
    source = models.CharField(max_length=6, choices=Questionnaire.Source.choices, default="online")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["given_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["student", "run"], name="feedback_once_per_run")]

    def __str__(self):
        return f"Feedback {self.pk}"


PREFER_NOT = ("prefer_not", "Prefer not to say")


class EqualityMonitoring(models.Model):
    """Optional equality-monitoring answers, kept apart from the student record: College admins
    only, every read audited, reported only in aggregate (tandem.students.selectors.equality_summary).
    Never in str(), lists, audit rows or other people's exports."""

    SENSITIVE_FIELDS = ("age_band", "gender", "ethnicity", "disability", "sexual_orientation")

    class AgeBand(models.TextChoices):
        UNDER_25 = "under_25", "Under 25"
        A25_44 = "25_44", "25 to 44"
        A45_64 = "45_64", "45 to 64"
        A65 = "65_plus", "65 or over"
        PREFER_NOT = PREFER_NOT

    class Gender(models.TextChoices):
        WOMAN = "woman", "Woman"
        MAN = "man", "Man"
        NON_BINARY = "non_binary", "Non-binary"
        OTHER = "other", "In another way"
        PREFER_NOT = PREFER_NOT

    class Ethnicity(models.TextChoices):
        ASIAN = "asian", "Asian or Asian British"
        BLACK = "black", "Black, Black British, Caribbean or African"
        MIXED = "mixed", "Mixed or multiple ethnic groups"
        WHITE = "white", "White"
        OTHER = "other", "Another ethnic group"
        PREFER_NOT = PREFER_NOT

    class YesNo(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        PREFER_NOT = PREFER_NOT

    class Orientation(models.TextChoices):
        HETEROSEXUAL = "heterosexual", "Heterosexual or straight"
        GAY_LESBIAN = "gay_lesbian", "Gay or lesbian"
        BISEXUAL = "bisexual", "Bisexual"
        OTHER = "other", "Another sexual orientation"
        PREFER_NOT = PREFER_NOT

    student = models.OneToOneField(Student, on_delete=models.CASCADE, related_name="equality")
    age_band = models.CharField(max_length=12, choices=AgeBand.choices, blank=True)
    gender = models.CharField(max_length=12, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(max_length=12, choices=Ethnicity.choices, blank=True)
    disability = models.CharField(max_length=12, choices=YesNo.choices, blank=True)
    sexual_orientation = models.CharField(max_length=12, choices=Orientation.choices, blank=True)
    updated_on = models.DateField()

    def __str__(self):
        return f"Equality monitoring {self.pk}"
