from django import forms
from django.conf import settings


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="What the file holds",
        choices=[
            ("", "Choose one"),
            ("tutors", "Tutors"),
            ("courses", "Courses"),
            ("sessions", "Past session registers (one row per session)"),
        ],
        error_messages={"required": "Choose whether the file holds tutors, courses or past session registers"},
    )
    file = forms.FileField(
        label="File",
        help_text="A CSV file saved from a spreadsheet (past registers may also be an Excel .xlsx workbook). "
        "The first row holds the column names.",
        error_messages={"required": "Choose a CSV file to upload", "empty": "The file you chose is empty"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file must be smaller than {limit // 1024} KB (it is {upload.size // 1024} KB)"
            )
        return upload


def add_service_errors(form, exc):
    """Put a service's ValidationError on the form: each message on its field where the form has
    that field, else at the top (a message without a field, or for a field the form lacks)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def date_field(label, *, required=True, help_text="For example, 2019-10-15"):
    """A date typed as YYYY-MM-DD (the browser's date picker fills it), with plain-English errors."""
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a real date, like 2019-10-15", "required": f"Enter the {label.lower()}"},
    )


class SetupForm(forms.Form):
    trust = forms.CharField(
        label="The NHS Trust's name",
        max_length=200,
        help_text="The employer whose staff the QI outcome measure counts",
        error_messages={"required": "Enter the Trust's name"},
    )
    college = forms.CharField(
        label="The College's name", max_length=200, error_messages={"required": "Enter the College's name"}
    )
    slug = forms.CharField(
        label="Short name for web addresses",
        max_length=50,
        help_text="Lower-case letters, digits and hyphens, like northvale",
        error_messages={"required": "Enter a short name for web addresses"},
    )
    partners = forms.CharField(
        label="Partner employers",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Councils, charities and others whose staff teach: one a line",
    )
    admin_username = forms.CharField(
        label="The first College admin's username",
        max_length=150,
        error_messages={"required": "Enter a username for the College admin"},
    )
    admin_email = forms.EmailField(
        label="The College admin's email address",
        error_messages={
            "required": "Enter the College admin's email address",
            "invalid": "Enter an email address like name@example.nhs.uk",
        },
    )


# Plain English for Django's stock messages ("Ensure this value has at most 200 characters"),
# used where a form has not said something better for the field.
PLAIN_MESSAGES = {
    "max_length": "Enter at most %(limit_value)d characters (this has %(show_value)d)",
    "min_length": "Enter at least %(limit_value)d characters (this has %(show_value)d)",
    "max_digits": "Enter a number with at most %(max)s digits",
    "max_decimal_places": "Enter a number with at most %(max)s decimal places",
    "max_whole_digits": "Enter a smaller number",
    "min_value": "Enter %(limit_value)s or more",
    "max_value": "Enter %(limit_value)s or less",
    "invalid_pk_value": "Choose from the list",
    "invalid_list": "Choose from the list",
    "invalid_choice": "Choose from the list",
}


def plain_errors(form):
    """Replace each field's stock Django messages (not those the form chose) with plain English."""
    for field in form.fields.values():
        stock = {}
        for cls in reversed(type(field).__mro__):
            stock.update({k: str(v) for k, v in getattr(cls, "default_error_messages", {}).items()})
        for code, message in PLAIN_MESSAGES.items():
            if code not in field.error_messages or str(field.error_messages[code]) == stock.get(code):
                field.error_messages[code] = message
    return form


class PlainForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plain_errors(self)
