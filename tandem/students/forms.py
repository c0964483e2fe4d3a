"""Forms of the prospectus, sign-up, staff enrolment, bookings and attendance. The rules live in
tandem.students.services; these turn what was typed into values, and say plainly when it is not."""

from django import forms
from django.core.validators import validate_email

from tandem.core.forms import PlainForm, date_field
from tandem.courses.models import CourseRun

from .models import EqualityMonitoring, Feedback, Student

ANY = ""
DAY_CHOICES = [(ANY, "Any day")] + [(str(n), name) for n, name in CourseRun.WEEKDAYS]
WHERE_CHOICES = [(ANY, "In person or online"), ("online", "Online only"), ("in_person", "In person only")]


class ProspectusFilterForm(PlainForm):
    topic = forms.ChoiceField(label="Topic", required=False)
    day = forms.ChoiceField(label="Day", required=False, choices=DAY_CHOICES)
    where = forms.ChoiceField(label="Where", required=False, choices=WHERE_CHOICES)

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [(ANY, "Any topic")] + [(t, t) for t in topics]

    def filters(self):
        """The filters to apply; a nonsense value in the address is treated as "any"."""
        data = self.cleaned_data if self.is_valid() else {}
        day = data.get("day")
        where = data.get("where")
        return {
            "topic": data.get("topic") or "",
            "weekday": int(day) if day else None,
            "online": {"online": True, "in_person": False}.get(where),
        }


RELATION = dict(
    label="How are you connected to the College?",
    choices=Student.Relation.choices,
    widget=forms.RadioSelect,
    help_text="We ask so the College can tell who it reaches, nothing more",
    error_messages={
        "required": "Choose how you are connected to the College",
        "invalid_choice": "Choose one of the answers",
    },
)
ADJUSTMENTS = dict(
    label="Anything that would help you take part",
    required=False,
    max_length=2000,
    widget=forms.Textarea(attrs={"rows": 3}),
    help_text="For example, a quiet seat near the door, large print or a hearing loop. Only the "
    "College admin team can read this.",
)
AGREEMENT = dict(
    label="I have read the student agreement and accept it",
    error_messages={"required": "Read the student agreement and tick to say you accept it"},
)
CONTACT_EMAIL = dict(label="You may email me about my courses (bookings, reminders, places freed)", required=False)
CONTACT_PHONE = dict(label="You may phone me about my courses", required=False)


class SignUpForm(PlainForm):
    first_name = forms.CharField(
        label="First name", max_length=100, error_messages={"required": "Enter your first name"}
    )
    last_name = forms.CharField(label="Last name", max_length=100, error_messages={"required": "Enter your last name"})
    email = forms.EmailField(
        label="Email address",
        help_text="You sign in with it",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address like name@example.com",
        },
    )
    password = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput(render_value=False),
        strip=False,
        help_text="At least 12 characters, not a common password",
        error_messages={"required": "Choose a password"},
    )
    relation = forms.ChoiceField(**RELATION)
    adjustments = forms.CharField(**ADJUSTMENTS)
    contact_by_email = forms.BooleanField(initial=True, **CONTACT_EMAIL)
    contact_by_phone = forms.BooleanField(**CONTACT_PHONE)
    phone = forms.CharField(
        label="Phone number", max_length=40, required=False, help_text="Only if you would like the College to phone you"
    )
    agreement = forms.BooleanField(**AGREEMENT)

    def clean(self):
        data = super().clean()
        if data.get("contact_by_phone") and not (data.get("phone") or "").strip():
            self.add_error("phone", "Enter your phone number, or untick “You may phone me”")
        return data


class EnrolForm(PlainForm):
    """Staff enrol someone on their behalf (by phone, at the hub)."""

    first_name = forms.CharField(
        label="First name", max_length=100, error_messages={"required": "Enter the student's first name"}
    )
    last_name = forms.CharField(label="Last name", max_length=100, required=False)
    email = forms.EmailField(
        label="Email address",
        required=False,
        help_text="With an email address the student gets an account and a link to set a password",
        error_messages={"invalid": "Enter an email address like name@example.com"},
    )
    phone = forms.CharField(label="Phone number", max_length=40, required=False)
    relation = forms.ChoiceField(**{**RELATION, "label": "How are they connected to the College?", "help_text": ""})
    adjustments = forms.CharField(
        **{
            **ADJUSTMENTS,
            "label": "Reasonable adjustments they asked for",
            "help_text": "Only the College admin team can read this",
        }
    )
    contact_by_email = forms.BooleanField(
        initial=True, **{**CONTACT_EMAIL, "label": "They agree to emails about their courses"}
    )
    contact_by_phone = forms.BooleanField(**{**CONTACT_PHONE, "label": "They agree to phone calls about their courses"})
    agreement = forms.BooleanField(
        label="They have heard the student agreement and accept it",
        error_messages={"required": "Tick to say the student accepts the student agreement"},
    )

    def clean(self):
        data = super().clean()
        if not data.get("email") and not (data.get("phone") or "").strip() and "email" not in self.errors:
            self.add_error("email", "Enter an email address or a phone number, so the College can contact them")
        return data


class BookForm(PlainForm):
    """Book a place, or join the waiting list when the run is full."""

    waiting_list = forms.BooleanField(required=False, widget=forms.HiddenInput)


class AdminBookForm(PlainForm):
    run = forms.ModelChoiceField(
        label="Course",
        queryset=CourseRun.objects.none(),
        empty_label="Choose a course",
        error_messages={"required": "Choose the course to book", "invalid_choice": "Choose a course from the list"},
    )
    waiting_list = forms.BooleanField(label="If it is full, put them on the waiting list", required=False)

    def __init__(self, *args, runs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["run"].queryset = CourseRun.objects.filter(pk__in=[r.pk for r in runs]).select_related(
            "course", "term"
        )
        self.fields["run"].label_from_instance = lambda r: (
            f"{r.course.title}, {r.get_weekday_display()}s {r.start_time:%H:%M} from {r.start_date:%d %B %Y}"
        )


class ConfirmForm(PlainForm):
    pass


class SettingsForm(PlainForm):
    swemwbs_enabled = forms.BooleanField(
        label="Ask students the SWEMWBS wellbeing questionnaire at the start and end of each course",
        required=False,
        help_text="SWEMWBS is free for non-commercial use once the College has registered its use with the "
        "University of Warwick",
    )
    qpr_enabled = forms.BooleanField(
        label="Ask students the QPR-15 recovery questionnaire at the start and end of each course", required=False
    )
    feedback_enabled = forms.BooleanField(
        label="Ask students for feedback (the NHS Friends and Family Test) at the end of each course", required=False
    )
    runs_per_term = forms.IntegerField(
        label="Most courses a student may book in a term",
        required=False,
        min_value=1,
        max_value=50,
        help_text="Leave empty for no limit",
        error_messages={"invalid": "Enter a whole number, like 3"},
    )
    certificate_numerator = forms.IntegerField(
        label="Sessions needed for a certificate",
        min_value=0,
        max_value=50,
        help_text="For two thirds, enter 2 here and 3 below",
        error_messages={"required": "Enter a number, like 2", "invalid": "Enter a whole number, like 2"},
    )
    certificate_denominator = forms.IntegerField(
        label="In every this many delivered sessions",
        min_value=1,
        max_value=50,
        error_messages={"required": "Enter a number, like 3", "invalid": "Enter a whole number, like 3"},
    )

    def clean(self):
        data = super().clean()
        n, d = data.get("certificate_numerator"), data.get("certificate_denominator")
        if n is not None and d is not None and n > d:
            self.add_error("certificate_numerator", "Enter a number no bigger than the one below")
        return data


class AttendanceForm(PlainForm):
    """The students part of the session register: tick who came, add walk-ins (one a line)."""

    attended = forms.ModelMultipleChoiceField(
        label="Students who came",
        queryset=Student.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick everyone booked who came",
        error_messages={
            "invalid_choice": "Choose students from the list",
            "invalid_pk_value": "Choose students from the list",
        },
    )
    walk_ins = forms.CharField(
        label="Walk-ins",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Anyone who came without booking: one a line, their name and, if they "
        "give it, their email after a comma (Alex Smith, alex@example.com)",
    )

    def __init__(self, *args, students, label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].queryset = students
        self.fields["attended"].label_from_instance = label

    def clean_walk_ins(self):
        people = []
        for n, line in enumerate((self.cleaned_data.get("walk_ins") or "").splitlines(), start=1):
            if not line.strip():
                continue
            name, _, email = line.partition(",")
            name, email = name.strip(), email.strip()
            if not name:
                raise forms.ValidationError(f"Line {n}: give the walk-in's name before the comma")
            if len(name) > 200:
                raise forms.ValidationError(f"Line {n}: the name is too long")
            if email:
                try:
                    validate_email(email)
                except forms.ValidationError:
                    raise forms.ValidationError(f"Line {n}: {email} is not an email address") from None
            people.append((name, email))
        return people


# --- Part 2: learning plans, questionnaires, feedback, equality monitoring -----------------------


class GoalForm(PlainForm):
    text = forms.CharField(
        label="Your goal, in your own words",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write the goal in your own words"},
    )
    courses = forms.ModelMultipleChoiceField(
        label="Courses towards this goal",
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose courses from the list"},
    )

    def __init__(self, *args, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["courses"].queryset = courses


class GoalAchievedForm(PlainForm):
    achieved = forms.ChoiceField(
        label="Is this goal achieved?",
        choices=[("yes", "Yes"), ("no", "Not yet")],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the goal is achieved", "invalid_choice": "Choose Yes or Not yet"},
    )
    achieved_on = date_field(
        "Date it was achieved", required=False, help_text="Needed when it is achieved. For example, 2019-10-15"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["achieved_on"].widget.attrs["data-required-if"] = "yes"

    def clean(self):
        data = super().clean()
        if data.get("achieved") == "yes" and not data.get("achieved_on") and "achieved_on" not in self.errors:
            self.add_error("achieved_on", "Enter the date it was achieved")
        return data

    def chosen_date(self):
        """The date to record: None when not achieved yet."""
        return self.cleaned_data["achieved_on"] if self.cleaned_data["achieved"] == "yes" else None


class ReviewForm(PlainForm):
    reviewed_on = date_field("Date of the review")
    note = forms.CharField(
        label="What you talked about", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class QuestionnaireForm(PlainForm):
    """One radio question per item; an item left blank is kept blank (the score then does not count)."""

    def __init__(self, *args, items, choices, paper=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.n = len(items)
        for i, text in enumerate(items, start=1):
            self.fields[f"item_{i}"] = forms.TypedChoiceField(
                label=text,
                required=False,
                coerce=int,
                empty_value=None,
                choices=choices,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": "Choose one of the answers"},
            )
        if paper:
            self.fields["completed_on"] = date_field("Date it was filled in")

    def answers(self):
        return [self.cleaned_data.get(f"item_{i}") for i in range(1, self.n + 1)]


class FeedbackForm(PlainForm):
    answer = forms.ChoiceField(
        label="Overall, how was your experience of our service?",
        choices=Feedback.Answer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose an answer", "invalid_choice": "Choose one of the answers"},
    )
    comment = forms.CharField(
        label="Please can you tell us why you gave your answer?",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _optional(model_field, label):
    return forms.ChoiceField(
        label=label,
        required=False,
        widget=forms.RadioSelect,
        choices=EqualityMonitoring._meta.get_field(model_field).choices,
        error_messages={"invalid_choice": "Choose one of the answers, or leave it blank"},
    )


class EqualityForm(PlainForm):
    age_band = _optional("age_band", "Your age")
    gender = _optional("gender", "How do you describe your gender?")
    ethnicity = _optional("ethnicity", "Your ethnic group")
    disability = _optional("disability", "Do you consider yourself to have a disability?")
    sexual_orientation = _optional("sexual_orientation", "Your sexual orientation")
