import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tandem.audit.models import AuditEvent
from tandem.qi.models import (
    Aim,
    ChangeIdea,
    Driver,
    ManualValue,
    MeasureChart,
    PDSACycle,
    ProgressScore,
    TeamMember,
)

from .factories import qi_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def q(world):
    return qi_world(world)


def signed_in(client, user):
    client.force_login(user)
    return client


# --- Access ---------------------------------------------------------------------------------------


def test_another_colleges_project_and_objects_are_404(client, world, q):
    signed_in(client, world.qi)
    assert client.get(reverse("qi:project", args=[q.other.project.pk])).status_code == 404
    # An object of the other College's project, reached through our own project's URL.
    assert client.get(reverse("qi:cycle", args=[q.project.pk, q.other.cycle.pk])).status_code == 404
    response = client.post(reverse("qi:aim_delete", args=[q.project.pk, q.other.aim.pk]))
    assert response.status_code == 404
    assert Aim.objects.filter(pk=q.other.aim.pk).exists()
    response = client.post(reverse("qi:manual_paste", args=[q.project.pk, "elsewhere_measure"]), {"text": "2019-01,1"})
    assert response.status_code == 404


@pytest.mark.parametrize(
    "name,item",
    [
        ("qi:aim_delete", "aim"),
        ("qi:cycle_delete", "cycle"),
        ("qi:stakeholder_delete", "stakeholder"),
    ],
)
def test_get_on_post_only_views_is_405(client, world, q, name, item):
    signed_in(client, world.qi)
    assert client.get(reverse(name, args=[q.project.pk, getattr(q, item).pk])).status_code == 405
    assert client.get(reverse("qi:measure_chart", args=[q.project.pk, "staff_tutors_teaching"])).status_code == 405


def test_leader_reads_but_every_write_is_403(client, world, q):
    signed_in(client, world.leader)
    assert client.get(reverse("qi:project", args=[q.project.pk])).status_code == 200
    pk = q.project.pk
    posts = [
        (reverse("qi:project_create"), {"title": "X"}),
        (reverse("qi:charter_edit", args=[pk]), {"title": "X"}),
        (reverse("qi:aim_add", args=[pk]), {"text": "An aim", "order": 1}),
        (reverse("qi:aim_delete", args=[pk, q.aim.pk]), {}),
        (reverse("qi:score_add", args=[pk]), {"score": "3.0", "recorded_on": "2019-05-01"}),
        (reverse("qi:cycle_add", args=[pk]), {"title": "X"}),
        (reverse("qi:measure_chart", args=[pk, "staff_tutors_teaching"]), {"chart": "run"}),
        (reverse("qi:manual_values", args=[pk, "student_satisfaction"]), {"period": "2019-04", "value": "1"}),
        (reverse("qi:manual_paste", args=[pk, "student_satisfaction"]), {"text": "2019-04,1"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert Aim.objects.filter(pk=q.aim.pk).exists()
    assert not MeasureChart.objects.exists()
    assert ManualValue.objects.filter(measure=q.manual).count() == 3


def test_nav_shows_qi_project_link_to_those_who_may_see_it(client, world, q):
    link = f'href="{reverse("qi:home")}"'
    assert link in signed_in(client, world.leader).get(reverse("core:dashboard")).content.decode()
    assert link not in signed_in(client, world.tutor_user).get(reverse("core:dashboard")).content.decode()


# --- Charter, team, progress score ----------------------------------------------------------------


def test_project_page_shows_goal_team_and_progress_nudge(client, world, q):
    page = signed_in(client, world.leader).get(reverse("qi:project", args=[q.project.pk])).content.decode()
    assert "Increase Trust staff tutors teaching by 20% by 31 October 2019" in page
    assert "Robin Student" in page and "Invest in staff skills" in page
    assert "Progress score out of date" in page  # the only score is from April 2019
    assert "Record the progress score" not in page  # leaders are read-only

    signed_in(client, world.qi)
    response = client.post(
        reverse("qi:score_add", args=[q.project.pk]),
        {"score": "2.5", "recorded_on": dt.date.today().isoformat(), "note": "Tested"},
    )
    assert response.status_code == 302
    entry = ProgressScore.objects.filter(project=q.project).first()
    assert entry.score == Decimal("2.5") and entry.recorded_by == world.qi
    page = client.get(reverse("qi:project", args=[q.project.pk])).content.decode()
    assert "Progress score out of date" not in page and "Changes tested, but no improvement" in page
    assert AuditEvent.objects.filter(object_type="qi.ProgressScore", action="create").exists()


def test_progress_score_only_takes_the_ihi_values(client, world, q):
    signed_in(client, world.qi)
    response = client.post(reverse("qi:score_add", args=[q.project.pk]), {"score": "2.7", "recorded_on": "2019-05-01"})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()


def test_team_member_is_a_user_or_a_named_person(client, world, q):
    signed_in(client, world.qi)
    url = reverse("qi:member_add", args=[q.project.pk])
    response = client.post(url, {"role": "coach", "name": "", "user": "", "role_text": "QI Hub"})
    assert response.status_code == 200 and "Enter the person" in response.content.decode()
    assert (
        client.post(url, {"role": "lead", "name": "", "user": world.qi.pk, "role_text": "Senior tutor"}).status_code
        == 302
    )
    assert TeamMember.objects.get(project=q.project, role="lead").user == world.qi
    # An account of another College cannot be chosen.
    response = client.post(url, {"role": "member", "user": world.other_admin.pk})
    assert response.status_code == 200


def test_charter_edit_recomputes_the_target(client, world, q):
    signed_in(client, world.qi)
    response = client.post(
        reverse("qi:charter_edit", args=[q.project.pk]),
        {
            "title": "More staff",
            "problem": "P",
            "starts_on": "2019-02-01",
            "goal_measure": "staff_tutors_teaching",
            "target_change_percent": "30",
            "deadline": "2019-01-01",
        },
    )
    assert "The deadline must be after the project starts" in response.content.decode()
    response = client.post(
        reverse("qi:charter_edit", args=[q.project.pk]),
        {
            "title": "More staff",
            "problem": "P",
            "starts_on": "2019-02-01",
            "goal_measure": "staff_tutors_teaching",
            "target_change_percent": "30",
            "deadline": "2019-12-31",
        },
    )
    assert response.status_code == 302
    q.project.refresh_from_db()
    assert q.project.target_change_percent == Decimal("30") and q.project.title == "More staff"


# --- Driver diagram and PDSA -------------------------------------------------------------------------


def test_driver_diagram_is_drawn_and_listed_and_editable(client, world, q):
    signed_in(client, world.qi)
    pk = q.project.pk
    assert (
        client.post(reverse("qi:driver_add", args=[pk]), {"text": "Courses fit clinical work", "order": 2}).status_code
        == 302
    )
    primary = Driver.objects.get(text="Courses fit clinical work")
    assert (
        client.post(
            reverse("qi:driver_add", args=[pk]), {"text": "Shorter commitments", "parent": primary.pk, "order": 1}
        ).status_code
        == 302
    )
    secondary = Driver.objects.get(text="Shorter commitments")
    # A change idea hangs from a secondary driver, never a primary one.
    response = client.post(
        reverse("qi:idea_add", args=[pk]), {"title": "Short formats", "driver": primary.pk, "order": 1}
    )
    assert response.status_code == 200
    assert (
        client.post(
            reverse("qi:idea_add", args=[pk]), {"title": "Short formats", "driver": secondary.pk, "order": 1}
        ).status_code
        == 302
    )
    page = client.get(reverse("qi:drivers", args=[pk])).content.decode()
    assert "<svg" in page and "Driver diagram" in page
    assert "Primary driver: Courses fit clinical work" in page and "Change idea: Short formats" in page
    # A driver with secondary drivers or change ideas is not deleted.
    response = client.post(reverse("qi:driver_delete", args=[pk, primary.pk]), follow=True)
    assert "was not deleted" in response.content.decode()
    assert Driver.objects.filter(pk=primary.pk).exists()
    idea = ChangeIdea.objects.get(title="Short formats")
    assert client.post(reverse("qi:idea_delete", args=[pk, idea.pk])).status_code == 302
    assert client.post(reverse("qi:driver_delete", args=[pk, secondary.pk])).status_code == 302
    assert client.post(reverse("qi:driver_delete", args=[pk, primary.pk])).status_code == 302


def test_pdsa_cycles_are_numbered_per_change_idea_and_shown_as_a_chain(client, world, q):
    signed_in(client, world.qi)
    pk = q.project.pk
    data = {
        "change_idea": q.idea.pk,
        "title": "Story booklet",
        "starts_on": "2019-05-01",
        "ends_on": "2019-06-28",
        "objective": "Reach every team",
        "prediction": "More approvals",
        "act": "adopt",
        "measures": ["staff_tutors_teaching", "student_satisfaction"],
    }
    response = client.post(reverse("qi:cycle_add", args=[pk]), data)
    assert response.status_code == 302
    cycle = PDSACycle.objects.get(title="Story booklet")
    assert cycle.number == 2 and cycle.measures == ["staff_tutors_teaching", "student_satisfaction"]
    page = client.get(reverse("qi:cycles", args=[pk])).content.decode()
    assert page.index("Cycle 1: Stories at team meetings") < page.index("Cycle 2: Story booklet")
    detail = client.get(reverse("qi:cycle", args=[pk, cycle.pk])).content.decode()
    assert "Student satisfaction" in detail and "Adopt" in detail
    bad = dict(data, ends_on="2019-04-01")
    assert (
        "The end date must be on or after the start date"
        in client.post(reverse("qi:cycle_add", args=[pk]), bad).content.decode()
    )


# --- Measures ---------------------------------------------------------------------------------------


def test_measure_page_shows_definition_chart_and_settings(client, world, q):
    signed_in(client, world.qi)
    url = reverse("qi:measure", args=[q.project.pk, "student_satisfaction"])
    page = client.get(url).content.decode()
    assert "Operational definition" in page and "Students rating their course" in page
    assert "<svg" in page and "Show the chart&#39;s data as a table" in page
    response = client.post(
        reverse("qi:measure_chart", args=[q.project.pk, "student_satisfaction"]),
        {"chart": "run", "rebase_at": [q.annotation.pk]},
    )
    assert response.status_code == 302
    setting = MeasureChart.objects.get(project=q.project, measure_key="student_satisfaction")
    assert setting.chart == "run" and list(setting.rebase_at.all()) == [q.annotation]
    page = client.get(url).content.decode()
    assert "Run chart" in page
    # A recalculation point must be one of this project's annotations.
    response = client.post(
        reverse("qi:measure_chart", args=[q.project.pk, "student_satisfaction"]),
        {"chart": "xmr", "rebase_at": [q.other.annotation.pk]},
    )
    assert response.status_code == 200 and "There is a problem" in response.content.decode()


def test_unknown_measure_is_404(client, world, q):
    signed_in(client, world.qi)
    assert client.get(reverse("qi:measure", args=[q.project.pk, "no_such_measure"])).status_code == 404


def test_manual_values_by_form_paste_and_upload(client, world, q):
    signed_in(client, world.qi)
    pk, key = q.project.pk, "student_satisfaction"
    assert (
        client.post(reverse("qi:manual_values", args=[pk, key]), {"period": "2019-04", "value": "91"}).status_code
        == 302
    )
    assert ManualValue.objects.get(measure=q.manual, period=dt.date(2019, 4, 1)).value == 91
    assert (
        client.post(reverse("qi:manual_values", args=[pk, key]), {"period": "2019-04", "value": ""}).status_code == 302
    )
    assert not ManualValue.objects.filter(measure=q.manual, period=dt.date(2019, 4, 1)).exists()
    assert (
        client.post(
            reverse("qi:manual_paste", args=[pk, key]), {"text": "period\tvalue\n2019-04\t88\n2019-05\t89"}
        ).status_code
        == 302
    )
    upload = SimpleUploadedFile("values.csv", b"\xef\xbb\xbfperiod,value\r\n2019-01,70\r\n2019-06,93\r\n", "text/csv")
    assert client.post(reverse("qi:manual_upload", args=[pk, key]), {"file": upload}).status_code == 302
    got = dict(ManualValue.objects.filter(measure=q.manual).values_list("period", "value"))
    assert got[dt.date(2019, 1, 1)] == 70 and got[dt.date(2019, 6, 1)] == 93 and len(got) == 6


def test_csv_errors_name_row_and_column_and_write_nothing(client, world, q):
    signed_in(client, world.qi)
    before = list(ManualValue.objects.filter(measure=q.manual).values_list("period", "value"))
    upload = SimpleUploadedFile("values.csv", b"period,value\n2019-04,88\n2019-05,high\nMay 2019x,3\n", "text/csv")
    response = client.post(reverse("qi:manual_upload", args=[q.project.pk, "student_satisfaction"]), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Row 3, column value: &#39;high&#39; is not a number" in page
    assert "Row 4, column period" in page and "Nothing has been written" in page
    assert list(ManualValue.objects.filter(measure=q.manual).values_list("period", "value")) == before


def test_manual_measure_key_cannot_shadow_a_computed_one(client, world, q):
    signed_in(client, world.qi)
    data = {
        "name": "Clash",
        "key": "staff_tutors_teaching",
        "kind": "process",
        "improvement": "increase",
        "unit": "count",
        "definition": "d",
        "frequency": "Monthly",
    }
    response = client.post(reverse("qi:manual_add", args=[q.project.pk]), data)
    assert "Another measure already has this key" in response.content.decode()
    response = client.post(reverse("qi:manual_add", args=[q.project.pk]), dict(data, key="peer_feedback"))
    assert response.status_code == 302
