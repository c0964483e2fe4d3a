"""Release requests (a staff tutor asks their line manager for the hours teaching needs) and the
approved-release budget per term. (The staff-tutor pipeline is tandem.pipeline.)"""

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
        # The College's requests newest first (the release list), and by status (pending ones).
        indexes = [
            models.Index(fields=["college", "requested_at", "id"], name="release_college_requested"),
            models.Index(fields=["college", "status", "requested_at"], name="release_college_status"),
        ]
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
