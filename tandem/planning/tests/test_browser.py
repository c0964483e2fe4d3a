"""An admin plans a term in Chromium: from a small generated College's wish list to the
timetable, seeing why courses cannot run and the best extra staff tutor; axe checks every page."""

import random

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tandem.courses.models import CourseRun
from tandem.planning.models import PlanJob, WishList
from tandem.tests.browser.conftest import assert_accessible, sign_in

from .factories import small_college

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-small-admin-1"


@pytest.fixture
def college(transactional_db):
    college, admin = small_college(random.Random(5), password=PASSWORD)
    return college


def check(page, heading=None):
    assert page.locator("h1").count() == 1
    if heading:
        assert page.get_by_role("heading", level=1).inner_text() == heading
    assert_accessible(page)


def test_admin_plans_a_term_and_accepts_it(page, college):
    sign_in(page, "small-admin", PASSWORD)
    # The header lists "Planning" (the NHS.UK header may fold it under "More" at this width).
    assert page.locator("header a[href='/planning/']").count() >= 1
    page.goto(reverse("planning:home"))
    check(page, "Term planning")
    page.get_by_role("link", name="Start a wish list").click()
    check(page, "Start a wish list")
    page.go_back()
    page.get_by_role("link", name="Tutor availability").click()
    check(page, "Tutor availability")
    page.go_back()
    page.get_by_role("link", name="Spring 2020").click()
    check(page, "Wish list for Spring 2020")
    wl = WishList.objects.get(college=college)
    page.get_by_role("link", name="Add courses from the catalogue").click()
    check(page, "Add courses from the catalogue")
    page.goto(reverse("planning:wishlist", args=[wl.pk]))

    page.get_by_label("Time for the planner, in seconds").fill("5")
    page.get_by_role("button", name="Plan the term").click(timeout=90_000)
    page.wait_for_url("**/planning/jobs/*/", timeout=90_000)
    check(page, "Plan for Spring 2020")
    job = PlanJob.objects.get(wish_list=wl)
    assert job.status == "finished", job.error
    unoffered = len(job.result["unoffered"])
    assert unoffered > 0
    expect(page.get_by_role("heading", name=f"Why {unoffered} wished runs cannot run")).to_be_visible()
    expect(page.locator("#unoffered ~ table .nhsuk-tag").first).to_be_visible()
    expect(page.get_by_text("The best extra staff tutor profile")).to_be_visible()
    assert "A staff tutor trained for" in page.locator(".nhsuk-inset-text").inner_text()
    expect(page.get_by_role("heading", name="Week by week")).to_be_visible()

    page.get_by_role("link", name="Accept this plan into the timetable").click()
    check(page, "Accept the plan for Spring 2020")
    page.get_by_role("button", name="Accept the plan into the timetable").click()
    page.wait_for_url("**/courses/timetable/**")
    check(page)
    runs = CourseRun.objects.filter(term=wl.term)
    assert runs.count() == len(job.result["runs"]) > 0
    assert "Plan accepted" in page.locator(".nhsuk-notification-banner").inner_text()
    first = runs.select_related("course").first()
    expect(page.get_by_role("link", name=first.course.title).first).to_be_visible()


def test_the_status_tag_follows_the_jobs_real_state(page, college):
    """Queued → running → finished: the tag beside the heading changes as the job does, without
    waiting for the page to reload (it stays open while what-if answers are awaited)."""
    from playwright.sync_api import expect

    from tandem.planning.instance import build
    from tandem.planning.models import PlanWhatIf

    wl = WishList.objects.get(college=college)
    built = build(wl)
    job = PlanJob.objects.create(wish_list=wl, instance=built.instance, labels=built.labels, time_limit=5)
    sign_in(page, "small-admin", PASSWORD)
    page.goto(reverse("planning:job", args=[job.pk]))
    tag = page.locator("#job-status-tag")
    expect(tag).to_have_text("Waiting to start")
    assert "nhsuk-tag--grey" in tag.get_attribute("class")
    check(page, "Plan for Spring 2020")
    PlanJob.objects.filter(pk=job.pk).update(status=PlanJob.Status.RUNNING, progress=[[10, 20, 0.05]])
    expect(tag).to_have_text("Planning", timeout=10_000)
    assert "nhsuk-tag--blue" in tag.get_attribute("class") and "nhsuk-tag--grey" not in tag.get_attribute("class")
    # Finished, with a what-if still waiting: the page does not reload, the tag still follows.
    tutor = college.tutors.filter(kind="staff").first()
    PlanWhatIf.objects.create(job=job, tutor=tutor, hours=2)
    PlanJob.objects.filter(pk=job.pk).update(status=PlanJob.Status.FINISHED)
    expect(tag).to_have_text("Finished", timeout=10_000)
    assert "nhsuk-tag--green" in tag.get_attribute("class")


def test_a_running_job_page_updates_itself(page, college):
    """The page polls the status URL every second and reloads once the job has finished."""
    from playwright.sync_api import expect

    import planner
    from tandem.planning.tests.factories import plan_job

    wl = WishList.objects.get(college=college)
    job = plan_job(wl, status=PlanJob.Status.RUNNING)
    sign_in(page, "small-admin", PASSWORD)
    page.goto(reverse("planning:job", args=[job.pk]))
    check(page, "Plan for Spring 2020")
    assert "gap 50.0%" in page.get_by_role("status").inner_text()
    PlanJob.objects.filter(pk=job.pk).update(progress=[[10, 20, 0.05], [15, 20, 1.2]])
    expect(page.get_by_role("status")).to_contain_text("gap 25.0%", timeout=10_000)
    assert page.locator("#job-meter").evaluate("el => el.value") == 75
    result = planner.greedy_plan(job.instance)
    PlanJob.objects.filter(pk=job.pk).update(status=PlanJob.Status.FINISHED, result=result)
    page.get_by_role("heading", name="Week by week").wait_for(timeout=10_000)
    check(page, "Plan for Spring 2020")
