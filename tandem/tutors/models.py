from django.conf import settings
from django.db import models
from django.db.models import Q


class Tutor(models.Model):
    """A person who teaches: a peer tutor (expert by experience) or a staff tutor (by profession).

    Lived experience is deliberately not recorded here: it is special-category data and is
    not needed to run the College. A peer tutor may choose to share it (and support needs) in
    their SensitiveProfile, which only admins read, every read audited.
    """

    class Kind(models.TextChoices):
        PEER = "peer", "Peer tutor"
        STAFF = "staff", "Staff tutor"

    class Status(models.TextChoices):
        INTERESTED = "interested", "Interested"
        TRAINED = "trained", "Trained"
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        LEFT = "left", "Left"

    college = models.ForeignKey("core.College", on_delete=models.CASCADE, related_name="tutors")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.INTERESTED)
    coproduction_trained_on = models.DateField(null=True, blank=True, help_text="Date of co-production training")
    joined_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    # Staff tutors only
    employer = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="tutors"
    )
    profession = models.CharField(max_length=100, blank=True)
    team = models.CharField(max_length=100, blank=True)
    line_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_tutors",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="tutor"
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        # The College's tutors of a kind and employer: the outcome measure's Trust staff, pay
        # parity's peer tutors, the dashboard's counts.
        indexes = [models.Index(fields=["college", "kind", "employer"], name="tutor_college_kind_employer")]
        constraints = [
            models.UniqueConstraint(fields=["college", "email"], name="tutor_email_unique_per_college"),
            # A staff tutor always has an employer; a peer tutor has no NHS employment recorded here.
            models.CheckConstraint(
                condition=Q(kind="peer", employer__isnull=True) | Q(kind="staff", employer__isnull=False),
                name="tutor_staff_has_employer",
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def is_trust_staff(self):
        return self.kind == self.Kind.STAFF and self.employer_id is not None and self.employer.is_trust


class SensitiveProfile(models.Model):
    """A peer tutor's optional lived-experience note and support needs: special-category data,
    recorded only with the tutor's agreement and only for peer tutors.

    College admins only. Every read is audited (action "read"); it never appears in lists,
    exports, logs or the Django admin, and its text never goes into an audit row or a str()."""

    SENSITIVE_FIELDS = ("lived_experience", "support_needs")

    tutor = models.OneToOneField(Tutor, on_delete=models.CASCADE, related_name="sensitive_profile")
    lived_experience = models.TextField(
        blank=True, help_text="Only what the tutor chooses to share and wants the College to know"
    )
    support_needs = models.TextField(blank=True, help_text="Adjustments or support the tutor asks for when teaching")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        default_permissions = ()  # not in the Django admin: tandem.tutors' own pages, audited

    def __str__(self):
        return f"Sensitive profile of tutor {self.tutor_id}"

    def __repr__(self):
        return f"<SensitiveProfile tutor={self.tutor_id}>"
