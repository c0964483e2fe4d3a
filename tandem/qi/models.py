"""The QI project: charter, team, progress score, driver diagram, PDSA cycles, annotations,
chart settings, manual measures and the stakeholder log."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q


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
    report_fidelity = models.BooleanField(
        default=False, help_text="Show the College's RECOLLECT fidelity self-assessments in the leader report"
    )
    report_compare = models.BooleanField(
        default=False, help_text="Show Compare Colleges (the funnel plot) in the leader report"
    )

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = "QI project"

    def __str__(self):
        return self.title


class Aim(models.Model):
    """One of the project's aims (the charter's broad aims; the SMART goal is on the project)."""

    project = models.ForeignKey(QIProject, on_delete=models.CASCADE, related_name="aims")
    text = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.text


class TeamMember(models.Model):
    """A member of the QI team: a Tandem user, or a named person without an account (a student)."""

    class Role(models.TextChoices):
        LEAD = "lead", "QI lead"
        SPONSOR = "sponsor", "Sponsor"
        COACH = "coach", "QI coach"
        MEMBER = "member", "Team member"

    project = models.ForeignKey(QIProject, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    role_text = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(user__isnull=False) | ~Q(name=""), name="qi_member_user_or_name"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        if self.name:
            return self.name
        return self.user.display_name if self.user_id else ""


PROGRESS_SCORES = {
    Decimal("0.5"): "Intent to participate",
    Decimal("1.0"): "Charter and team established",
    Decimal("1.5"): "Planning for the project has begun",
    Decimal("2.0"): "Activity, but no changes",
    Decimal("2.5"): "Changes tested, but no improvement",
    Decimal("3.0"): "Modest improvement",
    Decimal("3.5"): "Improvement",
    Decimal("4.0"): "Significant improvement",
    Decimal("4.5"): "Sustainable improvement",
    Decimal("5.0"): "Outstanding sustainable results",
}


class ProgressScore(models.Model):
    """One dated entry of the IHI progress score (0.5 to 5 in steps of 0.5)."""

    project = models.ForeignKey(QIProject, on_delete=models.CASCADE, related_name="progress_scores")
    score = models.DecimalField(
        max_digits=2, decimal_places=1, choices=[(k, f"{k} – {v}") for k, v in PROGRESS_SCORES.items()]
    )
    recorded_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=150, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-recorded_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(score__in=list(PROGRESS_SCORES)), name="qi_progress_score_allowed"),
        ]

    def __str__(self):
        return f"{self.score} on {self.recorded_on}"

    @property
    def meaning(self):
        return PROGRESS_SCORES.get(Decimal(self.score).quantize(Decimal("0.1")), "")


class Driver(models.Model):
    """A driver in the diagram: primary (no parent) or secondary (its parent is a primary driver)."""

    project = models.ForeignKey(QIProject, on_delete=models.CASCADE, related_name="drivers")
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    text = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.text

    @property
    def is_primary(self):
        return self.parent_id is None


class ChangeIdea(models.Model):
    """A change idea, hanging from a secondary driver; tested by PDSA cycles."""

    project = models.ForeignKey(QIProject, on_delete=models.CASCADE, related_name="change_ideas")
    driver = models.ForeignKey(Driver, on_delete=models.PROTECT, related_name="change_ideas")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.title


class PDSACycle(models.Model):
    """One Plan-Do-Study-Act cycle testing a change idea."""

    class Act(models.TextChoices):
        ADOPT = "adopt", "Adopt"
        ADAPT = "adapt", "Adapt"
        ABANDON = "abandon", "Abandon"

    change_idea = models.ForeignKey(ChangeIdea, on_delete=models.PROTECT, related_name="cycles")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    # Plan
    objective = models.TextField()
    questions = models.TextField(blank=True)
    plan_who = models.TextField(blank=True)
    plan_what = models.TextField(blank=True)
    plan_when = models.TextField(blank=True)
    plan_where = models.TextField(blank=True)
    prediction = models.TextField(blank=True)
    # Do, Study, Act
    do_notes = models.TextField(blank=True)
    study_notes = models.TextField(blank=True)
    act = models.CharField(max_length=7, choices=Act.choices, blank=True)
    act_notes = models.TextField(blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    measures = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["starts_on", "number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["change_idea", "number"], name="qi_pdsa_number_unique_per_idea"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="qi_pdsa_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"Cycle {self.number}: {self.title}"

    @property
    def stage(self):
        if self.act:
            return "Act"
        if self.study_notes:
            return "Study"
        if self.do_notes:
            return "Do"
        return "Plan"


class Annotation(models.Model):
    """A dated change or event, drawn on every chart of the project; optionally a PDSA cycle's."""

    project = models.ForeignKey(QIProject, on_delete=models.CASCADE, related_name="annotations")
    date = models.DateField()
    text = models.CharField(max_length=120)
    cycle = models.ForeignKey(PDSACycle, on_delete=models.SET_NULL, null=True, blank=True, related_name="annotations")

    class Meta:
        ordering = ["date", "id"]

    def __str__(self):
        return f"{self.date:%d %b %Y}: {self.text}"


class MeasureChart(models.Model):
    """How the project charts one measure: run or XmR chart, and where the limits are recalculated
    (only ever at annotated changes the team picked; never automatically)."""

    class Type(models.TextChoices):
        XMR = "xmr", "XmR chart (centre and process limits)"
        RUN = "run", "Run chart (median)"

    project = models.ForeignKey(QIProject, on_delete=models.CASCADE, related_name="measure_charts")
    measure_key = models.CharField(max_length=60)
    chart = models.CharField(max_length=3, choices=Type.choices, default=Type.XMR)
    rebase_at = models.ManyToManyField(Annotation, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "measure_key"], name="qi_chart_unique_per_measure"),
        ]


class ManualMeasure(models.Model):
    """A measure the College's records cannot answer, entered by the QI team month by month."""

    class Kind(models.TextChoices):
        OUTCOME = "outcome", "Outcome"
        PROCESS = "process", "Process"
        BALANCING = "balancing", "Balancing"

    class Improvement(models.TextChoices):
        INCREASE = "increase", "Higher is better"
        DECREASE = "decrease", "Lower is better"
        NEUTRAL = "neutral", "Neither"

    college = models.ForeignKey("core.College", on_delete=models.CASCADE, related_name="manual_measures")
    key = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=9, choices=Kind.choices)
    unit = models.CharField(max_length=40, default="count")
    improvement = models.CharField(max_length=8, choices=Improvement.choices, default=Improvement.NEUTRAL)
    definition = models.TextField()
    population = models.CharField(max_length=300, blank=True)
    numerator = models.CharField(max_length=300, blank=True)
    denominator = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=300, blank=True)
    frequency = models.CharField(max_length=100, default="Monthly")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["college", "key"], name="qi_manual_measure_key_unique"),
        ]

    def __str__(self):
        return self.name


class ManualValue(models.Model):
    """One month's value of a manual measure (period is the first day of the month)."""

    measure = models.ForeignKey(ManualMeasure, on_delete=models.CASCADE, related_name="values")
    period = models.DateField()
    value = models.FloatField()

    class Meta:
        ordering = ["period"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "period"], name="qi_manual_value_unique_per_month"),
        ]


class StakeholderEntry(models.Model):
    """A presentation or meeting with stakeholders: who heard it, how they responded, what follows."""

    class Kind(models.TextChoices):
        PRESENTATION = "presentation", "Presentation"
        MEETING = "meeting", "Meeting"

    project = models.ForeignKey(QIProject, on_delete=models.CASCADE, related_name="stakeholder_log")
    date = models.DateField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(max_length=200)
    audience = models.CharField(max_length=300)
    response = models.TextField(blank=True)
    follow_ups = models.TextField(blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name_plural = "stakeholder entries"

    def __str__(self):
        return f"{self.title} ({self.date})"


# The RECOLLECT Fidelity Measure (Toney et al., Canadian Journal of Psychiatry 2019; 64:405-414),
# CC BY-NC-ND 4.0: used unchanged. Component names, numbering and scoring must not be changed.
RECOLLECT_CITATION = (
    "RECOLLECT Fidelity Measure: Toney R, Knight J, Hamill K, et al. Development and evaluation "
    "of a recovery college fidelity measure. Canadian Journal of Psychiatry 2019; 64(6):405-414. "
    "CC BY-NC-ND 4.0, used unchanged."
)
# (field, number, name): the seven scored components, each 0, 1 or 2; the total is 0-14.
RECOLLECT_SCORED = (
    ("valuing_equality", 1, "Valuing equality"),
    ("learning", 2, "Learning"),
    ("tailored_to_the_student", 3, "Tailored to the student"),
    ("coproduction", 4, "Co-production"),
    ("social_connectedness", 5, "Social connectedness"),
    ("community_focus", 6, "Community focus"),
    ("commitment_to_recovery", 7, "Commitment to recovery"),
)
# The five modifiable components: they describe the College's type, recorded and never summed.
RECOLLECT_MODIFIABLE = (
    ("available_to_all", 8, "Available to all"),
    ("location", 9, "Location"),
    ("distinctiveness_of_course_content", 10, "Distinctiveness of course content"),
    ("strengths_based", 11, "Strengths based"),
    ("progressive", 12, "Progressive"),
)
RECOLLECT_LEVELS = (0, 1, 2)
RECOLLECT_MAX = 2 * len(RECOLLECT_SCORED)
RECOLLECT_ENGLAND_2021 = "England survey 2021: median 11 (IQR 9-13)"


def _level_field(name, *, null=False):
    return models.PositiveSmallIntegerField(
        name, choices=[(v, str(v)) for v in RECOLLECT_LEVELS], null=null, blank=null
    )


class FidelityAssessment(models.Model):
    """A College's RECOLLECT fidelity self-assessment for one year (one per College per year).

    Who took part is recorded as roles and counts, never names or anything about their health."""

    college = models.ForeignKey("core.College", on_delete=models.CASCADE, related_name="fidelity_assessments")
    year = models.PositiveSmallIntegerField()
    assessed_on = models.DateField()
    valuing_equality = _level_field("1 Valuing equality")
    learning = _level_field("2 Learning")
    tailored_to_the_student = _level_field("3 Tailored to the student")
    coproduction = _level_field("4 Co-production")
    social_connectedness = _level_field("5 Social connectedness")
    community_focus = _level_field("6 Community focus")
    commitment_to_recovery = _level_field("7 Commitment to recovery")
    available_to_all = _level_field("8 Available to all", null=True)
    location = _level_field("9 Location", null=True)
    distinctiveness_of_course_content = _level_field("10 Distinctiveness of course content", null=True)
    strengths_based = _level_field("11 Strengths based", null=True)
    progressive = _level_field("12 Progressive", null=True)
    manager_took_part = models.BooleanField(default=False)
    peer_tutors = models.PositiveSmallIntegerField(default=0)
    staff_tutors = models.PositiveSmallIntegerField(default=0)
    students = models.PositiveSmallIntegerField(default=0)
    others = models.CharField(max_length=200, blank=True, help_text="Other roles that took part, if any")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["college", "year"], name="qi_fidelity_one_per_college_year"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{f}__in": list(RECOLLECT_LEVELS)}), name=f"qi_fidelity_{f[:30]}_0_to_2"
                )
                for f, _n, _name in RECOLLECT_SCORED
            ],
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{f}__isnull": True}) | Q(**{f"{f}__in": list(RECOLLECT_LEVELS)}),
                    name=f"qi_fidelity_{f[:30]}_0_to_2",
                )
                for f, _n, _name in RECOLLECT_MODIFIABLE
            ],
        ]

    def __str__(self):
        return f"RECOLLECT fidelity {self.year}: {self.total} of {RECOLLECT_MAX}"

    @property
    def total(self):
        return sum(getattr(self, f) for f, _n, _name in RECOLLECT_SCORED)

    @property
    def participants(self):
        parts = []
        if self.manager_took_part:
            parts.append("the College manager")
        for n, word in (
            (self.peer_tutors, "peer tutor"),
            (self.staff_tutors, "staff tutor"),
            (self.students, "student"),
        ):
            if n:
                parts.append(f"{n} {word}{'' if n == 1 else 's'}")
        if self.others:
            parts.append(self.others)
        return ", ".join(parts)


class Benchmark(models.Model):
    """A benchmark row a College imports (Compare Colleges): another College's aggregate counts of
    the share of its teaching tutors who are Trust staff, for a period of whole months. Only counts
    and the name of the College they describe: never anyone's name."""

    college = models.ForeignKey("core.College", on_delete=models.CASCADE, related_name="qi_benchmarks")
    name = models.CharField(max_length=120, help_text="The College the counts describe")
    period_start = models.DateField(help_text="First day of the period's first month")
    period_end = models.DateField(help_text="Last day of the period's last month")
    numerator = models.PositiveIntegerField()
    denominator = models.PositiveIntegerField()
    source = models.CharField(max_length=300)
    imported_on = models.DateField()

    class Meta:
        ordering = ["-period_end", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["college", "name", "period_start", "period_end"], name="qi_benchmark_one_per_name_period"
            ),
            models.CheckConstraint(
                condition=Q(denominator__gte=1) & Q(numerator__lte=models.F("denominator")),
                name="qi_benchmark_numerator_within_denominator",
            ),
        ]

    def __str__(self):
        return f"{self.name} {self.period_start:%Y-%m} to {self.period_end:%Y-%m}"
