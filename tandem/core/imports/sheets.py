"""CSV import of tutors and courses.

`import_file` reads a whole file, checks every row and only then writes, in one transaction,
through the audited services. If any row has a problem nothing is written and every problem
is returned, each with the row number a spreadsheet shows (the column names are row 1) and
the column's name. It never raises for anything wrong with the file itself.
"""

from django.conf import settings

from tandem.accounts.models import Role, User
from tandem.core.models import Organisation
from tandem.courses.checks import missing_kinds
from tandem.courses.models import Course
from tandem.courses.services import course_create
from tandem.tutors.models import Tutor
from tandem.tutors.services import tutor_create

from .reading import (
    EMAIL_HINT,
    _choice,
    _date,
    _decode,
    _email,
    _failed,
    _FileProblem,
    _hours,
    _import_text,
    _list,
    _name_key,
    _Problem,
    _refuse_control,
    _refuse_formula,
    _sessions,
    _text,
    human_size,
    tutors_by_email,
    tutors_from_emails,
)

# --- The two kinds of file -------------------------------------------------------------------


class _TutorSheet:
    noun = "tutor"
    plural = "tutors"
    model = Tutor
    required = ("kind", "first_name", "last_name", "email")
    optional = (
        "status",
        "coproduction_trained_on",
        "joined_on",
        "employer",
        "profession",
        "team",
        "line_manager",
    )
    STAFF_ONLY = ("employer", "profession", "team", "line_manager")

    def __init__(self, college):
        self.college = college
        self.existing = {e.lower() for e in Tutor.objects.filter(college=college).values_list("email", flat=True)}
        self.seen = {}
        self.organisations = {}
        for org in Organisation.objects.all():
            self.organisations.setdefault(_name_key(org.name), []).append(org)
        self.organisation_names = [org.name for group in self.organisations.values() for org in group]
        self.by_username, self.by_email = {}, {}
        managers = User.objects.filter(college=college, role=Role.LINE_MANAGER, is_active=True)
        for user in managers:
            self.by_username.setdefault(user.username.lower(), []).append(user)
            if user.email:
                self.by_email.setdefault(user.email.lower(), []).append(user)
        self.kind = _choice(Tutor.Kind)
        self.status = _choice(Tutor.Status)

    def employer(self, value):
        _refuse_formula(value)
        found = self.organisations.get(_name_key(value), [])
        exact = [org for org in found if org.name == value]
        if len(found) == 1 or len(exact) == 1:
            return (exact or found)[0]
        if found:
            raise _Problem(f"several employers match '{value}': type one exactly: {_list(o.name for o in found)}")
        if not self.organisation_names:
            raise _Problem("no employers are set up in Tandem yet: an administrator must add the organisation first")
        raise _Problem(f"no employer called '{value}': enter one of {_list(self.organisation_names)}")

    def line_manager(self, value):
        _refuse_formula(value)
        _refuse_control(value)
        key = value.lower()
        found = self.by_username.get(key) or self.by_email.get(key) or []
        if len(found) > 1:
            raise _Problem(f"more than one line manager has the email {value}: enter their username instead")
        if not found:
            raise _Problem(
                f"no line manager in this College has the username or email '{value}' "
                "(leave the cell empty if they have no account yet)"
            )
        return found[0]

    def check(self, row):
        kind = row.get("kind", self.kind, required="enter peer or staff")
        fields = {
            "kind": kind,
            "first_name": row.get("first_name", _text(100), required="enter the tutor's first name"),
            "last_name": row.get("last_name", _text(100), required="enter the tutor's last name"),
            "email": row.get("email", _email, required=EMAIL_HINT),
            "status": row.get("status", self.status) or Tutor.Status.INTERESTED,
            "coproduction_trained_on": row.get("coproduction_trained_on", _date),
            "joined_on": row.get("joined_on", _date),
        }
        if kind == Tutor.Kind.PEER:
            for column in self.STAFF_ONLY:
                if row.raw(column):
                    row.error(column, "leave this empty for a peer tutor: their employment is not recorded")
        else:
            required = None
            if kind == Tutor.Kind.STAFF:
                required = f"enter the staff tutor's employer: one of {_list(self.organisation_names)}"
                if not self.organisation_names:
                    required = "a staff tutor needs an employer, and none is set up in Tandem yet"
            fields["employer"] = row.get("employer", self.employer, required=required)
            fields["profession"] = row.get("profession", _text(100)) or ""
            fields["team"] = row.get("team", _text(100)) or ""
            fields["line_manager"] = row.get("line_manager", self.line_manager)
        email = fields["email"]
        if email:
            key = email.lower()
            if key in self.seen:
                row.error("email", f"{email} is also in row {self.seen[key]}: each tutor appears once")
            elif key in self.existing:
                row.error(
                    "email",
                    f"a tutor with the email {email} already exists in this College: "
                    "the import only adds new tutors, so remove this row or change the tutor in Tandem",
                )
            else:
                self.seen[key] = row.number
        return fields

    def create(self, fields, actor):
        return tutor_create(actor=actor, college=self.college, **fields)


class _CourseSheet:
    noun = "course"
    plural = "courses"
    model = Course
    required = ("title", "topic", "number_of_sessions", "hours_per_session", "co_producers")
    optional = ("status", "description")

    def __init__(self, college):
        self.college = college
        self.existing = {_name_key(t) for t in Course.objects.filter(college=college).values_list("title", flat=True)}
        self.seen = {}
        self.tutors = tutors_by_email(Tutor.objects.filter(college=college))
        self.status = _choice(Course.Status)

    def co_producers(self, value):
        tutors = tutors_from_emails(value, self.tutors)
        missing = missing_kinds(tutors)
        if missing:
            raise _Problem(f"a course is co-produced by at least one peer tutor and one staff tutor: add {missing}")
        return tutors

    def check(self, row):
        fields = {
            "title": row.get("title", _text(200), required="enter the course's title"),
            "topic": row.get("topic", _text(100), required="enter the course's topic"),
            "number_of_sessions": row.get(
                "number_of_sessions", _sessions, required="enter the number of sessions, like 6"
            ),
            "hours_per_session": row.get(
                "hours_per_session", _hours, required="enter the hours per session, like 2 or 1.5"
            ),
            "status": row.get("status", self.status) or Course.Status.ACTIVE,
            "description": row.get("description", _text(10_000, multiline=True)) or "",
            "co_producers": row.get(
                "co_producers",
                self.co_producers,
                required="enter the emails of the tutors who co-produced it (at least one peer and one staff tutor), "
                "separated by ';'",
            ),
        }
        title = fields["title"]
        if title:
            key = _name_key(title)
            if key in self.seen:
                row.error("title", f"'{title}' is also in row {self.seen[key]}: each course appears once")
            elif key in self.existing:
                row.error(
                    "title",
                    f"a course called '{title}' already exists in this College: "
                    "the import only adds new courses, so remove this row or change the course in Tandem",
                )
            else:
                self.seen[key] = row.number
        return fields

    def create(self, fields, actor):
        fields = dict(fields)
        co_producers = fields.pop("co_producers")
        return course_create(actor=actor, college=self.college, co_producers=co_producers, **fields)


SHEETS = {"tutors": _TutorSheet, "courses": _CourseSheet}


# --- The import ------------------------------------------------------------------------------


def import_file(*, kind, data, college, actor):
    """Check every row of a CSV file of tutors or courses; if all are valid, create them all."""
    if kind not in SHEETS:
        return _failed(f"choose what the file holds: {' or '.join(SHEETS)}")
    if college is None:
        return _failed("your account is not linked to a College, so there is nowhere to import to")
    if isinstance(data, str):
        data = data.encode("utf-8")
    data = bytes(data)
    limit = settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        return _failed(
            f"the file is too large: it is {human_size(len(data))} and the largest Tandem accepts is {human_size(limit)}. "
            "Split it into smaller files"
        )
    try:
        text = _decode(data)
        return _import_text(SHEETS[kind](college), text, actor)
    except _FileProblem as problem:
        return _failed(str(problem))
