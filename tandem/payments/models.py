"""Peer-tutor pay: rate cards, the staff comparator (pay table, staff grades, College policy),
logged work, expenses, payments and each tutor's own choice about taking them.

Peer tutors are paid sessional workers; staff tutors are salaried by their employer and never
get a payment row. Expenses are reimbursements, kept apart from pay and never counted as pay.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from . import pay


class Activity(models.TextChoices):
    DELIVERY = "delivery", "Delivery"
    PREPARATION = "preparation", "Preparation"
    COPRODUCTION = "coproduction", "Co-production"
    SUPERVISION = "supervision", "Supervision"
    TRAINING = "training", "Training"


LOGGED_ACTIVITIES = [c for c in Activity.choices if c[0] != Activity.DELIVERY]
MONEY = {"max_digits": 9, "decimal_places": 2}


class RateCard(models.Model):
    """A College's peer-tutor rates from a date until the next card takes over."""

    class Basis(models.TextChoices):
        HOUR = "hour", "Per hour"
        SESSION = "session", "Per session"

    college = models.ForeignKey("core.College", on_delete=models.CASCADE, related_name="rate_cards")
    effective_from = models.DateField()
    delivery_basis = models.CharField(max_length=7, choices=Basis.choices, default=Basis.HOUR)
    delivery_rate = models.DecimalField(**MONEY, help_text="£ per hour or per session delivered")
    hourly_rate = models.DecimalField(**MONEY, help_text="£ per hour of logged work that this card pays")
    pays_delivery = models.BooleanField(default=True)
    pays_preparation = models.BooleanField(default=False)
    pays_coproduction = models.BooleanField(default=False)
    pays_supervision = models.BooleanField(default=False)
    pays_training = models.BooleanField(default=False)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["college", "effective_from"], name="rate_card_one_per_date"),
            models.CheckConstraint(
                condition=Q(delivery_rate__gte=0) & Q(hourly_rate__gte=0), name="rate_card_rates_not_negative"
            ),
        ]

    def __str__(self):
        return f"Rate card from {self.effective_from:%d %B %Y}"

    def pays(self, activity):
        return bool(getattr(self, f"pays_{activity}"))

    @property
    def paid_activities(self):
        return [label for value, label in Activity.choices if self.pays(value)]


class PayPolicy(models.Model):
    """How a College checks pay parity: which staff pay is the comparator, and how much
    preparation a delivered session implies when less (or none) is logged."""

    class Comparator(models.TextChoices):
        PAIRED = "paired", "The paired staff tutor's band"
        LOWEST = "lowest", "The lowest staff band on the course run"
        FLOOR = "floor", "The College's floor band"

    college = models.OneToOneField("core.College", on_delete=models.CASCADE, related_name="pay_policy")
    comparator = models.CharField(max_length=6, choices=Comparator.choices, default=Comparator.PAIRED)
    floor_band = models.CharField(max_length=3, blank=True, help_text="For example 5 or 8a")
    floor_point = models.PositiveSmallIntegerField(null=True, blank=True)
    prep_hours_per_session = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.00"),
        help_text="Preparation each delivered session needs, counted when less is logged",
    )

    class Meta:
        verbose_name_plural = "pay policies"
        constraints = [
            models.CheckConstraint(condition=Q(prep_hours_per_session__gte=0), name="policy_prep_not_negative"),
            models.CheckConstraint(
                condition=~Q(comparator="floor") | ~Q(floor_band=""), name="policy_floor_needs_band"
            ),
        ]

    def __str__(self):
        return f"Pay policy of {self.college}"


class PayYear(models.Model):
    """One pay year of the Agenda for Change table as the College records it (1 April to 31 March)."""

    college = models.ForeignKey("core.College", on_delete=models.CASCADE, related_name="pay_years")
    label = models.CharField(max_length=7, help_text="For example 2019/20")
    starts_on = models.DateField()
    hcas_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    hcas_min = models.DecimalField(**MONEY, null=True, blank=True)
    hcas_max = models.DecimalField(**MONEY, null=True, blank=True)
    illustrative = models.BooleanField(
        default=False, help_text="Figures are illustrative, not the official Agenda for Change table"
    )
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["college", "label"], name="pay_year_label_unique"),
            models.UniqueConstraint(fields=["college", "starts_on"], name="pay_year_start_unique"),
        ]

    def __str__(self):
        return self.label

    @property
    def has_hcas(self):
        return self.hcas_percent is not None


class PayPoint(models.Model):
    pay_year = models.ForeignKey(PayYear, on_delete=models.CASCADE, related_name="points")
    band = models.CharField(max_length=3)
    point = models.PositiveSmallIntegerField()
    annual_salary = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["pay_year", "band", "point"]
        constraints = [
            models.UniqueConstraint(fields=["pay_year", "band", "point"], name="pay_point_unique"),
            models.CheckConstraint(condition=Q(annual_salary__gt=0), name="pay_point_salary_positive"),
        ]

    def __str__(self):
        return f"Band {self.band} point {self.point} ({self.pay_year})"

    @property
    def hcas(self):
        y = self.pay_year
        return pay.hcas(self.annual_salary, percent=y.hcas_percent, minimum=y.hcas_min, maximum=y.hcas_max)

    @property
    def hourly(self):
        y = self.pay_year
        return pay.hourly_equivalent(
            self.annual_salary, hcas_percent=y.hcas_percent, hcas_min=y.hcas_min, hcas_max=y.hcas_max
        )


class StaffPayGrade(models.Model):
    """A staff tutor's Agenda for Change band and pay point from a date (the comparator's input)."""

    tutor = models.ForeignKey("tutors.Tutor", on_delete=models.CASCADE, related_name="pay_grades")
    band = models.CharField(max_length=3)
    point = models.PositiveSmallIntegerField()
    from_date = models.DateField()

    class Meta:
        ordering = ["tutor", "-from_date"]
        constraints = [models.UniqueConstraint(fields=["tutor", "from_date"], name="staff_grade_one_per_date")]

    def __str__(self):
        return f"{self.tutor}: band {self.band} point {self.point} from {self.from_date}"


class WorkLog(models.Model):
    """Hours a tutor logs for work other than delivering a session (that comes from the session)."""

    tutor = models.ForeignKey("tutors.Tutor", on_delete=models.PROTECT, related_name="work_logs")
    date = models.DateField()
    activity = models.CharField(max_length=12, choices=LOGGED_ACTIVITIES)
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    run = models.ForeignKey(
        "courses.CourseRun", on_delete=models.PROTECT, null=True, blank=True, related_name="work_logs"
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=24), name="work_log_hours_in_a_day"),
            models.CheckConstraint(condition=~Q(activity="delivery"), name="work_log_not_delivery"),
        ]

    def __str__(self):
        return f"{self.tutor}: {self.get_activity_display()} {self.hours} h on {self.date}"


class Expense(models.Model):
    """Money paid back to a tutor (travel, materials). Never pay, never in the parity check."""

    tutor = models.ForeignKey("tutors.Tutor", on_delete=models.PROTECT, related_name="expenses")
    date = models.DateField()
    amount = models.DecimalField(**MONEY)
    description = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="expense_amount_positive")]

    def __str__(self):
        return f"{self.tutor}: £{self.amount} on {self.date}"


class Payment(models.Model):
    """One item of a peer tutor's pay: a delivered session, or one logged piece of work.

    The rate is copied from the rate card in force on the day, so a later card never changes a
    payment already made. Status moves pending → approved → paid and never back.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        PAID = "paid", "Paid"

    tutor = models.ForeignKey("tutors.Tutor", on_delete=models.PROTECT, related_name="payments")
    activity = models.CharField(max_length=12, choices=Activity.choices)
    session = models.ForeignKey(
        "courses.Session", on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    work_log = models.OneToOneField(WorkLog, on_delete=models.PROTECT, null=True, blank=True, related_name="payment")
    run = models.ForeignKey(
        "courses.CourseRun", on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    date = models.DateField(db_index=True)
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    basis = models.CharField(max_length=7, choices=RateCard.Basis.choices)
    rate = models.DecimalField(**MONEY)
    amount = models.DecimalField(**MONEY)
    rate_card = models.ForeignKey(RateCard, on_delete=models.PROTECT, related_name="payments")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-date", "tutor__last_name", "id"]
        # A College's payments are found from its tutors (College → tutors → payments), by status
        # and date: the payments list, its totals and pay parity.
        indexes = [models.Index(fields=["tutor", "status", "date"], name="payment_tutor_status_date")]
        constraints = [
            models.UniqueConstraint(
                fields=["tutor", "session"],
                condition=Q(session__isnull=False),
                name="payment_one_per_tutor_per_session",
            ),
            # Exactly one source: a delivered session, or a logged piece of other work.
            models.CheckConstraint(
                condition=(
                    Q(activity="delivery", session__isnull=False, work_log__isnull=True)
                    | (~Q(activity="delivery") & Q(session__isnull=True, work_log__isnull=False))
                ),
                name="payment_has_one_source",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(rate__gte=0) & Q(hours__gte=0), name="payment_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(approved_at__isnull=False), name="payment_approved_has_time"
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_at__isnull=False), name="payment_paid_has_time"
            ),
        ]

    def __str__(self):
        return f"{self.tutor}: {self.get_activity_display()} on {self.date}, £{self.amount}"

    @property
    def reference(self):
        return f"PAY-{self.pk:06d}"

    @property
    def approved_on(self):
        return timezone.localtime(self.approved_at).date() if self.approved_at else None

    @property
    def paid_on(self):
        return timezone.localtime(self.paid_at).date() if self.paid_at else None

    @property
    def amount_to_pay(self):
        """What the tutor takes: their recorded choice if they made one, else the full amount."""
        choice = getattr(self, "choice", None)
        return self.amount if choice is None else choice.amount_taken


class PaymentChoice(models.Model):
    """A tutor's own choice to take all, part or none of a payment (for example to stay within
    benefit rules). Recorded by the tutor, or by an admin with the tutor's stated choice; never a
    default: with no choice recorded the tutor is paid in full."""

    class Decision(models.TextChoices):
        ALL = "all", "Take all of it"
        PART = "part", "Take part of it"
        NONE = "none", "Decline it"

    class Reason(models.TextChoices):
        BENEFITS = "benefits", "To stay within benefit rules"
        VOLUNTEER = "volunteer", "I would rather give this time as a volunteer"
        OTHER = "other", "Another reason"

    payment = models.OneToOneField(Payment, on_delete=models.CASCADE, related_name="choice")
    decision = models.CharField(max_length=4, choices=Decision.choices)
    amount_taken = models.DecimalField(**MONEY)
    reason = models.CharField(max_length=10, choices=Reason.choices, blank=True)
    note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    on_behalf = models.BooleanField(default=False, help_text="Recorded by an admin with the tutor's stated choice")
    stated_how = models.CharField(max_length=200, blank=True, help_text="How the tutor told the admin")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount_taken__gte=0), name="choice_amount_not_negative"),
            models.CheckConstraint(condition=Q(decision="all") | ~Q(reason=""), name="choice_reason_unless_all"),
            models.CheckConstraint(condition=Q(on_behalf=False) | ~Q(stated_how=""), name="choice_on_behalf_says_how"),
        ]

    def __str__(self):
        return f"{self.payment}: {self.get_decision_display()}"
