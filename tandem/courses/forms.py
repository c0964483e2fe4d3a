"""Forms of the catalogue, course runs and the session register. Rules live in the services;
these only turn what was typed into values (and say plainly when it is not one)."""

from django import forms

from tandem.core.forms import PlainForm, date_field, plain_errors
from tandem.core.models import Room
from tandem.tutors.models import Tutor

from .models import Course, CourseRun, Session


class TutorChoices(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, t):
        detail = f", {t.profession}" if t.kind == Tutor.Kind.STAFF and t.profession else ""
        return f"{t.full_name} ({t.get_kind_display().lower()}{detail})"


class CourseForm(forms.ModelForm):
    co_producers = TutorChoices(
        label="Co-produced by",
        queryset=Tutor.objects.none(),
        help_text="At least one peer tutor and one staff tutor",
        error_messages={"required": "Choose who co-produced the course: at least one peer tutor and one staff tutor"},
    )

    class Meta:
        model = Course
        fields = ["title", "topic", "description", "number_of_sessions", "hours_per_session", "status"]
        labels = {"number_of_sessions": "Number of sessions", "hours_per_session": "Hours per session"}
        help_texts = {
            "topic": "For example, Understanding mental health",
            "hours_per_session": "For example, 2 or 1.5",
            "description": "What the course covers, in plain English, for the prospectus",
        }
        error_messages = {
            "title": {"required": "Enter the course title"},
            "topic": {"required": "Enter the topic"},
            "number_of_sessions": {
                "required": "Enter the number of sessions",
                "invalid": "Enter the number of sessions as a whole number, like 6",
            },
            "hours_per_session": {
                "required": "Enter the hours per session",
                "invalid": "Enter the hours per session as a number, like 2",
            },
        }

    def __init__(self, *args, college, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_producers"].queryset = (
            Tutor.objects.filter(college=college)
            .exclude(status=Tutor.Status.LEFT)
            .order_by("kind", "last_name", "first_name")
        )
        if self.instance.pk:
            self.fields["co_producers"].initial = list(self.instance.co_producers.values_list("pk", flat=True))
            # Keep a co-producer who has since left on the list, so editing does not drop them silently.
            self.fields["co_producers"].queryset = (
                self.fields["co_producers"].queryset | self.instance.co_producers.all()
            ).distinct()
        self.fields["number_of_sessions"].min_value = 1
        self.fields["number_of_sessions"].widget.attrs["min"] = 1
        self.fields["hours_per_session"].widget.attrs["step"] = "0.25"
        plain_errors(self)

    def clean_number_of_sessions(self):
        value = self.cleaned_data["number_of_sessions"]
        if value is not None and not 1 <= value <= 52:
            raise forms.ValidationError("Enter a number of sessions from 1 to 52")
        return value

    def clean_hours_per_session(self):
        value = self.cleaned_data["hours_per_session"]
        if value is not None and not 0 < value <= 8:
            raise forms.ValidationError("Enter the hours per session: more than 0 and at most 8")
        return value


TIME_HINT = "24-hour clock, for example 10:00 or 13:30"


def time_field(label):
    return forms.TimeField(
        label=label,
        help_text=TIME_HINT,
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"Enter the {label.lower()} like 10:00 or 13:30",
        },
    )


class RoomChoice(forms.ModelChoiceField):
    def label_from_instance(self, room):
        return f"{room.site.name}, {room.name} (seats {room.capacity})"


class RunForm(PlainForm):
    term = forms.ModelChoiceField(
        label="Term",
        queryset=None,
        empty_label="Choose a term",
        error_messages={"required": "Choose the term", "invalid_choice": "Choose a term from the list"},
    )
    weekday = forms.TypedChoiceField(
        label="Day of the week",
        coerce=int,
        choices=[("", "Choose a day"), *CourseRun.WEEKDAYS],
        error_messages={"required": "Choose the day of the week", "invalid_choice": "Choose a day from the list"},
    )
    start_time = time_field("Start time")
    end_time = time_field("End time")
    start_date = date_field(
        "Date of the first session", help_text="It must be on the day of the week above, for example 2019-09-03"
    )
    weeks = forms.IntegerField(
        label="Number of weeks",
        min_value=1,
        max_value=52,
        help_text="One session a week. Leave empty for the course's number of sessions",
        required=False,
        error_messages={
            "invalid": "Enter the number of weeks as a whole number, like 6",
            "min_value": "Enter a number of weeks from 1 to 52",
            "max_value": "Enter a number of weeks from 1 to 52",
        },
    )
    online = forms.BooleanField(label="Online", required=False, help_text="Tick for a run held online (then no room)")
    room = RoomChoice(
        label="Room",
        queryset=None,
        required=False,
        empty_label="No room (online)",
        error_messages={"invalid_choice": "Choose a room from the list"},
    )
    capacity = forms.IntegerField(
        label="Places for students",
        min_value=1,
        max_value=500,
        initial=15,
        error_messages={
            "required": "Enter how many students can come",
            "invalid": "Enter the number of places as a whole number, like 15",
            "min_value": "Enter 1 or more places",
            "max_value": "Enter at most 500 places",
        },
    )

    def __init__(self, *args, college, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = college.terms.order_by("-starts_on")
        self.fields["room"].queryset = Room.objects.filter(site__college=college).select_related("site")

    def clean(self):
        data = super().clean()
        room, online, capacity = data.get("room"), data.get("online"), data.get("capacity")
        if online and room is not None:
            self.add_error("room", "An online run has no room: choose “No room (online)” or untick Online")
        elif room is not None and capacity and capacity > room.capacity:
            self.add_error(
                "capacity", f"{room} seats {room.capacity}: choose a bigger room or at most {room.capacity} places"
            )
        return data


class AssignForm(PlainForm):
    tutor = forms.ModelChoiceField(
        label="Tutor",
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose the tutor to put on the run",
            "invalid_choice": "Choose a tutor from the list",
        },
    )
    asked_by = forms.CharField(
        label="Who asked for this",
        max_length=200,
        required=False,
        help_text="For example, the tutor themselves, or their line manager",
    )
    note = forms.CharField(label="Note", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tutor"].queryset = Tutor.objects.filter(pk__in=[t.pk for t in candidates])


class RemoveForm(PlainForm):
    asked_by = forms.CharField(label="Who asked for this", max_length=200, required=False)
    note = forms.CharField(label="Note", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RunCancelForm(PlainForm):
    cancel_reason = forms.ChoiceField(
        label="Why is the run cancelled?",
        widget=forms.RadioSelect,
        choices=CourseRun.CancelReason.choices,
        error_messages={
            "required": "Choose why the run is cancelled",
            "invalid_choice": "Choose a reason from the list",
        },
    )
    cancel_note = forms.CharField(
        label="More detail", max_length=200, required=False, help_text="Needed when the reason is Other"
    )


class SessionRecordForm(PlainForm):
    DELIVERED, CANCELLED = "delivered", "cancelled"
    outcome = forms.ChoiceField(
        label="What happened?",
        widget=forms.RadioSelect,
        choices=[(DELIVERED, "It was delivered"), (CANCELLED, "It was cancelled")],
        error_messages={
            "required": "Choose whether the session was delivered or cancelled",
            "invalid_choice": "Choose delivered or cancelled",
        },
    )
    delivered_by = TutorChoices(
        label="Who delivered it",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"data-required-if": "delivered"}),
        help_text="Needed when it was delivered: the peer and staff tutors who were there",
    )
    stand_in = forms.ModelChoiceField(
        label="Someone else who delivered it",
        queryset=None,
        required=False,
        empty_label="Nobody else",
        help_text="A tutor who stood in and is not listed above",
        error_messages={"invalid_choice": "Choose a tutor from the list"},
    )
    head_count = forms.IntegerField(
        label="Number of students who came",
        min_value=0,
        max_value=500,
        required=False,
        error_messages={
            "invalid": "Enter the number of students as a whole number, like 12",
            "min_value": "Enter 0 or more students",
            "max_value": "Enter at most 500 students",
        },
    )
    cancel_reason = forms.ChoiceField(
        label="Why was it cancelled?",
        required=False,
        widget=forms.RadioSelect(attrs={"data-required-if": "cancelled"}),
        help_text="Needed when it was cancelled",
        choices=[c for c in Session.CancelReason.choices if c[0] != Session.CancelReason.RUN_CANCELLED],
        error_messages={"invalid_choice": "Choose a reason from the list"},
    )
    cancel_note = forms.CharField(
        label="More detail", max_length=200, required=False, help_text="Needed when the reason is Other"
    )

    def __init__(self, *args, tutors, stand_ins, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivered_by"].queryset = tutors
        self.fields["stand_in"].queryset = stand_ins
        self.fields["stand_in"].label_from_instance = TutorChoices.label_from_instance.__get__(
            self.fields["delivered_by"]
        )

    def clean(self):
        data = super().clean()
        people = list(data.get("delivered_by") or [])
        if data.get("stand_in") is not None and data["stand_in"] not in people:
            people.append(data["stand_in"])
        data["delivered_by"] = people
        if data.get("outcome") == self.DELIVERED and not people and "delivered_by" not in self.errors:
            self.add_error(
                "delivered_by", "Choose who delivered the session: at least one peer tutor and one staff tutor"
            )
        if (
            data.get("outcome") == self.CANCELLED
            and not data.get("cancel_reason")
            and "cancel_reason" not in self.errors
        ):
            self.add_error("cancel_reason", "Choose why the session was cancelled")
        return data


class BulkRecordForm(PlainForm):
    sessions = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one session to record",
            "invalid_choice": "Choose sessions from the list",
        },
    )

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sessions"].queryset = sessions
