from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from tandem.core.forms import date_field

from .models import LOGGED_ACTIVITIES, Activity, Payment, PaymentChoice, PayPolicy, PayYear, RateCard
from .services import pay_year_start

DATE_HELP = "For example, 2019-04-01"


def _date(label, required=True, help_text=DATE_HELP):
    return date_field(label, required=required, help_text=help_text)


def _money(label, required=True, help_text="", min_value=Decimal("0")):
    return forms.DecimalField(
        label=label,
        required=required,
        help_text=help_text,
        max_digits=9,
        decimal_places=2,
        min_value=min_value,
        error_messages={
            "invalid": f"Enter the {label.lower()} as an amount in pounds, like 12.50",
            "required": f"Enter the {label.lower()}",
            "max_decimal_places": "Enter an amount in pounds and pence, like 12.50",
            "min_value": f"The {label.lower()} must not be less than £{min_value}",
        },
    )


class TutorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class RunChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.course.title}, {obj.term} (from {obj.start_date:%d %b %Y})"


class PaymentFilterForm(forms.Form):
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any"), *Payment.Status.choices])
    tutor = TutorChoiceField(label="Peer tutor", required=False, queryset=None, empty_label="Any")
    activity = forms.ChoiceField(label="Activity", required=False, choices=[("", "Any"), *Activity.choices])
    date_from = _date("From", required=False, help_text="On or after, for example 2019-04-01")
    date_to = _date("To", required=False, help_text="On or before, for example 2019-06-30")

    def __init__(self, *args, tutors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tutor"].queryset = tutors


class RateCardForm(forms.ModelForm):
    activities = forms.MultipleChoiceField(
        label="Activities this card pays",
        choices=Activity.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Unticked activities are not paid",
    )

    class Meta:
        model = RateCard
        fields = ["effective_from", "delivery_basis", "delivery_rate", "hourly_rate", "note"]
        labels = {
            "effective_from": "Date the card takes effect",
            "delivery_basis": "Delivery is paid",
            "delivery_rate": "Delivery rate (£)",
            "hourly_rate": "Hourly rate for other paid work (£)",
            "note": "Note",
        }
        help_texts = {
            "delivery_rate": "£ per hour or per session, as chosen above",
            "hourly_rate": "Preparation, co-production, supervision and training, when this card pays them",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["effective_from"] = _date("Date the card takes effect")
        for name in ("delivery_rate", "hourly_rate"):
            self.fields[name] = _money(self.Meta.labels[name], help_text=self.Meta.help_texts[name])
        if self.instance.pk:
            self.initial["activities"] = [a for a, _ in Activity.choices if self.instance.pays(a)]
        else:
            self.initial.setdefault("activities", [Activity.DELIVERY])

    def card_fields(self):
        data = {k: v for k, v in self.cleaned_data.items() if k != "activities"}
        chosen = set(self.cleaned_data.get("activities") or ())
        data.update({f"pays_{a}": a in chosen for a, _ in Activity.choices})
        return data


class PolicyForm(forms.ModelForm):
    class Meta:
        model = PayPolicy
        fields = ["comparator", "floor_band", "floor_point", "prep_hours_per_session"]
        labels = {
            "comparator": "Compare each peer tutor's pay with",
            "floor_band": "Floor band",
            "floor_point": "Floor pay point",
            "prep_hours_per_session": "Preparation hours per delivered session",
        }
        help_texts = {
            "floor_band": "Used when the policy is the floor band, and whenever a staff tutor's band is not known. For example 5",
            "floor_point": "Leave empty for the band's lowest point",
            "prep_hours_per_session": "Counted as hours worked when a peer tutor logs less preparation for a run",
        }
        error_messages = {
            "prep_hours_per_session": {
                "invalid": "Enter the hours as a number, like 1.5",
                "required": "Enter the preparation hours per session",
            }
        }

    def clean(self):
        data = super().clean()
        if data.get("comparator") == PayPolicy.Comparator.FLOOR and not (data.get("floor_band") or "").strip():
            self.add_error("floor_band", "Enter the floor band, for example 5.")
        return data


class PayYearForm(forms.ModelForm):
    class Meta:
        model = PayYear
        fields = ["label", "hcas_percent", "hcas_min", "hcas_max", "illustrative", "source"]
        labels = {
            "label": "Pay year",
            "hcas_percent": "High Cost Area Supplement (%)",
            "hcas_min": "Supplement minimum (£ a year)",
            "hcas_max": "Supplement maximum (£ a year)",
            "illustrative": "These figures are illustrative, not the official Agenda for Change table",
            "source": "Source of the figures",
        }
        help_texts = {
            "label": "For example 2019/20 (1 April 2019 to 31 March 2020)",
            "hcas_percent": "Leave empty if the College's area has no supplement",
            "hcas_min": "",
            "hcas_max": "",
            "illustrative": "",
            "source": "",
        }
        error_messages = {
            "label": {"required": "Enter the pay year, like 2019/20", "max_length": "Write the pay year like 2019/20"}
        }

    def clean_label(self):
        label = self.cleaned_data["label"].strip()
        try:
            pay_year_start(label)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["label"]) from None
        return label


class PayPointForm(forms.Form):
    band = forms.CharField(
        label="Band", max_length=3, help_text="For example 5 or 8a", error_messages={"required": "Enter the band"}
    )
    point = forms.IntegerField(
        label="Pay point",
        min_value=1,
        max_value=99,
        error_messages={"required": "Enter the pay point", "invalid": "Enter the pay point as a whole number"},
    )
    annual_salary = _money("Annual salary (£)", min_value=Decimal("1"))


class StaffGradeForm(forms.Form):
    tutor = TutorChoiceField(
        label="Staff tutor",
        queryset=None,
        empty_label="Choose a staff tutor",
        error_messages={"required": "Choose the staff tutor"},
    )
    band = forms.CharField(
        label="Band", max_length=3, help_text="For example 6 or 8a", error_messages={"required": "Enter the band"}
    )
    point = forms.IntegerField(
        label="Pay point",
        min_value=1,
        max_value=99,
        error_messages={"required": "Enter the pay point", "invalid": "Enter the pay point as a whole number"},
    )
    from_date = _date("Date the band applies from")

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tutor"].queryset = staff


class WorkLogForm(forms.Form):
    tutor = TutorChoiceField(
        label="Peer tutor",
        queryset=None,
        empty_label="Choose a peer tutor",
        error_messages={"required": "Choose the peer tutor"},
    )
    date = _date("Date of the work")
    activity = forms.ChoiceField(
        label="Activity",
        choices=[("", "Choose one"), *LOGGED_ACTIVITIES],
        error_messages={"required": "Choose the activity"},
    )
    hours = forms.DecimalField(
        label="Hours",
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.25"),
        max_value=Decimal("24"),
        help_text="For example 1.5",
        error_messages={
            "required": "Enter the hours",
            "invalid": "Enter the hours as a number, like 1.5",
            "min_value": "Enter at least 0.25 hours",
            "max_value": "Enter at most 24 hours",
        },
    )
    run = RunChoiceField(
        label="Course run",
        queryset=None,
        required=False,
        empty_label="Not for one course run",
        help_text="Preparation for a run counts in its pay-parity check",
    )
    note = forms.CharField(label="Note", max_length=200, required=False)

    def __init__(self, *args, tutors, runs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tutor"].queryset = tutors
        self.fields["run"].queryset = runs


class ExpenseForm(forms.Form):
    tutor = TutorChoiceField(
        label="Tutor", queryset=None, empty_label="Choose a tutor", error_messages={"required": "Choose the tutor"}
    )
    date = _date("Date of the expense")
    amount = _money("Amount (£)", min_value=Decimal("0.01"))
    description = forms.CharField(
        label="Description",
        max_length=200,
        help_text="For example, bus fare to the Hub",
        error_messages={"required": "Enter what the expense was for"},
    )

    def __init__(self, *args, tutors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tutor"].queryset = tutors


class Radios(forms.RadioSelect):
    """Radios whose label id is the first radio's id (NHS.UK radios: the first has no suffix), so
    the error summary links to it."""

    def id_for_label(self, id_, index=None):
        return id_


class ChoiceForm(forms.Form):
    """A tutor's own choice about one payment. Nothing is pre-selected: it is never a default."""

    decision = forms.ChoiceField(
        label="What would you like to do with this payment?",
        choices=PaymentChoice.Decision.choices,
        widget=Radios,
        error_messages={"required": "Choose whether to take all, part or none of the payment"},
    )
    amount_taken = forms.DecimalField(
        label="Amount to take (£)",
        required=False,
        max_digits=9,
        decimal_places=2,
        help_text="Only if you take part of it",
        error_messages={
            "invalid": "Enter an amount in pounds, like 12.50",
            "max_decimal_places": "Enter an amount in pounds and pence, like 12.50",
        },
    )
    reason = forms.ChoiceField(
        label="Reason",
        required=False,
        choices=[("", "Choose a reason"), *PaymentChoice.Reason.choices],
        help_text="Only if you take part or none of it",
    )
    note = forms.CharField(label="Anything else you want the College to know", required=False, max_length=200)


class OnBehalfChoiceForm(ChoiceForm):
    decision = forms.ChoiceField(
        label="What did the tutor choose?",
        choices=PaymentChoice.Decision.choices,
        widget=Radios,
        error_messages={"required": "Choose what the tutor chose: all, part or none of the payment"},
    )
    stated_how = forms.CharField(
        label="How did the tutor tell you their choice?",
        max_length=200,
        help_text="For example, by phone on 3 October 2019. Record only the tutor's own stated choice.",
        error_messages={"required": "Say how the tutor told you their choice"},
    )
