from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    COLLEGE_ADMIN = "college_admin", "College admin"
    QI_TEAM = "qi_team", "QI team member"
    TUTOR = "tutor", "Tutor"
    LINE_MANAGER = "line_manager", "Line manager"
    LEADER = "leader", "Trust leader"
    STUDENT = "student", "Student"


class User(AbstractUser):
    """A named account. Each account belongs to one College and has one role there."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.TUTOR)
    college = models.ForeignKey("core.College", on_delete=models.PROTECT, null=True, blank=True, related_name="users")

    @property
    def display_name(self):
        return self.get_full_name() or self.username
