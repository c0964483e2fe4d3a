import datetime as dt

import pytest
from django.urls import reverse

from tandem.audit.models import AuditEvent
from tandem.courses.models import Session
from tandem.students.models import Attendance, Booking, Student

from .factories import make_booking, make_certificate, make_student, on_clock


@pytest.fixture
def w(world):
    on_clock(world)
    Session.objects.create(run=world.run, date=dt.date(2019, 10, 8), start_time=dt.time(10), end_time=dt.time(12))
    return world


def test_the_prospectus_is_public_and_filters(w, client):
    w.course.description = "What anxiety is and what helps."
    w.course.save()
    url = reverse("prospectus:home", args=[w.college.slug])
    page = client.get(url).content.decode()
    assert "Understanding anxiety" in page and "Taught by Pat and Sam" in page and "15 places left" in page
    assert "Staff" not in page.split("Taught by")[1].split("</li>")[0]  # first names only
    online_only = client.get(url, {"where": "online"}).content.decode()
    assert "Understanding anxiety" in online_only  # the gap run is online
    assert client.get(url, {"day": "4"}).content.decode().count("nhsuk-card__link") == 0
    # Nonsense in the address: shown as "any", never an error
    assert client.get(url, {"day": "x", "topic": "<b>", "where": "moon"}).status_code == 200
    assert client.get(reverse("prospectus:home", args=["nowhere"])).status_code == 404


def test_sign_up_then_book(w, client):
    url = reverse("prospectus:sign_up", args=[w.college.slug]) + f"?run={w.run.pk}"
    assert client.post(url, {}).status_code == 200  # an empty post shows its errors
    response = client.post(
        url,
        {
            "first_name": "Ali",
            "last_name": "Khan",
            "email": "ali@example.org",
            "password": "a-long-enough-passphrase",
            "relation": "community",
            "contact_by_email": "on",
            "agreement": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("students:book", args=[w.run.pk])
    assert client.post(response["Location"], {}).status_code == 302
    student = Student.objects.get(email="ali@example.org")
    assert Booking.objects.get(student=student).status == "booked"
    assert "Understanding anxiety" in client.get(reverse("students:my_courses")).content.decode()


def test_nonsense_posts_never_500(w, client):
    client.force_login(w.admin)
    for name, args in (
        ("students:enrol", []),
        ("students:settings", []),
        ("students:book_for", [w.student.pk]),
        ("students:cancel", [make_booking(w).pk]),
    ):
        for data in (
            {},
            {
                "run": "x",
                "waiting_list": "maybe",
                "runs_per_term": "-1",
                "certificate_numerator": "9",
                "certificate_denominator": "0",
                "email": "not-an-email",
                "relation": "martian",
            },
        ):
            assert client.post(reverse(name, args=args), data).status_code in (200, 302), name
    client.force_login(w.student_user)
    assert client.post(reverse("students:book", args=[w.run.pk]), {"waiting_list": "??"}).status_code in (200, 302)
    assert client.post(reverse("students:book", args=[w.run.pk]), {}).status_code == 200  # already booked: said so


def test_a_student_sees_only_their_own(w, client):
    other = make_student(w, first_name="Other")
    theirs = make_booking(w, student=other)
    cert = make_certificate(w, student=other)
    client.force_login(w.student_user)
    assert client.get(reverse("students:cancel", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("students:cancel", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("students:certificate", args=[cert.pk])).status_code == 404
    assert "Other" not in client.get(reverse("students:my_courses")).content.decode()
    mine = make_certificate(w)
    response = client.get(reverse("students:certificate", args=[mine.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_adjustments_are_for_admins_and_each_read_is_audited(w, client):
    w.student.adjustments = "A seat near the door"
    w.student.save()
    client.force_login(w.admin)
    assert "A seat near the door" in client.get(reverse("students:detail", args=[w.student.pk])).content.decode()
    event = AuditEvent.objects.get(action="read", object_type="students.Student")
    assert event.fields == ["adjustments"] and "seat" not in event.note
    other = make_student(w, college=w.other_college)
    assert client.get(reverse("students:detail", args=[other.pk])).status_code == 404


def test_the_register_lists_booked_students_first_names_for_tutors(w, client):
    booked = make_student(w, first_name="Robin")
    make_booking(w, student=booked)
    client.force_login(w.tutor_user)
    url = reverse("courses:session_record", args=[w.session.pk])
    page = client.get(url).content.decode()
    assert "Robin" in page and booked.last_name not in page and booked.email not in page
    response = client.post(
        url,
        {
            "outcome": "delivered",
            "delivered_by": [w.staff.pk, w.peer.pk],
            "students-attended": [booked.pk],
            "students-walk_ins": "Sky Walker, sky@example.org",
        },
    )
    assert response.status_code == 302
    w.session.refresh_from_db()
    assert w.session.head_count == 2
    assert Attendance.objects.filter(session=w.session).count() == 2
    # A nonsense tick or walk-in line is an error on the page, never a 500, and saves nothing more
    response = client.post(
        reverse("courses:session_record", args=[w.session.pk]),
        {"outcome": "delivered", "students-attended": ["x"], "students-walk_ins": ", bad"},
    )
    assert response.status_code in (200, 302)


def test_admin_enrols_and_books_on_someones_behalf(w, client):
    client.force_login(w.admin)
    response = client.post(
        reverse("students:enrol"), {"first_name": "Mo", "phone": "01234 567890", "relation": "carer", "agreement": "on"}
    )
    assert response.status_code == 302
    mo = Student.objects.get(first_name="Mo")
    assert mo.user is None and mo.enrolled_by == w.admin
    client.post(reverse("students:book_for", args=[mo.pk]), {"run": w.run.pk})
    assert Booking.objects.get(student=mo).status == "booked"
    assert "Mo" in client.get(reverse("students:run_bookings", args=[w.run.pk])).content.decode()


def test_sign_up_shares_the_public_forms_rate_limit(w, settings):
    """Over the limit the sign-up form comes back (429) with what was typed and no account made."""
    from django.test import Client

    settings.PUBLIC_FORM_RATE = "2/h"
    visitor = Client(REMOTE_ADDR="192.0.2.9")
    url = reverse("prospectus:sign_up", args=[w.college.slug])
    for _ in range(2):
        assert visitor.post(url, {"email": ""}).status_code == 200
    response = visitor.post(url, {"email": "robin.limit@example.org", "first_name": "Robin"})
    page = response.content.decode()
    assert response.status_code == 429
    assert "sent too many times from your network" in page and "robin.limit@example.org" in page
    assert not Student.objects.filter(email="robin.limit@example.org").exists()
    assert Client(REMOTE_ADDR="192.0.2.10").post(url, {"email": ""}).status_code == 200  # someone else is not
