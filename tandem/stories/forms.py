from django import forms

from tandem.release.forms import date_field

from .models import Consent, Story

NAMED_CHOICES = [
    ("", "Choose one"),
    ("named", "Named: their name may be shown"),
    ("anonymous", "Anonymous: their name is never shown"),
]


class StoryForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter a title"})
    text = forms.CharField(
        label="The story", widget=forms.Textarea, max_length=20000, error_messages={"required": "Enter the story"}
    )
    pull_quote = forms.CharField(
        label="Pull quote",
        max_length=300,
        required=False,
        help_text="A short quote from the story to show in lists and the story pack",
    )
    author_kind = forms.ChoiceField(
        label="Who told it",
        choices=[("", "Choose one"), *Story.AuthorKind.choices],
        error_messages={"required": "Choose who told the story"},
    )
    author_name = forms.CharField(
        label="Author's name",
        max_length=200,
        help_text="Never shown with the story while the consent is anonymous",
        error_messages={"required": "Enter the author's name (it is hidden if they chose to be anonymous)"},
    )
    told_on = date_field("Date told")
    tags = forms.CharField(
        label="Tags",
        max_length=300,
        required=False,
        help_text="Separated by commas, for example: release, long courses, confidence",
    )


class ConsentForm(forms.Form):
    scope = forms.ChoiceField(
        label="Where may the story be shown?",
        choices=[("", "Choose one"), *Consent.Scope.choices],
        error_messages={"required": "Choose where the story may be shown"},
    )
    named = forms.ChoiceField(
        label="With their name?", choices=NAMED_CHOICES, error_messages={"required": "Choose named or anonymous"}
    )
    text_version = forms.CharField(
        label="Consent form version",
        max_length=50,
        help_text="For example, v2 (March 2019)",
        error_messages={"required": "Enter the version of the consent form they signed"},
    )
    given_on = date_field("Date consent was given")

    def clean_named(self):
        return self.cleaned_data["named"] == "named"


class StoryCreateForm(StoryForm, ConsentForm):
    # Django collects inherited fields in reverse MRO order (the consent fields first): list them
    # in page order so the error summary does too (WCAG 1.3.2, 2.4.3).
    field_order = [*StoryForm.base_fields, *ConsentForm.base_fields]


class WithdrawForm(forms.Form):
    on = date_field("Date consent was withdrawn")


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label="Search the stories", required=False)
    author_kind = forms.ChoiceField(
        label="Told by", required=False, choices=[("", "Anyone"), *Story.AuthorKind.choices]
    )
    tag = forms.ChoiceField(label="Tag", required=False)
    scope = forms.ChoiceField(
        label="Consent",
        required=False,
        choices=[("", "Any"), ("external", "May be shown outside the Trust"), ("internal", "Inside the Trust only")],
    )

    def __init__(self, *args, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", "Any"), *((t.name, t.name) for t in tags)]
