"""Accepting a plan: runs, sessions, tutor assignments and release requests in one transaction."""

import pytest
from django.core import mail

from tandem.audit.models import AuditEvent
from tandem.courses.models import CourseRun, Session
from tandem.planning import accept, jobs
from tandem.planning.instance import pk_of
from tandem.planning.models import PlanJob, WishedRun
from tandem.planning.slots import week_date
from tandem.release.models import ReleaseRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(small):
    college, admin, wl = small
    job = jobs.job_start(actor=admin, wish_list=wl, time_limit=3, what_if=False)
    assert job.status == PlanJob.Status.FINISHED and job.result["runs"]
    return college, admin, wl, job


def test_accept_puts_the_plan_on_the_timetable(planned, django_capture_on_commit_callbacks):
    college, admin, wl, job = planned
    term = wl.term
    with django_capture_on_commit_callbacks(execute=True):
        summary = accept.plan_accept(actor=admin, job=job)
    planned_runs = job.result["runs"]
    assert summary["runs"] == len(planned_runs)
    runs = CourseRun.objects.filter(term=term)
    assert runs.count() == len(planned_runs)
    staff_requests = 0
    for p in planned_runs:
        w = WishedRun.objects.get(pk=pk_of(p["run"]))
        run = w.accepted_run
        assert run is not None and run.term == term and run.status == CourseRun.Status.PLANNED
        assert run.weekday == p["day"] and run.start_date == week_date(term, p["start_week"], p["day"])
        assert (run.room_id is None) == (p["room"] is None) and run.online == (p["room"] is None)
        sessions = list(run.sessions.order_by("date"))
        assert len(sessions) == w.course.number_of_sessions
        assert all(s.status == Session.Status.SCHEDULED and s.date.weekday() == p["day"] for s in sessions)
        assert [(b - a).days for a, b in zip([s.date for s in sessions], [s.date for s in sessions][1:])] == [7] * (
            len(sessions) - 1
        )
        pair_ids = {pk_of(b[role]) for b in p["blocks"] for role in ("peer", "staff")}
        assert set(run.tutors.values_list("pk", flat=True)) == pair_ids
        staff = {pk_of(b["staff"]) for b in p["blocks"]}
        requests = ReleaseRequest.objects.filter(run=run)
        assert set(requests.values_list("tutor_id", flat=True)) == staff
        for rr in requests:
            assert rr.status == ReleaseRequest.Status.PENDING and rr.term == term and rr.sessions.exists()
        staff_requests += requests.count()
    assert summary["requests"] == staff_requests > 0
    assert summary["sessions"] == Session.objects.filter(run__term=term).count()
    job.refresh_from_db()
    assert job.accepted_at is not None and job.accepted_by == admin
    assert AuditEvent.objects.filter(action="accept", object_id=str(job.pk)).exists()
    assert AuditEvent.objects.filter(action="create", object_type="courses.CourseRun").count() == len(planned_runs)
    assert len(mail.outbox) == staff_requests  # each line manager told once per request
    # The accepted wishes leave the next instance; the next plan treats the new runs as busy.
    from tandem.planning.instance import build

    built = build(wl)
    assert len(built.instance["runs"]) == len(job.instance["runs"]) - len(planned_runs)
    assert built.notes["existing_runs"] == len(planned_runs)


def test_accepting_twice_is_refused(planned):
    college, admin, wl, job = planned
    accept.plan_accept(actor=admin, job=job)
    n = CourseRun.objects.filter(term=wl.term).count()
    with pytest.raises(accept.PlanConflict, match="already been accepted"):
        accept.plan_accept(actor=admin, job=job)
    assert CourseRun.objects.filter(term=wl.term).count() == n
    # Another plan of the same wish list, made before, is overtaken.
    other = PlanJob.objects.create(
        wish_list=wl, instance=job.instance, labels=job.labels, result=job.result, status=PlanJob.Status.FINISHED
    )
    with pytest.raises(accept.PlanConflict, match="Another plan"):
        accept.plan_accept(actor=admin, job=other)


def test_a_failure_midway_writes_nothing(planned, monkeypatch):
    college, admin, wl, job = planned
    calls = []
    real = accept.release_request_create

    def flaky(**kwargs):
        calls.append(kwargs["tutor"])
        if len(calls) == 2:
            raise RuntimeError("mail server on fire")
        return real(**kwargs)

    monkeypatch.setattr(accept, "release_request_create", flaky)
    with pytest.raises(RuntimeError):
        accept.plan_accept(actor=admin, job=job)
    assert len(calls) == 2
    assert not CourseRun.objects.filter(term=wl.term).exists()
    assert not Session.objects.filter(run__term=wl.term).exists()
    assert not ReleaseRequest.objects.filter(term=wl.term).exists()
    assert not WishedRun.objects.filter(wish_list=wl, accepted_run__isnull=False).exists()
    job.refresh_from_db()
    assert job.accepted_at is None
    assert not AuditEvent.objects.filter(action="accept").exists()
    # ... and the plan can still be accepted afterwards.
    monkeypatch.setattr(accept, "release_request_create", real)
    assert accept.plan_accept(actor=admin, job=job)["runs"] == len(job.result["runs"])


def test_staff_without_a_line_manager_get_no_request_and_are_named(planned):
    college, admin, wl, job = planned
    from tandem.tutors.models import Tutor

    staff_pk = pk_of(job.result["runs"][0]["blocks"][0]["staff"])
    Tutor.objects.filter(pk=staff_pk).update(line_manager=None)
    summary = accept.plan_accept(actor=admin, job=job)
    name = Tutor.objects.get(pk=staff_pk).full_name
    assert any(name in s for s in summary["no_line_manager"])
    assert not ReleaseRequest.objects.filter(tutor_id=staff_pk, term=wl.term).exists()
    assert CourseRun.objects.filter(term=wl.term, tutors=staff_pk).exists()


def test_an_unfinished_or_infeasible_plan_cannot_be_accepted(world):
    from .factories import make_job

    job = make_job(world, finished=False)
    with pytest.raises(accept.PlanConflict, match="not finished"):
        accept.plan_accept(actor=world.admin, job=job)
    job.status, job.result = (
        PlanJob.Status.FINISHED,
        {"status": "infeasible", "runs": [], "unoffered": [], "conflicts": []},
    )
    job.save()
    with pytest.raises(accept.PlanConflict, match="no plan"):
        accept.plan_accept(actor=world.admin, job=job)
    assert PlanJob.objects.get(pk=job.pk).accepted_at is None
