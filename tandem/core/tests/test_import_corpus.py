"""A corpus of malformed CSV files, generated here, run through the import function and the upload
page: no server error, nothing written unless the whole file is good, and every error names its
row and column (or is about the file as a whole)."""

import codecs
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tandem.audit.models import AuditEvent
from tandem.core.imports.reading import MAX_ROWS
from tandem.core.imports.sheets import import_file
from tandem.courses.models import Course
from tandem.tutors.models import Tutor

pytestmark = pytest.mark.django_db

T_HEAD = (
    "kind,first_name,last_name,email,status,coproduction_trained_on,joined_on,employer,profession,team,line_manager"
)
C_HEAD = "title,topic,number_of_sessions,hours_per_session,status,description,co_producers"
T_OK = "peer,Ann{n},Smith,ann{n}@example.org,active,2019-01-10,2019-01-01,,,,"
T_BAD = "peer,Bob,Jones,not-an-email,active,2019-01-10,2019-01-01,,,,"
C_OK = "Course {n},Understanding mental health,4,2,,,"
C_BAD = "Bad course,Understanding mental health,four,2,,,"


def tutors(*rows, head=T_HEAD):
    return "\n".join([head, *rows]) + "\n"


def courses(*rows, head=C_HEAD):
    return "\n".join([head, *rows]) + "\n"


def _corpus():
    """name -> (kind, bytes). Every file is malformed somewhere: none should import."""
    c = {}

    def add(name, kind, data):
        assert name not in c, name
        c[name] = (kind, data.encode("utf-8") if isinstance(data, str) else data)

    good_t, good_c = T_OK.format(n=1), C_OK.format(n=1)
    for kind, good, bad, make in (("tutors", good_t, T_BAD, tutors), ("courses", good_c, C_BAD, courses)):
        k = kind[0]
        add(f"{k}-empty", kind, b"")
        add(f"{k}-only-bom", kind, codecs.BOM_UTF8)
        add(f"{k}-only-newlines", kind, b"\n\n\r\n\n")
        add(f"{k}-only-spaces", kind, b"   ,  , \n  \n")
        add(f"{k}-bom-then-bad-row", kind, codecs.BOM_UTF8 + make(good, bad).encode())
        add(f"{k}-bare-cr", kind, make(good, bad).replace("\n", "\r"))
        add(f"{k}-mixed-line-endings", kind, make(good, good.replace("1", "2"), bad).replace("\n", "\r\n", 1))
        add(f"{k}-nul-byte", kind, make(good).replace(good[:4], good[:2] + "\x00" + good[2:4], 1))
        add(f"{k}-nul-only", kind, b"\x00" * 64)
        add(
            f"{k}-cp1252-then-bad-row",
            kind,
            make(good.replace("Ann1", "Zo\u00eb").replace("Course 1", "Caf\u00e9 course"), bad).encode("cp1252"),
        )
        add(f"{k}-bad-utf8-after-bom", kind, codecs.BOM_UTF8 + make(good).encode() + b"\xff\xfe\xfa,\n")
        add(f"{k}-undecodable", kind, make(good).encode() + b"\x81\x8d\x8f\x90\x9d\n")
        add(f"{k}-utf16", kind, make(good).encode("utf-16"))
        add(f"{k}-xlsx", kind, b"PK\x03\x04" + b"\x00" * 200)
        add(f"{k}-xls", kind, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200)
        add(f"{k}-header-only", kind, make())
        add(f"{k}-header-then-blank-rows", kind, make("", ",,,,", "   "))
        add(f"{k}-blank-rows-between", kind, make(good, "", "", bad, ""))
        head = T_HEAD if kind == "tutors" else C_HEAD
        cols = head.split(",")
        add(f"{k}-duplicate-header", kind, make(good + ",x", head=head + "," + cols[0]))
        add(f"{k}-missing-required-header", kind, make(",".join(good.split(",")[1:]), head=",".join(cols[1:])))
        add(f"{k}-extra-unknown-header", kind, make(good + ",surprise", head=head + ",favourite_colour"))
        add(f"{k}-renamed-header", kind, make(good, head=head.replace(cols[0], cols[0] + "s")))
        add(f"{k}-semicolons", kind, make(good.replace(",", ";"), head=head.replace(",", ";")))
        add(f"{k}-tabs", kind, make(good.replace(",", "\t"), head=head.replace(",", "\t")))
        add(f"{k}-unbalanced-quote", kind, make(good, '"' + bad))
        add(f"{k}-stray-value", kind, make(good + ",,,,oops"))
        add(f"{k}-short-row", kind, make(good, cols and good.split(",")[0]))
        add(
            f"{k}-formula-equals",
            kind,
            make(good.replace("Ann1" if k == "t" else "Course 1", '=HYPERLINK("http://x")')),
        )
        add(f"{k}-formula-plus", kind, make(good.replace("Ann1" if k == "t" else "Course 1", "+cmd|' /C calc'!A0")))
        add(f"{k}-formula-at", kind, make(good.replace("Ann1" if k == "t" else "Course 1", "@SUM(1+1)")))
        add(f"{k}-control-char", kind, make(good.replace("Smith" if k == "t" else "Course 1", "Sm\x07ith")))
        add(f"{k}-very-long-cell", kind, make(good.replace("Smith" if k == "t" else "Course 1", "x" * 5000)))
        add(f"{k}-too-many-rows", kind, make(*((T_OK if k == "t" else C_OK).format(n=i) for i in range(MAX_ROWS + 1))))
        add(
            f"{k}-10000-rows-last-bad",
            kind,
            make(*((T_OK if k == "t" else C_OK).format(n=i) for i in range(MAX_ROWS - 1)), bad),
        )
        add(f"{k}-oversize", kind, make(good) + "#" * (2 * 1024 * 1024 + 10))
        add(f"{k}-zero-width-and-bad", kind, make(good.replace("Ann1" if k == "t" else "Course 1", "A\u200bnn"), bad))
    # Tutor-specific cells
    add("t-bad-kind", "tutors", tutors(T_OK.format(n=1).replace("peer", "volunteer", 1)))
    add("t-bad-date", "tutors", tutors(T_OK.format(n=1).replace("2019-01-10", "31/02/2019")))
    add("t-future-nonsense-date", "tutors", tutors(T_OK.format(n=1).replace("2019-01-10", "2019-13-45")))
    add("t-bad-status", "tutors", tutors(T_OK.format(n=1).replace("active", "retired")))
    add("t-staff-without-employer", "tutors", tutors("staff,Sam,Sole,sam.sole@example.nhs.uk,active,,,,Nurse,Ward,"))
    add("t-unknown-employer", "tutors", tutors("staff,Sam,Sole,sam.sole@example.nhs.uk,active,,,Nowhere Trust,Nurse,,"))
    add(
        "t-unknown-line-manager",
        "tutors",
        tutors("staff,Sam,Sole,sam.sole@example.nhs.uk,active,,,Northvale NHS Foundation Trust,Nurse,,nobody"),
    )
    add("t-duplicate-email-in-file", "tutors", tutors(T_OK.format(n=1), T_OK.format(n=1)))
    add("t-existing-email", "tutors", tutors("peer,Pat,Peer,pat@example.org,active,,,,,,"))
    add("t-missing-first-name", "tutors", tutors(T_OK.format(n=1).replace("Ann1", "")))
    # Course-specific cells
    add("c-zero-sessions", "courses", courses(C_OK.format(n=1).replace(",4,", ",0,")))
    add("c-negative-hours", "courses", courses(C_OK.format(n=1).replace(",2,", ",-2,")))
    add("c-huge-sessions", "courses", courses(C_OK.format(n=1).replace(",4,", ",99999,")))
    add("c-hours-with-comma", "courses", courses('Course 1,Understanding mental health,4,"2,5",,,'))
    add("c-unknown-co-producer", "courses", courses(C_OK.format(n=1)[:-1] + "Nobody Atall"))
    add("c-bad-status", "courses", courses(C_OK.format(n=1).replace(",2,,", ",2,someday,")))
    return c


CORPUS = _corpus()


def test_the_corpus_is_big_enough():
    assert len(CORPUS) >= 50


def _well_formed(error):
    """A row and a column; or a whole row whose message names the column's letter; or the file."""
    if error.row is None:
        return True
    return bool(error.column) or bool(re.search(r"\bcolumn [A-Z]+\b", error.message))


def _state():
    return Tutor.objects.count(), Course.objects.count(), AuditEvent.objects.count()


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_malformed_file_through_the_import_function(name, world):
    kind, data = CORPUS[name]
    before = _state()
    result = import_file(kind=kind, data=data, college=world.college, actor=world.admin)
    assert not result.ok, f"{name} was imported"
    assert result.errors, name
    assert _state() == before, f"{name} wrote something"
    bad = [str(e) for e in result.errors if not _well_formed(e)]
    assert not bad, f"{name}: errors without row and column: {bad[:3]}"
    assert all(str(e).strip() for e in result.errors)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_malformed_file_through_the_upload_page(name, world):
    kind, data = CORPUS[name]
    client = Client(raise_request_exception=False)
    client.force_login(world.admin)
    before = _state()
    upload = SimpleUploadedFile(f"{name}.csv", data, content_type="text/csv")
    response = client.post(reverse("core:import"), {"kind": kind, "file": upload})
    assert response.status_code == 200, f"{name}: {response.status_code}"
    page = response.content.decode()
    assert "There is a problem" in page or "The file was not imported" in page, name
    assert _state() == before, f"{name} wrote something"
