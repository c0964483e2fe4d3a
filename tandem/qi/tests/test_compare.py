"""Compare Colleges: funnel plots of every College in the installation plus imported benchmarks."""

import datetime as dt
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tandem.audit.models import AuditEvent
from tandem.courses.services import run_cancel
from tandem.courses.tests.factories import deliver
from tandem.qi import compare, demo
from tandem.qi.models import Benchmark, QIProject
from tandem.tutors.models import Tutor

pytestmark = pytest.mark.django_db

OTHER_NAMES = ("Oli", "Far", "oli@example.org", "Zed", "Secretname", "zed@example.nhs.uk", "Quinn", "Hiddenname")


@pytest.fixture
def two(world):
    """Riverside (clock 15 November 2019): Sam and Una (Trust staff) and Pat (peer) taught in the last
    12 months; Elsewhere: Oli (peer), Zed (Trust staff) and Quinn (staff of a charity)."""
    world.college.clock_date = dt.date(2019, 11, 15)
    world.college.save()
    deliver(world.run, dt.date(2019, 9, 10), [world.staff, world.peer])
    deliver(world.run, dt.date(2019, 9, 17), [world.unmanaged, world.peer])
    deliver(world.run, dt.date(2018, 6, 5), [world.staff, world.peer])  # before the period
    zed = Tutor.objects.create(
        college=world.other_college,
        kind="staff",
        first_name="Zed",
        last_name="Secretname",
        email="zed@example.nhs.uk",
        status="active",
        employer=world.trust,
    )
    quinn = Tutor.objects.create(
        college=world.other_college,
        kind="staff",
        first_name="Quinn",
        last_name="Hiddenname",
        email="quinn@example.org",
        status="active",
        employer=world.charity,
    )
    deliver(world.other_run, dt.date(2019, 9, 10), [world.other_tutor, zed])
    deliver(world.other_run, dt.date(2019, 10, 1), [world.other_tutor, quinn])
    # runs: Riverside's gap run cancelled for want of a staff tutor (1 of 2); Elsewhere 0 of 1
    run_cancel(actor=world.admin, run=world.gap_run, reason="no_staff_tutor")
    return world


def page(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("qi:compare"), params)
    assert response.status_code == 200
    return response.content.decode()


def upload(client, user, text, name="benchmarks.csv"):
    client.force_login(user)
    return client.post(
        reverse("qi:compare_benchmarks"), {"file": SimpleUploadedFile(name, text.encode(), content_type="text/csv")}
    )


def test_counts_of_every_college_for_the_period(two):
    start, end = compare.default_period(two.college)
    assert (start, end) == (dt.date(2018, 12, 1), dt.date(2019, 11, 30))
    assert compare.college_counts("staff_share", start, end) == {two.college.pk: (2, 3), two.other_college.pk: (1, 3)}
    assert compare.college_counts("runs_cancelled_no_staff", start, end) == {
        two.college.pk: (1, 2),
        two.other_college.pk: (0, 1),
    }


def test_page_shows_both_colleges_counts_limits_and_positions_never_names(client, two):
    for user in (two.qi, two.admin, two.leader):
        html = page(client, user)
        assert "<h1>Compare Colleges</h1>" in html
        assert "December 2018 to November 2019" in html
        assert "Riverside Recovery College" in html and "Elsewhere Recovery College" in html
        assert "2 of 3" in html and "1 of 3" in html and "66.7%" in html and "33.3%" in html
        assert "1 of 2" in html and "0 of 1" in html  # runs cancelled for want of a staff tutor
        assert "Within the limits" in html
        assert "(this College)" in html
        assert html.count('class="tandem-chart tandem-funnel"') == 2
        assert '<title id="funnel-staff_share-title">' in html and '<desc id="funnel-staff_share-desc">' in html
        assert "95% limits" in html and "99.8% limits" in html
        for name in OTHER_NAMES + ("Sam", "Staff", "Una", "Pat"):
            assert name not in html, name


def test_a_chosen_period_and_a_bad_one(client, two):
    html = page(client, two.qi, start="2018-06", end="2018-06")
    assert "June 2018 to June 2018" in html and "1 of 2" in html  # Sam and Pat in June 2018
    assert "Not shown, nothing to count in the period: Elsewhere Recovery College" in html
    html = page(client, two.qi, start="2019-13", end="2018-01")
    assert "Enter the first month as year and month, like 2018-12" in html
    assert "December 2018 to November 2019" in html  # falls back to the default


GOOD_CSV = (
    "college,period,numerator,denominator,source\n"
    "Westmoor Recovery College,2018-12/2019-11,26,61,Network report 2019\n"
    "Eastbrook Recovery College,2018-12/2019-11,9,40,Email from Eastbrook's manager\n"
)


def test_import_benchmarks_then_they_join_the_funnel(client, two):
    response = upload(client, two.qi, GOOD_CSV)
    assert response.status_code == 302
    assert response["Location"] == reverse("qi:compare") + "?start=2018-12&end=2019-11"
    assert Benchmark.objects.filter(college=two.college).count() == 2
    b = Benchmark.objects.get(name="Westmoor Recovery College")
    assert (b.period_start, b.period_end, b.numerator, b.denominator) == (
        dt.date(2018, 12, 1),
        dt.date(2019, 11, 30),
        26,
        61,
    )
    assert AuditEvent.objects.filter(action="import", object_type="qi.Benchmark").exists()
    html = page(client, two.qi, start="2018-12", end="2019-11")
    assert "Westmoor Recovery College" in html and "26 of 61" in html
    assert "benchmark: Network report 2019" in html
    assert "Email from Eastbrook&#39;s manager" in html or "Email from Eastbrook's manager" in html
    result = compare.comparison(two.college, "staff_share", dt.date(2018, 12, 1), dt.date(2019, 11, 30))
    assert [r["name"] for r in result["rows"]] == [
        "Elsewhere Recovery College",
        "Riverside Recovery College",
        "Eastbrook Recovery College",
        "Westmoor Recovery College",
    ]
    assert result["target"] == (1 + 2 + 9 + 26) / (3 + 3 + 40 + 61)
    # benchmarks are the importing College's own: the other College does not see them
    other = compare.comparison(two.other_college, "staff_share", dt.date(2018, 12, 1), dt.date(2019, 11, 30))
    assert len(other["rows"]) == 2
    # the runs comparison takes no benchmarks; another period shows none
    runs = compare.comparison(two.college, "runs_cancelled_no_staff", dt.date(2018, 12, 1), dt.date(2019, 11, 30))
    assert len(runs["rows"]) == 2
    assert (
        "Westmoor" not in page(client, two.qi, start="2019-01", end="2019-11").split("Imported for:")[1].split("<h2")[1]
    )
    # importing the same College and period again replaces the row
    assert upload(client, two.qi, GOOD_CSV.replace("26,61", "30,61")).status_code == 302
    assert Benchmark.objects.get(name="Westmoor Recovery College").numerator == 30
    assert Benchmark.objects.count() == 2


def test_a_bad_file_is_refused_naming_row_and_column_and_nothing_is_written(client, two):
    bad = (
        "college,period,numerator,denominator,source\n"
        "Westmoor Recovery College,2018-12/2019-11,26,61,Network report\n"
        "Eastbrook Recovery College,2018-12/2019-11,41,40,Network report\n"
        "Northfield Recovery College,December 2018,3,10,Network report\n"
        "Riverside Recovery College,2018-12/2019-11,3,10,Network report\n"
        "Southgate Recovery College,2018-12/2019-11,=1+2,10,\n"
    )
    response = upload(client, two.qi, bad)
    assert response.status_code == 200
    html = response.content.decode()
    assert "The benchmarks were not imported: 5 problems" in html
    assert "Row 3, column numerator: is more than the denominator (40)" in html
    assert "Row 4, column period: enter the first and last month like 2018-12/2019-11" in html
    assert "Row 5, column college: Riverside Recovery College is a College in this Tandem" in html
    assert "Row 6, column numerator: starts with" in html
    assert "Row 6, column source: say where the counts come from" in html
    assert "Nothing has been written" in html
    assert not Benchmark.objects.exists()
    missing = upload(client, two.qi, "college,period,numerator,denominator\nA,2019-01/2019-02,1,2\n")
    assert "Row 1, column source: this column is missing" in missing.content.decode()
    empty = upload(client, two.qi, "college,period,numerator,denominator,source\n")
    assert "no rows of benchmarks" in empty.content.decode()
    assert not Benchmark.objects.exists()


def test_only_the_qi_managers_import(client, two):
    client.force_login(two.leader)
    assert client.get(reverse("qi:compare_benchmarks")).status_code == 403
    html = page(client, two.leader)
    assert "Import benchmarks" not in html
    assert "Import benchmarks" in page(client, two.qi)


def test_positions_in_words():
    unit = {
        "proportion": 0.5,
        "outside": None,
        "type": "common_cause",
        "limits": [{"level": 0.95, "lower": 0.2, "upper": 0.45}, {"level": 0.998, "lower": 0.1, "upper": 0.55}],
    }
    assert compare.position_text(unit, "increase") == "within the limits"
    unit["outside"] = 0.95
    assert compare.position_text(unit, "increase") == "above the upper 95% limit, within the 99.8% limits"
    unit.update(outside=0.998, type="special_cause_improvement", proportion=0.6)
    assert compare.position_text(unit, "increase") == "above the upper 99.8% limit: special cause, better than the rest"
    unit.update(type="special_cause_concern", proportion=0.05)
    assert compare.position_text(unit, "increase") == "below the lower 99.8% limit: special cause, worse than the rest"


def test_nothing_to_compare_says_so(client, world):
    html = page(client, world.qi, start="2010-01", end="2010-12")
    assert "no College has any tutors to count in January 2010 to December 2010" in html


def test_leader_report_shows_compare_colleges_when_the_project_asks(client, two):
    project = QIProject.objects.create(
        college=two.college,
        title="More Trust staff teaching",
        starts_on=dt.date(2019, 2, 1),
        deadline=dt.date(2019, 10, 31),
    )
    demo.populate(two.college, project, random.Random(2019))
    client.force_login(two.leader)
    url = reverse("qi:report", args=[project.pk])
    assert "Compare Colleges" not in client.get(url).content.decode()
    client.force_login(two.qi)
    form = client.get(reverse("qi:charter_edit", args=[project.pk])).content.decode()
    assert 'name="report_compare"' in form
    QIProject.objects.filter(pk=project.pk).update(report_compare=True)
    client.force_login(two.leader)
    html = client.get(url).content.decode()
    assert "Compare Colleges: teaching tutors who are trust staff, December 2018 to November 2019" in html
    assert "report-funnel-title" in html and "2 of 3" in html
    for name in OTHER_NAMES:
        assert name not in html, name
    pdf = client.get(reverse("qi:report_pdf", args=[project.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    from .test_report import pages_in

    assert pages_in(pdf.content) == 1
