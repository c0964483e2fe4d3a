"""Term planning: when tutors can teach, what the College wishes to run next term, and the
planner's jobs (progress, plan, what-if answers) until a plan is accepted into the timetable."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from .slots import SLOT_CHOICES, WEEKDAYS


class TutorAvailability(models.Model):
    """One weekly day-slot a tutor can teach in. For a staff tutor it is a time their line
    manager releases them ("days released"); for a peer tutor, a time they are free.

    A tutor with no rows at all is treated by the planner as available at every weekday slot
    (and the planning pages say so)."""

    tutor = models.ForeignKey("tutors.Tutor", on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(choices=list(enumerate(WEEKDAYS)))
    slot = models.CharField(max_length=10, choices=SLOT_CHOICES)

    class Meta:
        ordering = ["tutor", "weekday", "slot"]
        verbose_name_plural = "tutor availability"
        constraints = [
            models.UniqueConstraint(fields=["tutor", "weekday", "slot"], name="availability_unique_dayslot"),
            models.CheckConstraint(condition=Q(weekday__lte=4), name="availability_weekday_mon_fri"),
        ]

    def __str__(self):
        return f"{self.tutor}: {self.get_weekday_display()} {self.slot}"


class WishList(models.Model):
    """The runs the College would like to offer in a term, before planning."""

    college = models.ForeignKey("core.College", on_delete=models.CASCADE, related_name="wish_lists")
    term = models.ForeignKey("core.Term", on_delete=models.CASCADE, related_name="wish_lists")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-term__starts_on"]
        constraints = [models.UniqueConstraint(fields=["term"], name="wish_list_one_per_term")]

    def __str__(self):
        return f"Wish list for {self.term}"


class WishedRun(models.Model):
    """One run the College would like to offer: the planner decides whether, when, where and
    with which peer + staff pair."""

    wish_list = models.ForeignKey(WishList, on_delete=models.CASCADE, related_name="runs")
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="wished_runs")
    weight = models.PositiveSmallIntegerField(
        default=1, help_text="Priority: 1 is nice to have, 5 is most wanted. The planner maximises the total."
    )
    allowed = models.JSONField(default=list, help_text="Allowed day-slots: [[weekday 0-4, slot 0-2], ...]")
    start_week_min = models.PositiveSmallIntegerField(default=1)
    start_week_max = models.PositiveSmallIntegerField(default=1)
    online = models.BooleanField(default=False)
    site = models.ForeignKey("core.Site", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    cohort = models.PositiveSmallIntegerField(default=12, help_text="Places: the room must hold this many")
    needs_accessible = models.BooleanField(default=False)
    split_allowed = models.BooleanField(
        default=False, help_text="The first and second half of the sessions may have different tutor pairs"
    )
    mandatory = models.BooleanField(default=False, help_text="The plan must offer this run")
    accepted_run = models.OneToOneField(
        "courses.CourseRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="wished_run",
        help_text="The run an accepted plan created for this wish",
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=1), name="wished_run_weight_positive"),
            models.CheckConstraint(
                condition=Q(start_week_min__gte=1) & Q(start_week_max__gte=F("start_week_min")),
                name="wished_run_start_window",
            ),
            models.CheckConstraint(
                condition=Q(online=True) | Q(site__isnull=False), name="wished_run_site_unless_online"
            ),
        ]

    def __str__(self):
        return f"{self.course} (wish {self.pk})"

    @property
    def venue_label(self):
        return "Online" if self.online else (self.site.name if self.site_id else "No site")


class PlanJob(models.Model):
    """One run of the planner on a wish list, as a background task.

    `instance` is the planner's input as built from the College's records when the job started
    (tandem.plan-instance/1), `labels` the names behind its ids, `candidates` the extra staff
    profiles of the what-if, `progress` the [objective, bound, wall_s] events as they arrived,
    `result` the planner's tandem.plan-result/1 answer."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Planning"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Failed"

    wish_list = models.ForeignKey(WishList, on_delete=models.CASCADE, related_name="jobs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    time_limit = models.PositiveSmallIntegerField(
        default=30, help_text="Seconds for the plan (and as much for the what-if)"
    )
    instance = models.JSONField()
    labels = models.JSONField(default=dict)
    candidates = models.JSONField(default=list, blank=True)
    progress = models.JSONField(default=list, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    stop_requested = models.BooleanField(default=False)
    task_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Plan {self.pk} for {self.wish_list.term}"

    @property
    def is_active(self):
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def seems_stuck(self):
        """Queued or running far longer than its time limits allow (the worker may have stopped)."""

        if not self.is_active:
            return False
        since = self.started_at or self.created_at
        return timezone.now() - since > timedelta(seconds=3 * self.time_limit + 120)

    @property
    def latest(self):
        """(objective, bound, wall_s) of the last progress event, or None."""
        return tuple(self.progress[-1]) if self.progress else None


class PlanWhatIf(models.Model):
    """ "What if this staff tutor's release were raised by N hours?" on a finished job."""

    job = models.ForeignKey(PlanJob, on_delete=models.CASCADE, related_name="what_ifs")
    tutor = models.ForeignKey("tutors.Tutor", on_delete=models.CASCADE, related_name="+")
    hours = models.DecimalField(max_digits=6, decimal_places=2)
    status = models.CharField(max_length=10, choices=PlanJob.Status.choices, default=PlanJob.Status.QUEUED)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="what_if_hours_positive")]

    def __str__(self):
        return f"Raise {self.tutor}'s release by {self.hours} hours"

    @property
    def is_active(self):
        return self.status in (PlanJob.Status.QUEUED, PlanJob.Status.RUNNING)
