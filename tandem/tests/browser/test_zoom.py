"""Text at 200% (WCAG 1.4.4, issue 17): on the timetable of a term with runs, a finished plan and a
measure's chart page, no text overlaps other text and none is cut off, and chart text is drawn
twice as large.

How 200% is made. Chromium's page zoom at 200% makes a CSS pixel two screen pixels: in a window
1280 px wide the page is laid out in 640 CSS px, its media queries see 640 px, and everything (text,
SVG drawings, spacing) is drawn twice as large. A viewport of half the window's width in CSS px
gives exactly that layout (the device scale factor changes only how finely it is rasterised, not
the layout, so it is left at 1). Injecting `html { font-size: 200% }` instead would grow only the
text sized in rem and leave px lengths, SVG text and the breakpoints as they were: a layout no user
sees. Two windows: 1280 px (zoomed: 640 CSS px, NHS.UK's narrow layout, the plan's week as a list)
and 1920 px (zoomed: 960 CSS px, the desktop layout, the plan's week grid and the timetable as a
table).

What is checked at 200%: every piece of text in the page's main content (each line of HTML text,
each SVG <text> as its possibly rotated box) overlaps no other piece, and none is cut off by an
element that clips its overflow; the page itself does not scroll sideways outside a labelled
scroll region. Chart text: zooming to 200% must draw it at least twice the size it has at 100% in
the same window, i.e. the chart must not be drawn narrower (in CSS px) when the viewport halves,
which it was when it was scaled to its column (126-160%).
"""

import datetime as dt
import random

import pytest
from django.urls import reverse

from .conftest import sign_in
from .layout import CHART_TEXT_SIZES, reflow_problems, text_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WINDOWS = [(1280, 900), (1920, 1080)]


@pytest.fixture
def pages(world):
    """The three pages, each with who opens it: a term with runs (a small College's last spring,
    some cancelled), its finished plan for next term, and the outcome measure's chart with eight
    changes marked."""
    from tandem.core.models import Term
    from tandem.planning.models import WishList
    from tandem.planning.tests.factories import plan_job, small_college
    from tandem.qi.models import Annotation
    from tandem.qi.tests import history
    from tandem.qi.tests.factories import qi_world
    from tandem.qi.tests.test_chart_layout import EIGHT

    history.build(world)
    q = qi_world(world)
    for k, text in enumerate(EIGHT):
        Annotation.objects.create(project=q.project, date=dt.date(2019, 3 + k, 20), text=text)
    college, _admin = small_college(random.Random(5), password="pw-small-admin-1")
    wl = WishList.objects.get(college=college)
    job = plan_job(wl)
    term = Term.objects.get(college=college, season="spring", year=2019)
    return {
        ("small-admin", "pw-small-admin-1"): [
            f"{reverse('courses:timetable')}?term={term.pk}",
            reverse("planning:job", args=[job.pk]),
        ],
        ("qi", "pw-qi"): [reverse("qi:measure", args=[q.project.pk, "staff_tutors_teaching"])],
    }


def open_as(browser, live_server, who, width, height):
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, *who)
    assert "/sign-in/" not in page.url, f"{who[0]} could not sign in"
    return context, page


@pytest.mark.parametrize("window", WINDOWS, ids=[f"{w}px-window" for w, _h in WINDOWS])
def test_nothing_overlaps_or_is_cut_off_at_200_percent(browser, live_server, pages, window):
    width, height = window
    zoomed = width // 2
    problems, chart_sizes = [], {}
    for who, paths in pages.items():
        for scale, (w, h) in (("100%", (width, height)), ("200%", (zoomed, height // 2))):
            context, page = open_as(browser, live_server, who, w, h)
            try:
                for path in paths:
                    response = page.goto(path)
                    assert response.status == 200, f"{path} answered {response.status}"
                    for chart in page.evaluate(CHART_TEXT_SIZES):
                        chart_sizes.setdefault((path, chart["id"]), {})[scale] = chart["smallest"]
                    if scale == "200%":
                        problems += [f"{path}: {p}" for p in text_problems(page) + reflow_problems(page, zoomed)]
            finally:
                context.close()
    assert not problems, f"at 200% in a {width} px window:\n" + "\n".join(problems)
    assert chart_sizes, "no chart found"
    for (path, chart), size in chart_sizes.items():
        # On screen, 200% zoom draws a CSS px twice as large: twice the size means the same CSS px.
        ratio = 2 * size["200%"] / size["100%"]
        assert ratio >= 2 - 1e-6, (
            f"{path} {chart}: its smallest text is {size['100%']:.1f} px at 100% and "
            f"{2 * size['200%']:.1f} px at 200% ({ratio:.0%} instead of 200%)"
        )
