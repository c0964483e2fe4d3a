import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import planner
from tandem.accounts.rules import requires
from tandem.core.forms import add_service_errors
from tandem.tutors.models import Tutor

from . import accept, selectors, services
from . import jobs as plan_jobs
from .forms import (
    AddCoursesForm,
    AvailabilityForm,
    NewTermForm,
    PlanForm,
    RaiseReleaseForm,
    WishedRunForm,
    WishListForm,
    venue_of,
)
from .instance import build, pk_of
from .models import TutorAvailability
from .present import PlanView, humanise, progress_summary, status_payload
from .slots import DAYSLOT_CHOICES, SLOT_IDS, dayslot_key, describe_dayslots, term_weeks

SECTION = "planning"


@require_GET
@requires("plan_terms")
def home(request):
    wish_lists = selectors.visible_wish_lists(request.user).prefetch_related("runs", "jobs")
    return render(
        request, "planning/home.jinja", {"title": "Term planning", "section": SECTION, "wish_lists": wish_lists}
    )


@require_http_methods(["GET", "POST"])
@requires("plan_terms")
def wishlist_new(request):
    """Start a wish list for a term the College has, or add the next term and start its list."""
    college = request.user.college
    new_term = request.method == "POST" and request.POST.get("action") == "new_term"
    form = WishListForm(request.POST if request.method == "POST" and not new_term else None, college=college)
    term_form = NewTermForm(request.POST if new_term else None, college=college)
    bound = term_form if new_term else form
    if request.method == "POST" and bound.is_valid():
        try:
            with transaction.atomic():
                if new_term:
                    term = services.term_create(actor=request.user, college=college, **term_form.cleaned_data)
                else:
                    term = form.cleaned_data["term"]
                wl = services.wish_list_create(actor=request.user, college=college, term=term)
        except ValidationError as exc:
            add_service_errors(bound, exc)
        else:
            messages.success(
                request,
                f"Wish list for {wl.term} started. Add courses from the catalogue, or start from last year's {wl.term.get_season_display().lower()} term.",
            )
            return redirect("planning:wishlist", pk=wl.pk)
    return render(
        request,
        "planning/wishlist_new.jinja",
        {
            "title": "Start a wish list",
            "section": SECTION,
            "form": bound if bound.is_bound else None,
            "term_choice": form,
            "term_form": term_form,
        },
    )


def _wishlist_context(request, wl, plan_form=None, plan_error=None):
    built = build(wl)
    error = plan_error
    if error is None and built.instance["runs"]:
        try:
            planner.validate_instance(built.instance)
        except planner.InstanceError as exc:
            error = f"The planner cannot use these records: {humanise(str(exc), built.labels)}"
    runs = list(
        wl.runs.select_related("course", "site", "accepted_run").order_by("accepted_run", "course__title", "pk")
    )
    for r in runs:
        r.allowed_label = describe_dayslots(r.allowed)
    jobs = list(wl.jobs.all()[:10])
    for j in jobs:
        j.summary = progress_summary(j)
    last = services.last_year_term(wl.term)
    return {
        "title": f"Wish list for {wl.term}",
        "section": SECTION,
        "wl": wl,
        "runs": runs,
        "notes": built.notes,
        "form": plan_form if plan_form is not None and plan_form.errors else None,
        "waiting": sum(1 for r in runs if r.accepted_run_id is None),
        "wished_weight": sum(r.weight for r in runs if r.accepted_run_id is None),
        "plan_form": plan_form or PlanForm(),
        "plan_error": error,
        "jobs": jobs,
        "last_year": last,
        "weeks": term_weeks(wl.term),
    }


@require_GET
@requires("plan_terms")
def wishlist(request, pk):
    wl = selectors.wish_list_for(request.user, pk)
    return render(request, "planning/wishlist.jinja", _wishlist_context(request, wl))


@require_http_methods(["GET", "POST"])
@requires("plan_terms")
def wishlist_add(request, pk):
    wl = selectors.wish_list_for(request.user, pk)
    college = wl.college
    form = AddCoursesForm(
        request.POST if request.method == "POST" else None, college=college, courses=selectors.catalogue(request.user)
    )
    if request.method == "POST" and form.is_valid():
        online, site = venue_of(form.cleaned_data["venue"], college)
        try:
            made = services.wished_runs_add(
                actor=request.user,
                wish_list=wl,
                items=form.items(),
                allowed=form.allowed(),
                start_week_min=form.cleaned_data["start_week_min"],
                start_week_max=form.cleaned_data["start_week_max"],
                online=online,
                site=site,
                cohort=form.cleaned_data["cohort"],
                needs_accessible=form.cleaned_data["needs_accessible"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{len(made)} wished run{'' if len(made) == 1 else 's'} added.")
            return redirect("planning:wishlist", pk=wl.pk)
    return render(
        request,
        "planning/wishlist_add.jinja",
        {
            "title": f"Add courses to the wish list for {wl.term}",
            "section": SECTION,
            "wl": wl,
            "form": form,
            "weeks": term_weeks(wl.term),
        },
    )


@require_POST
@requires("plan_terms")
def wishlist_copy(request, pk):
    wl = selectors.wish_list_for(request.user, pk)
    try:
        last, made = services.wish_list_copy_last_year(actor=request.user, wish_list=wl)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"{len(made)} wished run{'' if len(made) == 1 else 's'} copied from the runs of {last}. "
            f"Check their priorities, days and places before planning.",
        )
    return redirect("planning:wishlist", pk=wl.pk)


@require_http_methods(["GET", "POST"])
@requires("plan_terms")
def wished_run(request, pk, run_pk):
    w = selectors.wished_run_for(request.user, pk, run_pk)
    form = WishedRunForm(request.POST if request.method == "POST" else None, college=w.wish_list.college, wished_run=w)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        online, site = venue_of(data.pop("venue"), w.wish_list.college)
        try:
            services.wished_run_update(actor=request.user, wished_run=w, online=online, site=site, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{w.course.title} (wish {w.pk}) saved.")
            return redirect("planning:wishlist", pk=w.wish_list_id)
    return render(
        request,
        "planning/wished_run.jinja",
        {
            "title": f"Wished run: {w.course.title}",
            "section": SECTION,
            "w": w,
            "form": form,
            "wl": w.wish_list,
        },
    )


@require_POST
@requires("plan_terms")
def wished_run_delete(request, pk, run_pk):
    w = selectors.wished_run_for(request.user, pk, run_pk)
    try:
        services.wished_run_delete(actor=request.user, wished_run=w)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{w.course.title} (wish {run_pk}) removed from the wish list.")
    return redirect("planning:wishlist", pk=pk)


@require_POST
@requires("plan_terms")
def plan(request, pk):
    wl = selectors.wish_list_for(request.user, pk)
    form = PlanForm(request.POST)
    if not form.is_valid():
        return render(request, "planning/wishlist.jinja", _wishlist_context(request, wl, plan_form=form))
    try:
        job = plan_jobs.job_start(
            actor=request.user,
            wish_list=wl,
            time_limit=form.cleaned_data["time_limit"],
            what_if=form.cleaned_data["what_if"],
        )
    except plan_jobs.PlanningError as exc:
        return render(
            request, "planning/wishlist.jinja", _wishlist_context(request, wl, plan_form=form, plan_error=str(exc))
        )
    return redirect("planning:job", pk=job.pk)


@require_GET
@requires("plan_terms")
def job(request, pk):
    job = selectors.job_for(request.user, pk)
    what_ifs = list(job.what_ifs.select_related("tutor"))
    view = PlanView(job) if job.result else None
    raise_form = None
    if view and job.result.get("status") != "infeasible":
        raise_form = RaiseReleaseForm(choices=view.staff_choices())
    for w in what_ifs:
        w.answer = view.raise_answer(w) if (view and w.result) else None
    return render(
        request,
        "planning/job.jinja",
        {
            "title": f"Plan for {job.wish_list.term}",
            "section": SECTION,
            "job": job,
            "view": view,
            "summary": progress_summary(job),
            "what_ifs": what_ifs,
            "raise_form": raise_form,
            "extra": view.extra_staff() if view else None,
            "polling": job.is_active or any(w.is_active for w in what_ifs),
            "accept_problem": accept.accept_check(job),
        },
    )


@require_GET
@requires("plan_terms")
def job_status(request, pk):
    job = selectors.job_for(request.user, pk)
    return JsonResponse(status_payload(job))


def _download(data, filename):
    response = HttpResponse(json.dumps(data, indent=1), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@requires("plan_terms")
def job_instance(request, pk):
    job = selectors.job_for(request.user, pk)
    return _download(job.instance, f"plan-{job.pk}-instance.json")


@require_GET
@requires("plan_terms")
def job_result(request, pk):
    job = selectors.job_for(request.user, pk)
    if not job.result:
        return JsonResponse({"error": "The planner has not finished this plan yet."}, status=404)
    return _download(job.result, f"plan-{job.pk}-result.json")


@require_POST
@requires("plan_terms")
def job_stop(request, pk):
    job = selectors.job_for(request.user, pk)
    if plan_jobs.job_stop(actor=request.user, job=job):
        messages.success(request, "Asked the planner to stop: it keeps the best plan found so far.")
    return redirect("planning:job", pk=job.pk)


@require_POST
@requires("plan_terms")
def job_what_if(request, pk):
    job = selectors.job_for(request.user, pk)
    view = PlanView(job) if job.result else None
    form = RaiseReleaseForm(request.POST, choices=view.staff_choices() if view else [])
    if form.is_valid():
        tutor = selectors.tutor_for(request.user, form.cleaned_data["tutor"])
        try:
            plan_jobs.what_if_start(actor=request.user, job=job, tutor=tutor, hours=form.cleaned_data["hours"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                f"Asked what raising {tutor.full_name}'s release by {form.cleaned_data['hours']:g} hours would change.",
            )
    else:
        messages.error(request, "Choose a staff tutor and enter the extra hours (between 0.5 and 200).")
    return redirect(f"{reverse('planning:job', args=[job.pk])}#what-if")


@require_http_methods(["GET", "POST"])
@requires("plan_terms")
def job_accept(request, pk):
    job = selectors.job_for(request.user, pk)
    problem = accept.accept_check(job)
    if request.method == "POST" and problem is None:
        try:
            summary = accept.plan_accept(actor=request.user, job=job)
        except accept.PlanConflict as exc:
            problem = str(exc)
        except ValidationError as exc:
            problem = "The plan could not be put on the timetable: " + " ".join(exc.messages) + " Nothing was changed."
        else:
            msg = (
                f"Plan accepted: {summary['runs']} runs with {summary['sessions']} sessions are on the {job.wish_list.term} "
                f"timetable, and {summary['requests']} release request{'' if summary['requests'] == 1 else 's'} went to line managers."
            )
            if summary["no_line_manager"]:
                msg += (
                    " No request was made for "
                    + "; ".join(summary["no_line_manager"])
                    + ": no line manager is recorded."
                )
            messages.success(request, msg)
            return redirect(f"{reverse('courses:timetable')}?term={job.wish_list.term_id}")
    view = PlanView(job) if job.result else None
    staff = []
    if view:
        tutors = {t["id"]: t for t in job.instance["tutors"]}
        need = {}
        for planned in job.result.get("runs", []):
            for b in planned.get("blocks", []):
                need.setdefault(b["staff"], None)
        unlimited = set(job.instance.get("meta", {}).get("no_release_budget", []))
        for tid in sorted(need, key=lambda t: job.labels.get(t, t)):
            staff.append(
                {
                    "name": job.labels.get(tid, tid),
                    "hours": accept.release_need(job, tid),
                    "budget": None if tid in unlimited else tutors[tid]["release_hours"],
                }
            )
    status = 409 if (request.method == "POST" and problem) else 200
    return render(
        request,
        "planning/accept.jinja",
        {
            "title": f"Accept the plan for {job.wish_list.term}",
            "section": SECTION,
            "job": job,
            "view": view,
            "problem": problem,
            "staff": staff,
            "no_line_manager": _no_line_manager(job),
        },
        status=status,
    )


def _no_line_manager(job):
    ids = {pk_of(b["staff"]) for p in (job.result or {}).get("runs", []) for b in p.get("blocks", [])}
    return list(Tutor.objects.filter(pk__in=ids, line_manager__isnull=True).order_by("last_name"))


@require_GET
@requires("plan_terms")
def availability(request):
    tutors = list(selectors.planning_tutors(request.user))
    rows = {}
    for t, d, s in TutorAvailability.objects.filter(tutor__in=tutors).values_list("tutor_id", "weekday", "slot"):
        rows.setdefault(t, []).append([d, SLOT_IDS.index(s)])
    for t in tutors:
        t.recorded = t.pk in rows
        t.times = describe_dayslots(sorted(rows.get(t.pk, [])))
    return render(
        request,
        "planning/availability.jinja",
        {
            "title": "Tutor availability",
            "section": SECTION,
            "tutors": tutors,
            "missing": sum(1 for t in tutors if not t.recorded),
        },
    )


@require_http_methods(["GET", "POST"])
@requires("plan_terms")
def availability_edit(request, tutor_pk):
    tutor = selectors.tutor_for(request.user, tutor_pk)
    current = [dayslot_key(d, SLOT_IDS.index(s)) for d, s in tutor.availability.values_list("weekday", "slot")]
    form = AvailabilityForm(request.POST if request.method == "POST" else None, initial={"dayslots": current})
    if tutor.kind == "staff":
        form.fields["dayslots"].label = "Times this staff tutor is released to teach"
    if request.method == "POST" and form.is_valid():
        services.availability_set(actor=request.user, tutor=tutor, dayslots=form.cleaned_data["dayslots"])
        messages.success(request, f"Availability of {tutor.full_name} saved.")
        return redirect("planning:availability")
    return render(
        request,
        "planning/availability_edit.jinja",
        {
            "title": f"Availability: {tutor.full_name}",
            "section": SECTION,
            "tutor": tutor,
            "form": form,
            "recorded": bool(current),
            "choices": DAYSLOT_CHOICES,
        },
    )
