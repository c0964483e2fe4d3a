from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from tandem.accounts.models import Role
from tandem.accounts.rules import can, requires
from tandem.core import clock
from tandem.core.forms import add_service_errors
from tandem.core.params import parse_id
from tandem.courses.models import CourseRun
from tandem.courses.selectors import current_term, visible_runs

from . import selectors, services
from .forms import (
    BudgetForm,
    CoproductionRequestForm,
    DecideForm,
    RunRequestForm,
    StartForm,
    TermForm,
)
from .models import ReleaseRequest

RR = ReleaseRequest


def conflict(request, exc, rr):
    return render(
        request,
        "release/conflict.jinja",
        {"title": "Request already decided", "section": "release", "message": str(exc), "rr": rr},
        status=409,
    )


@require_GET
@requires("view_release_requests")
def request_list(request):
    status = request.GET.get("status", "")
    page = Paginator(selectors.listed_requests(request.user, status), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "release/list.jinja",
        {
            "title": "Release requests",
            "section": "release",
            "page": page,
            "status": status,
            "statuses": RR.Status.choices,
            "pending": selectors.pending_count(request.user),
        },
    )


def _open_runs(user, tutor):
    if user.role == Role.TUTOR and tutor is not None:
        return services.requestable_runs(tutor)
    return CourseRun.objects.filter(course__college_id=user.college_id).exclude(
        status__in=[CourseRun.Status.CANCELLED, CourseRun.Status.COMPLETED]
    )


@require_http_methods(["GET", "POST"])
@requires("request_release")
def request_new(request):
    """Step 1 (GET form): who and what for. Step 2 (same URL with the step-1 answers): the
    sessions or hours and the purpose, POSTed to make the request."""
    user = request.user
    tutors = selectors.requestable_tutors(user)
    own = tutors.first() if user.role == Role.TUTOR else None
    if user.role == Role.TUTOR and own is None:
        return render(request, "release/not_staff.jinja", {"title": "Ask for release", "section": "release"})
    data = request.GET.copy() if request.GET else None
    if data is not None and own is not None:
        data["tutor"] = str(own.pk)
    start = StartForm(data, tutors=tutors, runs=_open_runs(user, own), initial={"tutor": own.pk if own else None})
    if own is not None:
        start.fields["tutor"].widget = forms.HiddenInput()
    if not start.is_bound or not start.is_valid():
        return render(
            request,
            "release/start.jinja",
            {"title": "Ask for release", "section": "release", "form": start, "own": own},
        )
    tutor, kind, run = start.cleaned_data["tutor"], start.cleaned_data["kind"], start.cleaned_data.get("run")
    post = request.POST if request.method == "POST" else None
    form = RunRequestForm(post, run=run) if kind == RR.Kind.RUN else CoproductionRequestForm(post)
    if post is not None and form.is_valid():
        fields = dict(form.cleaned_data)
        try:
            rr = services.release_request_create(
                actor=user, tutor=tutor, kind=kind, run=run if kind == RR.Kind.RUN else None, **fields
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if rr.manager.email:
                messages.success(
                    request, f"Request sent. {rr.manager.display_name} has been emailed a link to decide it."
                )
            else:
                messages.warning(
                    request,
                    f"Request saved, but {rr.manager.display_name} has no email address on record: "
                    f"please tell them it is waiting.",
                )
            return redirect("release:detail", pk=rr.pk)
    title = f"Ask for release: {run.course.title}" if kind == RR.Kind.RUN else "Ask for release: co-production work"
    return render(
        request,
        "release/request_form.jinja",
        {
            "title": title,
            "section": "release",
            "form": form,
            "tutor": tutor,
            "kind": kind,
            "run": run,
            "action": request.get_full_path(),
        },
    )


@require_GET
@requires("view_release_requests")
def request_detail(request, pk):
    rr = selectors.request_for(request.user, pk)
    remaining = services.budget_remaining(rr.tutor_id, rr.term_id) if rr.term_id else None
    return render(
        request,
        "release/detail.jinja",
        {
            "title": f"Release request: {rr.tutor.full_name}",
            "section": "release",
            "rr": rr,
            "sessions": rr.sessions.order_by("date"),
            "approved_sessions": set(rr.approved_sessions.values_list("pk", flat=True)),
            "remaining": remaining,
            "can_decide": rr.is_pending and rr.manager_id == request.user.pk and request.user.role == Role.LINE_MANAGER,
            "can_withdraw": rr.is_pending and request.user.role in (Role.TUTOR, Role.COLLEGE_ADMIN),
            # A tutor may ask for release for a run they are not on yet, which they (and their line
            # manager) cannot open: link to the run only when it is visible to this user.
            "run_visible": rr.run_id is not None
            and can(request.user, "view_timetable")
            and visible_runs(request.user).filter(pk=rr.run_id).exists(),
        },
    )


@require_http_methods(["GET", "POST"])
@requires("decide_release")
def request_decide(request, pk):
    rr = selectors.decidable_request(request.user, pk)
    form = DecideForm(request.POST if request.method == "POST" else None, release_request=rr)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            rr = services.release_decide(
                actor=request.user,
                release_request=rr,
                decision=d["decision"],
                sessions=d.get("sessions"),
                hours=d.get("hours"),
                reason=d.get("reason", ""),
                note=d.get("note", ""),
            )
        except services.ReleaseConflict as exc:
            return conflict(request, exc, rr)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"Decision saved: {rr.get_status_display().lower()}. {rr.tutor.full_name} has been emailed."
            )
            return redirect("release:detail", pk=rr.pk)
    remaining = services.budget_remaining(rr.tutor_id, rr.term_id) if rr.term_id else None
    return render(
        request,
        "release/decide.jinja",
        {
            "title": f"Decide: release for {rr.tutor.full_name}",
            "section": "release",
            "rr": rr,
            "form": form,
            "sessions": rr.sessions.order_by("date"),
            "remaining": remaining,
        },
    )


@require_http_methods(["GET", "POST"])
@requires("request_release")
def request_withdraw(request, pk):
    rr = selectors.withdrawable_request(request.user, pk)
    if request.method == "POST":
        try:
            services.release_withdraw(actor=request.user, release_request=rr)
        except services.ReleaseConflict as exc:
            return conflict(request, exc, rr)
        messages.success(request, "Request withdrawn. Your line manager has been told.")
        return redirect("release:detail", pk=rr.pk)
    return render(request, "release/withdraw.jinja", {"title": "Withdraw the request", "section": "release", "rr": rr})


@require_GET
@requires("manage_release_budgets")
def budgets(request):
    college = request.user.college
    form = TermForm(request.GET or None, college=college)
    term = form.cleaned_data.get("term") if form.is_bound and form.is_valid() else None
    term = term or current_term(college.id, today=clock.today(college))
    rows = selectors.budget_rows(request.user, term) if term else []
    return render(
        request,
        "release/budgets.jinja",
        {"title": "Release budgets", "section": "release", "filter": form, "term": term, "rows": rows},
    )


@require_http_methods(["GET", "POST"])
@requires("manage_release_budgets")
def budget_edit(request, tutor_pk):
    tutor = get_object_or_404(selectors.budget_tutors(request.user), pk=tutor_pk)
    college = request.user.college
    initial = {}
    term_id = parse_id(request.GET.get("term"), name="term")
    if term_id is not None:
        initial["term"] = term_id
    form = BudgetForm(request.POST if request.method == "POST" else None, college=college, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.budget_set(actor=request.user, tutor=tutor, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Release budget saved for {tutor.full_name}.")
            return redirect(f"{reverse('release:budgets')}?term={form.cleaned_data['term'].pk}")
    return render(
        request,
        "release/budget_form.jinja",
        {"title": f"Release budget: {tutor.full_name}", "section": "release", "form": form, "tutor": tutor},
    )
