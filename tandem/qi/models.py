from decimal import Decimal

from django.db import models


class QIProject(models.Model):
    """A College's quality-improvement project and its SMART goal.

    The goal's baseline is computed from the measure over the baseline period (never typed in),
    and the target is baseline × (1 + target_change_percent / 100).
    """

    college = models.ForeignKey("core.College", on_delete=models.CASCADE, related_name="qi_projects")
    title = models.CharField(max_length=200)
    problem = models.TextField(blank=True)
    starts_on = models.DateField(help_text="When the QI project started; the baseline is the 12 months before")
    goal_measure = models.CharField(max_length=60, default="staff_tutors_teaching")
    target_change_percent = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("20"))
    deadline = models.DateField()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = "QI project"

    def __str__(self):
        return self.title
