"""Accepting a plan: the term's runs, their weekly sessions, the tutor assignments and the staff
tutors' release requests, created in one transaction through the courses and release services,
claimed with a conditional UPDATE so a plan is accepted at most once.
"""

import math
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.audit.services import record
from tandem.core.models import Room
from tandem.courses import services as courses_services
from tandem.release.models import ReleaseRequest
from tandem.release.services import release_request_create
from tandem.tutors.models import Tutor

from . import instance as inst_mod
from .models import PlanJob, WishedRun
from .slots import slot_times, week_date

Status = PlanJob.Status


class PlanConflict(Exception):
    """The plan cannot be accepted (already accepted, or overtaken by another accepted plan)."""


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
        return (
            f"Another plan for this wish list (plan {other.pk}) was accepted on "
            f"{timezone.localtime(other.accepted_at):%d %b %Y at %H:%M}: run the planner again to plan "
            f"the wishes still waiting around it."
        )
    return None


def plan_accept(*, actor, job, now=None):
    """Put the plan on the timetable, in one transaction: runs, weekly sessions, tutor
    assignments, and a release request per staff tutor (for the sessions they teach).
    Raises PlanConflict when it cannot be accepted; nothing is written then."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = PlanJob.objects.filter(pk=job.pk, accepted_at__isnull=True, status=Status.FINISHED).update(
            accepted_at=now, accepted_by=actor
        )
        job = PlanJob.objects.select_related("wish_list__term", "wish_list__college").get(pk=job.pk)
        if not claimed:
            raise PlanConflict(accept_check(job) or "This plan cannot be accepted.")
        job.accepted_at = None  # for the check below: the claim is ours
        reason = accept_check(job)
        if reason:
            raise PlanConflict(reason)
        job.accepted_at = now
        summary = _write_plan(actor, job)
        record(
            actor=actor,
            action="accept",
            obj=job,
            fields=["accepted_at"],
            note=f"{summary['runs']} runs, {summary['sessions']} sessions, {summary['requests']} release requests",
        )
    return summary


def _write_plan(actor, job):
    wl = job.wish_list
    term, college = wl.term, wl.college
    wishes = {
        inst_mod.run_id(w.pk): w
        for w in WishedRun.objects.select_for_update().filter(wish_list=wl).select_related("course")
    }
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
                actor=actor,
                course=course,
                term=term,
                weekday=planned["day"],
                start_time=start,
                end_time=end,
                start_date=first,
                weeks=n,
                online=room is None,
                room=room,
                capacity=max(1, w.cohort) if w.cohort else 15,
                tutors=assigned,
            )
        except ValidationError as exc:
            raise PlanConflict(f"{course.title}: " + " ".join(exc.messages) + " Run the planner again.") from exc
        sessions = list(run.sessions.order_by("date"))
        staff_sessions = {t: [s for a, b in spans for s in sessions[a:b]] for t, spans in staff_ranges.items()}
        record(
            actor=actor,
            action="plan",
            obj=run,
            fields=["tutors", "sessions"],
            note=f"from accepted plan {job.pk} (wish {w.pk})",
        )
        w.accepted_run = run
        w.save(update_fields=["accepted_run"])
        with_whom = " and ".join(p.full_name for p in peers)
        for staff, their in staff_sessions.items():
            if staff.line_manager_id is None:
                summary["no_line_manager"].append(f"{staff.full_name} ({course.title})")
                continue
            release_request_create(
                actor=actor,
                tutor=staff,
                kind=ReleaseRequest.Kind.RUN,
                run=run,
                sessions=their,
                purpose=(
                    f"Co-deliver {course.title} with {with_whom}: {len(their)} session"
                    f"{'' if len(their) == 1 else 's'} on {run.get_weekday_display()}s from "
                    f"{their[0].date:%d %B %Y}, as planned for the {term} term"
                ),
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
