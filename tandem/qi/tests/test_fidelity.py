"""The College's RECOLLECT fidelity self-assessment: scoring, one per College per year, bad input,
the pages (empty and nonsense posts give errors, never a 500), evidence and the leader report."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from tandem.audit.models import AuditEvent
from tandem.courses.models import Session
from tandem.qi import fidelity
from tandem.qi.models import RECOLLECT_MAX, RECOLLECT_MODIFIABLE, RECOLLECT_SCORED, FidelityAssessment

pytestmark = pytest.mark.django_db

SCORES = dict(
    valuing_equality=2,
    learning=1,
    tailored_to_the_student=1,
    coproduction=2,
    social_connectedness=0,
    community_focus=1,
    commitment_to_recovery=2,
)


def fields(**over):
    return {
        "year": 2019,
        "assessed_on": dt.date(2019, 12, 2),
        "manager_took_part": True,
        "peer_tutors": 3,
        "students": 2,
        **SCORES,
        **over,
    }


def post_data(**over):
    data = {
        "year": "2019",
        "assessed_on": "2019-12-02",
        "manager_took_part": "on",
        "peer_tutors": "3",
        "staff_tutors": "1",
        "students": "2",
        **{k: str(v) for k, v in SCORES.items()},
        "location": "1",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def test_the_measure_is_used_unchanged():
    assert [(n, name) for _f, n, name in RECOLLECT_SCORED] == [
        (1, "Valuing equality"),
        (2, "Learning"),
        (3, "Tailored to the student"),
        (4, "Co-production"),
        (5, "Social connectedness"),
        (6, "Community focus"),
        (7, "Commitment to recovery"),
    ]
    assert [(n, name) for _f, n, name in RECOLLECT_MODIFIABLE] == [
        (8, "Available to all"),
        (9, "Location"),
        (10, "Distinctiveness of course content"),
        (11, "Strengths based"),
        (12, "Progressive"),
    ]
    assert RECOLLECT_MAX == 14


def test_total_sums_the_seven_scored_components_only(world):
    a = fidelity.save(actor=world.admin, college=world.college, **fields(available_to_all=2, location=2, progressive=2))
    assert a.total == 9
    assert str(a) == "RECOLLECT fidelity 2019: 9 of 14"
    assert a.participants == "the College manager, 3 peer tutors, 2 students"
    assert AuditEvent.objects.filter(object_type="qi.FidelityAssessment", object_id=str(a.pk), action="create").exists()
    top = fidelity.save(
        actor=world.admin,
        college=world.college,
        **fields(year=2020, assessed_on=dt.date(2020, 12, 1), **{f: 2 for f, _n, _name in RECOLLECT_SCORED}),
    )
    assert top.total == 14


def test_one_assessment_per_college_per_year(world):
    fidelity.save(actor=world.admin, college=world.college, **fields())
    with pytest.raises(ValidationError) as exc:
        fidelity.save(actor=world.admin, college=world.college, **fields())
    assert "already has an assessment for 2019" in str(exc.value.message_dict["year"])
    # the database holds the rule too
    with pytest.raises(IntegrityError), transaction.atomic():
        FidelityAssessment.objects.create(college=world.college, **fields())
    # another College may have its own 2019
    fidelity.save(actor=world.other_admin, college=world.other_college, **fields())


@pytest.mark.parametrize(
    "bad,field",
    [
        ({"learning": 3}, "learning"),
        ({"coproduction": -1}, "coproduction"),
        ({"community_focus": None}, "community_focus"),
        ({"location": 5}, "location"),
        ({"year": 1900}, "year"),
        ({"assessed_on": dt.date(2018, 5, 1)}, "assessed_on"),
        ({"manager_took_part": False, "peer_tutors": 0, "students": 0}, "manager_took_part"),
    ],
)
def test_bad_input_is_refused(world, bad, field):
    with pytest.raises(ValidationError) as exc:
        fidelity.save(actor=world.admin, college=world.college, **fields(**bad))
    assert field in exc.value.message_dict
    assert not FidelityAssessment.objects.exists()


def test_scores_outside_0_to_2_are_refused_by_the_database(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        FidelityAssessment.objects.create(college=world.college, **fields(learning=3))


def test_evidence_from_the_records_for_the_year(world):
    year = world.session.date.year
    ev = fidelity.evidence(world.college, year)
    delivered = Session.objects.filter(run__course__college=world.college, date__year=year, status="delivered").count()
    if delivered:
        assert f"of {delivered} delivered sessions in {year}" in ev["coproduction"][0]
        assert "co-produced by a peer and a staff tutor" in ev["coproduction"][1]
        assert "site" in ev["location"][0]
    assert fidelity.evidence(world.college, 1999) == {"coproduction": ["No delivered sessions are recorded in 1999."]}


def test_pages_add_edit_and_chart(world, client):
    client.force_login(world.qi)
    empty = client.get(reverse("qi:fidelity"))
    assert empty.status_code == 200 and "No assessment is recorded yet" in empty.content.decode()
    form = client.get(reverse("qi:fidelity_add")).content.decode()
    assert "1 Valuing equality" in form and "12 Progressive" in form and 'type="radio"' in form
    response = client.post(reverse("qi:fidelity_add"), post_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    a = FidelityAssessment.objects.get(college=world.college, year=2019)
    assert a.total == 9 and a.location == 1 and a.available_to_all is None and a.staff_tutors == 1
    client.post(reverse("qi:fidelity_add"), post_data(year="2020", assessed_on="2020-11-30", learning="2"))
    page = client.get(reverse("qi:fidelity")).content.decode()
    assert "<svg" in page and "RECOLLECT fidelity total (0 to 14) by year" in page
    assert "2019 9, 2020 10" in page  # the text alternative
    edit = client.post(reverse("qi:fidelity_edit", args=[a.pk]), post_data(valuing_equality="0"))
    assert edit.status_code == 302
    a.refresh_from_db()
    assert a.total == 7


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"year": "next year", "assessed_on": "soon", "learning": "7", "peer_tutors": "-2", "coproduction": "x"},
        post_data(year="2019", learning="9"),
        post_data(manager_took_part=None, peer_tutors="0", staff_tutors="0", students="0"),
    ],
)
def test_empty_and_nonsense_posts_show_errors(world, client, data):
    client.force_login(world.admin)
    response = client.post(reverse("qi:fidelity_add"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "nhsuk-error-summary" in body and "– Error" in body
    assert not FidelityAssessment.objects.exists()


def test_a_second_assessment_for_the_same_year_is_an_error_on_the_page(world, client):
    client.force_login(world.admin)
    client.post(reverse("qi:fidelity_add"), post_data())
    again = client.post(reverse("qi:fidelity_add"), post_data())
    assert again.status_code == 200 and "already has an assessment for 2019" in again.content.decode()
    assert FidelityAssessment.objects.count() == 1


def test_leader_sees_but_cannot_edit_and_other_colleges_are_404(world, client):
    a = fidelity.save(actor=world.admin, college=world.college, **fields())
    theirs = fidelity.save(actor=world.other_admin, college=world.other_college, **fields())
    client.force_login(world.leader)
    page = client.get(reverse("qi:fidelity")).content.decode()
    assert ">9<" in page and reverse("qi:fidelity_edit", args=[a.pk]) not in page
    assert client.post(reverse("qi:fidelity_edit", args=[a.pk]), post_data()).status_code == 403
    client.force_login(world.admin)
    assert client.get(reverse("qi:fidelity_edit", args=[theirs.pk])).status_code == 404


def test_leader_report_shows_fidelity_only_when_chosen(world, client):
    from tandem.qi.tests.factories import qi_world

    q = qi_world(world)
    fidelity.save(actor=world.admin, college=world.college, **fields())
    client.force_login(world.leader)
    url = reverse("qi:report", args=[q.project.pk])
    assert "RECOLLECT" not in client.get(url).content.decode()
    q.project.report_fidelity = True
    q.project.save()
    page = client.get(url).content.decode()
    assert "College fidelity (RECOLLECT, 0–14)" in page and "2019: 9" in page
    pdf = client.get(reverse("qi:report_pdf", args=[q.project.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_demo_project_report_with_fidelity_stays_one_page(world):
    import random

    from django.test import RequestFactory

    from tandem.qi import demo, report
    from tandem.qi.models import QIProject

    from . import history

    history.build(world)
    p = QIProject.objects.create(
        college=world.college,
        title="More Trust staff teaching at the College",
        problem="Too few Trust staff teach.",
        starts_on=dt.date(2019, 2, 1),
        deadline=dt.date(2019, 10, 31),
    )
    demo.populate(world.college, p, random.Random(2019))
    p.refresh_from_db()
    assert p.report_fidelity
    assert [a.total for a in fidelity.for_college(world.college)] == [9, 10, 11, 13]
    request = RequestFactory().get("/")
    request.user = world.leader
    html = report.html(request, p)
    assert "College fidelity (RECOLLECT" in html and "2019: 13" in html
    assert len(report.document(request, p).pages) == 1
