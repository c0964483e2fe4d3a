from django.db import models


class Organisation(models.Model):
    """An employer: the Trust, or another organisation (a charity, a council, a university)."""

    name = models.CharField(max_length=200, unique=True)
    is_trust = models.BooleanField(default=False, help_text="The NHS Trust whose staff the QI outcome measure counts")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class College(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    trust = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="colleges")
    # Empty for a real College (it lives on the real date). The demo College sets it to the last
    # day of its invented records, so its pages and what users record agree with its calendar.
    clock_date = models.DateField(
        null=True, blank=True, help_text="The College's own today (the demo College only); empty means the real date"
    )

    def __str__(self):
        return self.name


class Term(models.Model):
    class Season(models.TextChoices):
        AUTUMN = "autumn", "Autumn"
        SPRING = "spring", "Spring"
        SUMMER = "summer", "Summer"

    college = models.ForeignKey(College, on_delete=models.CASCADE, related_name="terms")
    season = models.CharField(max_length=10, choices=Season.choices)
    year = models.PositiveIntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["college", "season", "year"], name="term_unique_per_college"),
            models.CheckConstraint(condition=models.Q(ends_on__gt=models.F("starts_on")), name="term_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.get_season_display()} {self.year}"


class Site(models.Model):
    class Kind(models.TextChoices):
        HUB = "hub", "Hub"
        COMMUNITY = "community", "Community"

    college = models.ForeignKey(College, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.HUB)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Room(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=100)
    capacity = models.PositiveIntegerField()
    accessible = models.BooleanField(default=True)

    class Meta:
        ordering = ["site__name", "name"]

    def __str__(self):
        return f"{self.site.name}, {self.name}"
