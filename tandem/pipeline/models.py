"""The staff-tutor pipeline: Trust staff on their way to teaching (interested → trained → teaching
→ lapsed), the date each stage was reached, and posts of the public "Interested in teaching?" form
that match someone already in it.

The pipeline began inside tandem.release; its tables keep the names they had there
(`release_pipelineentry`, ...), so moving it changed no table and no row (migrations
release/0004_move_pipeline_out and pipeline/0001_initial change only Django's state).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


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
        db_table = "release_pipelineentry"
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
        db_table = "release_pipelinestagechange"
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
        db_table = "release_pipelinesubmission"
        ordering = ["submitted_at", "id"]

    def __str__(self):
        return f"Interest form from {self.name}"

    @property
    def submitted_on(self):
        return timezone.localtime(self.submitted_at).date()
