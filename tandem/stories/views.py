from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from tandem.accounts.rules import requires
from tandem.core import clock
from tandem.core.forms import add_service_errors

from . import pack, selectors, services
from .forms import (
    ConsentForm,
    LibraryFilterForm,
    StoryCreateForm,
    StoryForm,
    WithdrawForm,
)


@require_GET
@requires("view_stories")
def library(request):
    tags = selectors.tags_in_use(request.user.college_id)
    form = LibraryFilterForm(request.GET or None, tags=tags)
    qs = selectors.library(request.user)
    if form.is_valid():
        qs = selectors.search(qs, **{k: v for k, v in form.cleaned_data.items() if v})
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(
        request, "stories/library.jinja", {"title": "Stories", "section": "stories", "filter": form, "page": page}
    )


@require_GET
@requires("view_stories")
def detail(request, pk):
    story = selectors.story_for(request.user, pk)
    return render(request, "stories/detail.jinja", {"title": story.title, "section": "stories", "story": story})


@require_GET
@requires("manage_stories")
def manage(request):
    stories = selectors.managed_stories(request.user)
    return render(
        request,
        "stories/manage.jinja",
        {"title": "Manage stories and consent", "section": "stories", "stories": stories},
    )


@require_http_methods(["GET", "POST"])
@requires("manage_stories")
def add(request):
    form = StoryCreateForm(
        request.POST if request.method == "POST" else None,
        initial={"given_on": clock.today(request.user), "told_on": clock.today(request.user)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            story = services.story_create(actor=request.user, college=request.user.college, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Story “{story.title}” saved with its consent.")
            return redirect("stories:manage_story", pk=story.pk)
    return render(
        request,
        "stories/form.jinja",
        {"title": "Add a story", "section": "stories", "form": form, "story": None, "with_consent": True},
    )


@require_GET
@requires("manage_stories")
def manage_story(request, pk):
    story = selectors.managed_story(request.user, pk)
    return render(
        request, "stories/manage_story.jinja", {"title": f"Story: {story.title}", "section": "stories", "story": story}
    )


@require_http_methods(["GET", "POST"])
@requires("manage_stories")
def edit(request, pk):
    story = selectors.managed_story(request.user, pk)
    initial = {k: getattr(story, k) for k in services.STORY_FIELDS}
    initial["tags"] = ", ".join(t.name for t in story.tags.all())
    form = StoryForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.story_update(actor=request.user, story=story, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Story saved.")
            return redirect("stories:manage_story", pk=story.pk)
    return render(
        request,
        "stories/form.jinja",
        {"title": f"Edit: {story.title}", "section": "stories", "form": form, "story": story, "with_consent": False},
    )


@require_http_methods(["GET", "POST"])
@requires("manage_stories")
def consent(request, pk):
    story = selectors.managed_story(request.user, pk)
    form = ConsentForm(
        request.POST if request.method == "POST" else None, initial={"given_on": clock.today(request.user)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(actor=request.user, story=story, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Consent recorded.")
            return redirect("stories:manage_story", pk=story.pk)
    return render(
        request,
        "stories/consent.jinja",
        {"title": f"Record consent: {story.title}", "section": "stories", "form": form, "story": story},
    )


@require_http_methods(["GET", "POST"])
@requires("manage_stories")
def withdraw(request, pk):
    story = selectors.managed_story(request.user, pk)
    form = WithdrawForm(request.POST if request.method == "POST" else None, initial={"on": clock.today(request.user)})
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(actor=request.user, story=story, on=form.cleaned_data["on"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Consent withdrawn: the story is no longer shown anywhere.")
            return redirect("stories:manage_story", pk=story.pk)
    return render(
        request,
        "stories/withdraw.jinja",
        {"title": f"Withdraw consent: {story.title}", "section": "stories", "form": form, "story": story},
    )


@require_http_methods(["GET", "POST"])
@requires("manage_stories")
def delete(request, pk):
    story = selectors.managed_story(request.user, pk)
    if request.method == "POST":
        title = story.title
        services.story_delete(actor=request.user, story=story)
        messages.success(request, f"Story “{title}” deleted.")
        return redirect("stories:manage")
    return render(
        request, "stories/delete.jinja", {"title": f"Delete: {story.title}", "section": "stories", "story": story}
    )


@require_GET
@requires("download_story_pack")
def story_pack(request):
    pdf = pack.pdf(request, selectors.pack_stories(request.user), request.user.college)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="story-pack.pdf"'
    return response
