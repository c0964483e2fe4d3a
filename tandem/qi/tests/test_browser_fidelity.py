"""In Chromium, as the QI team: an empty RECOLLECT form gives errors, a full one is saved and the
total is charted with its text alternative and data table; every page passes axe."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tandem.qi.models import FidelityAssessment
from tandem.tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCORES = {
    "valuing_equality": "2",
    "learning": "1",
    "tailored_to_the_student": "1",
    "coproduction": "2",
    "social_connectedness": "1",
    "community_focus": "0",
    "commitment_to_recovery": "2",
}


def test_qi_team_enters_a_recollect_assessment_and_sees_it_charted(page, world):
    FidelityAssessment.objects.create(
        college=world.college,
        year=2018,
        assessed_on="2018-11-20",
        manager_took_part=True,
        valuing_equality=1,
        learning=1,
        tailored_to_the_student=1,
        coproduction=1,
        social_connectedness=1,
        community_focus=1,
        commitment_to_recovery=1,
    )
    sign_in(page, "qi", "pw-qi")
    page.goto(reverse("qi:home"))
    page.get_by_role("link", name="College fidelity self-assessment (RECOLLECT)").click()
    assert page.get_by_role("heading", level=1).inner_text() == "College fidelity: RECOLLECT"
    assert_accessible(page)
    page.get_by_role("link", name="Add an assessment").click()
    assert_accessible(page)
    page.get_by_label("Year assessed").fill("")
    page.get_by_role("button", name="Save the assessment").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    assert "Choose 0, 1 or 2 for 1 Valuing equality" in summary.inner_text()
    assert "Error" in page.title()
    assert_accessible(page)
    page.get_by_label("Year assessed").fill("2019")
    page.get_by_label("Date of the assessment").fill("2019-11-13")
    for name, value in SCORES.items():
        page.locator(f"input[name='{name}'][value='{value}']").check(force=True)
    page.get_by_label("The College manager took part").check(force=True)
    page.get_by_label("Peer tutors who took part (number)").fill("4")
    page.get_by_label("Students who took part (number)").fill("3")
    page.get_by_role("button", name="Save the assessment").click()
    assert page.get_by_role("heading", level=1).inner_text() == "College fidelity: RECOLLECT"
    assert FidelityAssessment.objects.get(college=world.college, year=2019).total == 9
    assert page.locator("svg.tandem-chart").count() == 1
    assert "2018 7, 2019 9" in page.locator("main").inner_text()
    table = page.get_by_role("table", name="RECOLLECT fidelity by year").inner_text()
    assert "2019" in table and "the College manager, 4 peer tutors, 3 students" in table
    assert_accessible(page)
