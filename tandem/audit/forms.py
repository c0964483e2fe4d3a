from django import forms


class AuditFilterForm(forms.Form):
    actor = forms.ChoiceField(label="Who", required=False)
    action = forms.ChoiceField(label="Action", required=False)
    object_type = forms.ChoiceField(label="Kind of record", required=False)
    object_id = forms.CharField(label="Record number", required=False, max_length=40)
    date_from = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="For example, 2019-02-15",
        error_messages={"invalid": "Enter a real date, like 2019-02-15"},
    )
    date_to = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="For example, 2019-10-31",
        error_messages={"invalid": "Enter a real date, like 2019-10-31"},
    )

    def __init__(self, *args, actors=(), actions=(), object_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].choices = [("", "Anyone"), *((a, a) for a in actors)]
        self.fields["action"].choices = [("", "Any action"), *((a, a) for a in actions)]
        self.fields["object_type"].choices = [("", "Any kind"), *((t, t) for t in object_types)]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "The end date must be the same as or after the start date")
        return data
