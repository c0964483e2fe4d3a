"""Release requests (a staff tutor asks their line manager for the hours teaching needs), the
approved-release budget per term, and the staff-tutor pipeline (interested → trained → teaching →
lapsed)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ReleaseRequest(models.Model):
    """A staff tutor's request to their line manager for release for a course run (some or all
    of its sessions) or for co-production work (hours between two dates).

    A decision is one locked transition out of `pending` (see services.release_decide)."""

    class Kind(models.TextChoices):
        RUN = "run", "A course run"
        COPRODUCTION = "coproduction", "Co-production work"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        PARTLY_APPROVED = "partly_approved", "Approved in part"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        EXPIRED = "expired", "Expired"

    class DeclineReason(models.TextChoices):
        SERVICE_PRESSURE = "service_pressure", "Service pressure: the team cannot spare the time"
        COURSE_TOO_LONG = "course_too_long", "The course is too long"
        SHORT_NOTICE = "short_notice", "Too short notice"
        OTHER = "other", "Another reason"

    APPROVED_STATUSES = (Status.APPROVED, Status.PARTLY_APPROVED)
    DECIDED_STATUSES = (Status.APPROVED, Status.PARTLY_APPROVED, Status.DECLINED)

    college = models.ForeignKey("core.College", on_delete=models.CASCADE, related_name="release_requests")
    tutor = models.ForeignKey("tutors.Tutor", on_delete=models.PROTECT, related_name="release_requests")
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="release_requests_to_decide",
        help_text="The tutor's line manager when the request was made: who decides it",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    run = models.ForeignKey(
        "courses.CourseRun", on_delete=models.PROTECT, null=True, blank=True, related_name="release_requests"
    )
    term = models.ForeignKey(
        "core.Term",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="release_requests",
        help_text="The term whose release budget the hours count against",
    )
    sessions = models.ManyToManyField("courses.Session", blank=True, related_name="release_requests")
    hours = models.DecimalField(max_digits=6, decimal_places=2)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    purpose = models.TextField()
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    approved_sessions = models.ManyToManyField("courses.Session", blank=True, related_name="approved_release_requests")
    approved_hours = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    decline_reason = models.CharField(max_length=20, choices=DeclineReason.choices, blank=True)
    decline_note = models.CharField(max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, help_text="When it was withdrawn or expired")

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="run", run__isnull=False) | Q(kind="coproduction", run__isnull=True),
                name="release_run_iff_run_kind",
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="release_hours_positive"),
            models.CheckConstraint(
                condition=(Q(status="declined") & ~Q(decline_reason=""))
                | (~Q(status="declined") & Q(decline_reason="")),
                name="release_decline_reason_iff_declined",
            ),
            models.CheckConstraint(
                condition=~Q(decline_reason="other") | ~Q(decline_note=""),
                name="release_other_reason_explained",
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="release_dates_in_order",
            ),
        ]

    def __str__(self):
        return f"Release for {self.tutor} ({self.subject})"

    @property
    def subject(self):
        if self.kind == self.Kind.RUN:
            return str(self.run)
        return "co-production work"

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    @property
    def is_released(self):
        return self.status in self.APPROVED_STATUSES


class ReleaseBudget(models.Model):
    """How many hours a staff tutor may be released for in a term. Approving beyond what is left
    is refused. A tutor with no budget row for a term has no limit set."""

    tutor = models.ForeignKey("tutors.Tutor", on_delete=models.CASCADE, related_name="release_budgets")
    term = models.ForeignKey("core.Term", on_delete=models.CASCADE, related_name="release_budgets")
    hours = models.DecimalField(max_digits=6, decimal_places=2)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["term__starts_on", "tutor__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["tutor", "term"], name="release_budget_unique_per_term"),
            models.CheckConstraint(condition=Q(hours__gte=0), name="release_budget_not_negative"),
        ]

    def __str__(self):
        return f"{self.tutor}: {self.hours} hours in {self.term}"


class PipelineEntry(models.Model):
    """One member of Trust staff on the way to teaching (or back out of it).

    Holds only what the College needs to contact them and plan training: nothing about health."""

    class Stage(models.TextChoices):
        INTERESTED = "interested", "Interested"
        TRAINED = "trained", "Trained"
        TEACHING = "teaching", "Teaching"
        LAPSED = "lapsed", "Lapsed"

    class Source(models.TextChoices):
        WEB_FORM = "web_form", "Interested in teaching form"
        COLLEGE = "college", "Added by the College"

    STAGE_ORDER = [Stage.INTERESTED, Stage.TRAINED, Stage.TEACHING, Stage.LAPSED]

    college = models.ForeignKey("core.College", on_delete=models.CASCADE, related_name="pipeline_entries")
    name = models.CharField(max_length=200)
    work_email = models.EmailField()
    profession = models.CharField(max_length=100)
    team = models.CharField(max_length=100)
    line_manager_name = models.CharField(max_length=200, blank=True)
    line_manager_email = models.EmailField(blank=True)
    topics = models.TextField(blank=True)
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.INTERESTED, db_index=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.COLLEGE)
    tutor = models.OneToOneField(
        "tutors.Tutor", on_delete=models.SET_NULL, null=True, blank=True, related_name="pipeline_entry"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["college", "work_email"], name="pipeline_email_unique_per_college"),
        ]
        verbose_name_plural = "pipeline entries"

    def __str__(self):
        return self.name

    def stage_date(self, stage):
        for change in self.changes.all():
            if change.stage == stage:
                return change.on
        return None


class PipelineStageChange(models.Model):
    """The date a person reached a stage: the funnel counts these per quarter."""

    entry = models.ForeignKey(PipelineEntry, on_delete=models.CASCADE, related_name="changes")
    stage = models.CharField(max_length=12, choices=PipelineEntry.Stage.choices)
    on = models.DateField(db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["on", "id"]

    def __str__(self):
        return f"{self.entry}: {self.stage} on {self.on}"


class PipelineSubmission(models.Model):
    """A post of the public "Interested in teaching?" form whose work email matches someone already
    in the pipeline. Nobody signed in wrote it, so it never changes their record: the College's
    admin or QI team reviews it on the pipeline page and uses its details for the record, or
    discards it. Either way it is then deleted (and unreviewed ones go with the retention of the
    pipeline)."""

    college = models.ForeignKey("core.College", on_delete=models.CASCADE, related_name="pipeline_submissions")
    entry = models.ForeignKey(
        PipelineEntry,
        on_delete=models.CASCADE,
        related_name="submissions",
        help_text="The existing record the submission matches (same work email)",
    )
    name = models.CharField(max_length=200)
    work_email = models.EmailField()
    profession = models.CharField(max_length=100)
    team = models.CharField(max_length=100)
    line_manager_name = models.CharField(max_length=200, blank=True)
    line_manager_email = models.EmailField(blank=True)
    topics = models.TextField(blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submitted_at", "id"]

    def __str__(self):
        return f"Interest form from {self.name}"

    @property
    def submitted_on(self):
        return timezone.localtime(self.submitted_at).date()
