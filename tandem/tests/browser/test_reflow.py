"""What axe cannot check (issue 17): reflow at 320 CSS px (WCAG 1.4.10) and the contrast of chart
markers against the white plot (WCAG 1.4.11).

At a 320 px wide viewport, each page kind a role reaches must not scroll sideways: the document is
no wider than the viewport, and anything wider (a chart, a wide table) sits inside a scroll
container that is a labelled, focusable region (role="region", aria-label, tabindex="0"). Every
fill colour of a chart marker in the rendered SVGs must be at least 3:1 against white. axe still
runs on every page.
"""

import random
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .conftest import assert_accessible, sign_in
from .layout import reflow_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 320

MARKER_FILLS = """() => [...document.querySelectorAll('svg.tandem-chart')].flatMap(svg =>
  [...svg.querySelectorAll('circle, rect, polygon, path')].map(el => el.getAttribute('fill'))
    .filter(f => f && f !== 'none'))"""


def luminance(hex_colour):
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a, b="#ffffff"):
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def check_reflow(page, path):
    response = page.goto(path)
    assert response.status == 200, f"{path} answered {response.status}"
    page.wait_for_load_state()
    problems = reflow_problems(page, WIDTH)
    assert not problems, f"{path} scrolls sideways at {WIDTH} px: {problems}"
    assert_accessible(page)


def check_markers(page):
    fills = {f.lower() for f in page.evaluate(MARKER_FILLS)}
    fills = {f for f in fills if re.fullmatch(r"#[0-9a-f]{6}", f) and f != "#ffffff"}
    weak = {f: round(contrast(f), 2) for f in fills if contrast(f) < 3}
    assert not weak, f"{page.url}: chart marker colours below 3:1 against white: {weak}"
    return fills


@pytest.fixture
def narrow(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": WIDTH, "height": 640})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    pg.csp_violations = []
    yield pg
    context.close()


@pytest.fixture
def qi(world):
    from tandem.qi.tests import history
    from tandem.qi.tests.factories import qi_world

    history.build(world)
    return qi_world(world)


def role_pages(world, q):
    term = f"{reverse('courses:timetable')}?term={world.term.pk}"
    from tandem.stories.tests.factories import make_story

    story = make_story(world)
    project = reverse("qi:project", args=[q.project.pk])
    measure = reverse("qi:measure", args=[q.project.pk, "staff_tutors_teaching"])
    return {
        "admin": [
            reverse("core:dashboard"),
            term,
            reverse("courses:run", args=[world.run.pk]),
            reverse("courses:list"),
            project,
            measure,
            reverse("qi:annotations", args=[q.project.pk]),
            reverse("qi:drivers", args=[q.project.pk]),
            reverse("qi:report", args=[q.project.pk]),
            reverse("qi:measures"),
            reverse("stories:manage_story", args=[story.pk]),
        ],
        "tutor": [
            reverse("core:dashboard"),
            term,
            reverse("courses:run", args=[world.run.pk]),
            reverse("courses:my_sessions"),
        ],
    }


# With axe at 320 px, as the admin (who reaches every kind of page below) and a tutor (My
# sessions); every page of every role is checked for reflow alone by test_reflow_crawl.py.
@pytest.mark.parametrize("username", ["admin", "tutor"])
def test_no_page_scrolls_sideways_at_320_px(narrow, world, qi, username):
    sign_in(narrow, username, f"pw-{username}")
    for path in role_pages(world, qi)[username]:
        check_reflow(narrow, path)


def test_chart_markers_meet_3_to_1_against_white(page, world, qi):
    sign_in(page, "qi", "pw-qi")
    seen = set()
    for path in [
        reverse("core:dashboard"),
        reverse("qi:measures"),
        reverse("qi:measure", args=[qi.project.pk, "staff_tutors_teaching"]),
    ]:
        page.goto(path)
        seen |= check_markers(page)
    assert seen, "no chart markers found"


def test_every_variation_type_has_its_own_shape_and_a_colour_of_3_to_1():
    """The chart module's palette itself (every point type, whether or not a page shows it)."""
    from tandem.charts import TYPE_COLOURS, TYPE_LABELS, TYPE_SHAPES, Chart, render_svg

    kinds = list(TYPE_LABELS)
    svg = render_svg(
        Chart(
            title="All kinds",
            labels=[str(k) for k in range(len(kinds))],
            values=list(range(len(kinds))),
            point_types=kinds,
        )
    )
    for colour in set(re.findall(r'<(?:circle|rect|polygon)[^>]*fill="(#[0-9a-fA-F]{6})"', svg)) - {"#ffffff"}:
        assert contrast(colour) >= 3, f"{colour} is {contrast(colour):.2f}:1 against white"
    for kind, colour in TYPE_COLOURS.items():
        assert contrast(colour) >= 3, (kind, colour)
    families = {}
    for kind in kinds:
        families.setdefault(kind.replace("_high", "").replace("_low", ""), set()).add(TYPE_SHAPES.get(kind, "dot"))
    shapes = [next(iter(s)) for s in families.values()]
    assert len(shapes) == len(set(shapes)), f"variation types share a marker shape: {families}"
    assert 'aria-labelledby="chart-title" aria-describedby="chart-desc"' in svg  # the name is read once


@pytest.fixture
def planned(transactional_db):
    from tandem.planning.tests.factories import small_college

    college, admin = small_college(random.Random(5), password="pw-small-admin-1")
    return college


def test_wish_list_and_plan_result_reflow_at_320_px(narrow, planned):
    from tandem.planning.models import PlanJob, WishList

    wl = WishList.objects.get(college=planned)
    sign_in(narrow, "small-admin", "pw-small-admin-1")
    check_reflow(narrow, reverse("planning:wishlist", args=[wl.pk]))
    check_reflow(narrow, reverse("planning:wishlist_add", args=[wl.pk]))
    narrow.goto(reverse("planning:wishlist", args=[wl.pk]))
    narrow.get_by_label("Time for the planner, in seconds").fill("5")
    narrow.get_by_role("button", name="Plan the term").click(timeout=90_000)
    narrow.wait_for_url("**/planning/jobs/*/", timeout=90_000)
    job = PlanJob.objects.get(wish_list=wl)
    assert job.status == "finished", job.error
    check_reflow(narrow, reverse("planning:job", args=[job.pk]))
    expect(narrow.get_by_role("heading", name="Week by week")).to_be_visible()
    assert narrow.locator(".planning-week-list li").count() == len(job.result["runs"])


def test_the_plan_page_shows_the_result_in_place(page, planned):
    """When the job finishes, the page does not reload itself (which loses focus and scroll): the
    result replaces the progress in place and a status message says so."""
    import planner
    from tandem.planning.models import PlanJob, WishList
    from tandem.planning.tests.factories import plan_job

    wl = WishList.objects.get(college=planned)
    job = plan_job(wl, status=PlanJob.Status.RUNNING)
    sign_in(page, "small-admin", "pw-small-admin-1")
    page.goto(reverse("planning:job", args=[job.pk]))
    page.evaluate("() => { window.tandemNotReloaded = true; }")
    PlanJob.objects.filter(pk=job.pk).update(status=PlanJob.Status.FINISHED, result=planner.greedy_plan(job.instance))
    page.get_by_role("heading", name="Week by week").wait_for(timeout=10_000)
    assert page.evaluate("() => window.tandemNotReloaded === true"), "the page reloaded itself"
    page.get_by_text("The plan is ready. Its results are shown on this page.").wait_for(state="attached", timeout=5_000)
    assert page.locator("h1").count() == 1
    assert_accessible(page)
