"""Past session registers: a College's history of delivered and cancelled sessions, brought in from
a CSV file (UTF-8 or Windows-1252) or an Excel workbook (.xlsx, first sheet).

One row per session. Rows with the same `run` reference are one course run. Every row is checked
first, with the register's own rules (a delivered session needs a peer and a staff tutor, is not in
the future, and is not already recorded); any problem and nothing is written, every problem naming
its row and column. Then everything is written in one transaction through
`tandem.courses.services.run_from_register`, so the outcome measure and the QI charts count the
history exactly as they count sessions recorded on the pages.
"""

import datetime as dt
import io
import re
import zipfile
from collections import defaultdict
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import load_workbook

from tandem.audit.services import record
from tandem.core import clock
from tandem.core.models import Room, Site, Term
from tandem.core.terms import usual_term
from tandem.courses.models import Course, CourseRun, Session
from tandem.courses.services import run_from_register
from tandem.tutors.models import Tutor

from .reading import (
    ImportResult,
    RowError,
    _check_records,
    _date,
    _decode,
    _failed,
    _FileProblem,
    _Problem,
    _records,
    _refuse_control,
    _refuse_formula,
    _text,
    human_size,
    tutors_by_email,
    tutors_from_emails,
)

REQUIRED = ("run", "course", "date", "start", "end", "venue", "status", "peer_tutors", "staff_tutors")
OPTIONAL = ("cancel_reason", "attendance")
COLUMNS = REQUIRED + OPTIONAL
XLSX_MAX_UNPACKED = 50 * 1024 * 1024  # an .xlsx is a zip: refuse one that unpacks to more than this
TEMPLATE_HINT = "see docs/sessions-template.csv"


# --- Reading the file ---------------------------------------------------------------------------


def _cell_text(value):
    """An Excel cell as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        if value.date() == dt.date(1899, 12, 30) or value.date() == dt.date(1900, 1, 1):
            return value.strftime("%H:%M")  # a time typed alone
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_rows(data):
    """(row number, cells) of the workbook's first sheet."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise _FileProblem(
            "the file looks like an Excel workbook but cannot be opened: save it again as .xlsx"
        ) from None
    if unpacked > XLSX_MAX_UNPACKED:
        raise _FileProblem(
            f"the workbook unpacks to {human_size(unpacked)}, more than Tandem reads "
            f"({human_size(XLSX_MAX_UNPACKED)}): split it into smaller files"
        )
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign workbook  # noqa: BLE001
        raise _FileProblem(
            "the workbook cannot be read: save it again as an Excel workbook (.xlsx) or as CSV"
        ) from None
    try:
        sheet = book.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell_text(v) for v in values]
    finally:
        book.close()


def _rows_of(data):
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_rows(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _FileProblem("this is an old Excel workbook (.xls): save it as .xlsx or as CSV UTF-8")
    return _records(_decode(data).removeprefix("\ufeff"))


# --- Checking cells -----------------------------------------------------------------------------

TIME = re.compile(r"^(\d{1,2})[:.](\d{2})(?::\d{2})?$")


def _time(value):
    _refuse_formula(value)
    m = TIME.match(value)
    if not m:
        raise _Problem("enter a time like 10:00 or 13:30 (24-hour clock)")
    hour, minute = int(m.group(1)), int(m.group(2))
    if hour > 23 or minute > 59:
        raise _Problem(f"{value} is not a real time: enter a time like 10:00 or 13:30")
    return dt.time(hour, minute)


STATUSES = {
    "delivered": Session.Status.DELIVERED,
    "cancelled": Session.Status.CANCELLED,
    "canceled": Session.Status.CANCELLED,
}


def _status(value):
    _refuse_formula(value)
    found = STATUSES.get(value.strip().lower())
    if found is None:
        raise _Problem("enter delivered or cancelled")
    return found


REASONS = {}
for _value, _label in Session.CancelReason.choices:
    if _value != Session.CancelReason.RUN_CANCELLED:
        REASONS[re.sub(r"[\s_\-]+", " ", _value).lower()] = _value
        REASONS[_label.lower()] = _value


def _reason(value):
    """A cancellation reason: one of Tandem's (value or words), or any other words ("other")."""
    _refuse_formula(value)
    _refuse_control(value)
    found = REASONS.get(re.sub(r"[\s_\-]+", " ", value).strip().lower())
    if found:
        return found, ""
    if len(value) > 200:
        raise _Problem(f"is too long: at most 200 characters (this has {len(value)})")
    return Session.CancelReason.OTHER, value


def _attendance(value):
    if value[:1] in ("=", "+", "@"):
        _refuse_formula(value)
    if not re.fullmatch(r"\d{1,4}", value):
        raise _Problem("enter the number of students who came as a whole number, like 12")
    number = int(value)
    if number > 500:
        raise _Problem("enter at most 500 students")
    return number


class _Register:
    """The sheet of a register file (`reading._check_records` reads it): the College's catalogue,
    tutors, sites and earlier imports, looked up once, and the runs the file's rows make up."""

    plural = "sessions"
    required = REQUIRED
    optional = OPTIONAL
    hint = TEMPLATE_HINT

    def __init__(self, college):
        self.college = college
        self.today = clock.today(college)
        self.courses = {" ".join(c.title.casefold().split()): c for c in Course.objects.filter(college=college)}
        self.tutors = tutors_by_email(Tutor.objects.filter(college=college))
        self.sites = {" ".join(s.name.casefold().split()): s for s in Site.objects.filter(college=college)}
        self.runs = {
            r.reference: r
            for r in CourseRun.objects.filter(course__college=college).exclude(reference="").select_related("course")
        }
        self.recorded = defaultdict(set)
        for ref, day in Session.objects.filter(run__in=self.runs.values()).values_list("run__reference", "date"):
            self.recorded[ref].add(day)
        self.file_runs = {}  # reference -> {"course", "rows": [...], "venue", "first_row", "run"}
        self.seen = {}  # (reference, date) -> row number

    def check(self, row):
        s = _check_row(row, self)
        _check_across(row, s, self, self.file_runs, self.seen)
        return s

    def course(self, value):
        _refuse_formula(value)
        found = self.courses.get(" ".join(value.casefold().split()))
        if found is None:
            raise _Problem(f"no course in the catalogue is called '{value}': add it first (tandem import courses)")
        return found

    def venue(self, value):
        _refuse_formula(value)
        _refuse_control(value)
        if value.strip().lower() == "online":
            return "online"
        if len(value) > 200:
            raise _Problem(f"is too long: at most 200 characters (this has {len(value)})")
        return self.sites.get(" ".join(value.casefold().split())) or value.strip()

    def people(self, kind):
        other = "staff_tutors" if kind == Tutor.Kind.PEER else "peer_tutors"
        return partial(tutors_from_emails, tutors=self.tutors, kind=kind, other_column=other)


# --- The import ---------------------------------------------------------------------------------


def import_register(*, data, college, actor):
    """Check every row of a register file; if all are valid, bring every session in."""
    if college is None:
        return _failed("your account is not linked to a College, so there is nowhere to import to")
    if isinstance(data, str):
        data = data.encode("utf-8")
    data = bytes(data)
    limit = settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        return _failed(
            f"the file is too large: it is {human_size(len(data))} and the largest Tandem accepts is "
            f"{human_size(limit)}. Split it into smaller files"
        )
    if not data:
        return _failed("the file is empty")
    try:
        return _import(_rows_of(data), _Register(college), actor)
    except _FileProblem as problem:
        return _failed(str(problem))


def _import(records, register, actor):
    errors, _, _ = _check_records(register, records)
    if errors:
        return ImportResult(ok=False, errors=errors)
    return _write(register.file_runs, register, actor)


def _check_row(row, register):
    s = {
        "run": row.get("run", _text(100), required="enter the College's reference for the course run"),
        "course": row.get("course", register.course, required="enter the course's title as in the catalogue"),
        "date": row.get("date", _date, required="enter the session's date, like 2019-02-15 or 15/02/2019"),
        "start_time": row.get("start", _time, required="enter the start time, like 10:00"),
        "end_time": row.get("end", _time, required="enter the end time, like 12:00"),
        "venue": row.get("venue", register.venue, required="enter the site's name, or online"),
        "status": row.get("status", _status, required="enter delivered or cancelled"),
        "peers": row.get("peer_tutors", register.people(Tutor.Kind.PEER)) or [],
        "staff": row.get("staff_tutors", register.people(Tutor.Kind.STAFF)) or [],
        "head_count": row.get("attendance", _attendance),
        "reason": row.get("cancel_reason", _reason),
        "row": row.number,
    }
    if s["start_time"] and s["end_time"] and s["end_time"] <= s["start_time"]:
        row.error("end", "the end time must be after the start time")
    if s["status"] == Session.Status.DELIVERED:
        if s["date"] and s["date"] > register.today:
            row.error("date", f"a delivered session cannot be in the future (today is {register.today:%d %B %Y})")
        if not row.raw("peer_tutors") and not s["peers"]:
            row.error("peer_tutors", "a delivered session is co-delivered: enter at least one peer tutor's email")
        if not row.raw("staff_tutors") and not s["staff"]:
            row.error("staff_tutors", "a delivered session is co-delivered: enter at least one staff tutor's email")
    elif s["status"] == Session.Status.CANCELLED and not row.raw("cancel_reason"):
        row.error("cancel_reason", "a cancelled session says why: enter the reason, for example 'A tutor was unwell'")
    return s


def _check_across(row, s, register, runs, seen):
    ref, course = s["run"], s["course"]
    if not ref:
        return
    earlier = register.runs.get(ref)
    if earlier is not None and course is not None and earlier.course_id != course.pk:
        row.error(
            "course",
            f"run {ref} was imported before as '{earlier.course.title}': a run's rows all name the same course",
        )
    group = runs.get(ref)
    if group is None:
        group = runs[ref] = {"course": course, "rows": [], "venue": s["venue"], "first_row": row.number, "run": earlier}
    elif course is not None and group["course"] is not None and group["course"] != course:
        row.error(
            "course",
            f"run {ref} is '{group['course'].title}' in row {group['first_row']}: "
            "a run's rows all name the same course",
        )
    if s["date"]:
        key = (ref, s["date"])
        if key in seen:
            row.error(
                "date",
                f"row {seen[key]} is the same session (run {ref} on {s['date']:%d %B %Y}): each session appears once",
            )
        else:
            seen[key] = row.number
        if s["date"] in register.recorded.get(ref, ()):
            row.error(
                "date",
                f"the session of run {ref} on {s['date']:%d %B %Y} is already recorded "
                "(was this file imported before?)",
            )
    if not row.bad:
        group["rows"].append(s)


def _site_room(register, venue, notes):
    """The run's room at a named site: its first room; a site new to the College is added with one room."""
    site = venue if isinstance(venue, Site) else None
    if site is None:
        key = " ".join(venue.casefold().split())
        site = register.sites.get(key)
        if site is None:
            site = register.sites[key] = Site.objects.create(college=register.college, name=venue)
            notes.append(f"Added the site {venue} to the College, with a room called Main room")
    room = Room.objects.filter(site=site).order_by("name").first()
    if room is None:
        room = Room.objects.create(site=site, name="Main room", capacity=20)
        if not any(site.name in n for n in notes):
            notes.append(f"Added a room called Main room at {site.name}")
    return room


def _term(register, first, last, notes):
    existing = Term.objects.filter(college=register.college, starts_on__lte=first, ends_on__gte=first).first()
    if existing:
        return existing
    season, year, starts, ends = usual_term(first)
    term, created = Term.objects.get_or_create(
        college=register.college,
        season=season,
        year=year,
        defaults={"starts_on": min(starts, first), "ends_on": max(ends, last)},
    )
    if created:
        notes.append(f"Added the {term} term ({term.starts_on:%d %B %Y} to {term.ends_on:%d %B %Y})")
    return term


def _write(runs, register, actor):
    notes, sessions, created, extended = [], 0, 0, 0
    try:
        with transaction.atomic():
            for ref, group in runs.items():
                rows = group["rows"]
                first = min(s["date"] for s in rows)
                last = max(s["date"] for s in rows)
                online = group["venue"] == "online"
                room = None if online else _site_room(register, group["venue"], notes)
                payload = [
                    {
                        "date": s["date"],
                        "start_time": s["start_time"],
                        "end_time": s["end_time"],
                        "status": s["status"],
                        "tutors": s["peers"] + s["staff"],
                        "head_count": s["head_count"],
                        "cancel_reason": s["reason"][0] if s["reason"] else "",
                        "cancel_note": s["reason"][1] if s["reason"] else "",
                    }
                    for s in rows
                ]
                term = None if group["run"] else _term(register, first, last, notes)
                try:
                    run_from_register(
                        actor=actor,
                        course=group["course"],
                        term=term,
                        reference=ref,
                        sessions=payload,
                        online=online,
                        room=room,
                        run=group["run"],
                    )
                except ValidationError as exc:
                    raise _RowsRefused(
                        [RowError(group["first_row"], None, f"run {ref}: " + " ".join(exc.messages))]
                    ) from exc
                sessions += len(rows)
                created += group["run"] is None
                extended += group["run"] is not None
            record(
                actor=actor,
                action="import",
                object_type="courses.Session",
                fields=list(COLUMNS),
                note=f"past registers: {sessions} sessions, {created} new runs",
                college_id=register.college.pk,
            )
    except _RowsRefused as refused:
        return ImportResult(ok=False, errors=refused.errors)
    summary = f"{created} run{'s' if created != 1 else ''} added"
    if extended:
        summary += f", {extended} run{'s' if extended != 1 else ''} from an earlier import extended"
    return ImportResult(ok=True, count=sessions, notes=[summary, *notes])


class _RowsRefused(Exception):
    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors
