from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from tandem.accounts.rules import requires
from tandem.core.models import College

from . import pipeline_selectors as selectors
from . import pipeline_services as services
from .charts import grouped_bars
from .pipeline_forms import EntryFilterForm, EntryForm, InterestForm, StageForm
from .views import add_errors


def client_ip(request):
    """The address the request came from. REMOTE_ADDR only: X-Forwarded-For is not trusted (a
    proxy in front of Tandem must set REMOTE_ADDR, e.g. with a trusted-proxy middleware)."""
    return request.META.get("REMOTE_ADDR") or "unknown"


def over_rate_limit(request, name, *, limit, window):
    """Count one attempt for this address; True once it has made more than `limit` in the window.
    Uses Django's cache (per process with the default local-memory cache; configure a shared cache,
    e.g. the database cache, when running several processes)."""
    key = f"ratelimit:{name}:{client_ip(request)}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit


@login_not_required
@require_http_methods(["GET", "POST"])
def interested(request, college):
    college = get_object_or_404(College, slug=college)
    form = InterestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        limit = getattr(settings, "PIPELINE_INTEREST_LIMIT", 5)
        window = getattr(settings, "PIPELINE_INTEREST_WINDOW_SECONDS", 3600)
        if over_rate_limit(request, "pipeline-interest", limit=limit, window=window):
            return render(request, "release/too_many.jinja", {"title": "Too many attempts", "minutes": window // 60},
                          status=429)
        if form.is_valid():
            try:
                services.interest_submit(college=college, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                return redirect("pipeline:thanks", college=college.slug)
    return render(request, "release/interested.jinja", {"title": "Interested in teaching?", "form": form, "college": college})


@login_not_required
@require_GET
def thanks(request, college):
    college = get_object_or_404(College, slug=college)
    return render(request, "release/interested_thanks.jinja", {"title": "Thank you", "college": college})


@require_GET
@requires("view_pipeline")
def entry_list(request):
    form = EntryFilterForm(request.GET or None)
    qs = selectors.visible_entries(request.user)
    if form.is_valid():
        qs = selectors.filter_entries(qs, **{k: v for k, v in form.cleaned_data.items() if v})
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "release/pipeline_list.jinja", {
        "title": "Staff-tutor pipeline", "section": "pipeline", "filter": form, "page": page,
        "counts": selectors.stage_counts(request.user.college),
    })


@require_http_methods(["GET", "POST"])
@requires("manage_pipeline")
def entry_add(request):
    college = request.user.college
    form = EntryForm(request.POST if request.method == "POST" else None, college=college)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_create(actor=request.user, college=college, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{entry.name} added to the pipeline.")
            return redirect("pipeline:detail", pk=entry.pk)
    return render(request, "release/pipeline_form.jinja", {"title": "Add someone to the pipeline", "section": "pipeline", "form": form})


@require_GET
@requires("view_pipeline")
def entry_detail(request, pk):
    entry = selectors.entry_for(request.user, pk)
    return render(request, "release/pipeline_detail.jinja", {"title": entry.name, "section": "pipeline", "entry": entry})


@require_http_methods(["GET", "POST"])
@requires("manage_pipeline")
def entry_stage(request, pk):
    entry = selectors.entry_for(request.user, pk)
    form = StageForm(request.POST if request.method == "POST" else None, college=request.user.college, initial={"stage": entry.stage})
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_set_stage(actor=request.user, entry=entry, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Stage saved for {entry.name}.")
            return redirect("pipeline:detail", pk=entry.pk)
    return render(request, "release/pipeline_stage.jinja", {"title": f"Change stage: {entry.name}", "section": "pipeline",
                                                            "form": form, "entry": entry})


@require_GET
@requires("view_pipeline_funnel")
def funnel(request):
    rows = selectors.funnel(request.user.college)
    labels = [r["quarter"] for r in rows]
    svg = grouped_bars(
        title="Staff-tutor pipeline: people reaching each stage, per quarter",
        description="Bars per quarter for interested, trained, teaching and lapsed; the table below gives the numbers.",
        labels=labels, chart_id="funnel",
        series=[(label, [r[key] for r in rows]) for key, label in
                (("interested", "Interested"), ("trained", "Trained"), ("teaching", "Teaching"), ("lapsed", "Lapsed"))],
    ) if rows else ""
    return render(request, "release/funnel.jinja", {"title": "Pipeline funnel per quarter", "section": "pipeline",
                                                    "rows": rows, "svg": svg})
