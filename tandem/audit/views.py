from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tandem.accounts.rules import requires

from . import selectors
from .forms import AuditFilterForm


@require_GET
@requires("view_audit_log")
def audit_log(request):
    scoped = selectors.visible_events(request.user)
    form = AuditFilterForm(
        request.GET or None,
        actors=selectors.choices(scoped, "actor_label"),
        actions=selectors.choices(scoped, "action"),
        object_types=selectors.choices(scoped, "object_type"),
    )
    qs = scoped
    if form.is_bound and form.is_valid():
        qs = selectors.filter_events(qs, **{k: v for k, v in form.cleaned_data.items() if v})
    elif form.is_bound:
        qs = qs.none()
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/log.jinja",
        {
            "title": "Audit log",
            "section": "audit",
            "filter": form,
            "form": form if form.is_bound else None,
            "page": page,
        },
    )
