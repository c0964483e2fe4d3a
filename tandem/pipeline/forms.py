from django import forms

from tandem.core.forms import date_field
from tandem.tutors.models import Tutor

from .models import PipelineEntry


class InterestForm(forms.Form):
    """The public "Interested in teaching?" form: contact and planning details only. It asks
    nothing about anyone's health."""

    name = forms.CharField(label="Your name", max_length=200, error_messages={"required": "Enter your name"})
    work_email = forms.EmailField(
        label="Your work email",
        max_length=254,
        help_text="For example, name@example.nhs.uk",
        error_messages={
            "required": "Enter your work email",
            "invalid": "Enter an email address in the correct format, like name@example.nhs.uk",
        },
    )
    profession = forms.CharField(
        label="Your profession",
        max_length=100,
        help_text="For example, occupational therapist",
        error_messages={"required": "Enter your profession"},
    )
    team = forms.CharField(
        label="Your team or service", max_length=100, error_messages={"required": "Enter your team or service"}
    )
    line_manager_name = forms.CharField(
        label="Your line manager's name",
        max_length=200,
        required=False,
        help_text="So we can explain release to them if you wish",
    )
    line_manager_email = forms.EmailField(
        label="Your line manager's work email",
        max_length=254,
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.nhs.uk"},
    )
    topics = forms.CharField(
        label="Topics you would like to teach or co-produce",
        max_length=2000,
        required=False,
        widget=forms.Textarea,
        help_text="For example, sleep, managing stress, understanding psychosis",
    )


class EntryForm(InterestForm):
    stage = forms.ChoiceField(label="Stage", choices=PipelineEntry.Stage.choices)
    on = date_field("Date they reached this stage")
    tutor = forms.ModelChoiceField(
        label="Tutor record",
        queryset=None,
        required=False,
        empty_label="Not a tutor yet",
        help_text="Link the person to their staff tutor record once they have one",
    )

    def __init__(self, *args, college, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("name", "work_email", "profession", "team"):
            self.fields[name].label = self.fields[name].label.replace("Your ", "").capitalize()
        self.fields["line_manager_name"].label = "Line manager's name"
        self.fields["line_manager_email"].label = "Line manager's work email"
        self.fields["topics"].label = "Topics of interest"
        self.fields["tutor"].queryset = Tutor.objects.filter(college=college, kind=Tutor.Kind.STAFF)


class StageForm(forms.Form):
    stage = forms.ChoiceField(label="New stage", choices=PipelineEntry.Stage.choices)
    on = date_field("Date they reached it")
    tutor = forms.ModelChoiceField(
        label="Tutor record",
        queryset=None,
        required=False,
        empty_label="Leave as it is",
        help_text="Link the person to their staff tutor record once they have one",
    )

    def __init__(self, *args, college, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tutor"].queryset = Tutor.objects.filter(college=college, kind=Tutor.Kind.STAFF)


class EntryFilterForm(forms.Form):
    q = forms.CharField(label="Name, team, profession or topic", required=False)
    stage = forms.ChoiceField(label="Stage", required=False, choices=[("", "Any"), *PipelineEntry.Stage.choices])


class SubmissionReviewForm(forms.Form):
    action = forms.ChoiceField(
        label="What should happen to this form?",
        widget=forms.RadioSelect,
        choices=[
            ("use", "Use its details for the record (details left blank on the form keep the record's)"),
            ("discard", "Discard it: the record stays as it is"),
        ],
        error_messages={"required": "Choose whether to use the details or discard the form"},
    )
