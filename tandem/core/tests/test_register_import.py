"""Past session registers (tandem import sessions and the Import page): two years of a College's
registers, as CSV and as Excel, give the outcome measure counted by hand from the file; importing
twice counts nothing twice; bad files are refused whole, each problem naming its row and column."""

import datetime as dt
import io
import random
from collections import defaultdict

import pytest
from django.urls import reverse
from openpyxl import Workbook

from tandem.cli import main
from tandem.core.importers import import_file
from tandem.core.models import Site, Term
from tandem.courses.models import Course, CourseRun, Session
from tandem.qi.measures import series
from tandem.tutors.models import Tutor

pytestmark = pytest.mark.django_db

HEADER = [
    "run",
    "course",
    "date",
    "start",
    "end",
    "venue",
    "status",
    "cancel_reason",
    "peer_tutors",
    "staff_tutors",
    "attendance",
]


@pytest.fixture
def college(world):
    """The world's College with a few more tutors (one staff tutor employed by a charity, whom the
    outcome measure does not count) and courses."""
    w = world
    w.peers = [w.peer] + [
        Tutor.objects.create(
            college=w.college,
            kind="peer",
            first_name=f"Peer{i}",
            last_name="Tutor",
            email=f"peer{i}@example.org",
            status="active",
        )
        for i in range(3)
    ]
    w.staffs = [w.staff, w.unmanaged] + [
        Tutor.objects.create(
            college=w.college,
            kind="staff",
            first_name=f"Staff{i}",
            last_name="Tutor",
            email=f"staff{i}@example.nhs.uk",
            status="active",
            employer=w.trust,
        )
        for i in range(2)
    ]
    w.charity_staff = Tutor.objects.create(
        college=w.college,
        kind="staff",
        first_name="Cara",
        last_name="Charity",
        email="cara@hillside.example",
        status="left",
        employer=w.charity,
    )
    w.staffs.append(w.charity_staff)
    w.courses = [w.course] + [
        Course.objects.create(
            college=w.college, title=t, topic="Living well", number_of_sessions=n, hours_per_session=2
        )
        for t, n in (("Sleep well", 3), ("Hope", 1))
    ]
    return w


def two_years(w, seed=7):
    """Rows of two years of registers (2022-09 to 2024-08): weekly runs, some sessions cancelled,
    August a break. Returns (rows, staff tutors teaching per month counted by hand)."""
    rng = random.Random(seed)
    rows, by_month = [], defaultdict(set)
    number = 0
    day = dt.date(2022, 9, 5)
    while day < dt.date(2024, 8, 1):
        if day.month == 8:
            day += dt.timedelta(weeks=1)
            continue
        course = rng.choice(w.courses)
        number += 1
        ref = f"R{number:03d}"
        peers = rng.sample(w.peers, rng.choice([1, 1, 2]))
        staff = rng.sample(w.staffs, rng.choice([1, 1, 2]))
        venue = rng.choice(["Riverside Hub", "online", "Old Library"])
        for k in range(course.number_of_sessions):
            date = day + dt.timedelta(days=rng.randint(0, 4)) + dt.timedelta(weeks=k)
            if date.month == 8:
                break
            if rng.random() < 0.1:
                rows.append(
                    [
                        ref,
                        course.title,
                        date.strftime("%d/%m/%Y"),
                        "10:00",
                        "12:00",
                        venue,
                        "cancelled",
                        rng.choice(["A tutor was unwell", "venue", "Snow closed the roads"]),
                        "",
                        "",
                        "",
                    ]
                )
                continue
            rows.append(
                [
                    ref,
                    course.title,
                    date.isoformat(),
                    "10:00",
                    "12:00",
                    venue,
                    "delivered",
                    "",
                    ";".join(t.email for t in peers),
                    "; ".join(t.email for t in staff),
                    str(rng.randint(3, 15)),
                ]
            )
            for t in staff:
                if t.is_trust_staff:
                    by_month[date.strftime("%Y-%m")].add(t.email)
        day += dt.timedelta(days=rng.choice([3, 4, 7]))
    return rows, {m: len(v) for m, v in by_month.items()}


def as_csv(rows, header=HEADER, encoding="utf-8"):
    out = io.StringIO()
    for r in [header, *rows]:
        out.write(",".join(f'"{c}"' if ("," in c or ";" in c) else c for c in r) + "\r\n")
    return out.getvalue().encode(encoding)


def as_xlsx(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for r in rows:
        cells = list(r)
        d = cells[2]
        cells[2] = dt.datetime.strptime(d, "%d/%m/%Y") if "/" in d else dt.datetime.fromisoformat(d)  # a date cell
        cells[3], cells[4] = dt.time(10), dt.time(12)  # time cells
        cells[10] = int(cells[10]) if cells[10] else None
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def teaching(college):
    return {r["period"]: r["value"] for r in series(college, "staff_tutors_teaching")}


def errors_of(result):
    return [str(e) for e in result.errors]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "cp1252"])
def test_two_years_of_registers_give_the_measure_counted_by_hand(college, fmt):
    rows, by_hand = two_years(college)
    data = {
        "csv": lambda: as_csv(rows),
        "xlsx": lambda: as_xlsx(rows),
        "cp1252": lambda: as_csv([[c.replace("Snow", "Snow—") for c in r] for r in rows], encoding="cp1252"),
    }[fmt]()
    result = import_file(kind="sessions", data=data, college=college.college, actor=college.admin)
    assert result.ok, errors_of(result)[:5]
    assert result.count == len(rows)
    measured = teaching(college.college)
    months = sorted(by_hand)
    assert {m: measured[m] for m in months} == by_hand
    assert measured.get("2023-08") is None  # the August break is missing, not zero
    # Every run is one CourseRun, with its sessions, in a term; the new sites were added.
    assert CourseRun.objects.filter(course__college=college.college).exclude(reference="").count() == len(
        {r[0] for r in rows}
    )
    assert Site.objects.filter(college=college.college, name="Old Library").exists()
    assert Term.objects.filter(college=college.college, season="autumn", year=2023).exists()
    assert any("Added the site Old Library" in n for n in result.notes)

    # A second import of the same file changes nothing and says why.
    before = Session.objects.count()
    again = import_file(kind="sessions", data=data, college=college.college, actor=college.admin)
    assert not again.ok and "already recorded (was this file imported before?)" in errors_of(again)[0]
    assert Session.objects.count() == before and teaching(college.college) == measured


def test_the_command_imports_and_refuses_a_second_time(college, tmp_path, capsys, keep_connection):
    rows, by_hand = two_years(college)
    path = tmp_path / "registers.csv"
    path.write_bytes(as_csv(rows[:40]))
    assert main(["import", "sessions", str(path), "--college", "riverside"]) == 0
    assert "Imported 40 sessions." in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_:
        main(["import", "sessions", str(path), "--college", "riverside"])
    assert exit_.value.code == 2
    assert "Row 2, column date" in capsys.readouterr().err


BAD = [
    (
        "delivered without a staff tutor",
        {8: "peer0@example.org", 9: ""},
        "Row 2, column staff_tutors: a delivered session is co-delivered",
    ),
    ("delivered without a peer tutor", {8: ""}, "Row 2, column peer_tutors: a delivered session is co-delivered"),
    (
        "unknown tutor",
        {9: "nobody@example.nhs.uk"},
        "Row 2, column staff_tutors: no tutor in this College has the email nobody@example.nhs.uk",
    ),
    (
        "tutor in the wrong column",
        {8: "sam@example.nhs.uk"},
        "Row 2, column peer_tutors: sam@example.nhs.uk is a staff tutor: put them in staff_tutors",
    ),
    (
        "unknown course",
        {1: "Basket weaving"},
        "Row 2, column course: no course in the catalogue is called 'Basket weaving'",
    ),
    ("impossible date", {2: "31/02/2023"}, "Row 2, column date: 31/02/2023 is not a real date"),
    ("future date", {2: "2099-01-05"}, "Row 2, column date: a delivered session cannot be in the future"),
    (
        "cancelled without a reason",
        {6: "cancelled", 7: ""},
        "Row 2, column cancel_reason: a cancelled session says why",
    ),
    ("unknown status", {6: "postponed"}, "Row 2, column status: enter delivered or cancelled"),
    ("end before start", {4: "09:00"}, "Row 2, column end: the end time must be after the start time"),
    ("a time that is not one", {3: "25:99"}, "Row 2, column start: 25:99 is not a real time"),
    ("a formula", {10: "=1+1"}, "Row 2, column attendance: starts with '='"),
]


@pytest.mark.parametrize("name,change,message", BAD, ids=[b[0] for b in BAD])
def test_a_bad_row_refuses_the_whole_file(college, name, change, message):
    good = [
        "R1",
        "Understanding anxiety",
        "2023-01-10",
        "10:00",
        "12:00",
        "online",
        "delivered",
        "",
        "pat@example.org",
        "sam@example.nhs.uk",
        "9",
    ]
    bad = list(good)
    bad[2] = "2023-01-03"
    for i, value in change.items():
        bad[i] = value
    result = import_file(kind="sessions", data=as_csv([bad, good]), college=college.college, actor=college.admin)
    assert not result.ok
    assert any(e.startswith(message) for e in errors_of(result)), errors_of(result)
    assert not Session.objects.filter(run__reference="R1").exists()


def test_a_duplicate_row_and_a_run_with_two_courses_are_refused(college):
    row = [
        "R1",
        "Understanding anxiety",
        "2023-01-10",
        "10:00",
        "12:00",
        "online",
        "delivered",
        "",
        "pat@example.org",
        "sam@example.nhs.uk",
        "",
    ]
    other = list(row)
    other[1], other[2] = "Hope", "2023-01-17"
    result = import_file(kind="sessions", data=as_csv([row, row, other]), college=college.college, actor=college.admin)
    errors = errors_of(result)
    assert (
        "Row 3, column date: row 2 is the same session (run R1 on 10 January 2023): each session appears once" in errors
    )
    assert any(e.startswith("Row 4, column course: run R1 is 'Understanding anxiety' in row 2") for e in errors)
    assert not CourseRun.objects.filter(reference="R1").exists()


def test_a_missing_column_and_an_unknown_one_are_named(college):
    header = [h for h in HEADER if h != "staff_tutors"] + ["colour"]
    result = import_file(kind="sessions", data=as_csv([], header=header), college=college.college, actor=college.admin)
    errors = errors_of(result)
    assert any(e.startswith("Row 1, column staff_tutors: this column is missing") for e in errors)
    assert any(e.startswith("Row 1, column colour: unknown column") for e in errors)


@pytest.mark.parametrize(
    "data,message",
    [
        (b"", "The file is empty"),
        (b"PK\x03\x04 not really a zip", "The file looks like an Excel workbook but cannot be opened"),
        (b"\xd0\xcf\x11\xe0 old excel", "This is an old Excel workbook (.xls)"),
        (b"run;course;date\n", "The columns are separated by semicolons, not commas"),
    ],
)
def test_files_that_are_not_registers_get_one_plain_message(college, data, message):
    result = import_file(kind="sessions", data=data, college=college.college, actor=college.admin)
    assert not result.ok and errors_of(result)[0].startswith(message)


def test_later_sessions_of_an_imported_run_extend_it(college):
    first = [
        "R1",
        "Sleep well",
        "2023-01-10",
        "10:00",
        "12:00",
        "Riverside Hub",
        "delivered",
        "",
        "pat@example.org",
        "sam@example.nhs.uk",
        "",
    ]
    second = list(first)
    second[2] = "2023-01-17"
    assert import_file(kind="sessions", data=as_csv([first]), college=college.college, actor=college.admin).ok
    result = import_file(kind="sessions", data=as_csv([second]), college=college.college, actor=college.admin)
    assert result.ok and "1 run from an earlier import extended" in result.notes[0]
    run = CourseRun.objects.get(reference="R1")
    assert run.sessions.count() == 2 and set(run.tutors.all()) == {college.peer, college.staff}
    assert run.room.site.name == "Riverside Hub"  # the world's site, matched by name


def test_the_upload_page_imports_a_workbook(college, client):
    rows, _ = two_years(college)
    client.force_login(college.admin)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("registers.xlsx", as_xlsx(rows[:30]))
    response = client.post(reverse("core:import"), {"kind": "sessions", "file": upload}, follow=True)
    assert "Imported 30 sessions." in response.content.decode()
    bad = SimpleUploadedFile(
        "registers.csv", as_csv([["R9", "Nope", "2023-01-10", "10:00", "12:00", "online", "delivered", "", "", "", ""]])
    )
    body = client.post(reverse("core:import"), {"kind": "sessions", "file": bad}).content.decode()
    assert "Row 2, column course" in body and "Nothing has been written" in body
