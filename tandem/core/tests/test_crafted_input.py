"""Crafted input answers a clear 400 or a form error, never a server error: digits that
str.isdigit() accepts but int() refuses, ids too long for the database, NUL characters (which
PostgreSQL refuses), a duplicate tutor email, and line breaks in names (which break email headers)."""

import pytest
from django.core.exceptions import BadRequest
from django.urls import reverse

from tandem.core.params import parse_id, parse_ids

pytestmark = pytest.mark.django_db

HUGE = "1" * 30
DUPLICATE = "Another tutor of the College already has this email address"


def test_parse_id():
    assert parse_id("42") == 42 and parse_id(" 7 ") == 7 and parse_id("") is None and parse_id(None) is None
    for bad in ("²", "٣", "1.5", "-1", "1e3", HUGE, "abc"):
        with pytest.raises(BadRequest):
            parse_id(bad)
        assert parse_id(bad, optional=True) is None
    assert parse_ids(["1", "", "2"]) == [1, 2]
    with pytest.raises(BadRequest):
        parse_ids(["1", "²"])


@pytest.fixture(autouse=True)
def _no_lockout_records(settings):
    # force_login's request has no address, which django-axes cannot store on PostgreSQL.
    settings.AXES_ENABLED = False


@pytest.fixture
def admin_client(world, client):
    client.raise_request_exception = False  # a server error must show as a 500, not an exception here
    client.force_login(world.admin)
    return client


@pytest.mark.parametrize("value", ["²", HUGE])
def test_timetable_and_release_budget_terms(admin_client, world, value):
    assert admin_client.get(reverse("courses:timetable"), {"term": value}).status_code == 400
    url = reverse("release:budget", args=[world.staff.pk])
    assert admin_client.get(url, {"term": value}).status_code == 400
    assert admin_client.get(reverse("release:budgets"), {"term": value}).status_code == 200  # a form error


@pytest.mark.parametrize("name", ["payments:approve", "payments:mark_paid"])
@pytest.mark.parametrize("value", ["²", HUGE])
def test_payment_actions_refuse_bad_ids(admin_client, name, value):
    response = admin_client.post(reverse(name), {"ids": ["1", value]})
    assert response.status_code == 400


def test_a_huge_id_in_a_payment_filter_is_a_form_error(admin_client):
    assert admin_client.get(reverse("payments:list"), {"tutor": HUGE}).status_code == 200


@pytest.mark.parametrize("url_name", ["tutors:list", "courses:timetable", "payments:list", "audit:log"])
def test_nul_in_the_query_string_answers_400(admin_client, url_name):
    response = admin_client.get(reverse(url_name) + "?q=a%00b&term=1%00")
    assert response.status_code == 400
    assert "Bad request" in response.content.decode() or "not allowed" in response.content.decode()


def test_nul_in_form_data_answers_400(admin_client):
    response = admin_client.post(reverse("tutors:create"), {"first_name": "A\x00", "last_name": "B"})
    assert response.status_code == 400


def _tutor_data(world, **overrides):
    data = {"kind": "peer", "first_name": "Nia", "last_name": "New", "email": "nia@example.org", "status": "active"}
    data.update(overrides)
    return data


def test_a_duplicate_tutor_email_is_a_form_error(admin_client, world):
    response = admin_client.post(reverse("tutors:create"), _tutor_data(world, email=world.peer.email))
    assert response.status_code == 200 and DUPLICATE in response.content.decode()
    # Another case of the same address is the same address.
    response = admin_client.post(reverse("tutors:create"), _tutor_data(world, email=world.peer.email.upper()))
    assert response.status_code == 200 and DUPLICATE in response.content.decode()
    # Editing a tutor to another tutor's address, too.
    edit = admin_client.post(
        reverse("tutors:edit", args=[world.staff.pk]), _tutor_data(world, kind="peer", email=world.peer.email)
    )
    assert edit.status_code == 200 and DUPLICATE in edit.content.decode()


def test_the_service_refuses_a_duplicate_email_with_a_field_error(world):
    from django.core.exceptions import ValidationError

    from tandem.tutors.services import tutor_create

    with pytest.raises(ValidationError) as caught:
        tutor_create(
            actor=world.admin,
            college=world.college,
            kind="peer",
            first_name="A",
            last_name="B",
            email=world.peer.email,
            status="active",
        )
    assert "email" in caught.value.message_dict


@pytest.mark.parametrize("field", ["first_name", "last_name"])
@pytest.mark.parametrize("bad", ["Pat\r\nBcc: victim@example.org", "Pat\nPeer", "Pat\rPeer"])
def test_line_breaks_in_a_tutor_name_are_refused(admin_client, world, field, bad):
    response = admin_client.post(reverse("tutors:create"), _tutor_data(world, **{field: bad}))
    label = field.replace("_", " ")
    assert response.status_code == 200 and f"The {label} must be on one line" in response.content.decode()
    from django.core.exceptions import ValidationError

    from tandem.tutors.services import tutor_update

    with pytest.raises(ValidationError) as caught:
        tutor_update(actor=world.admin, tutor=world.staff, **{field: bad})
    assert field in caught.value.message_dict


def test_email_subjects_are_one_line(world, mailoutbox=None):
    from django.core import mail

    from tandem.release import emails
    from tandem.tutors.models import Tutor

    # A name saved before names were checked (or by another way in) still cannot break the header.
    Tutor.objects.filter(pk=world.staff.pk).update(last_name="Staff\r\nBcc: victim@example.org")
    world.staff.refresh_from_db()
    sent = emails._send(f"Release request from {world.staff.full_name}", "body", ["manager@example.nhs.uk"])
    assert sent == 1
    assert "\n" not in mail.outbox[-1].subject and "\r" not in mail.outbox[-1].subject
    assert mail.outbox[-1].to == ["manager@example.nhs.uk"]


# --- Error pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [400, 403, 404, 500])
def test_error_pages_are_nhs_pages_with_a_way_back_in_production_mode(world, client, settings, status):
    from django.urls import path

    settings.DEBUG = False
    client.raise_request_exception = False
    client.force_login(world.qi)
    if status == 400:
        response = client.get(reverse("courses:timetable"), {"term": "²"}, HTTP_REFERER="http://testserver/courses/")
    elif status == 403:
        response = client.get(reverse("payments:rate_card_new"), HTTP_REFERER="http://testserver/courses/")
    elif status == 404:
        response = client.get("/no-such-page/", HTTP_REFERER="http://testserver/courses/")
    else:
        import tandem.urls

        def boom(request):
            raise RuntimeError("broken")

        settings.ROOT_URLCONF = type(
            "urls",
            (),
            {
                "urlpatterns": [path("boom/", boom)] + tandem.urls.urlpatterns,
                **{f"handler{n}": getattr(tandem.urls, f"handler{n}") for n in (400, 403, 404, 500)},
            },
        )
        response = client.get("/boom/", HTTP_REFERER="http://testserver/courses/")
    assert response.status_code == status
    html = response.content.decode()
    assert "nhsuk-header" in html and "nhsuk-footer" in html, html[:300]
    assert "Go to the dashboard" in html and 'href="http://testserver/courses/"' in html
    assert html.count("<h1") == 1
    # Another site's address is never offered as the way back.
    if status == 404:
        other = client.get("/no-such-page/", HTTP_REFERER="https://evil.example.com/")
        assert "evil.example.com" not in other.content.decode()


def test_a_refused_csrf_token_is_an_nhs_page(world, settings):
    from django.test import Client

    settings.DEBUG = False
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(world.admin)
    response = csrf_client.post(reverse("payments:generate"))
    assert response.status_code == 403 and "nhsuk-header" in response.content.decode()
    assert "nothing was saved" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/courses/runs/{big}/", "/tutors/{big}/", "/courses/sessions/{big}/record/", "/release/{big}/"]
)
def test_a_thirty_digit_id_in_the_address_is_not_found(world, client, path):
    client.force_login(world.admin)
    assert client.get(path.format(big="9" * 30)).status_code == 404
