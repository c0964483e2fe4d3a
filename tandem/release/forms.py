from django import forms

from tandem.core.forms import date_field
from tandem.core.models import Term

from .models import ReleaseRequest

RR = ReleaseRequest
DATE_HINT = "For example, 2019-10-15"


class RunChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, run):
        return (
            f"{run.course.title}, {run.term}: {run.get_weekday_display()}s from {run.start_date:%d %b %Y} "
            f"({run.course.number_of_sessions} session{'s' if run.course.number_of_sessions != 1 else ''})"
        )


class StartForm(forms.Form):
    """Step 1: who asks (an admin chooses the staff tutor), and what for."""

    tutor = forms.ModelChoiceField(
        label="Staff tutor",
        queryset=None,
        empty_label="Choose a staff tutor",
        error_messages={"required": "Choose the staff tutor who asks for release"},
    )
    kind = forms.ChoiceField(
        label="What is the release for?",
        choices=[("", "Choose one"), *RR.Kind.choices],
        error_messages={"required": "Choose a course run or co-production work"},
    )
    run = RunChoiceField(
        label="Course run",
        queryset=None,
        required=False,
        empty_label="Choose a course run",
        help_text="Only for a course run",
    )

    def __init__(self, *args, tutors, runs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tutor"].queryset = tutors
        self.fields["run"].queryset = runs.select_related("course", "term").order_by("start_date", "start_time")
        self.fields["tutor"].label_from_instance = lambda t: f"{t.full_name} ({t.team or t.profession or 'staff'})"

    def clean(self):
        data = super().clean()
        if data.get("kind") == RR.Kind.RUN and not data.get("run"):
            self.add_error("run", "Choose the course run")
        return data


class SessionsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, s):
        return f"{s.date:%a %d %b %Y}, {s.start_time:%H:%M} to {s.end_time:%H:%M} ({s.hours:g} hours)"


class RunRequestForm(forms.Form):
    sessions = SessionsField(
        label="Sessions to ask release for", queryset=None, error_messages={"required": "Choose at least one session"}
    )
    purpose = forms.CharField(
        label="What the release is for",
        widget=forms.Textarea,
        help_text="For example, co-delivering the course with a peer tutor, and preparing each session",
        error_messages={"required": "Say what the release is for"},
        max_length=2000,
    )

    def __init__(self, *args, run, **kwargs):
        super().__init__(*args, **kwargs)
        sessions = run.sessions.order_by("date", "start_time")
        if sessions.exists():
            self.fields["sessions"].queryset = sessions
            self.fields["sessions"].initial = list(sessions.values_list("pk", flat=True))
        else:
            del self.fields["sessions"]


class CoproductionRequestForm(forms.Form):
    hours = forms.DecimalField(
        label="Hours needed",
        min_value=0.5,
        max_value=500,
        decimal_places=2,
        error_messages={
            "required": "Enter the hours the work needs",
            "invalid": "Enter the hours as a number, like 6 or 7.5",
            "min_value": "Enter at least 0.5 hours",
        },
    )
    starts_on = date_field("Start date")
    ends_on = date_field("End date", required=False)
    purpose = forms.CharField(
        label="What the release is for",
        widget=forms.Textarea,
        help_text="For example, co-producing a new course on sleep with a peer tutor",
        error_messages={"required": "Say what the release is for"},
        max_length=2000,
    )

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The end date must be on or after the start date")
        return data


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve"), ("approve_part", "Approve in part"), ("decline", "Decline")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose approve, approve in part or decline"},
    )
    sessions = SessionsField(label="Sessions you approve", queryset=None, required=False)
    hours = forms.DecimalField(
        label="Hours you approve",
        required=False,
        min_value=0.5,
        decimal_places=2,
        error_messages={"invalid": "Enter the hours as a number, like 6 or 7.5"},
    )
    reason = forms.ChoiceField(
        label="Reason", required=False, choices=[("", "Choose a reason"), *RR.DeclineReason.choices]
    )
    note = forms.CharField(
        label="Say more",
        required=False,
        widget=forms.Textarea,
        max_length=500,
        help_text="Needed when the reason is “Another reason”. The tutor sees it.",
    )

    def __init__(self, *args, release_request, **kwargs):
        super().__init__(*args, **kwargs)
        self.part_by_sessions = release_request.kind == RR.Kind.RUN and release_request.sessions.exists()
        if self.part_by_sessions:
            self.fields["sessions"].queryset = release_request.sessions.order_by("date", "start_time")
            del self.fields["hours"]
        else:
            del self.fields["sessions"]

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision == "approve_part":
            if self.part_by_sessions and not data.get("sessions"):
                self.add_error("sessions", "Choose the sessions you approve")
            if not self.part_by_sessions and not data.get("hours"):
                self.add_error("hours", "Enter the hours you approve")
        if decision == "decline":
            if not data.get("reason"):
                self.add_error("reason", "Choose why you decline the request")
            elif data["reason"] == RR.DeclineReason.OTHER and not (data.get("note") or "").strip():
                self.add_error("note", "Say why you decline the request")
        return data


class BudgetForm(forms.Form):
    term = forms.ModelChoiceField(
        label="Term", queryset=None, empty_label="Choose a term", error_messages={"required": "Choose the term"}
    )
    hours = forms.DecimalField(
        label="Release budget in hours",
        min_value=0,
        max_value=1000,
        decimal_places=2,
        error_messages={
            "required": "Enter the hours",
            "invalid": "Enter the hours as a number, like 24",
            "min_value": "Enter 0 or more hours",
        },
    )

    def __init__(self, *args, college, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = Term.objects.filter(college=college).order_by("-starts_on")


class TermForm(forms.Form):
    term = forms.ModelChoiceField(label="Term", queryset=None, required=False, empty_label=None)

    def __init__(self, *args, college, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = Term.objects.filter(college=college).order_by("-starts_on")
