from django import forms

from tandem.tutors.models import Tutor

from .models import Role


class TutorRecordChoice(forms.ModelChoiceField):
    def label_from_instance(self, t):
        return f"{t.full_name} ({t.get_kind_display().lower()}, {t.email})"


class PersonForm(forms.Form):
    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": "Enter the person's first name"}
    )
    last_name = forms.CharField(
        label="Last name", max_length=150, error_messages={"required": "Enter the person's last name"}
    )
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter the person's email address",
            "invalid": "Enter an email address like name@example.nhs.uk",
        },
    )
    role = forms.ChoiceField(
        label="Role",
        widget=forms.RadioSelect,
        choices=Role.choices,
        error_messages={"required": "Choose the person's role", "invalid_choice": "Choose a role from the list"},
    )
    tutor = TutorRecordChoice(
        label="Their tutor record",
        queryset=Tutor.objects.none(),
        required=False,
        empty_label="Not a tutor",
        help_text="A tutor's account shows them their own record, runs and sessions",
        error_messages={"invalid_choice": "Choose a tutor record from the list"},
    )

    def __init__(self, *args, college, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        free = Tutor.objects.filter(college=college, user__isnull=True)
        if user is not None:
            free = free | Tutor.objects.filter(college=college, user=user)
        self.fields["tutor"].queryset = free.order_by("last_name", "first_name")


class InviteForm(PersonForm):
    username = forms.CharField(
        label="Username",
        max_length=150,
        help_text="What they type to sign in, for example pat.jones",
        error_messages={"required": "Enter a username"},
    )
    field_order = ["first_name", "last_name", "email", "username", "role", "tutor"]
