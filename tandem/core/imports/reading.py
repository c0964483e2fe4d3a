"""Tandem's one CSV reader: an uploaded file and what is wrong with it. Bytes to text (UTF-8 or
Windows-1252), CSV records, the header row, the cell parsers (the tutors named by email among them),
and the all-or-nothing check-then-write loop, shared by the sheets (`tandem.core.imports.sheets`),
the registers (`tandem.core.imports.registers`), the QI benchmarks (`tandem.qi.compare`) and a
measure's monthly values (`tandem.qi.values_csv`).

Every problem is a `RowError` with the row number a spreadsheet shows (the column names are row 1)
and the column's name. Nothing here raises for anything wrong with the file itself.
"""

import codecs
import csv
import io
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from tandem.audit.services import record

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
            return data[len(codecs.BOM_UTF8) :].decode("utf-8")
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


def _records(text, delimiter=","):
    """(row number, cells) for every record; a quoted cell may span lines but is one row."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
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
                    "contains a line break: put the value on one line (or check for a double quote without its partner)"
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


def tutors_by_email(tutors):
    """The College's tutors by email, in lower case (a list: two records may, wrongly, share one)."""
    found = defaultdict(list)
    for tutor in tutors:
        found[tutor.email.lower()].append(tutor)
    return found


def tutors_from_emails(value, tutors, *, kind=None, other_column=None):
    """The tutors a cell names by their emails, separated by ';' or ',' (each tutor once, in the
    cell's order); `tutors` is `tutors_by_email(...)` of the College. With `kind`, a tutor of the
    other kind is refused and belongs in `other_column`. Raises `_Problem` naming every email
    refused, so the cell's row and column are reported with all of them."""
    _refuse_formula(value)
    _refuse_control(value)
    found, problems = [], []
    for email in (e.strip() for e in re.split(r"[;,]", value)):
        if not email:
            continue
        try:
            validate_email(email)
        except ValidationError:
            problems.append(f"'{email}' is not an email address")
            continue
        matches = tutors.get(email.lower(), [])
        if not matches:
            problems.append(f"no tutor in this College has the email {email}")
        elif len(matches) > 1:
            problems.append(f"more than one tutor has the email {email}")
        elif kind is not None and matches[0].kind != kind:
            problems.append(f"{email} is a {matches[0].get_kind_display().lower()}: put them in {other_column}")
        elif matches[0] not in found:
            found.append(matches[0])
    if problems:
        raise _Problem("; ".join(problems) + " (separate the tutors' emails with ';')")
    return found


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


# --- The import ------------------------------------------------------------------------------


def _failed(*messages):
    return ImportResult(ok=False, errors=[RowError(None, None, m) for m in messages])


def _header(sheet, records, add):
    """The first row with a value: the column names. Returns (row number, width, columns by
    canonical name -> index, indexes of unnamed columns, fatal): fatal when a required column is
    missing or a column is named twice, so no row can be read."""
    header_row, header = next(((n, c) for n, c in records if any(c)), (None, None))
    if header is None:
        raise _FileProblem("the file is empty: the first row should hold the column names")
    named = [(i, name) for i, name in enumerate(header) if name]
    if len(named) == 1 and (";" in named[0][1] or "\t" in named[0][1]):
        sep = "semicolons" if ";" in named[0][1] else "tabs"
        raise _FileProblem(f"the columns are separated by {sep}, not commas: {SAVE_AS}")
    hint = f" ({sheet.hint})" if getattr(sheet, "hint", "") else ""
    allowed = (*sheet.required, *sheet.optional)
    positions = {}
    for i, name in named:
        positions.setdefault(_normalise_header(name), []).append(i)
    columns, fatal = {}, False
    for name, where in positions.items():
        if name not in allowed:
            add(
                header_row,
                header[where[0]],
                f"unknown column: the columns for {sheet.plural} are {', '.join(allowed)}{hint}",
            )
        elif len(where) > 1:
            fatal = True
            add(
                header_row,
                name,
                f"appears more than once (columns {' and '.join(_letter(i) for i in where)}): keep one",
            )
        else:
            columns[name] = where[0]
    for name in sheet.required:
        if name not in positions:
            fatal = True
            add(header_row, name, f"this column is missing: add it to the first row{hint}")
    unnamed = {i for i, name in enumerate(header) if not name}
    return header_row, len(header), columns, unnamed, fatal


def _check_records(sheet, records):
    """Every row of a file checked by `sheet.check(row)`: (errors, [(row number, fields)] of the
    rows without a problem, the columns by name -> index). Raises `_FileProblem` for a file that
    cannot be read at all."""
    errors = []

    def add(row, column, message):
        errors.append(RowError(row, column, message))

    header_row, width, columns, unnamed, fatal = _header(sheet, records, add)
    if fatal:
        return errors, [], columns
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
        row = _Row(
            number,
            {name: cells[i] if i < len(cells) else "" for name, i in columns.items()},
            lambda r, c, m, errors=row_errors: errors.append(RowError(r, c, m)),
        )
        stray = [i for i, value in enumerate(cells) if value and (i >= width or i in unnamed)]
        if stray:
            row.error(
                None,
                f"there is a value in column {_letter(stray[0])}, which has no name in row {header_row}: "
                "name the column or move the value (check for a comma that should be inside quotes)",
            )
        fields = sheet.check(row)
        row_errors.sort(key=lambda e: -1 if e.column is None else columns.get(e.column, len(columns)))
        errors.extend(row_errors)
        if not row.bad:
            rows.append((number, fields))
    if count == 0:
        errors.append(RowError(None, None, f"the file has column names but no rows of {sheet.plural} below them"))
    return errors, rows, columns


def _import_text(sheet, text, actor):
    errors, rows, columns = _check_records(sheet, _records(text.removeprefix("\ufeff")))
    if errors:
        return ImportResult(ok=False, errors=errors)
    return _write(sheet, rows, actor, columns)


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
                    errors.append(
                        RowError(
                            number,
                            None,
                            f"this {sheet.noun} clashes with one saved in Tandem while the file was being imported: "
                            "upload the file again",
                        )
                    )
            if errors:
                raise _Rollback
            record(
                actor=actor,
                action="import",
                object_type=sheet.model._meta.label,
                fields=list(order),
                note=f"CSV import of {len(rows)} {sheet.plural}",
            )
    except _Rollback:
        return ImportResult(ok=False, errors=errors)
    return ImportResult(ok=True, count=len(rows))
