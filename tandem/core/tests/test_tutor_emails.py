"""One reader of a cell of tutors' emails (`tandem.core.imports.reading.tutors_from_emails`): the
courses sheet's co_producers and the register's peer_tutors / staff_tutors say the same about the
same cell, each problem named by its row and column."""

import pytest

from tandem.core.importers import import_file
from tandem.core.imports.reading import _Problem, tutors_by_email, tutors_from_emails
from tandem.tutors.models import Tutor

COURSES = "title,topic,number_of_sessions,hours_per_session,co_producers\n"
SESSIONS = "run,course,date,start,end,venue,status,peer_tutors,staff_tutors\n"
BAD_CELL = "pat@example.org; nobody@example.org; not-an-email"
SAID = (
    "no tutor in this College has the email nobody@example.org; 'not-an-email' is not an email address "
    "(separate the tutors' emails with ';')"
)


def errors(world, kind, text):
    result = import_file(kind=kind, data=text, college=world.college, actor=world.admin)
    assert not result.ok
    return [str(e) for e in result.errors]


@pytest.mark.django_db
def test_courses_and_registers_report_a_bad_cell_of_emails_alike(world):
    course = f"Sleep well,Living well,2,2,{BAD_CELL}\n"
    session = f"R1,Understanding anxiety,2019-09-10,10:00,12:00,online,delivered,{BAD_CELL},sam@example.nhs.uk\n"
    # a second bad row: each problem keeps its own row number
    assert errors(world, "courses", COURSES + course + course.replace("Sleep well", "Hope")) == [
        f"Row 2, column co_producers: {SAID}",
        f"Row 3, column co_producers: {SAID}",
    ]
    assert errors(world, "sessions", SESSIONS + session) == [f"Row 2, column peer_tutors: {SAID}"]


def test_a_tutor_in_the_other_column_of_a_register_is_named_as_typed():
    sam = Tutor(kind="staff", email="sam@example.nhs.uk", first_name="Sam", last_name="Staff")
    with pytest.raises(_Problem, match="Sam@Example.nhs.uk is a staff tutor: put them in staff_tutors"):
        tutors_from_emails("Sam@Example.nhs.uk", tutors_by_email([sam]), kind="peer", other_column="staff_tutors")


def test_emails_are_read_in_order_once_each_and_by_either_separator():
    pat = Tutor(kind="peer", email="pat@example.org")
    sam = Tutor(kind="staff", email="sam@example.nhs.uk")
    una = Tutor(kind="staff", email="una@example.nhs.uk")
    tutors = tutors_by_email([pat, sam, una])
    got = tutors_from_emails(" SAM@example.nhs.uk ;pat@example.org, sam@example.nhs.uk;; una@example.nhs.uk", tutors)
    assert got == [sam, pat, una]


def test_a_shared_email_and_a_formula_are_refused():
    twins = tutors_by_email(
        [Tutor(kind="peer", email="twin@example.org"), Tutor(kind="staff", email="Twin@example.org")]
    )
    with pytest.raises(_Problem, match="more than one tutor has the email twin@example.org"):
        tutors_from_emails("twin@example.org", twins)
    with pytest.raises(_Problem, match="formula"):
        tutors_from_emails("=HYPERLINK(1)", twins)
