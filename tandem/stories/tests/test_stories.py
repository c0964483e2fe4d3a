import datetime as dt
import shutil
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tandem.audit.models import AuditEvent
from tandem.stories import services
from tandem.stories.models import Consent, Story
from tandem.stories.selectors import search, stories_for_channel

from .factories import make_story

pytestmark = pytest.mark.django_db


def keys(qs):
    return sorted(s.title for s in qs)


@pytest.fixture
def stories(world):
    return {
        "internal": make_story(world, title="Internal named", scope="internal", named=True, author_name="Robin Named"),
        "external": make_story(world, title="External named", scope="external", named=True, author_name="Kit Public"),
        "anon": make_story(
            world,
            title="External anonymous",
            scope="external",
            named=False,
            author_name="Jo Secret",
            author_kind="student",
            text="Coming to the College gave me back a reason to leave the house.",
        ),
        "withdrawn": make_story(world, title="Withdrawn", scope="external", withdrawn=True),
        "elsewhere": make_story(world, title="Other college", scope="external", college=world.other_college),
    }


def test_channels_follow_consent(world, stories):
    assert keys(stories_for_channel(world.college, "internal")) == [
        "External anonymous",
        "External named",
        "Internal named",
    ]
    assert keys(stories_for_channel(world.college, "leader_report")) == [
        "External anonymous",
        "External named",
        "Internal named",
    ]
    assert keys(stories_for_channel(world.college, "external")) == ["External anonymous", "External named"]
    with pytest.raises(ValueError):
        stories_for_channel(world.college, "everywhere")


def test_withdrawal_removes_it_everywhere_at_once(world, stories, client):
    story = stories["external"]
    client.force_login(world.leader)
    assert client.get(reverse("stories:detail", args=[story.pk])).status_code == 200
    services.consent_withdraw(actor=world.qi, story=story)
    for channel in ("internal", "leader_report", "external"):
        assert story not in stories_for_channel(world.college, channel)
    assert client.get(reverse("stories:detail", args=[story.pk])).status_code == 404
    assert "External named" not in client.get(reverse("stories:library")).content.decode()
    assert AuditEvent.objects.filter(object_type="stories.Consent", action="withdraw").count() == 1
    with pytest.raises(ValidationError, match="no consent in force"):
        services.consent_withdraw(actor=world.qi, story=story)


def test_anonymous_author_name_is_never_shown(world, stories, client):
    anon = stories["anon"]
    assert stories_for_channel(world.college, "external").get(pk=anon.pk).byline == "A student"
    assert (
        stories_for_channel(world.college, "internal").get(pk=stories["internal"].pk).byline
        == "Robin Named, staff tutor"
    )
    client.force_login(world.admin)
    for name in ("stories:library", "stories:manage"):
        body = client.get(reverse(name)).content.decode()
        assert "Jo Secret" not in body and "A student" in body
    for name in ("stories:detail", "stories:manage_story"):
        assert "Jo Secret" not in client.get(reverse(name, args=[anon.pk])).content.decode()
    # Searching by the hidden name finds nothing; a named author can be found by name.
    assert keys(search(stories_for_channel(world.college, "internal"), q="Secret")) == []
    assert keys(search(stories_for_channel(world.college, "internal"), q="Robin")) == ["Internal named"]
    from tandem.stories import pack

    html = pack.html(None, list(stories_for_channel(world.college, "external")), world.college)
    assert "Jo Secret" not in html and "A student" in html and "Kit Public" in html


def test_library_search_and_filters(world, stories, client):
    services.story_update(actor=world.qi, story=stories["internal"], tags="Release, long courses")
    client.force_login(world.tutor_user)
    body = client.get(reverse("stories:library") + "?q=reason+to+leave").content.decode()
    assert "External anonymous" in body and "Internal named" not in body
    body = client.get(reverse("stories:library") + "?tag=release").content.decode()
    assert "Internal named" in body and "External named" not in body
    body = client.get(reverse("stories:library") + "?scope=internal").content.decode()
    assert "Internal named" in body and "External anonymous" not in body
    body = client.get(reverse("stories:library") + "?author_kind=student").content.decode()
    assert "External anonymous" in body and "Internal named" not in body
    assert "Withdrawn" not in client.get(reverse("stories:library")).content.decode()


def test_every_write_is_audited(world):
    story = services.story_create(
        actor=world.qi,
        college=world.college,
        title="A new start",
        text="I found my voice.",
        pull_quote="found my voice",
        author_kind="peer_tutor",
        author_name="Lee Peer",
        told_on=dt.date(2019, 4, 1),
        tags="voice, Confidence",
        scope="internal",
        named=False,
        text_version="v2",
        given_on=dt.date(2019, 4, 2),
    )
    assert sorted(story.tags.values_list("name", flat=True)) == ["confidence", "voice"]
    services.story_update(actor=world.qi, story=story, title="A new start, again")
    services.consent_record(
        actor=world.qi, story=story, scope="external", named=True, text_version="v3", given_on=dt.date(2019, 6, 1)
    )
    services.consent_withdraw(actor=world.qi, story=story, on=dt.date(2019, 7, 1))
    actions = list(AuditEvent.objects.order_by("id").values_list("object_type", "action"))
    assert actions == [
        ("stories.Story", "create"),
        ("stories.Consent", "create"),
        ("stories.Story", "update"),
        ("stories.Consent", "update"),
        ("stories.Consent", "create"),
        ("stories.Consent", "withdraw"),
    ]
    states = [c.state for c in Consent.objects.filter(story=story).order_by("id")]
    assert states == ["superseded", "withdrawn"]
    services.story_delete(actor=world.admin, story=story)
    assert not Story.objects.filter(pk=story.pk).exists()
    assert AuditEvent.objects.filter(object_type="stories.Story", action="delete").count() == 1


def test_new_consent_widens_the_channels(world, stories):
    story = stories["internal"]
    assert story not in stories_for_channel(world.college, "external")
    services.consent_record(
        actor=world.qi, story=story, scope="external", named=False, text_version="v2", given_on=dt.date(2019, 9, 1)
    )
    shown = stories_for_channel(world.college, "external").get(pk=story.pk)
    assert shown.byline == "A staff tutor"  # the new consent is anonymous
    assert Consent.objects.filter(story=story, withdrawn_on__isnull=True, superseded_on__isnull=True).count() == 1


def test_validation(world):
    with pytest.raises(ValidationError, match="words from the story"):
        services.story_create(
            actor=world.qi,
            college=world.college,
            title="t",
            text="Short text.",
            pull_quote="Not in it",
            author_kind="student",
            author_name="A",
            told_on=dt.date(2019, 1, 1),
            scope="internal",
            named=True,
            text_version="v1",
            given_on=dt.date(2019, 1, 1),
        )
    future = dt.date.today() + dt.timedelta(days=5)
    with pytest.raises(ValidationError, match="today or in the past"):
        services.story_create(
            actor=world.qi,
            college=world.college,
            title="t",
            text="Short text.",
            pull_quote="“Short text”",
            author_kind="student",
            author_name="A",
            told_on=dt.date(2019, 1, 1),
            scope="internal",
            named=True,
            text_version="v1",
            given_on=future,
        )
    assert not Story.objects.exists()


def test_manage_views(world, client):
    client.force_login(world.qi)
    response = client.post(
        reverse("stories:add"),
        {
            "title": "Seeing recovery",
            "text": "Teaching beside a peer tutor showed me recovery up close.",
            "pull_quote": "recovery up close",
            "author_kind": "staff_tutor",
            "author_name": "Dee Doctor",
            "told_on": "2019-05-01",
            "tags": "recovery",
            "scope": "external",
            "named": "anonymous",
            "text_version": "v2",
            "given_on": "2019-05-02",
        },
    )
    story = Story.objects.get()
    assert response["Location"] == reverse("stories:manage_story", args=[story.pk])
    assert story.active_consent.named is False and story.active_consent.scope == "external"
    body = client.post(reverse("stories:add"), {"title": ""}).content.decode()
    assert "Enter a title" in body and "Choose where the story may be shown" in body
    assert client.post(reverse("stories:withdraw", args=[story.pk]), {"on": "2019-08-01"}).status_code == 302
    assert story not in stories_for_channel(world.college, "internal")
    assert "Not shown anywhere" in client.get(reverse("stories:manage_story", args=[story.pk])).content.decode()
    assert (
        client.post(
            reverse("stories:consent", args=[story.pk]),
            {"scope": "internal", "named": "named", "text_version": "v3", "given_on": "2019-09-01"},
        ).status_code
        == 302
    )
    assert story in stories_for_channel(world.college, "internal")
    assert (
        client.post(
            reverse("stories:edit", args=[story.pk]),
            {
                "title": "Seeing recovery",
                "text": "Changed text.",
                "pull_quote": "",
                "author_kind": "staff_tutor",
                "author_name": "Dee Doctor",
                "told_on": "2019-05-01",
                "tags": "",
            },
        ).status_code
        == 302
    )
    assert client.post(reverse("stories:delete", args=[story.pk])).status_code == 302
    assert not Story.objects.exists()


def test_story_pack_pdf(world, stories, client, tmp_path):
    client.force_login(world.leader)
    response = client.get(reverse("stories:pack"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    pdf = tmp_path / "pack.pdf"
    pdf.write_bytes(response.content)
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "Stories of co-production" in text and "External named" in text and "External anonymous" in text
        assert "Internal named" not in text and "Withdrawn" not in text and "Jo Secret" not in text
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "page")], check=True)
        assert sorted(p.name for p in tmp_path.glob("page-*.png"))


def test_add_a_story_lists_its_errors_in_page_order():
    """The error summary follows the form's field order: the story's fields, then the consent's."""
    from tandem.core.jinja2 import form_errors
    from tandem.stories.forms import StoryCreateForm

    form = StoryCreateForm({})
    assert not form.is_valid()
    anchors = [e["href"] for e in form_errors(form)]
    assert (
        anchors.index("#id_title")
        < anchors.index("#id_told_on")
        < anchors.index("#id_scope")
        < anchors.index("#id_given_on")
    )
