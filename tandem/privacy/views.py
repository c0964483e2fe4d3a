from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tandem.accounts.rules import requires
from tandem.tutors import selectors as tutor_selectors

from . import erasure, export
from .forms import EraseForm, SubjectAccessForm


@require_http_methods(["GET", "POST"])
@requires("subject_access")
def home(request):
    # The export is a POST: producing it writes audit rows (and a GET must change nothing).
    form = SubjectAccessForm(request.POST if request.method == "POST" else None, college=request.user.college)
    if request.method == "POST" and form.is_valid():
        tutor, user = form.cleaned_data.get("tutor"), form.cleaned_data.get("user")
        fmt = form.cleaned_data["format"]
        content = export.export(actor=request.user, tutor=tutor, user=user, fmt=fmt)
        who = f"tutor-{tutor.pk}" if tutor else f"user-{user.pk}"
        response = HttpResponse(content, content_type="application/pdf" if fmt == "pdf" else "application/json")
        response["Content-Disposition"] = f'attachment; filename="subject-access-{who}.{fmt}"'
        return response
    return render(request, "privacy/home.jinja", {"title": "Privacy requests", "section": "privacy", "form": form})


@require_http_methods(["GET", "POST"])
@requires("subject_access")
def erase(request, pk):
    tutor = tutor_selectors.tutor_for(request.user, pk)
    if erasure.is_erased_tutor(tutor):
        messages.info(request, "This tutor's records have already been erased.")
        return redirect("tutors:detail", pk=pk)
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            summary = erasure.erase_tutor(actor=request.user, tutor=tutor, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error("reason", exc.messages[0])
        else:
            note = ""
            if summary["stories_with_their_name"]:
                note = f" {len(summary['stories_with_their_name'])} stories carry their name: check them in the story library."
            messages.success(
                request, f"Tutor {pk}'s records are erased; payments and delivered sessions are kept.{note}"
            )
            return redirect("tutors:detail", pk=pk)
    return render(
        request,
        "privacy/erase.jinja",
        {"title": f"Erase {tutor.full_name}'s records", "section": "privacy", "form": form, "tutor": tutor},
    )
