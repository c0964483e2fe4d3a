"""In the browser: a staff tutor asks for release, their line manager signs in from the emailed
link and approves (or declines with a reason); another line manager gets 404. axe checks every
page against WCAG 2.2 AA."""

import re
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from tandem.courses.models import Session
from tandem.release.models import ReleaseRequest
from tandem.tests.browser.conftest import assert_accessible, sign_in

from .factories import other_manager

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def w(world):
    import datetime as dt

    world.manager.email = "manager@example.nhs.uk"
    world.manager.save()
    Session.objects.create(run=world.run, date=dt.date(2019, 9, 10), start_time=dt.time(10), end_time=dt.time(12))
    mail.outbox.clear()
    return world


def sign_out(page):
    page.goto(reverse("accounts:logout"))
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def tutor_asks(page, w):
    sign_in(page, "tutor", "pw-tutor")
    page.goto(reverse("release:list"))
    assert_accessible(page)
    page.get_by_role("link", name="Ask for release").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Ask for release"
    assert_accessible(page)
    page.get_by_label("What is the release for?").select_option("run")
    page.get_by_label("Course run").select_option(str(w.run.pk))
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Understanding anxiety"
    assert page.get_by_label("Tue 03 Sep 2019", exact=False).is_checked()
    assert_accessible(page)
    page.get_by_label("What the release is for").fill("Co-deliver Understanding anxiety with Pat")
    page.get_by_role("button", name="Send the request").click()
    assert "Request sent" in page.locator(".nhsuk-notification-banner").inner_text()
    assert_accessible(page)
    rr = ReleaseRequest.objects.get()
    assert rr.status == "pending" and rr.sessions.count() == 2
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["manager@example.nhs.uk"]
    link = re.search(r"https?://\S+/release/\d+/decide/", mail.outbox[0].body).group(0)
    sign_out(page)
    return rr, urlparse(link).path


def manager_opens_link(page, path):
    page.goto(path)  # not signed in: the sign-in page, then back to the link
    assert page.url.split("?")[0].endswith(reverse("accounts:login"))
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill("pw-manager")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.url.endswith(path)
    assert page.get_by_role("heading", level=1).inner_text() == "Release for Sam Staff"
    assert_accessible(page)


def test_tutor_asks_and_line_manager_approves(page, w):
    rr, path = tutor_asks(page, w)
    manager_opens_link(page, path)
    page.get_by_label("Approve", exact=True).check()
    page.get_by_role("button", name="Save decision").click()
    assert "Decision saved: approved" in page.locator(".nhsuk-notification-banner").inner_text()
    assert_accessible(page)
    rr.refresh_from_db()
    assert rr.status == "approved" and rr.decided_by == w.manager
    assert mail.outbox[-1].to == ["sam@example.nhs.uk"] and "approved" in mail.outbox[-1].body
    page.goto(reverse("courses:run", args=[w.run.pk]))
    assert "Sam Staff: released by Manager Persona for 2 sessions" in " ".join(
        page.locator("main").inner_text().split()
    )
    assert_accessible(page)
    page.goto(reverse("courses:timetable") + f"?term={w.term.pk}")
    assert page.locator("strong.nhsuk-tag", has_text="Released").count() == 1
    assert_accessible(page)


def test_line_manager_declines_with_reason_and_the_run_becomes_a_gap(page, w):
    rr, path = tutor_asks(page, w)
    manager_opens_link(page, path)
    page.get_by_label("Decline").check()
    page.get_by_role("button", name="Save decision").click()
    assert "Choose why you decline the request" in page.locator(".nhsuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Reason").select_option("course_too_long")
    page.get_by_role("button", name="Save decision").click()
    assert "Decision saved: declined" in page.locator(".nhsuk-notification-banner").inner_text()
    rr.refresh_from_db()
    assert rr.status == "declined" and rr.decline_reason == "course_too_long"
    assert "declined" in mail.outbox[-1].body and "The course is too long" in mail.outbox[-1].body
    sign_out(page)
    sign_in(page, "qi", "pw-qi")
    page.goto(reverse("courses:timetable") + f"?term={w.term.pk}")
    assert page.locator("tr.tandem-gap").count() == 2  # the declined run is now a gap too


def test_another_line_manager_gets_404(page, w):
    rr, path = tutor_asks(page, w)
    other_manager(w)
    sign_in(page, "manager2", "pw-manager2")
    assert page.goto(path).status == 404
    assert page.goto(reverse("release:detail", args=[rr.pk])).status == 404
    page.goto(reverse("release:list"))
    assert "There are no release requests" in page.content()
    assert_accessible(page)


def test_pipeline_and_story_pages_are_accessible(page, w):
    from tandem.pipeline.tests.factories import make_entry, make_submission
    from tandem.stories.tests.factories import make_story

    entry = make_entry(w)
    submission = make_submission(w, entry=entry)  # a public-form post matching the entry, to review
    story = make_story(w, scope="external", pull_quote="changed how I listen")
    page.goto(reverse("pipeline:interested", args=[w.college.slug]))
    assert_accessible(page)
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    assert_accessible(page)
    sign_in(page, "qi", "pw-qi")
    for path in (
        reverse("pipeline:list"),
        reverse("pipeline:detail", args=[entry.pk]),
        reverse("pipeline:stage", args=[entry.pk]),
        reverse("pipeline:submission", args=[submission.pk]),
        reverse("pipeline:add"),
        reverse("pipeline:funnel"),
        reverse("stories:library"),
        reverse("stories:detail", args=[story.pk]),
        reverse("stories:manage"),
        reverse("stories:add"),
        reverse("stories:manage_story", args=[story.pk]),
        reverse("stories:edit", args=[story.pk]),
        reverse("stories:consent", args=[story.pk]),
        reverse("stories:withdraw", args=[story.pk]),
    ):
        assert page.goto(path).status == 200, path
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)
    sign_out(page)
    sign_in(page, "admin", "pw-admin")
    for path in (
        reverse("release:budgets"),
        reverse("release:budget", args=[w.staff.pk]),
        reverse("release:new") + f"?tutor={w.staff.pk}&kind=coproduction",
    ):
        assert page.goto(path).status == 200, path
        assert_accessible(page)
