from django import forms
from django.conf import settings

from tandem.core.models import Term

from .slots import DAYSLOT_CHOICES, SLOTS, WEEKDAYS, dayslot_key, parse_dayslot, term_weeks

ONLINE = "online"
DAY_CHOICES = [(str(i), d) for i, d in enumerate(WEEKDAYS)]
SLOT_PICK = [(str(i), f"{label} (from {start:%H:%M})") for i, (_id, label, start, _end) in enumerate(SLOTS)]
WEIGHTS = [(i, f"{i}") for i in range(1, 6)]


def venue_choices(college):
    return [(str(s.pk), f"{s.name} ({s.get_kind_display().lower()})") for s in college.sites.order_by("name")] + [
        (ONLINE, "Online")
    ]


def venue_of(value, college):
    """('online' | site pk) -> (online, site)."""
    if value == ONLINE:
        return True, None
    return False, college.sites.get(pk=int(value))


class WishListForm(forms.Form):
    term = forms.ModelChoiceField(
        queryset=Term.objects.none(), label="Term to plan", help_text="Usually next term. A term has one wish list."
    )

    def __init__(self, *args, college, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = Term.objects.filter(college=college, wish_lists__isnull=True).order_by(
            "-starts_on"
        )
        self.fields["term"].empty_label = None


NEXT_SEASON = {"autumn": ("spring", 1), "spring": ("summer", 0), "summer": ("autumn", 0)}


class NewTermForm(forms.Form):
    """The next term, when the College has not recorded it yet."""

    season = forms.ChoiceField(choices=Term.Season.choices, label="Season")
    year = forms.IntegerField(min_value=2000, max_value=2100, label="Year")
    starts_on = forms.DateField(
        label="First day", help_text="For example, 2020-01-06", widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label="Last day", help_text="For example, 2020-03-27", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, college, **kwargs):
        latest = Term.objects.filter(college=college).order_by("-starts_on").first()
        if latest is not None and "initial" not in kwargs:
            season, bump = NEXT_SEASON[latest.season]
            year = latest.year + bump
            before = Term.objects.filter(college=college, season=season, year=year - 1).first()
            initial = {"season": season, "year": year}
            if before is not None:
                try:
                    initial["starts_on"] = before.starts_on.replace(year=before.starts_on.year + 1)
                    initial["ends_on"] = before.ends_on.replace(year=before.ends_on.year + 1)
                except ValueError:  # 29 February
                    pass
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.college = college

    def clean(self):
        data = super().clean()
        a, b = data.get("starts_on"), data.get("ends_on")
        if a and b and b <= a:
            self.add_error("ends_on", "The last day must be after the first day.")
        if (
            data.get("season")
            and data.get("year")
            and Term.objects.filter(college=self.college, season=data["season"], year=data["year"]).exists()
        ):
            self.add_error("season", "The College already has this term: choose it above.")
        return data


class _Defaults(forms.Form):
    """Where and when the runs may go (shared by the catalogue page)."""

    days = forms.MultipleChoiceField(
        choices=DAY_CHOICES, widget=forms.CheckboxSelectMultiple, label="Days the runs may meet"
    )
    slots = forms.MultipleChoiceField(choices=SLOT_PICK, widget=forms.CheckboxSelectMultiple, label="Times of day")
    start_week_min = forms.IntegerField(
        min_value=1, required=False, label="Earliest start week", help_text="Leave empty for week 1"
    )
    start_week_max = forms.IntegerField(
        min_value=1,
        required=False,
        label="Latest start week",
        help_text="Leave empty for the latest week each course can start and still finish in the term",
    )
    venue = forms.ChoiceField(label="Where")
    cohort = forms.IntegerField(min_value=1, max_value=200, initial=12, label="Places per run")
    needs_accessible = forms.BooleanField(required=False, label="Needs a room with step-free access")

    def allowed(self):
        return [[int(d), int(s)] for d in self.cleaned_data["days"] for s in self.cleaned_data["slots"]]


class AddCoursesForm(_Defaults):
    """Pick courses from the catalogue: how many runs of each and their priority."""

    def __init__(self, *args, college, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.courses = list(courses)
        self.fields["venue"].choices = venue_choices(college)
        hub = college.sites.filter(kind="hub").order_by("pk").first()
        self.fields["venue"].initial = str(hub.pk) if hub else ONLINE
        self.fields["days"].initial = [c for c, _l in DAY_CHOICES]
        self.fields["slots"].initial = ["0", "1"]
        for c in self.courses:
            self.fields[f"runs_{c.pk}"] = forms.IntegerField(
                min_value=0, max_value=6, initial=0, required=False, label=f"Runs of {c.title}"
            )
            self.fields[f"weight_{c.pk}"] = forms.TypedChoiceField(
                choices=WEIGHTS, coerce=int, initial=1, required=False, empty_value=1, label=f"Priority of {c.title}"
            )

    def rows(self):
        return [(c, self[f"runs_{c.pk}"], self[f"weight_{c.pk}"]) for c in self.courses]

    def items(self):
        out = []
        for c in self.courses:
            n = self.cleaned_data.get(f"runs_{c.pk}") or 0
            if n:
                out.append((c, n, self.cleaned_data.get(f"weight_{c.pk}") or 1))
        return out

    def clean(self):
        data = super().clean()
        if not self.errors and not self.items():
            raise forms.ValidationError("Enter how many runs you want of at least one course.")
        return data


class WishedRunForm(forms.Form):
    weight = forms.TypedChoiceField(
        choices=WEIGHTS,
        coerce=int,
        label="Priority",
        help_text="1 is nice to have, 5 is most wanted. The planner offers the largest total it can.",
    )
    allowed = forms.MultipleChoiceField(
        choices=DAYSLOT_CHOICES, widget=forms.CheckboxSelectMultiple, label="Days and times it may meet"
    )
    start_week_min = forms.IntegerField(min_value=1, label="Earliest start week")
    start_week_max = forms.IntegerField(min_value=1, label="Latest start week")
    venue = forms.ChoiceField(label="Where")
    cohort = forms.IntegerField(min_value=1, max_value=200, label="Places")
    needs_accessible = forms.BooleanField(required=False, label="Needs a room with step-free access")
    split_allowed = forms.BooleanField(required=False, label="The two halves may have different tutor pairs")
    mandatory = forms.BooleanField(required=False, label="Must run (the plan fails if it cannot)")

    def __init__(self, *args, college, wished_run=None, **kwargs):
        if wished_run is not None and "initial" not in kwargs:
            w = wished_run
            kwargs["initial"] = {
                "weight": w.weight,
                "allowed": [dayslot_key(d, s) for d, s in w.allowed],
                "start_week_min": w.start_week_min,
                "start_week_max": w.start_week_max,
                "venue": ONLINE if w.online else str(w.site_id),
                "cohort": w.cohort,
                "needs_accessible": w.needs_accessible,
                "split_allowed": w.split_allowed,
                "mandatory": w.mandatory,
            }
        super().__init__(*args, **kwargs)
        self.fields["venue"].choices = venue_choices(college)
        if wished_run is not None:
            weeks = term_weeks(wished_run.wish_list.term)
            self.fields["start_week_max"].help_text = (
                f"The term has {weeks} weeks; {wished_run.course.title} has {wished_run.course.number_of_sessions} "
                f"sessions, so it can start by week {max(1, weeks - wished_run.course.number_of_sessions + 1)}."
            )

    def clean_allowed(self):
        return sorted(parse_dayslot(v) for v in self.cleaned_data["allowed"])


class PlanForm(forms.Form):
    time_limit = forms.IntegerField(
        min_value=5,
        max_value=300,
        label="Time for the planner, in seconds",
        help_text="The first plan comes in about a second; the planner then improves it and "
        "proves how good it is. It stops early once the plan is proven best.",
    )
    what_if = forms.BooleanField(
        required=False,
        initial=True,
        label="Also find which one extra staff tutor would let most courses run (as much time again)",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_limit"].initial = int(settings.PLANNER_TIME_LIMIT)


class RaiseReleaseForm(forms.Form):
    tutor = forms.TypedChoiceField(coerce=int, label="Staff tutor")
    hours = forms.DecimalField(min_value=0.5, max_value=200, decimal_places=2, label="Extra hours of release this term")

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tutor"].choices = choices


class AvailabilityForm(forms.Form):
    dayslots = forms.MultipleChoiceField(
        choices=DAYSLOT_CHOICES, widget=forms.CheckboxSelectMultiple, required=False, label="Times this tutor can teach"
    )

    def clean_dayslots(self):
        return [parse_dayslot(v) for v in self.cleaned_data["dayslots"]]
