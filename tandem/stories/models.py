"""Stories of staff tutors, peer tutors and students, each shown only where its active consent
covers the channel (see selectors.stories_for_channel)."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Tag(models.Model):
    college = models.ForeignKey("core.College", on_delete=models.CASCADE, related_name="story_tags")
    name = models.CharField(max_length=50)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["college", "name"], name="story_tag_unique_per_college")]

    def __str__(self):
        return self.name


class Story(models.Model):
    class AuthorKind(models.TextChoices):
        STAFF_TUTOR = "staff_tutor", "Staff tutor"
        PEER_TUTOR = "peer_tutor", "Peer tutor"
        STUDENT = "student", "Student"

    ANONYMOUS_BYLINE = {
        AuthorKind.STAFF_TUTOR: "A staff tutor",
        AuthorKind.PEER_TUTOR: "A peer tutor",
        AuthorKind.STUDENT: "A student",
    }

    college = models.ForeignKey("core.College", on_delete=models.CASCADE, related_name="stories")
    title = models.CharField(max_length=200)
    text = models.TextField()
    pull_quote = models.CharField(max_length=300, blank=True)
    author_kind = models.CharField(max_length=12, choices=AuthorKind.choices)
    author_name = models.CharField(
        max_length=200, help_text="Shown with the story only while its consent is to be named"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="stories")
    told_on = models.DateField(help_text="When the story was told or written")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-told_on", "-id"]
        verbose_name_plural = "stories"

    def __str__(self):
        return self.title

    @property
    def active_consent(self):
        """The consent in force today, or None. Uses the selectors' prefetch when there is one."""
        if hasattr(self, "_active_consents"):
            return self._active_consents[0] if self._active_consents else None
        return Consent.active_on().filter(story=self).first()

    @property
    def byline(self):
        """Who told it, as it may be shown: the name only under an active named consent;
        otherwise (anonymous, withdrawn, none) only the kind of author."""
        consent = self.active_consent
        if consent is not None and consent.named:
            return f"{self.author_name}, {self.get_author_kind_display().lower()}"
        return self.ANONYMOUS_BYLINE[self.author_kind]


class Consent(models.Model):
    """What the author agreed to: where the story may be shown (scope), whether with their name,
    under which version of the consent text, from when; and when they withdrew it.

    A story has at most one consent in force; recording a new one supersedes the old."""

    class Scope(models.TextChoices):
        INTERNAL = "internal", "Inside the Trust only (story library, reports to Trust leaders)"
        EXTERNAL = "external", "Inside and outside the Trust (public pages, presentations)"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(max_length=10, choices=Scope.choices)
    named = models.BooleanField(help_text="May the author's name be shown with the story?")
    text_version = models.CharField(max_length=50, help_text="The version of the consent form they signed")
    given_on = models.DateField()
    withdrawn_on = models.DateField(null=True, blank=True)
    superseded_on = models.DateField(null=True, blank=True, help_text="When a newer consent replaced this one")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-given_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["story"],
                condition=Q(withdrawn_on__isnull=True, superseded_on__isnull=True),
                name="story_one_open_consent",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("given_on")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self):
        return f"{self.get_scope_display()} consent for {self.story}"

    @classmethod
    def active_on(cls, day=None):
        day = day or date.today()
        return cls.objects.filter(given_on__lte=day, withdrawn_on__isnull=True, superseded_on__isnull=True)

    @property
    def is_active(self):
        return self.withdrawn_on is None and self.superseded_on is None and self.given_on <= date.today()

    @property
    def state(self):
        if self.withdrawn_on:
            return "withdrawn"
        if self.superseded_on:
            return "superseded"
        if self.given_on > date.today():
            return "not yet in force"
        return "active"
