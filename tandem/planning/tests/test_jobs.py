"""Planner jobs as background tasks (run at once under the test settings)."""

from decimal import Decimal

import pytest

import planner
from tandem.planning import jobs, runner
from tandem.planning.models import PlanJob, PlanWhatIf
from tandem.planning.present import PlanView, status_payload

pytestmark = pytest.mark.django_db


@pytest.mark.slow  # plans, then solves the what-if
def test_a_job_plans_the_small_college_with_progress_and_what_if(small):
    college, admin, wl = small
    job = jobs.job_start(actor=admin, wish_list=wl, time_limit=4, what_if=True)
    assert job.status == PlanJob.Status.FINISHED, job.error
    result = job.result
    assert result["schema"] == "tandem.plan-result/1"
    assert planner.check_plan(job.instance, result) == []
    # Progress: the greedy plan first (within the first second), then improvements; bound >= objective.
    assert job.progress and job.progress[0][2] < 1.0
    assert all(o <= b for o, b, _t in job.progress if o is not None and b is not None)
    assert job.progress[-1][0] <= result["objective"] <= result["bound"]
    # Every wished run is either offered or explained.
    assert len(result["runs"]) + len(result["unoffered"]) == len(job.instance["runs"])
    assert result["unoffered"], "the small College is short of staff release"
    # The what-if: candidate profiles from the records, the best one described.
    assert 0 < len(job.candidates) <= 40
    view = PlanView(job)
    extra = view.extra_staff()
    assert extra is not None and extra["best"] is not None and extra["best"]["gain"] > 0
    assert extra["best"]["label"].startswith("A staff tutor trained for")
    # Messages name people and courses, not ids.
    assert not any("tutor-" in u["message"] or "course-" in u["message"] for u in view.unoffered)
    assert status_payload(job)["active"] is False


def test_raise_release_what_if(small):
    college, admin, wl = small
    job = jobs.job_start(actor=admin, wish_list=wl, time_limit=3, what_if=False)
    assert job.candidates == []
    staff = next(t for t in job.instance["tutors"] if t["role"] == "staff")
    from tandem.tutors.models import Tutor

    tutor = Tutor.objects.get(pk=int(staff["id"].split("-")[1]))
    wi = jobs.what_if_start(actor=admin, job=job, tutor=tutor, hours=Decimal("12"))
    assert wi.status == PlanJob.Status.FINISHED, wi.error
    answer = PlanView(job).raise_answer(wi)
    assert answer["after"] == answer["before"] + 12
    # the gain is the plan's weight with the extra release less the weight without: never a loss
    assert answer["gain"] == answer["objective"] - answer["base"] >= 0
    assert tutor.full_name in answer["message"]


def test_a_failing_planner_marks_the_job_failed(world, monkeypatch):
    from .factories import make_wish_list

    def boom(*args, **kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(planner, "solve", boom, raising=False)
    monkeypatch.setattr("planner.api.solve", boom)
    job = jobs.job_start(actor=world.admin, wish_list=make_wish_list(world), time_limit=5, what_if=False)
    assert job.status == PlanJob.Status.FAILED
    assert "solver exploded" in job.error and job.result is None


def test_stop_is_recorded_and_a_finished_job_is_not_run_twice(world):
    from .factories import make_job

    job = make_job(world, finished=False)
    assert jobs.job_stop(actor=world.admin, job=job) is True
    assert PlanJob.objects.get(pk=job.pk).stop_requested
    PlanJob.objects.filter(pk=job.pk).update(status=PlanJob.Status.FINISHED)
    assert runner.execute_job(job.pk) is None  # claimed only from "queued"
    assert jobs.job_stop(actor=world.admin, job=job) is False


def test_what_if_needs_a_finished_plan(world):
    from django.core.exceptions import ValidationError

    from .factories import make_job

    job = make_job(world, finished=False)
    with pytest.raises(ValidationError):
        jobs.what_if_create(actor=world.admin, job=job, tutor=world.staff, hours=Decimal("3"))
    assert not PlanWhatIf.objects.exists()
