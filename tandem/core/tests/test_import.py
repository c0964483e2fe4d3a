"""CSV import of tutors and courses: the checks, the all-or-nothing write, the command and the page."""

import importlib
import io
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tandem.accounts.models import Role, User
from tandem.audit.models import AuditEvent
from tandem.core.imports import reading
from tandem.core.imports.reading import ImportResult, RowError
from tandem.core.imports.sheets import import_file
from tandem.core.models import College, Organisation
from tandem.courses.models import Course
from tandem.tutors.models import Tutor

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
TRUST = "Northvale NHS Foundation Trust"
TUTOR_HEADER = (
    "kind,first_name,last_name,email,status,coproduction_trained_on,joined_on,employer,profession,team,line_manager"
)
COURSE_HEADER = "title,topic,number_of_sessions,hours_per_session,status,description,co_producers"


@pytest.fixture
def base():
    trust = Organisation.objects.create(name=TRUST, is_trust=True)
    council = Organisation.objects.create(name="Northvale Borough Council")
    college = College.objects.create(name="Northvale Recovery College", slug="northvale", trust=trust)
    manager = User.objects.create_user(
        username="lm.okafor", email="chidi.okafor@northvale.example.nhs.uk", role=Role.LINE_MANAGER, college=college
    )
    admin = User.objects.create_user(username="admin.reyes", role=Role.COLLEGE_ADMIN, college=college)
    return SimpleNamespace(trust=trust, council=council, college=college, manager=manager, admin=admin)


@pytest.fixture
def tutors(base):
    """Two existing tutors a courses file can name as co-producers."""
    peer = Tutor.objects.create(
        college=base.college, kind="peer", first_name="Maya", last_name="Fernsby", email="maya.fernsby@example.org"
    )
    staff = Tutor.objects.create(
        college=base.college,
        kind="staff",
        first_name="Priya",
        last_name="Hollenby",
        email="priya.hollenby@northvale.example.nhs.uk",
        employer=base.trust,
    )
    return SimpleNamespace(peer=peer, staff=staff)


def csv_text(header, *rows):
    return "\n".join([header, *rows]) + "\n"


def run(base, kind, text, encoding="utf-8", actor=None):
    data = text if isinstance(text, bytes) else text.encode(encoding)
    return import_file(kind=kind, data=data, college=base.college, actor=actor)


def where(result):
    return {(e.row, e.column) for e in result.errors}


def counts():
    return Tutor.objects.count(), Course.objects.count(), AuditEvent.objects.count()


GOOD_TUTORS = csv_text(
    TUTOR_HEADER,
    "peer,Zoë,Brontë,zoe.bronte@example.org,active,2023-09-14,01/10/2023,,,,",
    f"staff,Gareth,Wynstan,gareth.wynstan@northvale.example.nhs.uk,,14/09/2023,,{TRUST},Nurse,EIP,lm.okafor",
    "staff,Declan,Pryor,declan.pryor@northvale.example.nhs.uk,trained,,,northvale borough council,Social worker,,"
    "chidi.okafor@northvale.example.nhs.uk",
)


# --- Valid files -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda t: t.encode("utf-8"), id="utf-8"),
        pytest.param(lambda t: t.encode("utf-8-sig"), id="utf-8-bom"),
        pytest.param(lambda t: t.replace("\n", "\r\n").encode("utf-8"), id="crlf"),
        pytest.param(lambda t: t.replace("\n", "\r").encode("utf-8"), id="bare-cr"),
        pytest.param(lambda t: t.replace("\n", "\r\n").encode("cp1252"), id="cp1252-excel"),
    ],
)
def test_valid_tutors_file_imports_in_every_encoding(base, encode):
    result = run(base, "tutors", encode(GOOD_TUTORS))
    assert result == ImportResult(ok=True, count=3, errors=[])
    zoe = Tutor.objects.get(email="zoe.bronte@example.org")
    assert (zoe.first_name, zoe.last_name, zoe.kind, zoe.status) == ("Zoë", "Brontë", "peer", "active")
    assert str(zoe.coproduction_trained_on) == "2023-09-14" and str(zoe.joined_on) == "2023-10-01"
    assert zoe.employer is None
    gareth = Tutor.objects.get(email="gareth.wynstan@northvale.example.nhs.uk")
    assert gareth.status == "interested"  # the default
    assert gareth.employer == base.trust and gareth.line_manager == base.manager
    assert str(gareth.coproduction_trained_on) == "2023-09-14"
    declan = Tutor.objects.get(email="declan.pryor@northvale.example.nhs.uk")
    assert declan.employer == base.council and declan.line_manager == base.manager  # found by email


def test_every_created_tutor_is_audited_plus_one_import_event(base):
    run(base, "tutors", GOOD_TUTORS)
    creates = AuditEvent.objects.filter(action="create", object_type="tutors.Tutor")
    assert creates.count() == 3
    assert set(creates.values_list("object_id", flat=True)) == {
        str(pk) for pk in Tutor.objects.values_list("pk", flat=True)
    }
    event = AuditEvent.objects.get(action="import")
    assert event.actor_label == "system" and event.object_type == "tutors.Tutor" and "3 tutors" in event.note


def test_headers_are_case_and_space_insensitive_and_optional_columns_may_be_left_out(base):
    text = "  KIND , First Name,last name ,Email\npeer,Ann,Lee,ann@example.org\n"
    result = run(base, "tutors", text)
    assert result.ok, [str(e) for e in result.errors]
    assert Tutor.objects.get().status == "interested"


def test_blank_rows_are_skipped_and_rows_keep_their_spreadsheet_numbers(base):
    text = csv_text(
        "kind,first_name,last_name,email",
        "",
        "peer,Ann,Lee,ann@example.org",
        ",,,",
        "  ,  ,,",
        "peer,Bob,Lee,not-an-email",
        ",,,",
    )
    result = run(base, "tutors", text)
    assert not result.ok
    assert [str(e) for e in result.errors] == ["Row 6, column email: enter an email address like name@example.nhs.uk"]
    ok = run(base, "tutors", text.replace("not-an-email", "bob@example.org"))
    assert ok.ok and ok.count == 2


def test_a_quoted_cell_over_several_lines_is_one_row(base, tutors):
    text = csv_text(
        COURSE_HEADER,
        '"Sleep Matters",Living well,3,1.5,,"Line one\r\nline two\rline three",'
        "maya.fernsby@example.org;priya.hollenby@northvale.example.nhs.uk",
        "Second,Living well,0,1,,,maya.fernsby@example.org;priya.hollenby@northvale.example.nhs.uk",
    )
    result = run(base, "courses", text)
    assert where(result) == {(3, "number_of_sessions")}
    fixed = run(base, "courses", text.replace(",0,1,", ",1,1,"))
    assert fixed.ok
    assert Course.objects.get(title="Sleep Matters").description == "Line one\nline two\nline three"


def test_sample_files_import_and_the_served_copies_match():
    for name in ("tutors", "courses"):
        docs = (ROOT / "docs" / f"sample-{name}.csv").read_bytes()
        served = (ROOT / "tandem" / "static" / "tandem" / "samples" / f"{name}.csv").read_bytes()
        assert docs == served
        assert 6 <= len([line for line in docs.decode().splitlines()[1:] if line.strip()]) <= 10
    trust = Organisation.objects.create(name=TRUST, is_trust=True)
    college = College.objects.create(name="Northvale Recovery College", slug="northvale", trust=trust)
    for name in ("tutors", "courses"):
        data = (ROOT / "docs" / f"sample-{name}.csv").read_bytes()
        result = import_file(kind=name, data=data, college=college, actor=None)
        assert result.ok, [str(e) for e in result.errors]
    assert Tutor.objects.filter(kind="peer").exists() and Tutor.objects.filter(kind="staff").exists()
    assert all(
        c.co_producers.filter(kind="peer").exists() and c.co_producers.filter(kind="staff").exists()
        for c in Course.objects.all()
    )


def test_valid_courses_file_imports(base, tutors):
    text = csv_text(
        COURSE_HEADER,
        "Understanding Anxiety,Mental health,4,2,,What anxiety is.,"
        "maya.fernsby@example.org; PRIYA.hollenby@northvale.example.nhs.uk",
        "Hearing Voices,Mental health,5,1.25,In development,,"
        "maya.fernsby@example.org;priya.hollenby@northvale.example.nhs.uk;maya.fernsby@example.org",
    )
    result = run(base, "courses", text)
    assert result.ok and result.count == 2, [str(e) for e in result.errors]
    anxiety = Course.objects.get(title="Understanding Anxiety")
    assert anxiety.status == "active" and anxiety.number_of_sessions == 4
    assert anxiety.hours_per_session == Decimal("2.00")
    assert set(anxiety.co_producers.all()) == {tutors.peer, tutors.staff}
    voices = Course.objects.get(title="Hearing Voices")
    assert voices.status == "in_development" and voices.hours_per_session == Decimal("1.25")
    assert AuditEvent.objects.filter(action="create", object_type="courses.Course").count() == 2
    assert AuditEvent.objects.filter(action="import", object_type="courses.Course").count() == 1


# --- Files with problems write nothing -------------------------------------------------------


def test_a_file_with_errors_writes_nothing_and_lists_every_row_and_column(base):
    text = csv_text(
        TUTOR_HEADER,
        "peer,Ann,Lee,ann@example.org,,,,,,,",  # 2: fine
        "wizard,Bob,,bob@example.org,,,,,,,",  # 3: kind, last_name
        "peer,Cat,Ng,not-an-email,sleeping,2024-02-30,32/01/2024,,,,",  # 4: email, status, both dates
        "staff,Dan,Oke,dan@example.org,,,,,,,",  # 5: employer missing
        "staff,Eve,Ray,eve@example.org,,,,Acme Ltd,,,nobody",  # 6: employer, line_manager
        f"peer,Fay,Ude,fay@example.org,,,,{TRUST},Nurse,Ward 3,lm.okafor",  # 7: staff-only fields
        "peer,Gil,Vos,ANN@example.org,,,,,,,",  # 8: duplicate email
    )
    before = counts()
    result = run(base, "tutors", text)
    assert not result.ok and result.count == 0
    assert counts() == before
    assert where(result) == {
        (3, "kind"),
        (3, "last_name"),
        (4, "email"),
        (4, "status"),
        (4, "coproduction_trained_on"),
        (4, "joined_on"),
        (5, "employer"),
        (6, "employer"),
        (6, "line_manager"),
        (7, "employer"),
        (7, "profession"),
        (7, "team"),
        (7, "line_manager"),
        (8, "email"),
    }
    assert [e.row for e in result.errors] == sorted(e.row for e in result.errors)
    messages = {(e.row, e.column): str(e) for e in result.errors}
    assert messages[(4, "email")] == "Row 4, column email: enter an email address like name@example.nhs.uk"
    assert "Northvale Borough Council" in messages[(6, "employer")] and TRUST in messages[(6, "employer")]
    assert TRUST in messages[(5, "employer")]
    assert "row 2" in messages[(8, "email")]
    assert all(isinstance(e, RowError) for e in result.errors)


def test_one_bad_row_among_many_good_ones_writes_nothing(base):
    good = [f"peer,Name{i},Last{i},p{i}@example.org" for i in range(50)]
    text = csv_text("kind,first_name,last_name,email", *good, "peer,Bad,Row,")
    result = run(base, "tutors", text)
    assert where(result) == {(52, "email")}
    assert Tutor.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_a_file_with_errors_in_courses_writes_nothing(base, tutors):
    pair = "maya.fernsby@example.org;priya.hollenby@northvale.example.nhs.uk"
    Course.objects.create(
        college=base.college, title="Sleep Matters", topic="Living well", number_of_sessions=2, hours_per_session=1
    )
    text = csv_text(
        COURSE_HEADER,
        f"Fine,Topic,2,2,,,{pair}",  # 2: fine
        f"sleep  matters,Topic,2,2,,,{pair}",  # 3: exists already
        f"Fine,Topic,2,2,,,{pair}",  # 4: twice in the file
        "Only peer,Topic,2,2,,,maya.fernsby@example.org",  # 5: no staff tutor
        "Unknown,Topic,2,2,,,maya.fernsby@example.org;who@example.org",  # 6: unknown email
        f"Numbers,Topic,-2,1.255,paused,,{pair}",  # 7: sessions, hours, status
        f",,six,0,,,{pair}",  # 8: title, topic, sessions, hours
        "No tutors,Topic,2,2,,,",  # 9: co_producers
    )
    before = counts()
    result = run(base, "courses", text)
    assert counts() == before
    assert where(result) == {
        (3, "title"),
        (4, "title"),
        (5, "co_producers"),
        (6, "co_producers"),
        (7, "number_of_sessions"),
        (7, "hours_per_session"),
        (7, "status"),
        (8, "title"),
        (8, "topic"),
        (8, "number_of_sessions"),
        (8, "hours_per_session"),
        (9, "co_producers"),
    }
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert "already exists" in messages[(3, "title")]
    assert "row 2" in messages[(4, "title")]
    assert "staff tutor" in messages[(5, "co_producers")]
    assert "who@example.org" in messages[(6, "co_producers")]
    assert messages[(7, "number_of_sessions")] == "a course has at least 1 session"


def test_titles_clash_whatever_their_case_and_spacing_but_not_their_words(base, tutors):
    pair = "maya.fernsby@example.org;priya.hollenby@northvale.example.nhs.uk"
    Course.objects.create(
        college=base.college, title="Self-care Basics", topic="Living well", number_of_sessions=2, hours_per_session=1
    )
    result = run(
        base,
        "courses",
        csv_text(COURSE_HEADER, f"SELF-CARE  basics,T,2,2,,,{pair}", f"Self care basics,T,2,2,,,{pair}"),
    )
    assert where(result) == {(2, "title")}


def test_missing_required_columns_are_reported(base):
    result = run(base, "tutors", "kind,first_name\npeer,Ann\n")
    assert where(result) == {(1, "last_name"), (1, "email")}
    assert str(result.errors[0]).startswith("Row 1, column last_name:")


def test_duplicate_columns_are_reported(base):
    result = run(base, "tutors", "kind,first_name,last_name,email,Email\npeer,Ann,Lee,a@example.org,b@example.org\n")
    assert where(result) == {(1, "email")}
    assert "D and E" in result.errors[0].message


def test_unknown_columns_are_named(base):
    result = run(
        base, "tutors", "kind,first_name,last_name,email,Favourite Colour,shoe\npeer,Ann,Lee,a@example.org,red,9\n"
    )
    assert where(result) == {(1, "Favourite Colour"), (1, "shoe")}
    assert "unknown column" in str(result.errors[0])
    assert Tutor.objects.count() == 0


def test_a_value_in_an_unnamed_column_is_an_error(base):
    result = run(base, "tutors", "kind,first_name,last_name,email\npeer,Ann,Lee,a@example.org,stray\n")
    assert where(result) == {(2, None)}
    assert "column E" in str(result.errors[0])
    ok = run(base, "tutors", "kind,first_name,last_name,email,,\npeer,Ann,Lee,a@example.org,,\n")
    assert ok.ok


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_formula_cells_are_refused(base, start):
    text = csv_text(
        "kind,first_name,last_name,email,profession,employer",
        f"staff,{start}cmd|' /C calc'!A0,Lee,a@example.org,{start}SUM(A1),{TRUST}",
    )
    result = run(base, "tutors", text)
    assert where(result) == {(2, "first_name"), (2, "profession")}
    assert "formula" in result.errors[0].message
    assert Tutor.objects.count() == 0


def test_a_leading_minus_in_a_number_is_a_negative_number_not_a_formula(base, tutors):
    pair = "maya.fernsby@example.org;priya.hollenby@northvale.example.nhs.uk"
    result = run(base, "courses", csv_text(COURSE_HEADER, f"A,B,-3,-1.5,,,{pair}", f"C,D,=2+1,@x,,,{pair}"))
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert "formula" not in messages[(2, "number_of_sessions")] and "at least 1" in messages[(2, "number_of_sessions")]
    assert "more than 0" in messages[(2, "hours_per_session")]
    assert "formula" in messages[(3, "number_of_sessions")] and "formula" in messages[(3, "hours_per_session")]


def test_nul_bytes_are_refused(base):
    result = run(base, "tutors", b"kind,first_name,last_name,email\npeer,A\x00nn,Lee,a@example.org\n")
    assert not result.ok and where(result) == {(None, None)}
    assert "NUL" in str(result.errors[0])
    assert Tutor.objects.count() == 0


def test_an_excel_workbook_is_refused_with_advice(base):
    result = run(base, "tutors", b"PK\x03\x04\x14\x00\x06\x00binary")
    assert "Excel workbook" in str(result.errors[0]) and "CSV UTF-8" in str(result.errors[0])


def test_undecodable_bytes_are_refused(base):
    # 0x81 is neither UTF-8 (here) nor a Windows-1252 character.
    result = run(base, "tutors", b"kind,first_name,last_name,email\npeer,Ann\x81,Lee,a@example.org\n")
    assert not result.ok and "0x81" in str(result.errors[0]) and "line 2" in str(result.errors[0])
    bom = run(base, "tutors", b"\xef\xbb\xbfkind,first_name,last_name,email\npeer,Zo\xeb,Lee,a@example.org\n")
    assert not bom.ok and "UTF-8" in str(bom.errors[0])


@pytest.mark.parametrize("data", [b"", b"\n\n,,\n", "\ufeff".encode()])
def test_an_empty_file_is_refused(base, data):
    result = run(base, "tutors", data)
    assert not result.ok and "empty" in str(result.errors[0])


def test_a_file_with_only_column_names_is_refused(base):
    result = run(base, "tutors", "kind,first_name,last_name,email\n,,,\n")
    assert not result.ok and "no rows" in str(result.errors[0])


def test_a_semicolon_separated_file_gets_advice(base):
    result = run(base, "tutors", "kind;first_name;last_name;email\npeer;Ann;Lee;a@example.org\n")
    assert "semicolons" in str(result.errors[0])


def test_an_oversize_file_is_refused(base, settings):
    settings.IMPORT_MAX_BYTES = 1024
    rows = [f"peer,Name{i},Last{i},p{i}@example.org" for i in range(60)]
    text = csv_text("kind,first_name,last_name,email", *rows)
    assert len(text.encode()) > 1024
    result = run(base, "tutors", text)
    assert not result.ok and "too large" in str(result.errors[0]) and "1 KB" in str(result.errors[0])
    assert Tutor.objects.count() == 0


def test_more_than_10000_rows_are_refused(base):
    rows = [f"peer,N,L,p{i}@x.org" for i in range(10_001)]
    result = run(base, "tutors", csv_text("kind,first_name,last_name,email", *rows))
    assert not result.ok and len(result.errors) == 1
    assert "more than 10,000 rows" in str(result.errors[0])
    assert Tutor.objects.count() == 0


def test_the_row_limit_is_exact(base, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 5)
    rows = [f"peer,N,L,p{i}@x.org" for i in range(5)]
    assert run(base, "tutors", csv_text("kind,first_name,last_name,email", *rows, ",,,")).count == 5
    more = [f"peer,N,L,q{i}@x.org" for i in range(6)]
    assert "more than 5 rows" in str(run(base, "tutors", csv_text("kind,first_name,last_name,email", *more)).errors[0])


def test_duplicate_emails_within_the_file_and_against_the_database(base, tutors):
    text = csv_text(
        "kind,first_name,last_name,email",
        "peer,Ann,Lee,ann@example.org",
        "peer,Ann,Lee,Ann@Example.org",
        "peer,M,F,MAYA.fernsby@example.org",
    )
    result = run(base, "tutors", text)
    assert where(result) == {(3, "email"), (4, "email")}
    messages = {e.row: e.message for e in result.errors}
    assert "row 2" in messages[3] and "already exists" in messages[4]
    assert Tutor.objects.count() == 2


def test_a_line_manager_must_be_a_line_manager_of_this_college(base):
    other_trust = Organisation.objects.create(name="Southvale Trust", is_trust=True)
    other = College.objects.create(name="Southvale", slug="southvale", trust=other_trust)
    User.objects.create_user(username="lm.elsewhere", role=Role.LINE_MANAGER, college=other)
    User.objects.create_user(username="not.a.manager", role=Role.TUTOR, college=base.college)
    text = csv_text(
        "kind,first_name,last_name,email,employer,line_manager",
        f"staff,A,B,a@example.org,{TRUST},lm.elsewhere",
        f"staff,C,D,c@example.org,{TRUST},not.a.manager",
        f"staff,E,F,e@example.org,{TRUST},LM.OKAFOR",
    )
    result = run(base, "tutors", text)
    assert where(result) == {(2, "line_manager"), (3, "line_manager")}


def test_no_college_is_a_clear_error():
    result = import_file(kind="tutors", data=b"kind\n", college=None, actor=None)
    assert not result.ok and "College" in str(result.errors[0])


def test_error_strings():
    assert str(RowError(7, "email", "enter an email address like name@example.nhs.uk")) == (
        "Row 7, column email: enter an email address like name@example.nhs.uk"
    )
    assert str(RowError(3, None, "too many values")) == "Row 3: too many values"
    assert str(RowError(None, None, "the file is empty")) == "The file is empty"


# --- The command -----------------------------------------------------------------------------


def write(tmp_path, text, name="file.csv"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return str(path)


def test_command_imports(base, tmp_path):
    out = io.StringIO()
    call_command("import", "tutors", write(tmp_path, GOOD_TUTORS), stdout=out)
    assert out.getvalue().strip() == "Imported 3 tutors."
    assert Tutor.objects.count() == 3
    assert AuditEvent.objects.get(action="import").actor_label == "system"


def test_command_names_the_college(base, tmp_path, tutors):
    other_trust = Organisation.objects.create(name="Southvale Trust", is_trust=True)
    College.objects.create(name="Southvale", slug="southvale", trust=other_trust)
    path = write(
        tmp_path,
        csv_text(
            COURSE_HEADER, "Sleep,Living well,2,2,,,maya.fernsby@example.org;priya.hollenby@northvale.example.nhs.uk"
        ),
    )
    out = io.StringIO()
    call_command("import", "courses", path, "--college", "northvale", stdout=out)
    assert out.getvalue().strip() == "Imported 1 course."
    assert Course.objects.get().college == base.college


def test_command_with_errors_prints_each_on_stderr_and_exits_2(base, tmp_path, capsys, keep_connection):
    path = write(tmp_path, csv_text("kind,first_name,last_name,email", "wizard,Ann,Lee,a@example.org", "peer,Bob,,bob"))
    with pytest.raises(SystemExit) as exc:
        load_command().run_from_argv(["tandem", "import", "tutors", path])
    assert exc.value.code == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert lines[:3] == [
        "Row 2, column kind: enter one of peer, staff",
        "Row 3, column last_name: enter the tutor's last name",
        "Row 3, column email: enter an email address like name@example.nhs.uk",
    ]
    assert "Nothing was imported" in lines[3]
    assert "Traceback" not in captured.err and captured.out == ""
    assert Tutor.objects.count() == 0


def test_command_with_errors_via_call_command_raises_and_writes_nothing(base, tmp_path):
    refused = importlib.import_module("tandem.core.management.commands.import").ImportRefused
    err = io.StringIO()
    with pytest.raises(refused):
        call_command("import", "tutors", write(tmp_path, GOOD_TUTORS.replace("lm.okafor", "lm.nobody")), stderr=err)
    assert err.getvalue().startswith("Row 3, column line_manager: no line manager")
    assert Tutor.objects.count() == 0 and AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    "args,message",
    [
        (["tutors", "/no/such/file.csv"], "cannot read /no/such/file.csv"),
        (["pupils", "x.csv"], "invalid choice"),
        (["tutors"], "required"),
    ],
)
def test_command_bad_usage_is_one_line_and_exit_2(base, capsys, args, message):
    with pytest.raises(SystemExit) as exc:
        load_command().run_from_argv(["tandem", "import", *args])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_command_unknown_college_is_a_usage_error(base, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        load_command().run_from_argv(["tandem", "import", "tutors", write(tmp_path, GOOD_TUTORS), "--college", "nope"])
    assert exc.value.code == 2 and "no College with slug 'nope'" in capsys.readouterr().err


def test_command_refuses_an_oversize_file_in_one_line(base, tmp_path, capsys, settings, keep_connection):
    settings.IMPORT_MAX_BYTES = 1024
    path = write(tmp_path, csv_text("kind,first_name,last_name,email", *[f"peer,N,L,p{i}@x.org" for i in range(100)]))
    with pytest.raises(SystemExit) as exc:
        load_command().run_from_argv(["tandem", "import", "tutors", path])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "too large" in err and "1 KB" in err and len(err.strip().splitlines()) == 1
    assert Tutor.objects.count() == 0


def load_command():
    from django.core.management import load_command_class

    return load_command_class("tandem.core", "import")


@pytest.mark.slow  # migrates a database in a subprocess
def test_the_real_tandem_command_exits_2_without_a_traceback(tmp_path):
    """End to end, in a separate process with its own migrated database file."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(DEBUG="true", SQLITE_PATH=str(tmp_path / "db.sqlite3"), DJANGO_SETTINGS_MODULE="tandem.settings")

    def tandem(*args):
        return subprocess.run(
            [sys.executable, "-m", "tandem.cli", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
        )

    assert tandem("migrate", "-v0").returncode == 0
    setup = tandem(
        "shell",
        "-c",
        (
            "from tandem.core.models import College, Organisation;"
            f"t = Organisation.objects.create(name='{TRUST}', is_trust=True);"
            "College.objects.create(name='Northvale', slug='northvale', trust=t)"
        ),
    )
    assert setup.returncode == 0, setup.stderr
    bad = write(tmp_path, csv_text("kind,first_name,last_name,email", "peer,=1+1,Lee,a@example.org"))
    done = tandem("import", "tutors", bad)
    assert done.returncode == 2
    assert done.stderr.startswith("Row 2, column first_name: starts with '='")
    assert "Traceback" not in done.stderr and done.stdout == ""
    good = tandem("import", "tutors", str(ROOT / "docs" / "sample-tutors.csv"))
    assert (good.returncode, good.stdout.strip()) == (0, "Imported 8 tutors."), good.stderr


# --- The upload page -------------------------------------------------------------------------


def test_admin_uploading_a_bad_file_sees_every_problem_and_nothing_is_written(base, client):
    client.force_login(base.admin)
    text = csv_text(
        "kind,first_name,last_name,email",
        "peer,Ann,Lee,ann@example.org",
        "wizard,Bob,Lee,bob",
        "peer,Cat,Ng,=HYPERLINK(1)",
    )
    before = counts()
    response = client.post(reverse("core:import"), {"kind": "tutors", "file": _file(text)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "The file was not imported: 3 problems" in page
    assert "Row 3, column kind: enter one of peer, staff" in page
    assert "Row 3, column email: enter an email address like name@example.nhs.uk" in page
    assert "Row 4, column email: starts with &#39;=&#39;" in page or "Row 4, column email: starts with '='" in page
    assert counts() == before


def test_admin_uploading_a_good_file_is_redirected_and_records_are_created(base, client):
    client.force_login(base.admin)
    response = client.post(reverse("core:import"), {"kind": "tutors", "file": _file(GOOD_TUTORS.encode("cp1252"))})
    assert response.status_code == 302 and response.url == reverse("core:import")
    assert Tutor.objects.count() == 3 and Tutor.objects.filter(first_name="Zoë").exists()
    assert set(AuditEvent.objects.values_list("actor_label", flat=True)) == {"admin.reyes"}
    page = client.get(response.url).content.decode()
    assert "Imported 3 tutors." in page


def test_a_tutor_cannot_open_the_upload_page(base, client):
    user = User.objects.create_user(username="tutor.ann", role=Role.TUTOR, college=base.college)
    client.force_login(user)
    assert client.get(reverse("core:import")).status_code == 403
    assert client.post(reverse("core:import"), {"kind": "tutors", "file": _file(GOOD_TUTORS)}).status_code == 403
    assert Tutor.objects.count() == 0


def test_the_upload_page_links_the_sample_files(base, client):
    client.force_login(base.admin)
    page = client.get(reverse("core:import")).content.decode()
    assert "tandem/samples/tutors.csv" in page and "tandem/samples/courses.csv" in page


def _file(data, name="file.csv"):
    file = io.BytesIO(data if isinstance(data, bytes) else data.encode("utf-8"))
    file.name = name
    return file


# --- Whatever the bytes, a result and no half-written import ---------------------------------

TOKENS = [
    "kind",
    "first_name",
    "last_name",
    "email",
    "status",
    "employer",
    "line_manager",
    "joined_on",
    "Kind ",
    "title",
    "topic",
    "number_of_sessions",
    "hours_per_session",
    "co_producers",
    "description",
    "peer",
    "staff",
    "active",
    "Zoë",
    "=1+1",
    "-2",
    "+x",
    "@a",
    "2024-02-30",
    "15/02/2019",
    "0",
    "1.5",
    "99.999",
    "a@example.org",
    "A@EXAMPLE.ORG",
    "maya.fernsby@example.org;priya.hollenby@northvale.example.nhs.uk",
    TRUST,
    "lm.okafor",
    '"',
    '""',
    "",
    " ",
    "\x01",
    "\u00a0",
    "\ufeff",
    "é",
]
cell = st.one_of(st.sampled_from(TOKENS), st.text(max_size=12))
line = st.lists(cell, max_size=8).map(",".join)
csvish = st.tuples(
    st.lists(line, max_size=8),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1"]),
).map(lambda t: t[1].join(t[0]).encode(t[2], errors="replace"))


def _never_raises_and_never_half_writes(base, kind, data):
    before = counts()
    tutors_before = Tutor.objects.count()
    courses_before = Course.objects.count()
    result = import_file(kind=kind, data=data, college=base.college, actor=None)
    assert isinstance(result, ImportResult)
    if result.ok:
        assert result.errors == [] and result.count >= 1
        created = Tutor.objects.count() - tutors_before if kind == "tutors" else Course.objects.count() - courses_before
        assert created == result.count
    else:
        assert result.errors and result.count == 0
        assert all(isinstance(e, RowError) and str(e) for e in result.errors)
        assert counts() == before


@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(["tutors", "courses"]), data=st.binary(max_size=400))
def test_random_bytes_never_raise(base, tutors, kind, data):
    _never_raises_and_never_half_writes(base, kind, data)


@pytest.mark.slow  # 300 examples
@hsettings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(["tutors", "courses"]), body=csvish, header=st.booleans())
def test_random_csvish_text_never_raises(base, tutors, kind, body, header):
    head = (TUTOR_HEADER if kind == "tutors" else COURSE_HEADER).encode() + b"\n"
    _never_raises_and_never_half_writes(base, kind, (head if header else b"") + body)


tutor_row = st.tuples(
    st.sampled_from(["peer", "staff", "Staff Tutor", "wizard", ""]),
    st.sampled_from(["Ann", "Zoë", "=x", ""]),
    st.sampled_from(["Lee", "O'Neil", "-"]),
    st.sampled_from(["a@example.org", "b@example.org", "B@example.org", "bad", "maya.fernsby@example.org"]),
    st.sampled_from(["", TRUST, "acme"]),
    st.sampled_from(["", "lm.okafor", "nobody"]),
).map(",".join)


@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(tutor_row, min_size=1, max_size=4))
def test_random_tutor_rows_import_all_or_nothing(base, tutors, rows):
    data = csv_text("kind,first_name,last_name,email,employer,line_manager", *rows).encode()
    _never_raises_and_never_half_writes(base, "tutors", data)
