from django import forms
from django.conf import settings


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="What the file holds",
        choices=[("", "Choose one"), ("tutors", "Tutors"), ("courses", "Courses")],
        error_messages={"required": "Choose whether the file holds tutors or courses"},
    )
    file = forms.FileField(
        label="CSV file",
        help_text="A CSV file saved from Excel or another spreadsheet. The first row holds the column names.",
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
        label=label, required=required, help_text=help_text, widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a real date, like 2019-10-15", "required": f"Enter the {label.lower()}"},
    )
