"""The Django admin is not a second door: platform operators only, College data read only, and
every change an operator makes to an account or an authenticator is audited (names, never values)."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import resolve, reverse

from tandem.accounts.admin_site import ReadOnlyAdmin, SetupAdmin, TandemAdminSite, is_platform_operator
from tandem.accounts.models import User
from tandem.audit.models import AuditEvent
from tandem.core.models import College, Organisation, Room, Site, Term

# The records an operator sets a new College up with (no Tandem page creates them): add and
# change, never delete, each save audited. Every other tandem model is view only.
SETUP_MODELS = {Organisation, College, Term, Site, Room}
NEW_PASSWORD = "An0ther-long-passphrase"


@pytest.fixture
def operator(db):
    return User.objects.create_superuser(username="operator", email="ops@example.org", password="pw-operator")


def admin_urls(world):
    """A sample of every kind of admin page: index, app index, changelists, change forms, the
    admin's own sign-in, password pages, and an unknown admin path."""
    return [
        "/admin/",
        "/admin/login/",
        "/admin/logout/",
        "/admin/password_change/",
        "/admin/jsi18n/",
        "/admin/tutors/",
        "/admin/tutors/tutor/",
        f"/admin/tutors/tutor/{world.other_tutor.pk}/change/",
        "/admin/tutors/tutor/add/",
        "/admin/courses/session/",
        f"/admin/courses/session/{world.session.pk}/change/",
        "/admin/payments/payment/",
        "/admin/qi/qiproject/",
        "/admin/core/college/",
        "/admin/accounts/user/",
        f"/admin/accounts/user/{world.leader.pk}/change/",
        f"/admin/accounts/user/{world.leader.pk}/password/",
        "/admin/otp_totp/totpdevice/",
        f"/admin/otp_totp/totpdevice/{world.totp['qi'].pk}/delete/",
        "/admin/no-such-page/",
    ]


def _non_operators(world):
    return [*world.users.values(), world.other_admin]


def test_the_admin_is_tandems_site():
    assert isinstance(resolve("/admin/").func.admin_site, TandemAdminSite)


@pytest.mark.parametrize("staff", [False, True])
def test_no_college_role_gets_any_admin_page(world, client, staff):
    """Every College role, even with is_staff: a 404 from every admin URL, GET or POST, the
    admin's sign-in page included; nothing of the admin is rendered."""
    failures = []
    for user in _non_operators(world):
        user.is_staff = staff
        user.save()
        assert not is_platform_operator(user)
        client.force_login(user)
        for url in admin_urls(world):
            for method in ("get", "post"):
                response = getattr(client, method)(
                    url, {"status": "delivered", "post": "yes"} if method == "post" else None
                )
                body = response.content.decode(errors="replace")
                if response.status_code != 404 or "administration" in body.lower():
                    failures.append(f"{user.username} {method.upper()} {url}: {response.status_code}")
    assert not failures, failures
    world.session.refresh_from_db()
    assert world.session.status != "delivered"
    assert world.totp["qi"].__class__.objects.filter(pk=world.totp["qi"].pk).exists()


def test_an_inactive_or_non_superuser_staff_account_is_no_operator(world):
    world.admin.is_staff = True
    assert not is_platform_operator(world.admin)
    world.admin.is_superuser = True
    assert is_platform_operator(world.admin)
    world.admin.is_active = False
    assert not is_platform_operator(world.admin)


def test_anonymous_visitors_are_sent_to_tandems_own_sign_in(world, client):
    sign_in = reverse("accounts:login")
    response = client.get("/admin/login/")
    assert response.status_code == 302 and response["Location"] == f"{sign_in}?next=/admin/"
    response = client.get("/admin/tutors/tutor/", follow=True)
    assert response.redirect_chain[-1][0].startswith(sign_in)
    assert "next=/admin/tutors/tutor/" in response.redirect_chain[-1][0]
    assert response.status_code == 200 and "administration" not in response.content.decode().lower()


def test_an_operator_views_every_registered_changelist(world, client, operator):
    client.force_login(operator)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/login/")["Location"] == "/admin/"  # already signed in
    failures = []
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        status = client.get(url).status_code
        if status != 200:
            failures.append(f"{url}: {status}")
    assert not failures, failures
    for url in (
        f"/admin/tutors/tutor/{world.other_tutor.pk}/change/",
        f"/admin/courses/session/{world.session.pk}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 200 and "Save" not in response.content.decode(), url


def test_an_operator_cannot_add_change_or_delete_college_data(world, client, operator):
    client.force_login(operator)
    session_url = f"/admin/courses/session/{world.session.pk}/change/"
    assert (
        client.post(
            session_url,
            {
                "status": "delivered",
                "run": world.run.pk,
                "date": "2019-09-03",
                "start_time": "10:00",
                "end_time": "12:00",
            },
        ).status_code
        == 403
    )
    world.session.refresh_from_db()
    assert world.session.status != "delivered"
    assert client.post(f"/admin/tutors/tutor/{world.staff.pk}/change/", {"first_name": "X"}).status_code == 403
    assert client.get("/admin/tutors/tutor/add/").status_code == 403
    assert client.post("/admin/tutors/tutor/add/", {"first_name": "X"}).status_code == 403
    assert client.post(f"/admin/tutors/tutor/{world.staff.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(
        "/admin/tutors/tutor/", {"action": "delete_selected", "_selected_action": [world.staff.pk], "post": "yes"}
    ).status_code in (200, 302)
    world.staff.refresh_from_db()
    assert world.staff.first_name == "Sam"
    assert client.post(f"/admin/core/college/{world.college.pk}/delete/", {"post": "yes"}).status_code == 403
    assert College.objects.filter(pk=world.college.pk).exists()


def _permissions(model_admin, request):
    return {
        "add": model_admin.has_add_permission(request),
        "change": model_admin.has_change_permission(request),
        "delete": model_admin.has_delete_permission(request),
    }


def test_every_tandem_model_but_the_user_is_read_only_in_the_admin(operator):
    """A new tandem model registered on the admin fails here unless it is view only (ReadOnlyAdmin),
    or one of the setup records (SetupAdmin: no delete)."""
    request = RequestFactory().get("/admin/")
    request.user = operator
    writable = []
    seen = set()
    for model, model_admin in admin.site._registry.items():
        if not model._meta.app_config.name.startswith("tandem.") or model is User:
            continue
        seen.add(model)
        label = model._meta.label
        perms = _permissions(model_admin, request)
        if model in SETUP_MODELS:
            if not isinstance(model_admin, SetupAdmin) or perms["delete"]:
                writable.append(f"{label}: {perms}")
            continue
        if not isinstance(model_admin, ReadOnlyAdmin) or any(perms.values()):
            writable.append(f"{label}: {perms}")
        for inline_class in model_admin.inlines:
            inline = inline_class(model, admin.site)
            inline_perms = {
                "add": inline.has_add_permission(request, None),
                "change": inline.has_change_permission(request),
                "delete": inline.has_delete_permission(request),
            }
            if any(inline_perms.values()):
                writable.append(f"{label} inline {inline.model._meta.label}: {inline_perms}")
    assert not writable, f"tandem models writable in the Django admin: {writable}"
    assert seen >= SETUP_MODELS
    assert len(seen) > len(SETUP_MODELS)


def test_setup_records_saved_by_an_operator_are_audited(world, client, operator):
    client.force_login(operator)
    response = client.post(f"/admin/core/organisation/{world.charity.pk}/change/", {"name": "Hillside Renamed Charity"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(object_type="core.Organisation", object_id=str(world.charity.pk))
    assert event.action == "update" and event.fields == ["name"] and event.actor == operator
    assert "Renamed" not in event.note


def _user_form(user, **changes):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "role": user.role,
        "college": user.college_id or "",
        "date_joined_0": user.date_joined.astimezone().strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.astimezone().strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
        "_save": "Save",
    }
    data.update(changes)
    return data


def _values_absent(*values):
    for event in AuditEvent.objects.all():
        text = f"{event.fields} {event.note} {event.object_id} {event.actor_label}"
        assert not any(v in text for v in values), text


def test_an_operators_user_changes_are_audited_without_values(world, client, operator):
    client.force_login(operator)
    leader = world.leader
    response = client.post(
        f"/admin/accounts/user/{leader.pk}/change/",
        _user_form(leader, last_name="Renamed", role="college_admin", is_staff="on"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    leader.refresh_from_db()
    assert leader.last_name == "Renamed" and leader.role == "college_admin"
    event = AuditEvent.objects.get(object_type="accounts.User", object_id=str(leader.pk), action="update")
    assert {"last_name", "role", "is_staff"} <= set(event.fields)
    assert event.actor == operator and event.college_id == world.college.pk

    # Setting another user's password through the admin.
    response = client.post(
        f"/admin/accounts/user/{leader.pk}/password/",
        {
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "usable_password": "true",
            "set-password": "Change password",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    leader.refresh_from_db()
    assert leader.check_password(NEW_PASSWORD)
    events = AuditEvent.objects.filter(object_type="accounts.User", object_id=str(leader.pk), fields=["password"])
    assert events.count() == 1 and events.get().action == "update"

    # A password form that does not save writes nothing.
    client.post(f"/admin/accounts/user/{leader.pk}/password/", {"password1": "a", "password2": "b"})
    assert AuditEvent.objects.filter(object_id=str(leader.pk), fields=["password"]).count() == 1

    # Adding an account.
    response = client.post(
        "/admin/accounts/user/add/",
        {"username": "newops", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    new = User.objects.get(username="newops")
    event = AuditEvent.objects.get(object_type="accounts.User", object_id=str(new.pk), action="create")
    assert "password" in event.fields and "username" in event.fields
    assert not any(f.startswith("password") and f != "password" for f in event.fields)
    _values_absent("Renamed", NEW_PASSWORD, "newops")


def test_an_operator_deletes_an_authenticator_audited_and_never_sees_its_secret(world, client, operator):
    device = world.totp["qi"]
    client.force_login(operator)
    assert device.key not in client.get("/admin/otp_totp/totpdevice/").content.decode()
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert device.key not in page and "Authenticator app" in page
    assert client.post(f"/admin/otp_totp/totpdevice/{device.pk}/change/", {"name": "x"}).status_code == 403
    response = client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not type(device).objects.filter(pk=device.pk).exists()
    event = AuditEvent.objects.get(action="two_factor_reset")
    assert (event.object_type, event.object_id, event.fields) == ("accounts.User", str(world.qi.pk), ["totp_device"])
    assert event.actor == operator and event.college_id == world.college.pk

    # The bulk action too: one row per device.
    others = [world.totp["manager"].pk, world.totp["admin"].pk]
    response = client.post(
        "/admin/otp_totp/totpdevice/", {"action": "delete_selected", "_selected_action": others, "post": "yes"}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="two_factor_reset").count() == 3
    _values_absent(device.key)


def test_an_operator_signs_in_through_tandem_with_two_factor(world, client, operator, settings):
    """The operator has no College role, but the admin shows every College: a second factor too."""
    settings.TANDEM_OTP_REQUIRED = True
    response = client.post(
        reverse("accounts:login"), {"username": "operator", "password": "pw-operator", "next": "/admin/"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:otp_setup"))
    assert client.get("/admin/tutors/tutor/")["Location"].startswith(reverse("accounts:otp_setup"))
