from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from tandem.accounts.rules import requires
from tandem.core.client_ip import TOO_MANY_MESSAGE, public_form_limit
from tandem.core.forms import add_service_errors
from tandem.core.models import College

from . import selectors, services
from .charts import grouped_bars
from .forms import (
    EntryFilterForm,
    EntryForm,
    InterestForm,
    StageForm,
    SubmissionReviewForm,
)


@login_not_required
@require_http_methods(["GET", "POST"])
@public_form_limit("pipeline-interest")
def interested(request, college):
    """Every post counts towards the limit (invalid ones too), per client address (behind a proxy,
    TRUSTED_PROXY_COUNT), in the cache every worker shares. Over the limit, the form is shown again
    with what was typed and a plain message (429): nothing is saved."""
    college = get_object_or_404(College, slug=college)
    form = InterestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if getattr(request, "limited", False):
            form.is_valid()
            form.add_error(None, TOO_MANY_MESSAGE)
            return render(
                request,
                "pipeline/interested.jinja",
                {"title": "Interested in teaching?", "form": form, "college": college},
                status=429,
            )
        if form.is_valid():
            try:
                services.interest_submit(college=college, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect("pipeline:thanks", college=college.slug)
    return render(
        request, "pipeline/interested.jinja", {"title": "Interested in teaching?", "form": form, "college": college}
    )


@login_not_required
@require_GET
def thanks(request, college):
    college = get_object_or_404(College, slug=college)
    return render(request, "pipeline/interested_thanks.jinja", {"title": "Thank you", "college": college})


@require_GET
@requires("view_pipeline")
def entry_list(request):
    form = EntryFilterForm(request.GET or None)
    qs = selectors.visible_entries(request.user)
    if form.is_valid():
        qs = selectors.filter_entries(qs, **{k: v for k, v in form.cleaned_data.items() if v})
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "pipeline/list.jinja",
        {
            "title": "Staff-tutor pipeline",
            "section": "pipeline",
            "filter": form,
            "page": page,
            "counts": selectors.stage_counts(request.user.college),
            "submissions": selectors.visible_submissions(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@requires("manage_pipeline")
def entry_add(request):
    college = request.user.college
    form = EntryForm(request.POST if request.method == "POST" else None, college=college)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_create(actor=request.user, college=college, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{entry.name} added to the pipeline.")
            return redirect("pipeline:detail", pk=entry.pk)
    return render(
        request,
        "pipeline/form.jinja",
        {"title": "Add someone to the pipeline", "section": "pipeline", "form": form},
    )


@require_GET
@requires("view_pipeline")
def entry_detail(request, pk):
    entry = selectors.entry_for(request.user, pk)
    return render(request, "pipeline/detail.jinja", {"title": entry.name, "section": "pipeline", "entry": entry})


@require_http_methods(["GET", "POST"])
@requires("manage_pipeline")
def entry_stage(request, pk):
    entry = selectors.entry_for(request.user, pk)
    form = StageForm(
        request.POST if request.method == "POST" else None, college=request.user.college, initial={"stage": entry.stage}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_set_stage(actor=request.user, entry=entry, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Stage saved for {entry.name}.")
            return redirect("pipeline:detail", pk=entry.pk)
    return render(
        request,
        "pipeline/stage.jinja",
        {"title": f"Change stage: {entry.name}", "section": "pipeline", "form": form, "entry": entry},
    )


@require_http_methods(["GET", "POST"])
@requires("manage_pipeline")
def submission_review(request, pk):
    """A post of the public form that matches an existing record: shown beside the record; the
    reviewer uses its details for the record or discards it."""
    submission = selectors.submission_for(request.user, pk)
    entry = submission.entry
    form = SubmissionReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["action"] == "use":
            services.submission_use(actor=request.user, submission=submission)
            messages.success(request, f"The details from the form are now on {entry.name}'s record.")
            return redirect("pipeline:detail", pk=entry.pk)
        services.submission_discard(actor=request.user, submission=submission)
        messages.success(request, f"The form sent for {submission.name} was discarded; the record is unchanged.")
        return redirect("pipeline:list")
    rows = [(label, getattr(entry, name), getattr(submission, name)) for name, label in REVIEW_FIELDS]
    return render(
        request,
        "pipeline/submission.jinja",
        {
            "title": "Review a form that matches an existing record",
            "section": "pipeline",
            "submission": submission,
            "entry": entry,
            "rows": rows,
            "form": form,
        },
    )


REVIEW_FIELDS = (
    ("name", "Name"),
    ("work_email", "Work email"),
    ("profession", "Profession"),
    ("team", "Team"),
    ("line_manager_name", "Line manager's name"),
    ("line_manager_email", "Line manager's work email"),
    ("topics", "Topics of interest"),
)


FUNNEL_QUARTERS = 8  # the chart's quarters (the latest); the table lists every quarter


@require_GET
@requires("view_pipeline_funnel")
def funnel(request):
    rows = selectors.funnel(request.user.college)
    labels = [r["quarter"] for r in rows]
    shown = rows[-FUNNEL_QUARTERS:]
    words = "; ".join(
        f"{r['quarter']}: {r['interested']} interested, {r['trained']} trained, {r['teaching']} teaching, "
        f"{r['lapsed']} lapsed"
        for r in shown
    )
    span = f"the last {len(shown)} quarters" if len(rows) > len(shown) else "every quarter"
    svg = (
        grouped_bars(
            title="Staff-tutor pipeline: people reaching each stage, per quarter",
            description=f"Bars for {span} ({shown[0]['quarter']} to {shown[-1]['quarter']}) for interested, trained, "
            f"teaching and lapsed. {words}. The table below gives every quarter.",
            labels=labels,
            chart_id="funnel",
            max_groups=FUNNEL_QUARTERS,
            series=[
                (label, [r[key] for r in rows])
                for key, label in (
                    ("interested", "Interested"),
                    ("trained", "Trained"),
                    ("teaching", "Teaching"),
                    ("lapsed", "Lapsed"),
                )
            ],
        )
        if rows
        else ""
    )
    return render(
        request,
        "pipeline/funnel.jinja",
        {"title": "Pipeline funnel per quarter", "section": "pipeline", "rows": rows, "svg": svg, "shown": shown},
    )
