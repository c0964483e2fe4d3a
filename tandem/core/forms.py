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
