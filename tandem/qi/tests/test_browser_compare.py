"""In Chromium, as the QI team: Compare Colleges shows a funnel plot per comparison with its text
alternative and data table; a bad benchmark file is refused naming row and column, a good one
joins the funnel; every page passes axe."""

import os

import pytest
from django.urls import reverse

from tandem.qi.models import Benchmark
from tandem.tests.browser.conftest import assert_accessible, sign_in

from .test_compare import GOOD_CSV, OTHER_NAMES, two  # noqa: F401 (two: the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_qi_team_compares_colleges_and_imports_benchmarks(page, two, tmp_path):  # noqa: F811
    sign_in(page, "qi", "pw-qi")
    page.goto(reverse("qi:home"))
    page.get_by_role("link", name="Compare Colleges (funnel plots)").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Compare Colleges"
    assert page.locator("svg.tandem-funnel").count() == 2
    assert (
        page.get_by_role("img", name="Teaching tutors who are Trust staff: December 2018 to November 2019").count() == 1
    )
    table = page.get_by_role(
        "table", name="Teaching tutors who are Trust staff, December 2018 to November 2019: the chart's data"
    ).inner_text()
    assert "Riverside Recovery College" in table and "2 of 3" in table and "Within the limits" in table
    text = page.locator("main").inner_text()
    for name in OTHER_NAMES:
        assert name not in text
    assert_accessible(page)
    if os.environ.get("TANDEM_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["TANDEM_SCREENSHOTS"], "compare.png"), full_page=True)

    page.get_by_role("link", name="Import benchmarks from other Colleges (CSV)").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Import benchmarks"
    assert_accessible(page)
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD_CSV.replace("9,40", "41,40"))
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Check and import").click()
    summary = page.locator(".nhsuk-error-summary")
    assert "Row 3, column numerator: is more than the denominator (40)" in summary.inner_text()
    assert not Benchmark.objects.exists()
    assert_accessible(page)
    good = tmp_path / "good.csv"
    good.write_text(GOOD_CSV)
    page.get_by_label("CSV file").set_input_files(str(good))
    page.get_by_role("button", name="Check and import").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Compare Colleges"
    assert "2 benchmarks imported" in page.locator("body").inner_text()
    assert "26 of 61" in page.locator("main").inner_text()
    assert_accessible(page)
    if os.environ.get("TANDEM_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["TANDEM_SCREENSHOTS"], "compare-benchmarks.png"), full_page=True)
