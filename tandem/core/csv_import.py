"""CSV import of tutors and courses.

`import_file` reads a whole file, checks every row and only then writes, in one transaction,
through the audited services. If any row has a problem nothing is written and every problem
is returned, each with the row number a spreadsheet shows (the column names are row 1) and
the column's name. It never raises for anything wrong with the file itself.
"""

import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from tandem.accounts.models import Role, User
from tandem.audit.services import record
from tandem.core.models import Organisation
from tandem.courses.models import Course
from tandem.courses.services import course_create
from tandem.tutors.models import Tutor
from tandem.tutors.services import tutor_create

MAX_ROWS = 10_000
SAVE_AS = "save it from your spreadsheet as CSV UTF-8 (Comma delimited)"


@dataclass(frozen=True)
class RowError:
    """One problem: `row` as numbered in a spreadsheet (the column names are row 1, None for the
    file as a whole) and `column` the column's name (None for the whole row)."""

    row: int | None
    column: str | None
    message: str

    def __str__(self):
        if self.row is not None and self.column:
            return f"Row {self.row}, column {self.column}: {self.message}"
        if self.row is not None:
            return f"Row {self.row}: {self.message}"
        if self.column:
            return f"Column {self.column}: {self.message}"
        return self.message[:1].upper() + self.message[1:]


@dataclass
class ImportResult:
    ok: bool
    count: int = 0
    errors: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # what else the import did (sites or terms it added)


class _FileProblem(Exception):
    """The file as a whole cannot be read: one message, no row."""


class _Problem(Exception):
    """A cell's value is refused: the message says why and what to enter."""


class _Rollback(Exception):
    pass


# --- Reading the file ------------------------------------------------------------------------


def human_size(n):
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / (1024 * 1024):.1f} MB"


def _line_of(data, position):
    return data.count(b"\n", 0, position) + 1


def _decode(data):
    """Bytes to text: UTF-8 (with or without a byte-order mark), else Windows-1252."""
    if not data:
        raise _FileProblem("the file is empty")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _FileProblem(f"this is an Excel workbook, not a CSV file: {SAVE_AS}")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _FileProblem(f"this file is saved as UTF-16 (Unicode text), not CSV: {SAVE_AS}")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise _FileProblem(
            f"the file contains NUL bytes (line {_line_of(data, nul)}), so it is not a CSV text file: {SAVE_AS}"
        )
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8")
        except UnicodeDecodeError as exc:
            position = exc.start + len(codecs.BOM_UTF8)
            raise _FileProblem(
                f"the file says it is UTF-8 but byte 0x{data[position]:02X} on line "
                f"{_line_of(data, position)} is not UTF-8: {SAVE_AS}"
            ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise _FileProblem(
            f"the file is neither UTF-8 nor Windows-1252 text: byte 0x{data[exc.start]:02X} on line "
            f"{_line_of(data, exc.start)} cannot be read: {SAVE_AS}"
        ) from None


def _records(text):
    """(row number, cells) for every record; a quoted cell may span lines but is one row."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    reader = csv.reader(io.StringIO(text, newline=""))
    number = 0
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _FileProblem(
                f"row {number} cannot be read as CSV ({exc}); check for a double quote without its partner"
            ) from None
        yield number, [c.strip() for c in cells]


def _normalise_header(name):
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def _letter(index):
    """0 -> A, 25 -> Z, 26 -> AA: the spreadsheet's name for a column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# --- Checking cells --------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@")


def _refuse_formula(value):
    if value[:1] in FORMULA_START:
        raise _Problem(
            f"starts with '{value[0]}', which a spreadsheet could run as a formula: remove it "
            "(leave the cell empty if there is nothing to enter)"
        )


def _refuse_control(value, multiline=False):
    for ch in value:
        if multiline and ch in "\n\t":
            continue
        if unicodedata.category(ch) == "Cc":
            if ch == "\n":
                raise _Problem(
                    "contains a line break: put the value on one line "
                    "(or check for a double quote without its partner)"
                )
            raise _Problem(f"contains a control character (U+{ord(ch):04X}): retype the value")


def _text(max_length, multiline=False):
    def parse(value):
        _refuse_formula(value)
        _refuse_control(value, multiline)
        if len(value) > max_length:
            raise _Problem(f"is too long: at most {max_length} characters (this has {len(value)})")
        return value

    return parse


def _key(value):
    """A choice as typed, in any case, with spaces, '_' or '-' between its words."""
    return re.sub(r"[\s_\-]+", " ", value.strip().lower())


def _name_key(value):
    """A name or title, compared without regard to case or repeated spaces."""
    return " ".join(value.casefold().split())


def _choice(choices, extra=()):
    """A TextChoices field: its value or its label, in any case."""
    mapping = {}
    for value, label in choices.choices:
        mapping[_key(value)] = value
        mapping[_key(label)] = value
    for alias, value in extra:
        mapping[_key(alias)] = value
    allowed = ", ".join(choices.values)

    def parse(value):
        _refuse_formula(value)
        found = mapping.get(_key(value))
        if found is None:
            raise _Problem(f"enter one of {allowed}")
        return found

    return parse


ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
DATE_HINT = "enter a date like 2019-02-15 or 15/02/2019"


def _date(value):
    _refuse_formula(value)
    if m := ISO_DATE.match(value):
        year, month, day = (int(g) for g in m.groups())
    elif m := UK_DATE.match(value):
        day, month, year = (int(g) for g in m.groups())
    else:
        raise _Problem(DATE_HINT)
    try:
        return date(year, month, day)
    except ValueError:
        raise _Problem(f"{value} is not a real date: {DATE_HINT}") from None


def _refuse_formula_in_number(value):
    if value[:1] in ("=", "+", "@"):
        _refuse_formula(value)


def _sessions(value):
    _refuse_formula_in_number(value)
    if not re.fullmatch(r"-?\d{1,6}", value):
        raise _Problem("enter a whole number of sessions, like 6")
    number = int(value)
    if number < 1:
        raise _Problem("a course has at least 1 session")
    if number > 32767:
        raise _Problem("enter a number of sessions no more than 32767")
    return number


def _hours(value):
    _refuse_formula_in_number(value)
    if not re.fullmatch(r"-?(\d{1,6}(\.\d*)?|\.\d+)", value):
        raise _Problem("enter the hours as a number, like 2 or 1.5")
    number = Decimal(value)
    if number <= 0:
        raise _Problem("the hours per session must be more than 0")
    if number != number.quantize(Decimal("0.01")):
        raise _Problem("enter the hours with at most 2 decimal places, like 1.25")
    if number >= 100:
        raise _Problem("the hours per session must be less than 100")
    return number.quantize(Decimal("0.01"))


EMAIL_HINT = "enter an email address like name@example.nhs.uk"


def _email(value):
    _refuse_formula(value)
    _refuse_control(value)
    if len(value) > 254:
        raise _Problem(f"is too long: at most 254 characters (this has {len(value)})")
    try:
        validate_email(value)
    except ValidationError:
        raise _Problem(EMAIL_HINT) from None
    return value


def _list(names, limit=20):
    names = list(names)
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


class _Row:
    """The cells of one row, and the problems found in them."""

    def __init__(self, number, cells, add):
        self.number = number
        self.cells = cells
        self.add = add
        self.bad = False

    def error(self, column, message):
        self.bad = True
        self.add(self.number, column, message)

    def get(self, column, parse, required=None):
        """The cell's parsed value; None if it is empty or refused (a refusal is recorded)."""
        value = self.cells.get(column, "")
        if value == "":
            if required:
                self.error(column, required)
            return None
        try:
            return parse(value)
        except _Problem as problem:
            self.error(column, str(problem))
            return None

    def raw(self, column):
        return self.cells.get(column, "")


# --- The two kinds of file -------------------------------------------------------------------


class _TutorSheet:
    noun = "tutor"
    plural = "tutors"
    model = Tutor
    required = ("kind", "first_name", "last_name", "email")
    optional = (
        "status", "coproduction_trained_on", "joined_on", "employer", "profession", "team", "line_manager",
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
        self.tutors = {}
        for tutor in Tutor.objects.filter(college=college):
            self.tutors.setdefault(tutor.email.lower(), []).append(tutor)
        self.status = _choice(Course.Status)

    def co_producers(self, value):
        _refuse_formula(value)
        _refuse_control(value)
        emails = [e.strip() for e in re.split(r"[;,]", value) if e.strip()]
        tutors, problems = [], []
        for email in emails:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(f"'{email}' is not an email address")
                continue
            found = self.tutors.get(email.lower(), [])
            if not found:
                problems.append(f"no tutor in this College has the email {email}")
            elif len(found) > 1:
                problems.append(f"more than one tutor has the email {email}")
            elif found[0] not in tutors:
                tutors.append(found[0])
        if problems:
            raise _Problem("; ".join(problems) + " (separate the tutors' emails with ';')")
        kinds = {t.kind for t in tutors}
        missing = [label for kind, label in ((Tutor.Kind.PEER, "a peer tutor"), (Tutor.Kind.STAFF, "a staff tutor"))
                   if kind not in kinds]
        if missing:
            raise _Problem(
                f"a course is co-produced by at least one peer tutor and one staff tutor: add {' and '.join(missing)}"
            )
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
                "co_producers", self.co_producers,
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


def _failed(*messages):
    return ImportResult(ok=False, errors=[RowError(None, None, m) for m in messages])


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


def _import_text(sheet, text, actor):
    errors = []

    def add(row, column, message):
        errors.append(RowError(row, column, message))

    records = _records(text.removeprefix("\ufeff"))
    header_row, header = None, None
    for number, cells in records:
        if any(cells):
            header_row, header = number, cells
            break
    if header is None:
        raise _FileProblem("the file is empty: the first row should hold the column names")

    columns = {}  # canonical name -> index
    allowed = (*sheet.required, *sheet.optional)
    named = [(i, name) for i, name in enumerate(header) if name]
    if len(named) == 1 and (";" in named[0][1] or "\t" in named[0][1]):
        sep = "semicolons" if ";" in named[0][1] else "tabs"
        raise _FileProblem(f"the columns are separated by {sep}, not commas: {SAVE_AS}")
    fatal = False
    unnamed = {i for i, name in enumerate(header) if not name}
    positions = {}
    for i, name in named:
        positions.setdefault(_normalise_header(name), []).append(i)
    for name, where in positions.items():
        if name not in allowed:
            add(header_row, header[where[0]],
                f"unknown column: the columns for {sheet.plural} are {', '.join(allowed)}")
        elif len(where) > 1:
            fatal = True
            add(header_row, name,
                f"appears more than once (columns {' and '.join(_letter(i) for i in where)}): keep one")
        else:
            columns[name] = where[0]
    for name in sheet.required:
        if name not in positions:
            fatal = True
            add(header_row, name, "this column is missing: add it to the first row")
    if fatal:
        return ImportResult(ok=False, errors=errors)

    width = len(header)
    order = columns
    rows = []
    count = 0
    for number, cells in records:
        if not any(cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise _FileProblem(
                f"the file has more than {MAX_ROWS:,} rows of {sheet.plural}: split it into files of at most "
                f"{MAX_ROWS:,} rows"
            )
        row_errors = []
        row = _Row(number, {name: cells[i] if i < len(cells) else "" for name, i in columns.items()},
                   lambda r, c, m: row_errors.append(RowError(r, c, m)))
        stray = [i for i, value in enumerate(cells) if value and (i >= width or i in unnamed)]
        if stray:
            row.error(None, f"there is a value in column {_letter(stray[0])}, which has no name in row {header_row}: "
                            "name the column or move the value (check for a comma that should be inside quotes)")
        fields = sheet.check(row)
        row_errors.sort(key=lambda e: -1 if e.column is None else order.get(e.column, len(order)))
        errors.extend(row_errors)
        if not row.bad:
            rows.append((number, fields))
    if count == 0:
        errors.append(RowError(None, None, f"the file has column names but no rows of {sheet.plural} below them"))
    if errors:
        return ImportResult(ok=False, errors=errors)
    return _write(sheet, rows, actor, order)


def _write(sheet, rows, actor, order):
    errors = []
    try:
        with transaction.atomic():
            for number, fields in rows:
                try:
                    sheet.create(fields, actor)
                except ValidationError as exc:
                    problems = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
                    for column, messages in problems.items():
                        column = column if column in order else None
                        for message in messages:
                            errors.append(RowError(number, column, message[:1].lower() + message[1:]))
                except IntegrityError:
                    errors.append(RowError(
                        number, None,
                        f"this {sheet.noun} clashes with one saved in Tandem while the file was being imported: "
                        "upload the file again",
                    ))
            if errors:
                raise _Rollback
            record(
                actor=actor, action="import", object_type=sheet.model._meta.label,
                fields=list(order), note=f"CSV import of {len(rows)} {sheet.plural}",
            )
    except _Rollback:
        return ImportResult(ok=False, errors=errors)
    return ImportResult(ok=True, count=len(rows))
