"""Sign in as each role, walk the main pages, and check each with axe."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def walk(page, paths, expect_title_suffix="Tandem"):
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, f"{path} answered {response.status}"
        assert expect_title_suffix in page.title(), f"{path}: title {page.title()!r}"
        assert page.locator("h1").count() == 1, f"{path} should have one h1"
        assert_accessible(page)


def test_sign_in_page_is_accessible(page, world):
    page.goto("/sign-in/")
    assert page.title().startswith("Sign in – Tandem – ")
    assert_accessible(page)


def test_wrong_password_shows_error_summary(page, world):
    sign_in(page, "admin", "not-the-password")
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    assert "Error" in page.title()
    assert_accessible(page)


def test_college_admin_walks_every_page(page, world):
    sign_in(page, "admin", "pw-admin")
    assert page.get_by_role("heading", level=1).inner_text() == world.college.name
    walk(
        page,
        [
            reverse("core:dashboard"),
            reverse("tutors:list"),
            reverse("tutors:detail", args=[world.staff.pk]),
            reverse("tutors:create"),
            reverse("tutors:edit", args=[world.staff.pk]),
            reverse("courses:list"),
            reverse("courses:detail", args=[world.course.pk]),
            reverse("courses:timetable"),
            reverse("courses:run", args=[world.gap_run.pk]),
            reverse("qi:measures"),
            reverse("core:import"),
            reverse("students:list"),  # its search field's clear icon comes from NHS.UK's stylesheet
            reverse("accounts:logout"),
        ],
    )


def test_admin_adds_a_tutor_and_sees_inline_errors(page, world):
    sign_in(page, "admin", "pw-admin")
    page.goto(reverse("tutors:create"))
    page.get_by_label("Kind of tutor").select_option("staff")
    page.get_by_label("First name").fill("Robin")
    page.get_by_role("button", name="Save tutor").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    assert "Enter the tutor's last name" in summary.inner_text()
    assert "Choose the staff tutor's employer" in summary.inner_text()
    assert page.title().startswith("Add a tutor – Error – Tandem")
    assert_accessible(page)
    page.get_by_label("Last name").fill("Lark")
    page.get_by_label("Email").fill("robin.lark@example.nhs.uk")
    page.get_by_label("Employer (optional)").select_option(label=world.trust.name)
    page.get_by_role("button", name="Save tutor").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Robin Lark"


def test_timetable_highlights_the_gap(page, world):
    sign_in(page, "qi", "pw-qi")
    page.goto(reverse("courses:timetable"))
    gap = page.locator("tr.tandem-gap")
    assert gap.count() == 1
    assert "Gap: no staff tutor" in gap.inner_text()


@pytest.mark.parametrize(
    "username,paths",
    [
        ("qi", ["core:dashboard", "tutors:list", "courses:list", "courses:timetable", "qi:measures"]),
        ("tutor", ["core:dashboard", "courses:list", "courses:timetable"]),
        ("manager", ["core:dashboard", "courses:list", "courses:timetable"]),
        ("leader", ["core:dashboard", "tutors:list", "courses:list", "qi:measures"]),
    ],
)
def test_each_role_walks_its_pages(page, world, username, paths):
    sign_in(page, username, f"pw-{username}")
    walk(page, [reverse(name) for name in paths])


def test_tutor_sees_only_their_own_record(page, world):
    sign_in(page, "tutor", "pw-tutor")
    page.goto(reverse("tutors:me"))
    assert page.get_by_role("heading", level=1).inner_text() == world.staff.full_name
    assert_accessible(page)
    assert page.goto(reverse("tutors:detail", args=[world.unmanaged.pk])).status == 404
