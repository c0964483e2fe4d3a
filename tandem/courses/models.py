from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Course(models.Model):
    """A prospectus entry, co-produced by at least one peer and one staff tutor."""

    class Status(models.TextChoices):
        IN_DEVELOPMENT = "in_development", "In development"
        ACTIVE = "active", "Active"
        RETIRED = "retired", "Retired"

    college = models.ForeignKey("core.College", on_delete=models.CASCADE, related_name="courses")
    title = models.CharField(max_length=200)
    topic = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    number_of_sessions = models.PositiveSmallIntegerField()
    hours_per_session = models.DecimalField(max_digits=4, decimal_places=2)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    co_producers = models.ManyToManyField("tutors.Tutor", related_name="co_produced_courses", blank=True)

    class Meta:
        ordering = ["title"]
        # The College's courses of a length (the release approval rates by course length).
        indexes = [models.Index(fields=["college", "number_of_sessions"], name="course_college_length")]
        constraints = [
            models.UniqueConstraint(fields=["college", "title"], name="course_title_unique_per_college"),
            models.CheckConstraint(condition=Q(number_of_sessions__gte=1), name="course_has_sessions"),
            models.CheckConstraint(condition=Q(hours_per_session__gt=0), name="course_session_hours_positive"),
        ]

    def __str__(self):
        return self.title


class CourseRun(models.Model):
    """One offering of a course in a term, made of sessions."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        CONFIRMED = "confirmed", "Confirmed"
        RUNNING = "running", "Running"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    class CancelReason(models.TextChoices):
        NO_STAFF_TUTOR = "no_staff_tutor", "No staff tutor"
        NO_PEER_TUTOR = "no_peer_tutor", "No peer tutor"
        LOW_ENROLMENT = "low_enrolment", "Too few students enrolled"
        NO_ROOM = "no_room", "No room"
        OTHER = "other", "Other"

    WEEKDAYS = [
        (0, "Monday"),
        (1, "Tuesday"),
        (2, "Wednesday"),
        (3, "Thursday"),
        (4, "Friday"),
        (5, "Saturday"),
        (6, "Sunday"),
    ]

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="runs")
    term = models.ForeignKey("core.Term", on_delete=models.PROTECT, related_name="runs")
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    start_time = models.TimeField()
    end_time = models.TimeField()
    start_date = models.DateField()
    online = models.BooleanField(default=False)
    room = models.ForeignKey("core.Room", on_delete=models.PROTECT, null=True, blank=True, related_name="runs")
    capacity = models.PositiveIntegerField(default=15)
    tutors = models.ManyToManyField("tutors.Tutor", related_name="assigned_runs", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    cancel_reason = models.CharField(max_length=20, choices=CancelReason.choices, blank=True)
    cancel_note = models.CharField(max_length=200, blank=True)
    # The College's own reference for a run brought in from its past registers (tandem import
    # sessions): rows with the same reference are one run, and importing a file twice finds it.
    reference = models.CharField(max_length=100, blank=True, db_index=True)

    class Meta:
        ordering = ["start_date", "start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=models.F("start_time")), name="run_ends_after_start"),
            # A cancelled run always says why; any other run has no cancellation reason.
            models.CheckConstraint(
                condition=(Q(status="cancelled") & ~Q(cancel_reason=""))
                | (~Q(status="cancelled") & Q(cancel_reason="")),
                name="run_cancel_reason_iff_cancelled",
            ),
            # An in-person run has a room; an online run has none.
            models.CheckConstraint(
                condition=Q(online=True, room__isnull=True)
                | Q(online=False, room__isnull=False)
                | Q(status="cancelled"),
                name="run_room_unless_online",
            ),
        ]

    def __str__(self):
        return f"{self.course.title} ({self.term})"

    @property
    def venue_label(self):
        return "Online" if self.online else str(self.room) if self.room_id else "No room"


class RunTutorChange(models.Model):
    """A tutor put on a run or taken off it: who asked, and a note. The run's `tutors` holds the
    current pair; this is the history the run page shows."""

    class Action(models.TextChoices):
        ADDED = "added", "Put on the run"
        REMOVED = "removed", "Taken off the run"

    run = models.ForeignKey(CourseRun, on_delete=models.CASCADE, related_name="tutor_changes")
    tutor = models.ForeignKey("tutors.Tutor", on_delete=models.CASCADE, related_name="run_changes")
    action = models.CharField(max_length=10, choices=Action.choices)
    asked_by = models.CharField(max_length=200, blank=True, help_text="Who asked for the change")
    note = models.CharField(max_length=500, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)  # the services pass the College's clock

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()}: run {self.run_id}"


class Session(models.Model):
    """One meeting of a course run, co-delivered by at least one peer and one staff tutor.

    peer_count and staff_count mirror `delivered_by` (kept by courses.services) so that the
    database itself refuses a delivered session that lacks either.
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        DELIVERED = "delivered", "Delivered"
        CANCELLED = "cancelled", "Cancelled"

    class CancelReason(models.TextChoices):
        RUN_CANCELLED = "run_cancelled", "The whole run is cancelled"
        NO_STAFF_TUTOR = "no_staff_tutor", "No staff tutor could come"
        NO_PEER_TUTOR = "no_peer_tutor", "No peer tutor could come"
        TUTOR_UNWELL = "tutor_unwell", "A tutor was unwell"
        NO_STUDENTS = "no_students", "No students came"
        VENUE = "venue", "The room or venue was not available"
        OTHER = "other", "Other"

    run = models.ForeignKey(CourseRun, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField(db_index=True)
    start_time = models.TimeField()
    end_time = models.TimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    delivered_by = models.ManyToManyField("tutors.Tutor", related_name="delivered_sessions", blank=True)
    peer_count = models.PositiveSmallIntegerField(default=0)
    staff_count = models.PositiveSmallIntegerField(default=0)
    head_count = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Students who came (optional)")
    cancel_reason = models.CharField(max_length=20, choices=CancelReason.choices, blank=True)
    cancel_note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date", "start_time"]
        # A College's sessions are found from its runs (College → courses → runs → sessions): its
        # delivered ones, by date, without reading the other statuses' rows.
        indexes = [models.Index(fields=["run", "status", "date"], name="session_run_status_date")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="delivered") | (Q(peer_count__gte=1) & Q(staff_count__gte=1)),
                name="session_delivered_by_peer_and_staff",
            ),
            models.CheckConstraint(condition=Q(end_time__gt=models.F("start_time")), name="session_ends_after_start"),
            # A session cancelled one by one says why (those of a cancelled run say "run_cancelled").
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="session_cancel_reason_if_cancelled",
            ),
        ]

    def __str__(self):
        return f"{self.run.course.title}, {self.date:%d %b %Y}"

    @property
    def hours(self):
        start = datetime.combine(self.date, self.start_time)
        end = datetime.combine(self.date, self.end_time)
        return (end - start).total_seconds() / 3600
