import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tandem.audit.models import AuditEvent
from tandem.pipeline import services
from tandem.pipeline.models import PipelineEntry, PipelineStageChange, PipelineSubmission
from tandem.pipeline.selectors import funnel, visible_entries
from tandem.qi.measures import REGISTRY

from .factories import make_entry

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Alex Keen",
    "work_email": "Alex.Keen@example.nhs.uk",
    "profession": "Occupational therapist",
    "team": "Early intervention",
    "line_manager_name": "",
    "line_manager_email": "",
    "topics": "Sleep, stress",
}


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


def url(w):
    return reverse("pipeline:interested", args=[w.college.slug])


def test_public_form_needs_no_sign_in_and_feeds_the_pipeline(world, client):
    page = client.get(url(world))
    body = page.content.decode()
    assert page.status_code == 200 and "Interested in teaching?" in body
    assert "health" not in FORM and "We do not ask about your health" in body
    response = client.post(url(world), FORM)
    assert response.status_code == 302 and response["Location"] == reverse("pipeline:thanks", args=[world.college.slug])
    entry = PipelineEntry.objects.get()
    assert entry.work_email == "alex.keen@example.nhs.uk" and entry.stage == "interested" and entry.source == "web_form"
    assert list(entry.changes.values_list("stage", "on")) == [("interested", dt.date.today())]
    event = AuditEvent.objects.get(object_type="pipeline.PipelineEntry")
    assert event.actor is None and event.note == "Interested in teaching form"


def test_public_form_validates(world, client):
    body = client.post(
        url(world), {**FORM, "name": "", "work_email": "not-an-email", "line_manager_email": "x@"}
    ).content.decode()
    assert "Enter your name" in body and "Enter an email address in the correct format" in body
    assert "Interested in teaching? – Error" in body
    assert not PipelineEntry.objects.exists()


def test_public_form_is_csrf_protected(world):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(url(world), FORM).status_code == 403
    page = strict.get(url(world))
    token = page.cookies["csrftoken"].value
    assert strict.post(url(world), {**FORM, "csrfmiddlewaretoken": token}).status_code == 302


def test_public_form_is_rate_limited_per_address(world, client, settings):
    for _ in range(5):
        assert client.post(url(world), {**FORM, "name": ""}).status_code == 200  # invalid posts count too
    response = client.post(url(world), FORM)
    assert response.status_code == 429 and "sent too many times" in response.content.decode()
    assert not PipelineEntry.objects.exists()
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post(url(world), FORM).status_code == 302


def test_second_submission_changes_nothing_and_reveals_nothing(world, client):
    first = client.post(url(world), FORM)
    response = client.post(url(world), {**FORM, "work_email": "alex.keen@example.nhs.uk", "team": "Crisis team"})
    assert response.status_code == 302 and response["Location"] == first["Location"]  # the same answer
    entry = PipelineEntry.objects.get()
    assert entry.team == "Early intervention" and entry.changes.count() == 1
    submission = PipelineSubmission.objects.get()
    assert submission.entry == entry and submission.team == "Crisis team"


def test_lapsed_person_becomes_interested_again_once_the_college_agrees(world):
    entry = services.entry_create(
        actor=world.admin,
        college=world.college,
        name="Bo",
        work_email="bo@example.nhs.uk",
        profession="Nurse",
        team="Ward 3",
        stage="lapsed",
        on=dt.date(2018, 1, 5),
    )
    submission = services.interest_submit(
        college=world.college,
        name="Bo",
        work_email="BO@example.nhs.uk",
        profession="Nurse",
        team="Ward 4",
        today=dt.date(2019, 4, 1),
    )
    entry.refresh_from_db()
    assert entry.stage == "lapsed" and entry.team == "Ward 3"  # the form alone changes nothing
    services.submission_use(actor=world.qi, submission=submission, today=dt.date(2019, 4, 2))
    entry.refresh_from_db()
    assert entry.stage == "interested" and entry.team == "Ward 4"
    assert list(entry.changes.values_list("stage", "recorded_by")) == [
        ("lapsed", world.admin.pk),
        ("interested", world.qi.pk),
    ]
    assert not PipelineSubmission.objects.exists()


def test_stage_changes_and_tutor_link(world, client):
    client.force_login(world.qi)
    response = client.post(reverse("pipeline:add"), {**FORM, "stage": "interested", "on": "2019-03-04", "tutor": ""})
    entry = PipelineEntry.objects.get()
    assert response["Location"] == reverse("pipeline:detail", args=[entry.pk])
    response = client.post(
        reverse("pipeline:stage", args=[entry.pk]), {"stage": "trained", "on": "2019-05-14", "tutor": world.staff.pk}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.stage == "trained" and entry.tutor == world.staff
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    body = client.post(reverse("pipeline:stage", args=[entry.pk]), {"stage": "teaching", "on": future}).content.decode()
    assert "today or in the past" in body
    body = client.post(reverse("pipeline:add"), {**FORM, "stage": "interested", "on": "2019-03-04"}).content.decode()
    assert "already in the pipeline" in body
    detail = client.get(reverse("pipeline:detail", args=[entry.pk])).content.decode()
    assert "14 May 2019" in detail and "Sam Staff" in detail
    assert AuditEvent.objects.filter(object_type="pipeline.PipelineEntry").count() == 2


def test_funnel_counts_per_quarter_and_conversion(world, client):
    def person(email, stages):
        e = PipelineEntry.objects.create(
            college=world.college, name=email, work_email=email, profession="p", team="t", stage=stages[-1][0]
        )
        for stage, on in stages:
            PipelineStageChange.objects.create(entry=e, stage=stage, on=on)

    person(
        "a@x.nhs.uk",
        [("interested", dt.date(2019, 1, 10)), ("trained", dt.date(2019, 3, 12)), ("teaching", dt.date(2019, 4, 30))],
    )
    person("b@x.nhs.uk", [("interested", dt.date(2019, 2, 1))])
    person("c@x.nhs.uk", [("interested", dt.date(2019, 5, 2)), ("trained", dt.date(2019, 5, 14))])
    rows = funnel(world.college)
    assert rows == [
        {
            "quarter": "2019 Q1",
            "interested": 2,
            "trained": 1,
            "teaching": 0,
            "lapsed": 0,
            "then_trained": 1,
            "then_teaching": 1,
        },
        {
            "quarter": "2019 Q2",
            "interested": 1,
            "trained": 1,
            "teaching": 1,
            "lapsed": 0,
            "then_trained": 1,
            "then_teaching": 0,
        },
    ]
    client.force_login(world.leader)
    body = client.get(reverse("pipeline:funnel")).content.decode()
    assert "<svg" in body and "2019 Q2" in body and 'role="img"' in body


def test_pipeline_measures(world):
    world.staff.coproduction_trained_on = dt.date(2019, 5, 14)
    world.staff.save()
    e = PipelineEntry.objects.create(
        college=world.college,
        name="Sam",
        work_email="sam@example.nhs.uk",
        profession="Nurse",
        team="Community",
        stage="trained",
        tutor=world.staff,
    )
    PipelineStageChange.objects.create(entry=e, stage="interested", on=dt.date(2019, 3, 2))
    PipelineStageChange.objects.create(entry=e, stage="trained", on=dt.date(2019, 5, 14))
    f = PipelineEntry.objects.create(
        college=world.college, name="Fi", work_email="fi@example.nhs.uk", profession="OT", team="Ward", stage="trained"
    )
    PipelineStageChange.objects.create(entry=f, stage="interested", on=dt.date(2019, 3, 20))
    PipelineStageChange.objects.create(entry=f, stage="trained", on=dt.date(2019, 5, 20))
    # 0 (not missing) in May, when someone reached another stage of the pipeline.
    assert REGISTRY["staff_tutors_interested"].compute(world.college) == {"2019-03": 2, "2019-05": 0}
    # Sam counted once (tutor record and linked pipeline entry); Fi from the pipeline only.
    assert REGISTRY["staff_tutors_trained"].compute(world.college) == {"2019-03": 0, "2019-05": 2}
    for key in ("staff_tutors_interested", "staff_tutors_trained"):
        assert REGISTRY[key].kind == "process" and REGISTRY[key].definition


def test_scoping(world):
    mine, far = make_entry(world), make_entry(world, college=world.other_college, email="far@example.nhs.uk")
    assert list(visible_entries(world.qi)) == [mine]
    assert list(visible_entries(world.other_admin)) == [far]
    for user in (world.tutor_user, world.manager, world.leader):
        assert list(visible_entries(user)) == []
