from django import forms

from tandem.accounts.models import User
from tandem.tutors.models import Tutor


class SubjectAccessForm(forms.Form):
    tutor = forms.ModelChoiceField(
        label="Tutor",
        queryset=Tutor.objects.none(),
        required=False,
        help_text="Their user account, if they have one, is included",
    )
    user = forms.ModelChoiceField(label="Or a user account", queryset=User.objects.none(), required=False)
    format = forms.ChoiceField(
        label="Format", choices=[("pdf", "PDF, to send to the person"), ("json", "JSON, machine-readable")]
    )

    def __init__(self, *args, college, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tutor"].queryset = Tutor.objects.filter(college=college)
        self.fields["user"].queryset = User.objects.filter(college=college).order_by("username")
        self.fields["tutor"].empty_label = "Choose a tutor"
        self.fields["user"].empty_label = "Choose a user"

    def clean(self):
        data = super().clean()
        if not data.get("tutor") and not data.get("user"):
            self.add_error("tutor", "Choose the tutor or the user account whose records to export")
        return data


class EraseForm(forms.Form):
    reason = forms.CharField(
        label="Why are this tutor's records being erased?",
        max_length=180,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the tutor asked on 3 March 2020 (request 2020-014). Recorded in the audit log",
        error_messages={"required": "Say why this tutor's records are being erased"},
    )
    confirm = forms.BooleanField(
        label="I understand this cannot be undone",
        error_messages={"required": "Confirm that you understand this cannot be undone"},
    )
