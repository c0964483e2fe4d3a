from django import forms

from tandem.accounts.models import User

from .measures import REGISTRY, measures_for
from .models import (
    RECOLLECT_MODIFIABLE,
    RECOLLECT_SCORED,
    Aim,
    Annotation,
    ChangeIdea,
    Driver,
    ManualMeasure,
    MeasureChart,
    PDSACycle,
    ProgressScore,
    QIProject,
    StakeholderEntry,
    TeamMember,
)
from .values_csv import max_bytes, parse_period


class DateInput(forms.DateInput):
    input_type = "date"


def _dates(form, *names):
    for name in names:
        f = form.fields[name]
        f.widget = DateInput(format="%Y-%m-%d")
        f.help_text = f.help_text or "For example, 2019-03-15"
        f.error_messages["invalid"] = "Enter a real date, like 2019-03-15"


def _measure_choices(college):
    return [(m.key, f"{m.name} ({m.kind})") for m in measures_for(college)]


class ProjectForm(forms.ModelForm):
    class Meta:
        model = QIProject
        fields = [
            "title",
            "problem",
            "starts_on",
            "goal_measure",
            "target_change_percent",
            "deadline",
            "report_fidelity",
            "report_compare",
        ]
        labels = {
            "title": "Project title",
            "problem": "The problem",
            "starts_on": "Project start date",
            "goal_measure": "Goal measure",
            "target_change_percent": "Target change (%)",
            "deadline": "Goal deadline",
            "report_fidelity": "Show the College's RECOLLECT fidelity self-assessments in the leader report",
            "report_compare": "Show Compare Colleges (the funnel plot of Trust staff among teaching tutors) in the leader report",
        }
        help_texts = {
            "problem": "What is wrong now, for whom, and how you know",
            "starts_on": "The baseline is the 12 months before this date",
            "target_change_percent": "For example 20 for a 20% rise, or -20 for a 20% fall",
        }
        error_messages = {
            "title": {"required": "Enter the project's title"},
            "starts_on": {"required": "Enter the date the project starts"},
            "deadline": {"required": "Enter the goal's deadline"},
            "target_change_percent": {
                "required": "Enter the target change in per cent",
                "invalid": "Enter the target change as a number, like 20",
            },
        }

    def __init__(self, *args, college, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal_measure"] = forms.ChoiceField(
            label="Goal measure",
            choices=[("", "Choose one"), *_measure_choices(college)],
            error_messages={"required": "Choose the goal's measure"},
        )
        _dates(self, "starts_on", "deadline")
        self.fields["starts_on"].help_text = "The baseline is the 12 months before this date. For example, 2019-02-01"

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("deadline") and data["deadline"] <= data["starts_on"]:
            self.add_error("deadline", "The deadline must be after the project starts")
        return data


class AimForm(forms.ModelForm):
    class Meta:
        model = Aim
        fields = ["text", "order"]
        labels = {"text": "Aim", "order": "Position in the list"}
        help_texts = {"order": "Aims are listed from the smallest number"}
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"text": {"required": "Enter the aim"}}


class TeamMemberForm(forms.ModelForm):
    class Meta:
        model = TeamMember
        fields = ["role", "name", "user", "role_text"]
        labels = {"role": "Role in the project", "name": "Name", "user": "Tandem account", "role_text": "What they do"}
        help_texts = {
            "name": "For someone without a Tandem account, such as a student",
            "user": "For someone who signs in to Tandem",
            "role_text": "For example, Deputy Manager / Senior Tutor",
        }

    def __init__(self, *args, college, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(college=college).order_by("first_name", "last_name")
        self.fields["user"].label_from_instance = lambda u: u.display_name
        self.fields["user"].empty_label = "No account"

    def clean(self):
        data = super().clean()
        if not data.get("user") and not (data.get("name") or "").strip():
            self.add_error("name", "Enter the person's name, or choose their Tandem account")
        return data


class ProgressScoreForm(forms.ModelForm):
    class Meta:
        model = ProgressScore
        fields = ["score", "recorded_on", "note"]
        labels = {"score": "IHI progress score", "recorded_on": "Date of the score", "note": "Note"}
        error_messages = {
            "score": {"required": "Choose the progress score"},
            "recorded_on": {"required": "Enter the date of the score"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _dates(self, "recorded_on")
        self.fields["score"].choices = [("", "Choose a score"), *list(self.fields["score"].choices)[1:]]


class DriverForm(forms.ModelForm):
    class Meta:
        model = Driver
        fields = ["text", "parent", "order"]
        labels = {"text": "Driver", "parent": "Primary driver it belongs to", "order": "Position"}
        help_texts = {
            "parent": "Leave as 'None: a primary driver' for a primary driver",
            "order": "Drivers are listed from the smallest number",
        }
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"text": {"required": "Enter the driver"}}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        qs = project.drivers.filter(parent__isnull=True)
        if self.instance.pk:
            qs = qs.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = qs
        self.fields["parent"].empty_label = "None: a primary driver"


class ChangeIdeaForm(forms.ModelForm):
    class Meta:
        model = ChangeIdea
        fields = ["title", "driver", "description", "order"]
        labels = {
            "title": "Change idea",
            "driver": "Secondary driver it acts on",
            "description": "Description",
            "order": "Position",
        }
        error_messages = {
            "title": {"required": "Enter the change idea"},
            "driver": {"required": "Choose the secondary driver"},
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["driver"].queryset = project.drivers.filter(parent__isnull=False)
        self.fields["driver"].empty_label = "Choose a secondary driver"


class PDSAForm(forms.ModelForm):
    measures = forms.MultipleChoiceField(
        label="Measures that show its effect", required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = PDSACycle
        fields = [
            "change_idea",
            "title",
            "starts_on",
            "ends_on",
            "objective",
            "questions",
            "plan_who",
            "plan_what",
            "plan_when",
            "plan_where",
            "prediction",
            "do_notes",
            "study_notes",
            "act",
            "act_notes",
            "measures",
        ]
        labels = {
            "change_idea": "Change idea it tests",
            "title": "Cycle title",
            "starts_on": "Start date",
            "ends_on": "End date",
            "objective": "Plan: objective",
            "questions": "Plan: questions to answer",
            "plan_who": "Plan: who",
            "plan_what": "Plan: what",
            "plan_when": "Plan: when",
            "plan_where": "Plan: where",
            "prediction": "Plan: prediction",
            "do_notes": "Do: what happened",
            "study_notes": "Study: what the data show, against the prediction",
            "act": "Act: decision",
            "act_notes": "Act: next steps",
        }
        help_texts = {"prediction": "What you expect to happen, written before the cycle starts"}
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in (
                "objective",
                "questions",
                "plan_who",
                "plan_what",
                "plan_when",
                "plan_where",
                "prediction",
                "do_notes",
                "study_notes",
                "act_notes",
            )
        }
        error_messages = {
            "change_idea": {"required": "Choose the change idea this cycle tests"},
            "title": {"required": "Enter the cycle's title"},
            "objective": {"required": "Enter the cycle's objective"},
            "starts_on": {"required": "Enter the date the cycle starts"},
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["change_idea"].queryset = project.change_ideas.all()
        self.fields["change_idea"].empty_label = "Choose a change idea"
        self.fields["measures"].choices = _measure_choices(project.college)
        self.fields["act"].choices = [("", "Not decided yet"), *PDSACycle.Act.choices]
        _dates(self, "starts_on", "ends_on")

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The end date must be on or after the start date")
        return data


class AnnotationForm(forms.ModelForm):
    class Meta:
        model = Annotation
        fields = ["date", "text", "cycle"]
        labels = {"date": "Date of the change", "text": "Label", "cycle": "PDSA cycle"}
        help_texts = {"text": "A few words, shown on the charts", "cycle": "The cycle this change comes from, if any"}
        error_messages = {
            "date": {"required": "Enter the date of the change"},
            "text": {"required": "Enter a label for the change"},
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        _dates(self, "date")
        self.fields["cycle"].queryset = PDSACycle.objects.filter(change_idea__project=project).select_related(
            "change_idea"
        )
        self.fields["cycle"].label_from_instance = lambda c: f"{c.change_idea.title}: cycle {c.number}, {c.title}"
        self.fields["cycle"].empty_label = "None"


class StakeholderForm(forms.ModelForm):
    class Meta:
        model = StakeholderEntry
        fields = ["date", "kind", "title", "audience", "response", "follow_ups"]
        labels = {
            "kind": "Presentation or meeting",
            "title": "What was presented or discussed",
            "audience": "Audience",
            "response": "Their response",
            "follow_ups": "Follow-ups",
        }
        help_texts = {"audience": "For example, Trust executive team"}
        widgets = {"response": forms.Textarea(attrs={"rows": 3}), "follow_ups": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "date": {"required": "Enter the date"},
            "kind": {"required": "Choose presentation or meeting"},
            "title": {"required": "Enter what was presented or discussed"},
            "audience": {"required": "Enter who the audience was"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _dates(self, "date")
        self.fields["kind"].choices = [("", "Choose one"), *StakeholderEntry.Kind.choices]


class ManualMeasureForm(forms.ModelForm):
    class Meta:
        model = ManualMeasure
        fields = [
            "name",
            "key",
            "kind",
            "improvement",
            "unit",
            "definition",
            "population",
            "numerator",
            "denominator",
            "source",
            "frequency",
        ]
        labels = {
            "name": "Name",
            "key": "Key",
            "kind": "Kind of measure",
            "improvement": "Which way is better",
            "unit": "Unit",
            "definition": "Operational definition",
            "population": "Population",
            "numerator": "Numerator",
            "denominator": "Denominator",
            "source": "Source of the data",
            "frequency": "Frequency",
        }
        help_texts = {
            "key": "Lower-case letters, digits and underscores, used by `tandem measures`; for example student_feedback_score",
            "unit": "For example count, hours, per cent",
        }
        widgets = {"definition": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "name": {"required": "Enter the measure's name"},
            "key": {
                "required": "Enter a key for the measure",
                "invalid": "Use only lower-case letters, digits and underscores",
            },
            "kind": {"required": "Choose the kind of measure"},
            "definition": {"required": "Enter the measure's operational definition"},
        }

    def __init__(self, *args, college, **kwargs):
        super().__init__(*args, **kwargs)
        self.college = college
        self.fields["kind"].choices = [("", "Choose one"), *ManualMeasure.Kind.choices]
        if self.instance.pk:
            del self.fields["key"]

    def clean_key(self):
        key = self.cleaned_data["key"].strip()
        if not key.replace("_", "").isalnum() or key.lower() != key or "-" in key:
            raise forms.ValidationError("Use only lower-case letters, digits and underscores")
        if key == "new" or key in REGISTRY or ManualMeasure.objects.filter(college=self.college, key=key).exists():
            raise forms.ValidationError("Another measure already has this key: choose another")
        return key


class ValueForm(forms.Form):
    period = forms.CharField(
        label="Month", help_text="For example, 2019-03", error_messages={"required": "Enter the month, like 2019-03"}
    )
    value = forms.FloatField(
        label="Value",
        required=False,
        help_text="Leave empty to remove the month's value",
        error_messages={"invalid": "Enter a number, like 7 or 7.5"},
    )

    def clean_period(self):
        period = parse_period(self.cleaned_data["period"])
        if period is None:
            raise forms.ValidationError("Enter the month like 2019-03")
        return period


class PasteForm(forms.Form):
    text = forms.CharField(
        label="Values to paste",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="One month a row: period,value, for example 2019-03,7. "
        "A header row 'period,value' is optional. Cells copied from a spreadsheet work too.",
        error_messages={"required": "Paste at least one row, like 2019-03,7"},
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns period and value; the first row holds the column names.",
        error_messages={"required": "Choose a CSV file to upload", "empty": "The file you chose is empty"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise forms.ValidationError(
                f"The file must be smaller than {max_bytes() // 1024} KB (it is {upload.size // 1024} KB)"
            )
        return upload


class ChartForm(forms.Form):
    chart = forms.ChoiceField(label="Kind of chart", choices=MeasureChart.Type.choices)
    rebase_at = forms.ModelMultipleChoiceField(
        label="Recalculate the limits from these changes",
        required=False,
        queryset=Annotation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Only at a change the team made on purpose, once the data show it has changed the process",
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rebase_at"].queryset = project.annotations.all()
        self.fields["rebase_at"].label_from_instance = lambda a: f"{a.date:%d %B %Y}: {a.text}"


from .fidelity import FIELDS as FIDELITY_FIELDS  # noqa: E402
from .models import FidelityAssessment  # noqa: E402


class FidelityForm(forms.ModelForm):
    """One year's RECOLLECT fidelity self-assessment: radios 0/1/2 for each component, numbered and
    named exactly as the measure has them; who took part as roles and counts."""

    class Meta:
        model = FidelityAssessment
        fields = FIDELITY_FIELDS
        labels = {
            "year": "Year assessed",
            "assessed_on": "Date of the assessment",
            "manager_took_part": "The College manager took part",
            "peer_tutors": "Peer tutors who took part (number)",
            "staff_tutors": "Staff tutors who took part (number)",
            "students": "Students who took part (number)",
            "others": "Other roles who took part (optional)",
            "notes": "Notes (optional)",
        }
        help_texts = {
            "year": "The calendar year the assessment describes, for example 2025",
            "others": 'Roles only, for example "a Trust governor"; no names',
            "notes": "What the team agreed and why; do not record anything about anyone's health",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _dates(self, "assessed_on")
        self.fields["year"].error_messages.update(
            required="Enter the year assessed, like 2025", invalid="Enter the year as a number, like 2025"
        )
        for name in ("peer_tutors", "staff_tutors", "students"):
            self.fields[name].error_messages.update(invalid="Enter a whole number, like 3", min_value="Enter 0 or more")
            self.fields[name].required = False
        hint = "Score it as the RECOLLECT Fidelity Measure describes levels 0, 1 and 2 for this component"
        for f, number, name in RECOLLECT_SCORED:
            self.fields[f] = forms.TypedChoiceField(
                label=f"{number} {name}",
                choices=[("0", "0"), ("1", "1"), ("2", "2")],
                coerce=int,
                widget=forms.RadioSelect,
                help_text=hint,
                error_messages={
                    "required": f"Choose 0, 1 or 2 for {number} {name}",
                    "invalid_choice": f"Choose 0, 1 or 2 for {number} {name}",
                },
            )
        for f, number, name in RECOLLECT_MODIFIABLE:
            self.fields[f] = forms.TypedChoiceField(
                label=f"{number} {name} (optional)",
                choices=[("0", "0"), ("1", "1"), ("2", "2")],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                help_text="Describes the College's type: recorded, not added to the total",
                error_messages={"invalid_choice": f"Choose 0, 1 or 2 for {number} {name}, or leave it"},
            )
        self.order_fields(["year", "assessed_on"] + [f for f, _n, _name in RECOLLECT_SCORED + RECOLLECT_MODIFIABLE])

    def components(self):
        return [self[f] for f, _n, _name in RECOLLECT_SCORED], [self[f] for f, _n, _name in RECOLLECT_MODIFIABLE]

    def participation(self):
        return [self[f] for f in ("manager_took_part", "peer_tutors", "staff_tutors", "students", "others", "notes")]

    def clean(self):
        data = super().clean()
        for name in ("peer_tutors", "staff_tutors", "students"):
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
        return data
