"""Charts read cleanly: annotation labels never collide or hide one another, count measures
never show a lower limit below zero, a run chart always says its result, the pipeline funnel is
readable, and every chart has a text alternative and a data table."""

import datetime as dt
import html
import itertools
import re

import pytest
from django.urls import reverse

from tandem.charts import ANNOTATION_SIZE, Chart, Line, render_svg
from tandem.charts import Annotation as ChartAnnotation
from tandem.qi.charts import measure_chart
from tandem.qi.measures import REGISTRY, MeasureDef
from tandem.qi.models import Annotation, QIProject

from . import history

pytestmark = pytest.mark.django_db

EIGHT = [
    "Stories shared at the staff induction",
    "Case presented to Trust leaders",
    "Release letter template agreed",
    "Managers' briefing on co-production",
    "Shorter courses offered first",
    "Budget per term set aside",
    "Peer and staff tutor pairing day",
    "Reminder emails to line managers",
]


def label_boxes(svg):
    """[(x0, y0, x1, y1, text)] of every annotation label, from its x, y, anchor and an estimated
    width (the chart module's own estimate, generous for Arial)."""
    boxes = []
    for attrs, body in re.findall(r'<text class="tandem-annotation"([^>]*)>(.*?)</text>', svg):
        x = float(re.search(r' x="([-\d.]+)"', attrs).group(1))
        y = float(re.search(r' y="([-\d.]+)"', attrs).group(1))
        anchor = re.search(r'text-anchor="(\w+)"', attrs).group(1)
        text = html.unescape(re.sub(r"<title>.*?</title>", "", body))
        width = len(text) * ANNOTATION_SIZE * 0.62
        x0 = x if anchor == "start" else x - width
        boxes.append((x0, y - ANNOTATION_SIZE * 0.9, x0 + width, y + ANNOTATION_SIZE * 0.3, text))
    return boxes


def leaders(svg):
    return [
        (float(x), float(y1), float(y2))
        for x, y1, y2 in re.findall(
            r'<line class="tandem-leader" x1="([-\d.]+)" x2="[-\d.]+" y1="([-\d.]+)" y2="([-\d.]+)"', svg
        )
    ]


def assert_clean(svg, expected):
    boxes = label_boxes(svg)
    assert len(boxes) == expected
    for a, b in itertools.combinations(boxes, 2):
        apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
        assert apart, f"labels overlap: {a[4]!r} and {b[4]!r}"
    for x, y1, y2 in leaders(svg):
        for x0, top, x1, bottom, text in boxes:
            crosses = x0 < x < x1 and y1 < bottom and top < y2
            assert not crosses, f"the leader at x={x} runs through the label {text!r}"
    return boxes


def test_eight_labels_on_adjacent_months_never_overlap():
    labels = [f"M{i}" for i in range(24)]
    notes = [ChartAnnotation(10 + k, text, k + 1) for k, text in enumerate(EIGHT)]
    svg = render_svg(
        Chart(
            title="T",
            labels=labels,
            values=list(range(24)),
            annotations=notes,
            lines=[Line("Mean", [12] * 24, end_label="Mean 12")],
        )
    )
    boxes = assert_clean(svg, 8)
    # Every label keeps at least its number; the first lanes keep their words.
    assert {b[4].split(" ")[0] for b in boxes} == {str(k) for k in range(1, 9)}
    assert any(len(b[4]) > 3 for b in boxes)
    # The plot starts below the highest lane.
    top = float(re.search(r'<rect x="56" y="([\d.]+)"', svg).group(1))
    assert all(b[3] < top for b in boxes)


@pytest.mark.parametrize(
    "indices",
    [
        [3, 3, 3, 3, 3, 3, 3, 3],  # all in one month
        [0, 1, 2, 3, 4, 5, 22, 23],  # crowded at both edges
        [2, 5, 8, 11, 14, 17, 20, 23],  # spread out
    ],
)
def test_labels_never_collide_however_they_fall(indices):
    notes = [ChartAnnotation(i, EIGHT[k], k + 1) for k, i in enumerate(indices)]
    svg = render_svg(Chart(title="T", labels=[str(i) for i in range(24)], values=[1] * 24, annotations=notes))
    assert_clean(svg, 8)
    unnumbered = [ChartAnnotation(i, EIGHT[k]) for k, i in enumerate(indices)]
    assert_clean(
        render_svg(Chart(title="T", labels=[str(i) for i in range(24)], values=[1] * 24, annotations=unnumbered)), 8
    )


@pytest.fixture
def project(world):
    history.build(world)
    p = QIProject.objects.create(
        college=world.college,
        title="More Trust staff teaching",
        starts_on=dt.date(2019, 2, 1),
        deadline=dt.date(2019, 10, 31),
    )
    for k, text in enumerate(EIGHT):
        Annotation.objects.create(project=p, date=dt.date(2019, 3 + k, 5), text=text)
    return p


def test_a_measure_with_eight_annotations_reads_cleanly(project):
    chart = measure_chart(project, REGISTRY["staff_tutors_teaching"])
    assert len(chart["annotations"]) == 8
    assert_clean(chart["svg"], 8)
    # The report draws the same chart smaller: still clean.
    assert_clean(measure_chart(project, REGISTRY["staff_tutors_teaching"], width=640, height=260)["svg"], 8)


def stub(values, unit="count", key="stub_count"):
    return MeasureDef(
        key=key,
        name="Stub count",
        kind="process",
        unit=unit,
        period="month",
        improvement="decrease",
        definition="A test count. Missing in months with nothing to count.",
        compute=lambda college: dict(zip(history.MONTHS, values)),
    )


LOW = [0, 3, 0, 4, 1, 0, 5, 0, 2, 0, 4, 1, 0, 3, 0, 1, 0, 2, 0, 0, 1, 0, 0, 1, 0, 0, 0]


def test_a_count_never_shows_a_lower_limit_below_zero(project):
    chart = measure_chart(project, stub(LOW))
    assert any(g["lower"] < 0 for g in chart["result"]["groups"])  # the calculation goes below zero
    assert "Lower process limit 0<" in chart["svg"] and "Lower process limit -" not in chart["svg"]
    assert chart["notes"] and "below zero" in chart["notes"][0] and "shown at 0" in chart["notes"][0]
    assert "shown at 0" in chart["svg"]  # in the chart's description too
    assert all(r["lower"].startswith("0 (calculated −") for r in chart["rows"])
    # A measure that can be negative keeps its calculated limit.
    free = measure_chart(project, stub(LOW, unit="change"))
    assert not free["notes"] and "Lower process limit -" in free["svg"]


def test_a_run_chart_always_states_its_result(project):
    noise = [4, 7, 3, 8, 5, 2, 7, 4, 8, 3, 6, 2, 8, 4, 7, 3, 6, 2, 7, 4, 8, 3, 6, 2, 7, 4, 8]
    flat = measure_chart(project, stub(noise), chart_type="run")
    assert flat["run_results"] and "no signal" in flat["run_results"][0]
    assert "no signal" in flat["svg"]
    rising = measure_chart(project, REGISTRY["staff_tutors_teaching"], chart_type="run")
    assert "non-random pattern (signal)" in rising["run_results"][0]


def test_the_measure_page_says_the_run_chart_result(client, world, project):
    from tandem.qi.services import chart_update

    client.force_login(world.qi)
    chart_update(actor=world.qi, project=project, measure_key="staff_tutors_teaching", chart="run", rebase_at=[])
    page = client.get(reverse("qi:measure", args=[project.pk, "staff_tutors_teaching"])).content.decode()
    assert "Run chart result:</strong> Over the chart: a non-random pattern (signal)" in page


def test_the_funnel_is_readable_however_long_the_history(world, client):
    from tandem.pipeline.models import PipelineEntry, PipelineStageChange

    for k in range(40):  # ten years of quarters
        e = PipelineEntry.objects.create(
            college=world.college,
            name=f"P{k}",
            work_email=f"p{k}@example.nhs.uk",
            profession="Nurse",
            team="Ward",
            stage="interested",
        )
        PipelineStageChange.objects.create(entry=e, stage="interested", on=dt.date(2010 + k // 4, 3 * (k % 4) + 1, 5))
    client.force_login(world.admin)
    body = client.get(reverse("pipeline:funnel")).content.decode()
    start = body.index('<svg xmlns="http://www.w3.org/2000/svg" class="tandem-chart"')
    svg = body[start : body.index("</svg>", start)]
    quarters = re.findall(r">(\d{4} Q\d)</text>", svg)
    assert quarters == [f"{y} Q{q}" for y in (2018, 2019) for q in (1, 2, 3, 4)]
    widths = [float(w) for w in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)"', svg)[:-4]]
    assert widths and min(widths) >= 14  # wide bars, each with its number above it
    assert "the last 8 quarters" in body and body.count('<tr class="nhsuk-table__row">') >= 40
    assert 'role="img"' in svg and "<desc" in svg and "2019 Q4: 1 interested" in svg


def test_every_chart_has_a_text_alternative_and_a_data_table(client, world, project):
    client.force_login(world.qi)
    pages = [
        reverse("core:dashboard"),
        reverse("qi:measures"),
        reverse("qi:measure", args=[project.pk, "staff_tutors_teaching"]),
        reverse("qi:report", args=[project.pk]),
    ]
    for path in pages:
        body = client.get(path).content.decode()
        charts = re.findall(r'<svg [^>]*class="tandem-chart[^"]*"[^>]*>', body)
        assert charts, path
        for tag in charts:
            assert 'role="img"' in tag and "aria-labelledby" in tag, (path, tag)
        assert body.count("<title id=") >= len(charts) and body.count("<desc id=") >= len(charts), path
        assert "<table" in body, f"{path}: a chart without a data table"
