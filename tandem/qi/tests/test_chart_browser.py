"""In Chromium: a measure with eight changes marked reads cleanly. The browser's own text
measurements (getBBox) show no annotation label overlapping another label, any other text of
the chart, or another label's leader line; axe checks the page (WCAG 2.2 AA)."""

import datetime as dt

import pytest
from django.urls import reverse

from tandem.qi.models import Annotation
from tandem.tests.browser.conftest import assert_accessible, sign_in

from . import history
from .factories import qi_world
from .test_chart_layout import EIGHT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEASURE = """() => {
  const svg = document.querySelector('#chart svg.tandem-chart');
  const box = el => { const b = el.getBBox(); return {x0: b.x, y0: b.y, x1: b.x + b.width, y1: b.y + b.height,
                                                      text: el.textContent}; };
  return {
    labels: [...svg.querySelectorAll('text.tandem-annotation')].map(box),
    others: [...svg.querySelectorAll('text:not(.tandem-annotation)')].map(box),
    leaders: [...svg.querySelectorAll('line.tandem-leader')].map(l => ({x: +l.getAttribute('x1'),
              y0: +l.getAttribute('y1'), y1: +l.getAttribute('y2')})),
  };
}"""


def overlap(a, b):
    return a["x0"] < b["x1"] and b["x0"] < a["x1"] and a["y0"] < b["y1"] and b["y0"] < a["y1"]


@pytest.fixture
def q(world):
    history.build(world)
    q = qi_world(world)
    for k, text in enumerate(EIGHT):
        Annotation.objects.create(project=q.project, date=dt.date(2019, 3 + k, 20), text=text)
    return q


def test_eight_annotation_labels_never_collide_in_the_browser(page, world, q):
    sign_in(page, "qi", "pw-qi")
    page.goto(reverse("qi:measure", args=[q.project.pk, "staff_tutors_teaching"]))
    found = page.evaluate(MEASURE)
    labels = found["labels"]
    assert len(labels) >= 8
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            assert not overlap(a, b), f"{a['text']!r} overlaps {b['text']!r}"
        for other in found["others"]:
            assert not overlap(a, other), f"{a['text']!r} overlaps the chart's text {other['text']!r}"
        for line in found["leaders"]:
            crosses = a["x0"] < line["x"] < a["x1"] and line["y0"] < a["y1"] and a["y0"] < line["y1"]
            assert not crosses, f"a leader line runs through {a['text']!r}"
    assert_accessible(page)
