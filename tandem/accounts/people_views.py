"""*People*: a College admin's accounts page. Invite a person, change their role or tutor record,
disable or enable, unlock a locked sign-in, reset two-factor, send a new invitation link."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from tandem.core.forms import add_service_errors
from tandem.core.params import parse_id
from tandem.tutors.models import Tutor

from . import services
from .models import Role, User
from .people_forms import InviteForm, PersonForm
from .rules import requires

SECTION = "people"


def people_of(user):
    return User.objects.filter(college_id=user.college_id).order_by("last_name", "first_name", "username")


def person_for(user, pk):
    return get_object_or_404(people_of(user), pk=pk)


@require_GET
@requires("manage_accounts")
def people(request):
    # Students have their own page (Students): thousands of them would bury the staff here.
    everyone = people_of(request.user)
    page = Paginator(everyone.exclude(role=Role.STUDENT).prefetch_related("tutor"), 50).get_page(
        request.GET.get("page")
    )
    students = everyone.filter(role=Role.STUDENT).count()
    confirmed = set(
        TOTPDevice.objects.filter(user__in=page.object_list, confirmed=True).values_list("user_id", flat=True)
    )
    for person in page.object_list:
        person.invited = not person.has_usable_password()
        person.two_factor = person.pk in confirmed
        person.locked = services.is_locked(person)
    return render(
        request, "accounts/people.jinja", {"title": "People", "section": SECTION, "page": page, "students": students}
    )


@require_http_methods(["GET", "POST"])
@requires("manage_accounts")
def invite(request):
    initial = {}
    tutor_id = parse_id(request.GET.get("tutor"), optional=True)
    tutor = (
        Tutor.objects.filter(college_id=request.user.college_id, user__isnull=True, pk=tutor_id).first()
        if tutor_id is not None
        else None
    )
    if tutor is not None:  # "Invite … to Tandem" on a tutor's page
        initial = {
            "tutor": tutor.pk,
            "role": "tutor",
            "first_name": tutor.first_name,
            "last_name": tutor.last_name,
            "email": tutor.email,
        }
    form = InviteForm(request.POST if request.method == "POST" else None, college=request.user.college, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.user_invite(actor=request.user, college=request.user.college, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{person.get_full_name()} is invited: we have emailed {person.email} a link to set a password.",
            )
            return redirect("accounts:person", pk=person.pk)
    return render(request, "accounts/invite.jinja", {"title": "Invite a person", "section": SECTION, "form": form})


@require_http_methods(["GET", "POST"])
@requires("manage_accounts")
def person(request, pk):
    person = person_for(request.user, pk)
    linked = Tutor.objects.filter(user=person).first()
    form = PersonForm(
        request.POST if request.method == "POST" else None,
        college=request.user.college,
        user=person,
        initial={
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "role": person.role,
            "tutor": linked.pk if linked else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, user=person, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The account is saved.")
            return redirect("accounts:person", pk=pk)
    return render(
        request,
        "accounts/person.jinja",
        {
            "title": person.get_full_name() or person.username,
            "section": SECTION,
            "person": person,
            "form": form,
            "linked": linked,
            "invited": not person.has_usable_password(),
            "locked": services.is_locked(person),
            "two_factor": TOTPDevice.objects.filter(user=person).exists(),
            "self": person.pk == request.user.pk,
        },
    )


ACTIONS = {
    "disable": (
        lambda actor, p: services.user_set_active(actor=actor, user=p, active=False),
        "The account is disabled: its sessions have ended and it cannot sign in.",
    ),
    "enable": (lambda actor, p: services.user_set_active(actor=actor, user=p, active=True), "The account is enabled."),
    "unlock": (lambda actor, p: services.user_unlock(actor=actor, user=p), "The sign-in is unlocked."),
    "reset_two_factor": (
        lambda actor, p: services.user_reset_two_factor(actor=actor, user=p),
        "Two-factor is reset: they set up their authenticator app again at their next sign-in.",
    ),
    "reinvite": (
        lambda actor, p: services.user_reinvite(actor=actor, user=p),
        "We have emailed a new link to set a password.",
    ),
}


@require_POST
@requires("manage_accounts")
def person_action(request, pk, action):
    person = person_for(request.user, pk)
    if action not in ACTIONS:
        messages.error(request, "That is not something Tandem can do to an account.")
        return redirect("accounts:person", pk=pk)
    do, done = ACTIONS[action]
    try:
        do(request.user, person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("accounts:person", pk=pk)
