from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from tandem.accounts.rules import requires
from tandem.core.forms import add_service_errors

from . import selectors, services
from .forms import SensitiveProfileForm, TutorFilterForm, TutorForm


@require_GET
@requires("view_tutor_register")
def tutor_list(request):
    form = TutorFilterForm(request.GET or None)
    qs = selectors.visible_tutors(request.user)
    if form.is_valid():
        qs = selectors.filter_tutors(qs, **{k: v for k, v in form.cleaned_data.items() if v})
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "tutors/list.jinja", {"title": "Tutors", "section": "tutors", "filter": form, "page": page})


@require_GET
def tutor_detail(request, pk):
    tutor = selectors.tutor_for(request.user, pk)
    runs = tutor.assigned_runs.select_related("course", "term").order_by("-start_date")[:20]
    return render(
        request, "tutors/detail.jinja", {"title": tutor.full_name, "section": "tutors", "tutor": tutor, "runs": runs}
    )


@require_GET
@requires("view_own_tutor_record")
def my_record(request):
    tutor = selectors.visible_tutors(request.user).first()
    if tutor is None:
        raise Http404("No tutor record is linked to this account.")
    return redirect("tutors:detail", pk=tutor.pk)


def _save(request, form, tutor=None):
    fields = {k: v for k, v in form.cleaned_data.items()}
    try:
        if tutor is None:
            return services.tutor_create(actor=request.user, college=request.user.college, **fields)
        return services.tutor_update(actor=request.user, tutor=tutor, **fields)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


@require_http_methods(["GET", "POST"])
@requires("manage_tutors")
def tutor_create(request):
    form = TutorForm(request.POST if request.method == "POST" else None, college=request.user.college)
    if request.method == "POST" and form.is_valid():
        tutor = _save(request, form)
        if tutor:
            return redirect("tutors:detail", pk=tutor.pk)
    return render(request, "tutors/form.jinja", {"title": "Add a tutor", "section": "tutors", "form": form})


@require_http_methods(["GET", "POST"])
@requires("manage_tutors")
def tutor_edit(request, pk):
    tutor = selectors.tutor_for(request.user, pk)
    form = TutorForm(request.POST if request.method == "POST" else None, instance=tutor, college=request.user.college)
    if request.method == "POST" and form.is_valid():
        # ModelForm validation has already written the values onto `tutor`; reload to let the
        # service see what changed.
        fresh = selectors.tutor_for(request.user, pk)
        if _save(request, form, fresh):
            return redirect("tutors:detail", pk=pk)
    return render(
        request,
        "tutors/form.jinja",
        {"title": f"Edit {tutor.full_name}", "section": "tutors", "form": form, "tutor": tutor},
    )


@sensitive_post_parameters("lived_experience", "support_needs")  # never in error reports
@require_http_methods(["GET", "POST"])
@requires("manage_sensitive_profiles")
def sensitive_profile(request, pk):
    """A peer tutor's lived-experience note and support needs: admins only, every read audited."""
    tutor = selectors.tutor_for(request.user, pk)
    if tutor.kind != tutor.Kind.PEER:
        raise Http404("Only peer tutors have a sensitive profile.")
    profile = None
    if request.method == "POST":
        form = SensitiveProfileForm(request.POST)
        if form.is_valid():
            if request.POST.get("action") == "delete":
                services.sensitive_profile_delete(actor=request.user, tutor=tutor)
                messages.success(request, "The sensitive profile is deleted.")
            else:
                services.sensitive_profile_save(actor=request.user, tutor=tutor, **form.cleaned_data)
                messages.success(request, "The sensitive profile is saved.")
            return redirect("tutors:detail", pk=pk)
    else:
        profile = selectors.sensitive_profile_read(request.user, tutor)
        form = SensitiveProfileForm(
            initial={"lived_experience": profile.lived_experience, "support_needs": profile.support_needs}
            if profile
            else None
        )
    return render(
        request,
        "tutors/sensitive_profile.jinja",
        {
            "title": f"Sensitive profile of {tutor.full_name}",
            "section": "tutors",
            "form": form,
            "tutor": tutor,
            "exists": profile is not None,
        },
    )
