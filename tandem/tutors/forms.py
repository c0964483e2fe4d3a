from django import forms

from tandem.accounts.models import Role, User
from tandem.core.models import Organisation

from .models import Tutor


class TutorForm(forms.ModelForm):
    class Meta:
        model = Tutor
        fields = [
            "kind",
            "first_name",
            "last_name",
            "email",
            "status",
            "coproduction_trained_on",
            "joined_on",
            "left_on",
            "employer",
            "profession",
            "team",
            "line_manager",
        ]
        labels = {
            "kind": "Kind of tutor",
            "coproduction_trained_on": "Date of co-production training",
            "joined_on": "Date they joined",
            "left_on": "Date they left",
        }
        help_texts = {
            "employer": "Staff tutors only",
            "profession": "Staff tutors only, for example social worker",
            "team": "Staff tutors only",
            "line_manager": "Staff tutors only: who approves their release to teach",
        }
        error_messages = {
            "first_name": {"required": "Enter the tutor's first name"},
            "last_name": {"required": "Enter the tutor's last name"},
            "email": {
                "required": "Enter the tutor's email address",
                "invalid": "Enter an email address in the correct format, like name@example.nhs.uk",
            },
            "kind": {"required": "Choose whether this is a peer or a staff tutor"},
        }

    def __init__(self, *args, college, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("coproduction_trained_on", "joined_on", "left_on"):
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"})
            self.fields[name].help_text = "For example, 2019-02-15"
            self.fields[name].error_messages["invalid"] = "Enter a real date, like 2019-02-15"
        self.fields["employer"].queryset = Organisation.objects.all()
        self.fields["line_manager"].queryset = User.objects.filter(college=college, role=Role.LINE_MANAGER)
        self.fields["kind"].choices = [("", "Choose one"), *Tutor.Kind.choices]

    def clean(self):
        data = super().clean()
        if data.get("kind") == Tutor.Kind.PEER:
            # A peer tutor's employment is not recorded: drop anything typed into staff-only fields.
            data.update(employer=None, profession="", team="", line_manager=None)
        if data.get("kind") == Tutor.Kind.STAFF and not data.get("employer"):
            self.add_error("employer", "Choose the staff tutor's employer")
        return data


class TutorFilterForm(forms.Form):
    q = forms.CharField(label="Name, profession or team", required=False)
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any"), *Tutor.Kind.choices])
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any"), *Tutor.Status.choices])


class SensitiveProfileForm(forms.Form):
    lived_experience = forms.CharField(
        label="Lived experience the tutor chooses to share",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only with the tutor's agreement, and only what they want the College to know",
    )
    support_needs = forms.CharField(
        label="Support needs",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Adjustments or support they ask for when teaching",
    )
