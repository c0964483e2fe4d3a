"""Writes of term planning: wish lists, availability, planner jobs and accepting a plan.

Every write is atomic and audited. Accepting a plan creates the term's runs, their weekly
sessions, the tutor assignments and the staff tutors' release requests in one transaction,
claimed with a conditional UPDATE so a plan is accepted at most once.
"""

import logging
import math
import queue
import threading
import time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.audit.services import record
from tandem.core.models import Room, Term
from tandem.courses import services as courses_services
from tandem.courses.models import Course, CourseRun
from tandem.release.models import ReleaseRequest
from tandem.release.services import release_request_create
from tandem.tutors.models import Tutor

from . import instance as inst_mod
from .models import PlanJob, PlanWhatIf, TutorAvailability, WishedRun, WishList
from .slots import DAYTIME_DAYSLOTS, SLOT_IDS, slot_index, slot_times, term_weeks, week_date

log = logging.getLogger(__name__)
Status = PlanJob.Status
FLUSH_EVERY = 0.25  # seconds between progress writes while the planner runs
STOP_CHECK_EVERY = 1.0


class PlanningError(Exception):
    """Something the admin must fix before planning (shown on the page, never a 500)."""


class PlanConflict(Exception):
    """The plan cannot be accepted (already accepted, or overtaken by another accepted plan)."""


# -- wish lists ------------------------------------------------------------------------------

@transaction.atomic
def wish_list_create(*, actor, college, term):
    if term.college_id != college.pk:
        raise ValidationError({"term": "Choose a term of your College."})
    if WishList.objects.filter(term=term).exists():
        raise ValidationError({"term": f"There is already a wish list for {term}."})
    if term_weeks(term) < 1:
        raise ValidationError({"term": f"{term} has no whole Monday-to-Friday week to plan."})
    wl = WishList.objects.create(college=college, term=term, created_by=actor)
    record(actor=actor, action="create", obj=wl, fields=["term"])
    return wl


@transaction.atomic
def term_create(*, actor, college, season, year, starts_on, ends_on):
    if Term.objects.filter(college=college, season=season, year=year).exists():
        raise ValidationError({"season": "The College already has this term."})
    term = Term(college=college, season=season, year=year, starts_on=starts_on, ends_on=ends_on)
    term.full_clean()
    term.save()
    record(actor=actor, action="create", obj=term, fields=["season", "year", "starts_on", "ends_on"])
    return term


def default_window(term, course):
    """Start weeks 1 .. the last week a run of `course` can start and still finish in the term."""
    weeks = term_weeks(term)
    return 1, max(1, weeks - course.number_of_sessions + 1)


def _check_wish(wish_list, *, course, site, online, start_week_min, start_week_max, allowed, weight):
    errors = {}
    weeks = term_weeks(wish_list.term)
    if course.college_id != wish_list.college_id:
        errors["course"] = "Choose a course of your College."
    elif course.number_of_sessions > weeks:
        errors["course"] = f"{course.title} has {course.number_of_sessions} sessions: more than the {weeks} weeks of {wish_list.term}."
    if not online and site is None:
        errors["venue"] = "Choose a site, or online."
    if site is not None and site.college_id != wish_list.college_id:
        errors["venue"] = "Choose a site of your College."
    if not allowed:
        errors["allowed"] = "Choose at least one day and time the run may meet."
    if weight is None or weight < 1:
        errors["weight"] = "Priority must be 1 or more."
    if start_week_min < 1 or start_week_max < start_week_min:
        errors["start_week_max"] = "The latest start week must be on or after the earliest."
    elif start_week_max > weeks:
        errors["start_week_max"] = f"{wish_list.term} has {weeks} weeks: the latest start week is {weeks} at most."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def wished_runs_add(*, actor, wish_list, items, allowed, start_week_min=None, start_week_max=None,
                    online=False, site=None, cohort=12, needs_accessible=False):
    """items: [(course, how many runs, weight)]. The start window defaults to the whole term
    (cut to what each course's length allows). Returns the wished runs made."""
    made = []
    for course, count, weight in items:
        lo, hi = default_window(wish_list.term, course)
        a = start_week_min or lo
        b = min(start_week_max or hi, hi)
        b = max(a, b)
        _check_wish(wish_list, course=course, site=site, online=online, start_week_min=a, start_week_max=b,
                    allowed=allowed, weight=weight)
        for _ in range(count):
            made.append(WishedRun(wish_list=wish_list, course=course, weight=weight, allowed=allowed,
                                  start_week_min=a, start_week_max=b, online=online, site=None if online else site,
                                  cohort=cohort, needs_accessible=needs_accessible,
                                  split_allowed=course.number_of_sessions >= 6))
    WishedRun.objects.bulk_create(made)
    if made:
        wish_list.save(update_fields=["updated_at"])
        record(actor=actor, action="update", obj=wish_list, fields=["runs"], note=f"{len(made)} wished runs added")
    return made


def last_year_term(term):
    return Term.objects.filter(college_id=term.college_id, season=term.season, year=term.year - 1).first()


@transaction.atomic
def wish_list_copy_last_year(*, actor, wish_list):
    """Add a wished run for every run of the same term last year (cancelled ones too: they were
    wished for), except runs cancelled for low enrolment and courses since retired. Venue and
    size as then; any weekday morning or afternoon, plus the day-slot it had; the whole term."""
    last = last_year_term(wish_list.term)
    if last is None:
        raise ValidationError({"__all__": f"There is no {wish_list.term.get_season_display()} {wish_list.term.year - 1} term to copy from."})
    runs = (CourseRun.objects.filter(term=last).exclude(cancel_reason=CourseRun.CancelReason.LOW_ENROLMENT)
            .exclude(course__status=Course.Status.RETIRED).select_related("course", "room").order_by("start_date", "start_time", "pk"))
    weeks = term_weeks(wish_list.term)
    made = []
    for run in runs:
        course = run.course
        if course.number_of_sessions > weeks:
            continue
        allowed = [list(x) for x in DAYTIME_DAYSLOTS]
        if run.weekday < 5:
            own = [run.weekday, slot_index(run.start_time)]
            if own not in allowed:
                allowed.append(own)
        lo, hi = default_window(wish_list.term, course)
        made.append(WishedRun(
            wish_list=wish_list, course=course, weight=1, allowed=sorted(allowed), start_week_min=lo,
            start_week_max=hi, online=run.online or run.room_id is None,
            site=run.room.site if run.room_id and not run.online else None,
            cohort=min(run.capacity, run.room.capacity) if run.room_id else run.capacity,
            needs_accessible=False, split_allowed=course.number_of_sessions >= 6,
        ))
    WishedRun.objects.bulk_create(made)
    record(actor=actor, action="update", obj=wish_list, fields=["runs"], note=f"{len(made)} wished runs copied from {last}")
    return last, made


@transaction.atomic
def wished_run_update(*, actor, wished_run, **fields):
    if wished_run.accepted_run_id:
        raise ValidationError({"__all__": "This wish is already on the timetable: change the run there instead."})
    for key, value in fields.items():
        setattr(wished_run, key, value)
    if wished_run.online:
        wished_run.site = None
    _check_wish(wished_run.wish_list, course=wished_run.course, site=wished_run.site, online=wished_run.online,
                start_week_min=wished_run.start_week_min, start_week_max=wished_run.start_week_max,
                allowed=wished_run.allowed, weight=wished_run.weight)
    wished_run.save()
    record(actor=actor, action="update", obj=wished_run, fields=list(fields))
    return wished_run


@transaction.atomic
def wished_run_delete(*, actor, wished_run):
    if wished_run.accepted_run_id:
        raise ValidationError({"__all__": "This wish is already on the timetable: cancel the run there instead."})
    record(actor=actor, action="delete", obj=wished_run, fields=["course"])
    wished_run.delete()


# -- availability ----------------------------------------------------------------------------

@transaction.atomic
def availability_set(*, actor, tutor, dayslots):
    """Replace the tutor's weekly availability with `dayslots` ([[day, slot], ...])."""
    wanted = {(int(d), int(s)) for d, s in dayslots}
    if any(not (0 <= d < 5 and 0 <= s < len(SLOT_IDS)) for d, s in wanted):
        raise ValidationError({"dayslots": "Choose weekday times only."})
    TutorAvailability.objects.filter(tutor=tutor).delete()
    TutorAvailability.objects.bulk_create([
        TutorAvailability(tutor=tutor, weekday=d, slot=SLOT_IDS[s]) for d, s in sorted(wanted)
    ])
    record(actor=actor, action="update", obj=tutor, fields=["availability"], note=f"{len(wanted)} day-slots")


# -- planner jobs ----------------------------------------------------------------------------

def checked_build(wish_list):
    """Build and validate the instance; PlanningError with a clear message when it cannot be planned."""
    import planner

    built = inst_mod.build(wish_list)
    if not built.instance["runs"]:
        raise PlanningError("The wish list has no runs waiting to be planned: add courses first.")
    try:
        planner.validate_instance(built.instance)
    except planner.InstanceError as exc:
        raise PlanningError(f"The planner cannot use these records: {humanise_error(str(exc), built)}") from None
    return built


def humanise_error(message, built):
    from .present import humanise

    return humanise(message, built.labels)


def job_start(*, actor, wish_list, time_limit=30, what_if=True):
    """Make a planning job from the College's records as they are now, and queue it.

    Raises PlanningError when the records cannot be planned (nothing is written then)."""
    built = checked_build(wish_list)
    with transaction.atomic():
        job = PlanJob.objects.create(wish_list=wish_list, time_limit=time_limit, instance=built.instance,
                                     labels=built.labels, created_by=actor)
        record(actor=actor, action="create", obj=job, fields=["instance", "time_limit"])
    from .tasks import run_plan_job

    try:
        result = run_plan_job.enqueue(job.pk, bool(what_if))
    except Exception as exc:  # the queue itself is unavailable: say so on the job
        log.exception("could not queue planning job %s", job.pk)
        PlanJob.objects.filter(pk=job.pk).update(status=Status.FAILED, error=f"The job could not be queued: {exc}",
                                                 finished_at=timezone.now())
    else:
        PlanJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def job_stop(*, actor, job):
    """Ask a running job to stop: it keeps the best plan found so far."""
    if PlanJob.objects.filter(pk=job.pk, status__in=[Status.QUEUED, Status.RUNNING]).update(stop_requested=True):
        record(actor=actor, action="update", obj=job, fields=["stop_requested"])
        return True
    return False


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
        import planner

        try:
            self.outcome["result"] = planner.solve(
                instance, progress=lambda o, b, t: self.events.put([o, b, round(t, 3)]),
                should_stop=self.stop.is_set, **self.kwargs)
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
        return self.job_id if self.model is PlanJob else PlanWhatIf.objects.values_list("job_id", flat=True).get(pk=self.job_id)


def _failure_message(exc):
    import planner

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
            import planner

            from .whatif import candidate_profiles

            greedy = planner.greedy_plan(job.instance)
            cands = candidate_profiles(job.instance, job.labels, job.wish_list.college, greedy)
            PlanJob.objects.filter(pk=job_id).update(candidates=cands)
            if cands:
                kwargs["what_if_candidates"] = [c["profile"] for c in cands]
        result, progress = _Runner(job_id, PlanJob, kwargs).run(job.instance)
    except Exception as exc:  # noqa: BLE001 - the job page says what went wrong
        log.exception("planning job %s failed", job_id)
        PlanJob.objects.filter(pk=job_id).update(status=Status.FAILED, error=_failure_message(exc),
                                                 finished_at=timezone.now())
        return None
    PlanJob.objects.filter(pk=job_id).update(status=Status.FINISHED, result=result, finished_at=timezone.now())
    return {"objective": result.get("objective"), "bound": result.get("bound"), "status": result.get("status")}


def planner_workers():
    from django.conf import settings

    return int(settings.PLANNER_WORKERS)


@transaction.atomic
def what_if_create(*, actor, job, tutor, hours):
    if job.status != Status.FINISHED or not job.result or job.result.get("status") == "infeasible":
        raise ValidationError({"__all__": "Ask what-if questions of a finished plan."})
    ids = {t["id"] for t in job.instance["tutors"] if t["role"] == "staff"}
    if tutor.college_id != job.wish_list.college_id or inst_mod.tutor_id(tutor.pk) not in ids:
        raise ValidationError({"tutor": "Choose a staff tutor the planner could use."})
    if hours is None or hours <= 0:
        raise ValidationError({"hours": "Enter the extra hours, more than 0."})
    wi = PlanWhatIf.objects.create(job=job, tutor=tutor, hours=hours, created_by=actor)
    record(actor=actor, action="create", obj=wi, fields=["tutor", "hours"])
    return wi


def what_if_start(*, actor, job, tutor, hours):
    wi = what_if_create(actor=actor, job=job, tutor=tutor, hours=hours)
    from .tasks import run_what_if

    try:
        run_what_if.enqueue(wi.pk)
    except Exception as exc:  # noqa: BLE001
        log.exception("could not queue what-if %s", wi.pk)
        PlanWhatIf.objects.filter(pk=wi.pk).update(status=Status.FAILED, error=f"The question could not be queued: {exc}")
    wi.refresh_from_db()
    return wi


def execute_what_if(what_if_id):
    if not PlanWhatIf.objects.filter(pk=what_if_id, status=Status.QUEUED).update(status=Status.RUNNING):
        return None
    wi = PlanWhatIf.objects.select_related("job").get(pk=what_if_id)
    tid = inst_mod.tutor_id(wi.tutor_id)
    kwargs = {"time_limit": float(wi.job.time_limit), "seed": 0, "workers": planner_workers(),
              "raise_release": [(tid, float(wi.hours))]}
    try:
        result, _ = _Runner(what_if_id, PlanWhatIf, kwargs).run(wi.job.instance, write_progress=False)
        answer = next((w for w in result.get("what_if", []) if w.get("kind") == "raise_release"), None)
        if answer is None:
            raise RuntimeError("the planner gave no answer to the question")
    except Exception as exc:  # noqa: BLE001
        log.exception("what-if %s failed", what_if_id)
        PlanWhatIf.objects.filter(pk=what_if_id).update(status=Status.FAILED, error=_failure_message(exc),
                                                        finished_at=timezone.now())
        return None
    PlanWhatIf.objects.filter(pk=what_if_id).update(status=Status.FINISHED, result=answer, finished_at=timezone.now())
    return {"gain": answer.get("gain")}


# -- accepting a plan ------------------------------------------------------------------------

def block_ranges(n, split, nblocks):
    """Session index ranges of each block (the planner's rule: first ceil(n/2), then the rest)."""
    if nblocks <= 1 or not split or n < 2:
        return [(0, n)]
    first = math.ceil(n / 2)
    return [(0, first), (first, n)]


def accept_check(job):
    """Why the job cannot be accepted (a sentence), or None."""
    if job.accepted_at is not None:
        return "This plan has already been accepted into the timetable."
    if job.status != Status.FINISHED or not job.result:
        return "The planner has not finished this plan yet."
    if job.result.get("status") == "infeasible":
        return "The planner found no plan: the mandatory runs cannot all be offered together."
    if not job.result.get("runs"):
        return "This plan offers no runs."
    later = PlanJob.objects.filter(wish_list_id=job.wish_list_id, accepted_at__isnull=False).exclude(pk=job.pk)
    if later.exists():
        other = later.first()
        return (f"Another plan for this wish list (plan {other.pk}) was accepted on "
                f"{timezone.localtime(other.accepted_at):%d %b %Y at %H:%M}: run the planner again to plan "
                f"the wishes still waiting around it.")
    return None


def plan_accept(*, actor, job, now=None):
    """Put the plan on the timetable, in one transaction: runs, weekly sessions, tutor
    assignments, and a release request per staff tutor (for the sessions they teach).
    Raises PlanConflict when it cannot be accepted; nothing is written then."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = PlanJob.objects.filter(pk=job.pk, accepted_at__isnull=True, status=Status.FINISHED).update(
            accepted_at=now, accepted_by=actor)
        job = PlanJob.objects.select_related("wish_list__term", "wish_list__college").get(pk=job.pk)
        if not claimed:
            raise PlanConflict(accept_check(job) or "This plan cannot be accepted.")
        job.accepted_at = None  # for the check below: the claim is ours
        reason = accept_check(job)
        if reason:
            raise PlanConflict(reason)
        job.accepted_at = now
        summary = _write_plan(actor, job)
        record(actor=actor, action="accept", obj=job, fields=["accepted_at"],
               note=f"{summary['runs']} runs, {summary['sessions']} sessions, {summary['requests']} release requests")
    return summary


def _write_plan(actor, job):
    wl = job.wish_list
    term, college = wl.term, wl.college
    wishes = {inst_mod.run_id(w.pk): w for w in WishedRun.objects.select_for_update().filter(wish_list=wl)
              .select_related("course")}
    rooms = {r.pk: r for r in Room.objects.filter(site__college=college)}
    tutors = {t.pk: t for t in Tutor.objects.filter(college=college)}
    summary = {"runs": 0, "sessions": 0, "requests": 0, "no_line_manager": [], "run_ids": []}
    for planned in sorted(job.result["runs"], key=lambda p: (p["day"], p["slot"], p["start_week"], p["run"])):
        w = wishes.get(planned["run"])
        if w is None or w.accepted_run_id:
            raise PlanConflict("The wish list has changed since this plan was made: run the planner again.")
        course = w.course
        n = course.number_of_sessions
        start, end = slot_times(planned["slot"], course.hours_per_session)
        first = week_date(term, planned["start_week"], planned["day"])
        room = None
        if planned.get("room"):
            room = rooms.get(inst_mod.pk_of(planned["room"]))
            if room is None:
                raise PlanConflict("A room in this plan is no longer the College's: run the planner again.")
        blocks = planned.get("blocks") or []
        ranges = block_ranges(n, w.split_allowed, len(blocks))
        pairs = [blocks[min(i, len(blocks) - 1)] for i in range(len(ranges))]
        assigned, staff_ranges, peers = [], {}, []
        for (a, b), pair in zip(ranges, pairs):
            for role in ("peer", "staff"):
                t = tutors.get(inst_mod.pk_of(pair[role]))
                if t is None or t.kind != role:
                    raise PlanConflict("A tutor in this plan is no longer one of the College's: run the planner again.")
                if t not in assigned:
                    assigned.append(t)
                if role == "staff":
                    staff_ranges.setdefault(t, []).append((a, b))
                elif t not in peers:
                    peers.append(t)
        # The same service as "Add a run" on the pages: weekly sessions, tutors, audit rows.
        try:
            run = courses_services.run_create(
                actor=actor, course=course, term=term, weekday=planned["day"], start_time=start, end_time=end,
                start_date=first, weeks=n, online=room is None, room=room,
                capacity=max(1, w.cohort) if w.cohort else 15, tutors=assigned)
        except ValidationError as exc:
            raise PlanConflict(f"{course.title}: " + " ".join(exc.messages) + " Run the planner again.") from exc
        sessions = list(run.sessions.order_by("date"))
        staff_sessions = {t: [s for a, b in spans for s in sessions[a:b]] for t, spans in staff_ranges.items()}
        record(actor=actor, action="plan", obj=run, fields=["tutors", "sessions"],
               note=f"from accepted plan {job.pk} (wish {w.pk})")
        w.accepted_run = run
        w.save(update_fields=["accepted_run"])
        with_whom = " and ".join(p.full_name for p in peers)
        for staff, their in staff_sessions.items():
            if staff.line_manager_id is None:
                summary["no_line_manager"].append(f"{staff.full_name} ({course.title})")
                continue
            release_request_create(
                actor=actor, tutor=staff, kind=ReleaseRequest.Kind.RUN, run=run, sessions=their,
                purpose=(f"Co-deliver {course.title} with {with_whom}: {len(their)} session"
                         f"{'' if len(their) == 1 else 's'} on {run.get_weekday_display()}s from "
                         f"{their[0].date:%d %B %Y}, as planned for the {term} term"),
            )
            summary["requests"] += 1
        summary["runs"] += 1
        summary["sessions"] += len(sessions)
        summary["run_ids"].append(run.pk)
    return summary


def release_need(job, tutor_id):
    """Hours of the plan's sessions (preparation excluded, as release requests count them)."""
    hours = Decimal("0")
    courses = {c["id"]: c for c in job.instance["courses"]}
    runs = {r["id"]: r for r in job.instance["runs"]}
    for planned in (job.result or {}).get("runs", []):
        course = courses[runs[planned["run"]]["course"]]
        n = course["sessions"]
        ranges = block_ranges(n, runs[planned["run"]]["split_allowed"], len(planned["blocks"]))
        for i, (a, b) in enumerate(ranges):
            pair = planned["blocks"][min(i, len(planned["blocks"]) - 1)]
            if pair["staff"] == tutor_id:
                hours += Decimal(str(course["session_hours"])) * (b - a)
    return hours

