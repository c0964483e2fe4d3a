"""The body of the planning tasks: runs the planner in a worker thread while writing its progress
to the job (or what-if) row, then its answer or why it failed."""

import logging
import queue
import threading
import time

from django.conf import settings
from django.utils import timezone

import planner

from . import instance as inst_mod
from .models import PlanJob, PlanWhatIf
from .whatif import candidate_profiles

log = logging.getLogger(__name__)
Status = PlanJob.Status
FLUSH_EVERY = 0.25  # seconds between progress writes while the planner runs
STOP_CHECK_EVERY = 1.0


class _Runner:
    """Runs planner.solve in a thread while this thread writes its progress to the job.

    The planner calls `progress` from its solver threads; only this thread touches the database
    (so the job works the same under the database task worker and in tests)."""

    def __init__(self, job_id, model, solve_kwargs):
        self.job_id, self.model = job_id, model
        self.kwargs = solve_kwargs
        self.events = queue.Queue()
        self.stop = threading.Event()
        self.outcome = {}

    def _target(self, instance):
        try:
            self.outcome["result"] = planner.solve(
                instance,
                progress=lambda o, b, t: self.events.put([o, b, round(t, 3)]),
                should_stop=self.stop.is_set,
                **self.kwargs,
            )
        except BaseException as exc:  # noqa: BLE001 - reported on the job
            self.outcome["error"] = exc

    def run(self, instance, write_progress=True):
        thread = threading.Thread(target=self._target, args=(instance,), daemon=True, name=f"planner-{self.job_id}")
        thread.start()
        progress = []
        checked = time.monotonic()
        while True:
            thread.join(FLUSH_EVERY)
            fresh = []
            while not self.events.empty():
                fresh.append(self.events.get_nowait())
            if fresh:
                progress.extend(fresh)
                if write_progress:
                    self.model.objects.filter(pk=self.job_id).update(progress=progress)
            if not thread.is_alive():
                break
            if time.monotonic() - checked > STOP_CHECK_EVERY:
                checked = time.monotonic()
                if PlanJob.objects.filter(pk=self._job_pk(), stop_requested=True).exists():
                    self.stop.set()
        if "error" in self.outcome:
            raise self.outcome["error"]
        return self.outcome["result"], progress

    def _job_pk(self):
        return (
            self.job_id
            if self.model is PlanJob
            else PlanWhatIf.objects.values_list("job_id", flat=True).get(pk=self.job_id)
        )


def _failure_message(exc):
    if isinstance(exc, planner.InstanceError):
        return f"The planner could not read the instance: {exc}"
    return f"The planner stopped with an error ({type(exc).__name__}: {exc}). Try again; if it happens again, tell the system administrator."


def execute_job(job_id, what_if=True):
    """The task body: plan, then (with what_if) find the best extra staff tutor profile."""
    now = timezone.now()
    if not PlanJob.objects.filter(pk=job_id, status=Status.QUEUED).update(status=Status.RUNNING, started_at=now):
        return None  # already run (or gone)
    job = PlanJob.objects.select_related("wish_list__college").get(pk=job_id)
    kwargs = {"time_limit": float(job.time_limit), "seed": 0, "workers": planner_workers()}
    try:
        if what_if:
            greedy = planner.greedy_plan(job.instance)
            cands = candidate_profiles(job.instance, job.labels, job.wish_list.college, greedy)
            PlanJob.objects.filter(pk=job_id).update(candidates=cands)
            if cands:
                kwargs["what_if_candidates"] = [c["profile"] for c in cands]
        result, progress = _Runner(job_id, PlanJob, kwargs).run(job.instance)
    except Exception as exc:  # noqa: BLE001 - the job page says what went wrong
        log.exception("planning job %s failed", job_id)
        PlanJob.objects.filter(pk=job_id).update(
            status=Status.FAILED, error=_failure_message(exc), finished_at=timezone.now()
        )
        return None
    PlanJob.objects.filter(pk=job_id).update(status=Status.FINISHED, result=result, finished_at=timezone.now())
    return {"objective": result.get("objective"), "bound": result.get("bound"), "status": result.get("status")}


def planner_workers():
    return int(settings.PLANNER_WORKERS)


def execute_what_if(what_if_id):
    if not PlanWhatIf.objects.filter(pk=what_if_id, status=Status.QUEUED).update(status=Status.RUNNING):
        return None
    wi = PlanWhatIf.objects.select_related("job").get(pk=what_if_id)
    tid = inst_mod.tutor_id(wi.tutor_id)
    kwargs = {
        "time_limit": float(wi.job.time_limit),
        "seed": 0,
        "workers": planner_workers(),
        "raise_release": [(tid, float(wi.hours))],
    }
    try:
        result, _ = _Runner(what_if_id, PlanWhatIf, kwargs).run(wi.job.instance, write_progress=False)
        answer = next((w for w in result.get("what_if", []) if w.get("kind") == "raise_release"), None)
        if answer is None:
            raise RuntimeError("the planner gave no answer to the question")
    except Exception as exc:  # noqa: BLE001
        log.exception("what-if %s failed", what_if_id)
        PlanWhatIf.objects.filter(pk=what_if_id).update(
            status=Status.FAILED, error=_failure_message(exc), finished_at=timezone.now()
        )
        return None
    PlanWhatIf.objects.filter(pk=what_if_id).update(status=Status.FINISHED, result=answer, finished_at=timezone.now())
    return {"gain": answer.get("gain")}
