"""The public "Interested in teaching?" form: an anonymous post never changes an existing record
(it waits for the College's review), and its rate limit is shared by every worker, counts the
client behind the proxy, and keeps what the person typed."""

import datetime as dt
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.test import Client
from django.urls import reverse

from tandem.audit.models import AuditEvent
from tandem.pipeline import services
from tandem.pipeline.models import PipelineEntry, PipelineStageChange, PipelineSubmission
from tandem.tutors.models import Tutor

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Alex Keen",
    "work_email": "alex.keen@example.nhs.uk",
    "profession": "Occupational therapist",
    "team": "Early intervention",
    "line_manager_name": "",
    "line_manager_email": "",
    "topics": "Sleep",
}


def url(w):
    return reverse("pipeline:interested", args=[w.college.slug])


def snapshot():
    """Every column of every tutor, pipeline entry and stage change."""
    return (
        list(Tutor.objects.order_by("pk").values()),
        list(PipelineEntry.objects.order_by("pk").values()),
        list(PipelineStageChange.objects.order_by("pk").values()),
    )


@pytest.fixture
def known(world):
    """A staff tutor teaching (their pipeline entry linked to their tutor record) and a lapsed entry."""
    teaching = PipelineEntry.objects.create(
        college=world.college,
        name="Sam Staff",
        work_email="sam@example.nhs.uk",
        profession="Nurse",
        team="Community",
        line_manager_name="Manager Persona",
        line_manager_email="manager@example.nhs.uk",
        topics="Sleep",
        stage="teaching",
        tutor=world.staff,
    )
    PipelineStageChange.objects.create(entry=teaching, stage="teaching", on=dt.date(2019, 4, 1))
    lapsed = PipelineEntry.objects.create(
        college=world.college,
        name="Bo Lapsed",
        work_email="bo@example.nhs.uk",
        profession="Pharmacist",
        team="Ward 3",
        line_manager_name="Lee Line",
        line_manager_email="lee@example.nhs.uk",
        topics="Medicines",
        stage="lapsed",
    )
    PipelineStageChange.objects.create(entry=lapsed, stage="lapsed", on=dt.date(2018, 1, 5))
    return teaching, lapsed


# --- B. Anonymous posts never change existing records ---------------------------------------------


def test_a_post_with_a_known_work_email_changes_no_record(world, client, known):
    teaching, lapsed = known
    before = snapshot()
    answers = [
        client.post(
            url(world),
            {
                **FORM,
                "name": "Not Sam",
                "work_email": "SAM@example.nhs.uk",
                "team": "Elsewhere",
                "line_manager_name": "Someone Else",
                "line_manager_email": "else@example.com",
            },
        ),
        client.post(
            url(world),
            {
                **FORM,
                "name": "Bo Lapsed",
                "work_email": "bo@example.nhs.uk",
                "team": "Ward 3",
                "profession": "Pharmacist",
            },
        ),  # blank line manager and topics
    ]
    thanks = reverse("pipeline:thanks", args=[world.college.slug])
    assert all(a.status_code == 302 and a["Location"] == thanks for a in answers)  # as for anyone new
    assert snapshot() == before  # byte for byte: tutor, entries, stages
    submissions = list(PipelineSubmission.objects.order_by("pk"))
    assert [(s.entry, s.name, s.team) for s in submissions] == [
        (teaching, "Not Sam", "Elsewhere"),
        (lapsed, "Bo Lapsed", "Ward 3"),
    ]
    event = AuditEvent.objects.get(object_type="pipeline.PipelineSubmission", object_id=str(submissions[0].pk))
    assert event.actor is None and "matches an existing record" in event.note


def test_the_college_reviews_a_matching_post(world, client, known):
    teaching, lapsed = known
    Client().post(url(world), {**FORM, "name": "Not Sam", "work_email": "sam@example.nhs.uk", "team": "Elsewhere"})
    Client().post(
        url(world),
        {**FORM, "name": "Bo Lapsed", "work_email": "bo@example.nhs.uk", "team": "Ward 5", "profession": "Pharmacist"},
    )
    sam_form, bo_form = PipelineSubmission.objects.order_by("pk")
    client.force_login(world.qi)
    page = client.get(reverse("pipeline:list")).content.decode()
    assert "Forms to review: 2" in page and "Matches an existing record" in page
    assert reverse("pipeline:submission", args=[sam_form.pk]) in page
    assert (
        reverse("pipeline:submission", args=[sam_form.pk])
        in client.get(reverse("pipeline:detail", args=[teaching.pk])).content.decode()
    )
    review = client.get(reverse("pipeline:submission", args=[sam_form.pk])).content.decode()
    assert "Not Sam" in review and "Sam Staff" in review and "Elsewhere" in review and "Community" in review
    # Nothing chosen: an error, nothing changed.
    before = snapshot()
    empty = client.post(reverse("pipeline:submission", args=[sam_form.pk]), {})
    assert "Choose whether to use the details or discard the form" in empty.content.decode()
    assert snapshot() == before
    # Discard the stranger's form: the record stays as it was.
    done = client.post(reverse("pipeline:submission", args=[sam_form.pk]), {"action": "discard"})
    assert done.status_code == 302 and snapshot() == before
    # Use Bo's: the details given replace the record's, blanks keep the record's, Bo is interested again.
    done = client.post(reverse("pipeline:submission", args=[bo_form.pk]), {"action": "use"})
    assert done["Location"] == reverse("pipeline:detail", args=[lapsed.pk])
    lapsed.refresh_from_db()
    assert (lapsed.team, lapsed.line_manager_name, lapsed.topics, lapsed.stage) == (
        "Ward 5",
        "Lee Line",
        "Sleep",
        "interested",
    )
    assert lapsed.changes.last().recorded_by == world.qi
    assert not PipelineSubmission.objects.exists()
    assert AuditEvent.objects.filter(
        actor=world.qi, object_type="pipeline.PipelineEntry", object_id=str(lapsed.pk)
    ).exists()
    assert (
        AuditEvent.objects.filter(actor=world.qi, action="delete", object_type="pipeline.PipelineSubmission").count()
        == 2
    )


def test_other_colleges_and_roles_cannot_review(world, client, known):
    submission = services.interest_submit(college=world.college, **{**FORM, "work_email": "sam@example.nhs.uk"})
    client.force_login(world.other_admin)
    assert client.get(reverse("pipeline:submission", args=[submission.pk])).status_code == 404
    assert "Forms to review" not in client.get(reverse("pipeline:list")).content.decode()
    client.force_login(world.tutor_user)
    assert client.post(reverse("pipeline:submission", args=[submission.pk]), {"action": "use"}).status_code == 403
    assert PipelineSubmission.objects.filter(pk=submission.pk).exists()


def test_retention_deletes_unreviewed_submissions(world, known):
    from django.utils import timezone

    from tandem.privacy import retention

    old = services.interest_submit(college=world.college, **{**FORM, "work_email": "sam@example.nhs.uk"})
    PipelineSubmission.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - dt.timedelta(days=3 * 365))
    new = services.interest_submit(college=world.college, **{**FORM, "work_email": "sam@example.nhs.uk"})
    retention.run()
    assert list(PipelineSubmission.objects.values_list("pk", flat=True)) == [new.pk]


def test_erasing_the_tutor_deletes_submissions_matching_their_entry(world, known):
    from tandem.privacy.erasure import erase_tutor

    services.interest_submit(college=world.college, **{**FORM, "work_email": "sam@example.nhs.uk"})
    erase_tutor(actor=world.admin, tutor=world.staff, reason="asked")
    assert not PipelineSubmission.objects.exists()


# --- C. The rate limit --------------------------------------------------------------------------------


def test_the_rate_limit_is_counted_in_the_shared_database_cache(world, settings):
    assert settings.CACHES["default"]["BACKEND"] == "tandem.core.cache.DatabaseCache"
    Client().post(url(world), FORM)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM tandem_cache")
        assert cursor.fetchone()[0] >= 1  # every worker reads the same counter


def test_the_database_cache_counts_atomically_and_keeps_the_expiry():
    from django.core.cache import cache

    cache.add("n", 0, timeout=3600)
    assert [cache.incr("n") for _ in range(3)] == [1, 2, 3]
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM tandem_cache")
        expires = cursor.fetchone()[0]
    cache.incr("n")
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM tandem_cache")
        assert cursor.fetchone()[0] == expires  # Django's own incr would reset it to the default 300 s
    with pytest.raises(ValueError):
        cache.incr("absent")


def _behind_nginx(address):
    return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address)


def test_behind_the_proxy_each_visitor_has_their_own_limit(world, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    visitor = _behind_nginx("203.0.113.5")
    for _ in range(5):
        assert visitor.post(url(world), {**FORM, "name": ""}).status_code == 200
    assert visitor.post(url(world), FORM).status_code == 429
    assert _behind_nginx("203.0.113.6").post(url(world), FORM).status_code == 302  # someone else is not blocked
    # An address the visitor writes in front of the proxy's is not believed.
    spoofed = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.5")
    assert spoofed.post(url(world), FORM).status_code == 429


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(world, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(5):
        Client(REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").post(url(world), {**FORM, "name": ""})
    assert (
        Client(REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="198.51.100.99").post(url(world), FORM).status_code == 429
    )


def test_over_the_limit_the_form_keeps_what_was_typed(world, settings):
    settings.PUBLIC_FORM_RATE = "2/h"
    visitor = Client(REMOTE_ADDR="192.0.2.7")
    for _ in range(2):
        visitor.post(url(world), {**FORM, "name": ""})
    typed = {**FORM, "name": "Robin Typed-This", "topics": "Managing stress at work"}
    response = visitor.post(url(world), typed)
    page = response.content.decode()
    assert response.status_code == 429
    assert "sent too many times" in page and "There is a problem" in page
    assert (
        'value="Robin Typed-This"' in page
        and "Managing stress at work" in page
        and 'value="alex.keen@example.nhs.uk"' in page
    )
    assert "<form" in page and not PipelineEntry.objects.exists()


def test_sign_in_records_keep_the_client_address_behind_the_proxy(world, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    _behind_nginx("203.0.113.9").post("/sign-in/", {"username": "leader", "password": "wrong-password"})
    assert AccessAttempt.objects.get(username="leader").ip_address == "203.0.113.9"


def load_settings(**env):
    base = {"PATH": "/usr/bin:/bin", "SECRET_KEY": "x" * 50, **env}
    return subprocess.run(
        [sys.executable, "-c", "import tandem.settings as s; print(s.TRUSTED_PROXY_COUNT, s.PUBLIC_FORM_RATE)"],
        capture_output=True,
        text=True,
        env=base,
    )


@pytest.mark.parametrize(
    "env,message",
    [
        ({"TRUSTED_PROXY_COUNT": "nginx"}, "TRUSTED_PROXY_COUNT must be a whole number"),
        ({"TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT must be at least 0"),
        ({"PUBLIC_FORM_RATE": "lots"}, "PUBLIC_FORM_RATE must be a number of posts per period"),
        ({"PUBLIC_FORM_RATE": "0/h"}, "PUBLIC_FORM_RATE must be a number of posts per period"),
    ],
)
def test_bad_proxy_and_rate_settings_fail_loudly(env, message):
    done = load_settings(**env)
    assert done.returncode != 0 and message in done.stderr


def test_proxy_and_rate_settings_from_the_environment():
    assert load_settings(TRUSTED_PROXY_COUNT="1", PUBLIC_FORM_RATE="20/10m").stdout.split() == ["1", "20/10m"]
    assert load_settings().stdout.split() == ["0", "5/h"]
