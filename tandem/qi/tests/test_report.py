import datetime as dt
import random
import re
import zlib

import pytest
from django.test import RequestFactory
from django.urls import reverse

from tandem.qi import demo, present, report
from tandem.qi.models import QIProject

from . import history

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(world):
    """A demo-like project: the synthetic outcome history and the demo's full QI content."""
    history.build(world)
    p = QIProject.objects.create(
        college=world.college,
        title="More Trust staff teaching at the College",
        problem="Too few Trust staff teach.",
        starts_on=dt.date(2019, 2, 1),
        deadline=dt.date(2019, 10, 31),
    )
    demo.populate(world.college, p, random.Random(2019))
    return p


def pages_in(pdf):
    """Count the page objects, also inside compressed object streams (no PDF library needed)."""
    chunks = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            chunks.append(zlib.decompress(stream))
        except zlib.error:
            pass
    return sum(len(re.findall(rb"/Type\s*/Page(?![s\w])", c)) for c in chunks)


def test_leader_report_pdf_is_one_a4_page(client, world, project):
    client.force_login(world.leader)
    response = client.get(reverse("qi:report_pdf", args=[project.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    assert pages_in(pdf) == 1
    request = RequestFactory().get("/")
    request.user = world.leader
    doc = report.document(request, project)
    assert len(doc.pages) == 1
    width, height = doc.pages[0].width, doc.pages[0].height
    assert (round(width * 25.4 / 96), round(height * 25.4 / 96)) == (210, 297)  # A4 in mm


def test_leader_report_content(client, world, project):
    client.force_login(world.leader)
    page = client.get(reverse("qi:report", args=[project.pk])).content.decode()
    for text in (
        "Increase Trust staff tutors teaching by 20% by 31 October 2019",
        "Invest in staff skills",
        "Baseline",
        "Target",
        "Latest",
        "Deadline",
        "Share staff-tutor and student stories",
        "Stories shared with Trust teams",
        "from the baseline months, Feb 2018 to Jan 2019",
        "<svg",
        "Download the report as a PDF",
    ):
        assert text in page, text
    html = report.html(RequestFactory().get("/"), project)
    assert "@page" in html and "size: A4" in html and "<svg" in html and "sans-serif" in html


def test_stories_section_without_a_stories_app(monkeypatch, world, project):
    from django.apps import apps

    real = apps.is_installed
    monkeypatch.setattr(apps, "is_installed", lambda name: False if name == "tandem.stories" else real(name))
    assert present.stories(world.college) is None
    html = report.html(RequestFactory().get("/"), project)
    assert "Stories will appear here" in html or "stories are collected" in html


def test_consented_stories_appear_and_the_report_stays_one_page(client, world, project):
    from tandem.stories import services as stories

    long_text = "Teaching here changed how I work with people on my caseload. " * 12
    common = dict(
        actor=world.qi,
        college=world.college,
        scope="internal",
        text_version="v1",
        given_on=dt.date(2019, 6, 1),
        told_on=dt.date(2019, 6, 1),
    )
    stories.story_create(
        title="Why I teach here",
        text=long_text,
        author_kind="staff_tutor",
        author_name="Sam Staff",
        named=False,
        **common,
    )
    stories.story_create(
        title="Learning side by side",
        text=long_text,
        author_kind="student",
        author_name="Jo Student",
        named=True,
        **common,
    )
    withdrawn = stories.story_create(
        title="Withdrawn story",
        text="Not to be shown",
        author_kind="student",
        author_name="Al Gone",
        named=True,
        **common,
    )
    stories.consent_withdraw(actor=world.qi, story=withdrawn)
    html = report.html(RequestFactory().get("/"), project)
    assert "Why I teach here" in html and "Learning side by side" in html
    assert "A staff tutor" in html and "Sam Staff" not in html  # anonymous consent: no name
    assert "Withdrawn story" not in html
    client.force_login(world.leader)
    pdf = client.get(reverse("qi:report_pdf", args=[project.pk])).content
    assert pages_in(pdf) == 1


def test_the_pdf_is_rendered_once_until_the_colleges_records_change(client, world, project, monkeypatch):
    renders = []
    real = report.pdf
    monkeypatch.setattr(report, "pdf", lambda request, p: renders.append(p.pk) or real(request, p))
    client.force_login(world.leader)
    url = reverse("qi:report_pdf", args=[project.pk])
    first = client.get(url).content
    client.force_login(world.qi)
    assert client.get(url).content == first  # a second person: served from the cache
    assert len(renders) == 1
    project.problem = "Too few Trust staff teach, and fewer each term."
    project.save()
    assert client.get(url).status_code == 200
    assert len(renders) == 2  # the write changed the College's version: rendered afresh


def test_a_pdf_being_rendered_is_waited_for_not_rendered_twice(world, project, monkeypatch):
    from django.core.cache import cache

    from tandem.core import versions

    key = versions.versioned_key(world.college.pk, "leader-pdf", project.pk, dt.date.today().isoformat())
    cache.add(f"{key}:rendering", 1)  # another request is rendering it ...
    sleeps = []

    def sleep(_seconds):  # ... and finishes while this one waits
        sleeps.append(1)
        cache.set(key, b"%PDF rendered elsewhere")

    monkeypatch.setattr(report.time, "sleep", sleep)
    monkeypatch.setattr(report, "pdf", lambda *a: pytest.fail("rendered twice"))
    assert report.cached_pdf(RequestFactory().get("/"), project) == b"%PDF rendered elsewhere"
    assert sleeps == [1]
