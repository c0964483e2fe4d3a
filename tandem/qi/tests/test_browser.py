"""Walk the QI workspace in Chromium as the QI team and as a Trust leader, checking every page
with axe (WCAG 2.2 AA), and add a PDSA cycle through its form."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tandem.qi.models import PDSACycle
from tandem.tests.browser.conftest import assert_accessible, sign_in

from . import history
from .factories import qi_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def q(world):
    history.build(world)
    return qi_world(world)


def walk(page, paths):
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, f"{path} answered {response.status}"
        assert "Tandem" in page.title(), f"{path}: title {page.title()!r}"
        assert page.locator("h1").count() == 1, f"{path} should have one h1"
        assert_accessible(page)


def project_pages(q):
    pk = q.project.pk
    return [
        reverse("qi:home"),
        reverse("qi:project", args=[pk]),
        reverse("qi:drivers", args=[pk]),
        reverse("qi:cycles", args=[pk]),
        reverse("qi:cycle", args=[pk, q.cycle.pk]),
        reverse("qi:project_measures", args=[pk]),
        reverse("qi:measure", args=[pk, "staff_tutors_teaching"]),
        reverse("qi:measure", args=[pk, "student_satisfaction"]),
        reverse("qi:annotations", args=[pk]),
        reverse("qi:stakeholders", args=[pk]),
        reverse("qi:report", args=[pk]),
        reverse("qi:measures"),
    ]


def test_qi_team_walks_every_qi_page(page, world, q):
    sign_in(page, "qi", "pw-qi")
    pk = q.project.pk
    walk(
        page,
        project_pages(q)
        + [
            reverse("qi:project_create"),
            reverse("qi:charter_edit", args=[pk]),
            reverse("qi:score_add", args=[pk]),
            reverse("qi:aim_add", args=[pk]),
            reverse("qi:aim_edit", args=[pk, q.aim.pk]),
            reverse("qi:member_add", args=[pk]),
            reverse("qi:member_edit", args=[pk, q.member.pk]),
            reverse("qi:driver_add", args=[pk]),
            reverse("qi:driver_edit", args=[pk, q.driver.pk]),
            reverse("qi:idea_add", args=[pk]),
            reverse("qi:idea_edit", args=[pk, q.idea.pk]),
            reverse("qi:cycle_add", args=[pk]),
            reverse("qi:cycle_edit", args=[pk, q.cycle.pk]),
            reverse("qi:annotation_add", args=[pk]),
            reverse("qi:annotation_edit", args=[pk, q.annotation.pk]),
            reverse("qi:stakeholder_add", args=[pk]),
            reverse("qi:stakeholder_edit", args=[pk, q.stakeholder.pk]),
            reverse("qi:manual_add", args=[pk]),
            reverse("qi:manual_edit", args=[pk, "student_satisfaction"]),
            reverse("qi:manual_values", args=[pk, "student_satisfaction"]),
        ],
    )


def test_leader_walks_the_qi_pages_read_only(page, world, q):
    sign_in(page, "leader", "pw-leader")
    page.get_by_role("link", name="QI project").click()
    assert page.get_by_role("heading", level=1).inner_text() == "QI projects"
    walk(page, project_pages(q))
    page.goto(reverse("qi:project", args=[q.project.pk]))
    assert page.get_by_role("link", name="Edit the charter (title, problem, goal)").count() == 0
    assert page.goto(reverse("qi:cycle_add", args=[q.project.pk])).status == 403


def test_qi_team_adds_a_pdsa_cycle_through_the_form(page, world, q):
    sign_in(page, "qi", "pw-qi")
    page.goto(reverse("qi:cycles", args=[q.project.pk]))
    page.get_by_role("link", name="Add a cycle for Share staff stories").click()
    page.get_by_label("Cycle title").fill("Story booklet for every team")
    page.get_by_role("button", name="Save the cycle").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    assert "Enter the cycle's objective" in summary.inner_text()
    assert "Error" in page.title()
    assert_accessible(page)
    page.get_by_label("Start date").fill("2019-05-01")
    page.get_by_label("Plan: objective").fill("Reach every community team with written stories")
    page.get_by_label("Plan: prediction").fill("Approvals will rise in teams that get the booklet")
    page.get_by_label("Trust staff tutors teaching (outcome)").check()
    page.get_by_label("Act: decision (optional)").select_option("adopt")
    page.get_by_role("button", name="Save the cycle").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Cycle 2: Story booklet for every team"
    assert_accessible(page)
    cycle = PDSACycle.objects.get(title="Story booklet for every team")
    assert cycle.change_idea == q.idea and cycle.act == "adopt" and cycle.measures == ["staff_tutors_teaching"]
    page.goto(reverse("qi:cycles", args=[q.project.pk]))
    chain = page.locator("ol.qi-chain").first.inner_text()
    assert chain.index("Cycle 1") < chain.index("Cycle 2: Story booklet for every team")
