"""Sign-in and sessions: timeouts, lockout, two-factor, disabled accounts, headers."""

import re
import time

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tandem.accounts.middleware import SESSION_LAST_SEEN, SESSION_STARTED
from tandem.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

LOGIN = "/sign-in/"


def sign_in(client, username, password=None):
    return client.post(LOGIN, {"username": username, "password": password or f"pw-{username}"})


def code_for(device, steps_ahead=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


@pytest.fixture
def otp_on(settings):
    settings.TANDEM_OTP_REQUIRED = True
    # django-otp also slows guessing down (1 s, 2 s, 4 s… after each wrong code); these tests post
    # a right code straight after a wrong one.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    return settings


# --- Session timeouts ---------------------------------------------------------------------------


def _age_session(client, **seconds_ago):
    session = client.session
    now = time.time()
    for key, ago in seconds_ago.items():
        session[{"started": SESSION_STARTED, "last_seen": SESSION_LAST_SEEN}[key]] = now - ago
    session.save()


def test_a_session_idle_for_15_minutes_ends(world, client):
    assert sign_in(client, "tutor").status_code == 302
    assert client.get("/").status_code == 200
    _age_session(client, last_seen=15 * 60 + 5)
    response = client.get("/courses/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session
    follow = client.get(response["Location"])
    assert "your session timed out" in follow.content.decode()


def test_activity_keeps_a_session_alive_but_not_past_12_hours(world, client):
    sign_in(client, "tutor")
    _age_session(client, started=11 * 3600, last_seen=14 * 60)
    assert client.get("/").status_code == 200  # 14 minutes idle: still in
    _age_session(client, started=12 * 3600 + 5, last_seen=10)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_force_login_sessions_start_their_clocks_at_the_first_request(world, client):
    client.force_login(world.leader)
    assert client.get("/").status_code == 200
    assert SESSION_STARTED in client.session and SESSION_LAST_SEEN in client.session


# --- Lockout ------------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_username_with_a_clear_message(world, client):
    for attempt in range(4):
        response = sign_in(client, "leader", "wrong-password")
        assert response.status_code == 200, attempt
        assert "Enter a correct username and password" in response.content.decode()
    response = sign_in(client, "leader", "wrong-password")
    page = response.content.decode()
    assert response.status_code == 429
    assert "This account is locked" in page and "Try again in 30 minutes" in page
    assert "There is a problem" in page  # the NHS.UK error summary
    # Even the right password is refused while locked...
    assert sign_in(client, "leader").status_code == 429
    # ...other usernames are not affected...
    other = client.__class__()
    assert sign_in(other, "tutor").status_code == 302
    # ...and an admin's reset unlocks it.
    call_command("axes_reset_username", "leader")
    assert sign_in(client, "leader").status_code == 302


def test_a_successful_sign_in_resets_the_failure_count(world, client):
    for _ in range(4):
        sign_in(client, "leader", "wrong-password")
    assert sign_in(client, "leader").status_code == 302
    client.post("/sign-out/")
    for _ in range(4):
        assert sign_in(client, "leader", "wrong-password").status_code == 200


# --- Two-factor ---------------------------------------------------------------------------------


def test_two_factor_roles_must_verify_before_any_page(world, client, otp_on):
    response = sign_in(client, "admin")
    assert response.status_code == 302
    for url in ("/", "/tutors/", "/admin/", "/audit/"):
        r = client.get(url)
        assert r.status_code == 302 and r["Location"].startswith(reverse("accounts:otp_verify")), url
    assert client.get("/sign-out/").status_code == 200  # sign-out is always reachable
    assert client.get(reverse("accounts:otp_verify")).status_code == 200
    wrong = client.post(reverse("accounts:otp_verify"), {"code": "000000", "next": "/tutors/"})
    assert wrong.status_code == 200 and "That code is not right" in wrong.content.decode()
    right = client.post(reverse("accounts:otp_verify"), {"code": code_for(world.totp["admin"]), "next": "/tutors/"})
    assert right.status_code == 302 and right["Location"] == "/tutors/"
    assert client.get("/tutors/").status_code == 200


def test_a_code_is_accepted_once_only(world, client, otp_on):
    code = code_for(world.totp["qi"])
    sign_in(client, "qi")
    assert client.post(reverse("accounts:otp_verify"), {"code": code}).status_code == 302
    client.post("/sign-out/")
    sign_in(client, "qi")
    assert client.post(reverse("accounts:otp_verify"), {"code": code}).status_code == 200  # replay refused


def test_too_many_wrong_codes_sign_the_user_out(world, client, otp_on):
    sign_in(client, "manager")
    for _ in range(4):
        assert client.post(reverse("accounts:otp_verify"), {"code": "000000"}).status_code == 200
    response = client.post(reverse("accounts:otp_verify"), {"code": "000000"})
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_first_sign_in_sets_up_an_authenticator(world, client, otp_on):
    TOTPDevice.objects.filter(user=world.qi).delete()
    sign_in(client, "qi")
    response = client.get("/")
    assert response["Location"].startswith(reverse("accounts:otp_setup"))
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page and 'role="img"' in page  # the QR code, drawn inline
    secret = re.search(r'id="otp-secret"[^>]*>([A-Z2-7 ]+)<', page).group(1)
    device = TOTPDevice.objects.get(user=world.qi, confirmed=False)
    import base64

    assert base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8)) == device.bin_key
    assert client.get(reverse("accounts:otp_setup")).content.decode().count(secret) == 1  # same key on reload
    assert client.post(reverse("accounts:otp_setup"), {"code": "12ab"}).status_code == 200
    done = client.post(reverse("accounts:otp_setup"), {"code": code_for(device), "next": "/qi/"})
    assert done.status_code == 302 and done["Location"] == "/qi/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="two_factor_setup", object_id=str(world.qi.pk)).exists()


def _secret_on_page(page):
    return re.search(r'id="otp-secret"[^>]*>([A-Z2-7 ]+)<', page).group(1).replace(" ", "")


def _code_from_secret(secret, steps_ahead=0):
    import base64

    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key, 30, 0, 6, 0)
    totp.time = time.time() + steps_ahead * 30
    return f"{totp.token():06d}"


def test_a_set_up_secret_belongs_to_the_session_that_started_it(world, client, otp_on):
    """Someone with only the password reads the set-up page first; the real user then sets up
    their phone. The secret the first one saw must never pass the second factor."""
    TOTPDevice.objects.filter(user=world.qi).delete()
    intruder = client.__class__()
    sign_in(intruder, "qi")
    seen = _secret_on_page(intruder.get(reverse("accounts:otp_setup")).content.decode())
    sign_in(client, "qi")
    page = client.get(reverse("accounts:otp_setup")).content.decode()
    secret = _secret_on_page(page)
    assert secret != seen  # a fresh secret for this session...
    assert TOTPDevice.objects.filter(user=world.qi).count() == 1  # ...and the intruder's set-up is gone
    assert client.post(reverse("accounts:otp_setup"), {"code": _code_from_secret(secret)}).status_code == 302
    # The intruder's secret passes neither the set-up nor the sign-in check.
    assert intruder.post(reverse("accounts:otp_setup"), {"code": _code_from_secret(seen)})["Location"].startswith(
        reverse("accounts:otp_verify")
    )
    refused = intruder.post(reverse("accounts:otp_verify"), {"code": _code_from_secret(seen)})
    assert refused.status_code == 200 and "That code is not right" in refused.content.decode()
    assert intruder.get("/")["Location"].startswith(reverse("accounts:otp_verify"))
    assert client.get("/").status_code == 200


def test_an_unconfirmed_secret_cannot_be_confirmed_by_another_session(world, client, otp_on):
    TOTPDevice.objects.filter(user=world.qi).delete()
    sign_in(client, "qi")
    secret = _secret_on_page(client.get(reverse("accounts:otp_setup")).content.decode())
    other = client.__class__()
    sign_in(other, "qi")  # never opened the set-up page: it may not confirm this session's device
    response = other.post(reverse("accounts:otp_setup"), {"code": _code_from_secret(secret)})
    assert response.status_code == 200 and not TOTPDevice.objects.filter(user=world.qi, confirmed=True).exists()


def test_a_set_up_runs_out_after_10_minutes(world, client, otp_on):
    from datetime import timedelta

    from django.utils import timezone

    from tandem.privacy import retention

    TOTPDevice.objects.filter(user=world.qi).delete()
    sign_in(client, "qi")
    secret = _secret_on_page(client.get(reverse("accounts:otp_setup")).content.decode())
    TOTPDevice.objects.filter(user=world.qi).update(created_at=timezone.now() - timedelta(minutes=11))
    response = client.post(reverse("accounts:otp_setup"), {"code": _code_from_secret(secret)})
    page = response.content.decode()
    assert response.status_code == 200 and "it lasts 10 minutes" in page
    assert not TOTPDevice.objects.filter(user=world.qi, confirmed=True).exists()
    fresh = _secret_on_page(page)
    assert fresh != secret and TOTPDevice.objects.filter(user=world.qi).count() == 1  # the old one is deleted
    assert client.post(reverse("accounts:otp_setup"), {"code": _code_from_secret(fresh)}).status_code == 302
    # `tandem retention` removes set-ups left unfinished (and their secrets).
    TOTPDevice.objects.filter(user=world.manager).delete()
    stale = TOTPDevice.objects.create(user=world.manager, name="Authenticator app", confirmed=False)
    TOTPDevice.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(minutes=11))
    recent = TOTPDevice.objects.create(user=world.admin, name="Authenticator app", confirmed=False)
    retention.run()
    assert not TOTPDevice.objects.filter(pk=stale.pk).exists()
    assert (
        TOTPDevice.objects.filter(pk=recent.pk).exists()
        and TOTPDevice.objects.filter(pk=world.totp["admin"].pk).exists()
    )


def test_the_session_key_changes_when_the_second_factor_is_passed(world, client, otp_on):
    sign_in(client, "admin")
    before = client.session.session_key
    assert client.post(reverse("accounts:otp_verify"), {"code": code_for(world.totp["admin"])}).status_code == 302
    assert client.session.session_key != before and not Session.objects.filter(session_key=before).exists()
    assert client.get("/").status_code == 200
    TOTPDevice.objects.filter(user=world.qi).delete()
    other = client.__class__()
    sign_in(other, "qi")
    secret = _secret_on_page(other.get(reverse("accounts:otp_setup")).content.decode())
    before = other.session.session_key
    assert other.post(reverse("accounts:otp_setup"), {"code": _code_from_secret(secret)}).status_code == 302
    assert other.session.session_key != before and not Session.objects.filter(session_key=before).exists()
    assert other.get("/").status_code == 200


def test_other_roles_need_no_second_factor(world, client, otp_on):
    for username in ("tutor", "leader"):
        client.logout()
        sign_in(client, username)
        assert client.get("/").status_code == 200, username


def test_force_login_is_unverified_when_two_factor_is_on(world, client, otp_on):
    client.force_login(world.admin)
    assert client.get("/")["Location"].startswith(reverse("accounts:otp_verify"))


def test_next_cannot_send_a_user_elsewhere(world, client, otp_on):
    sign_in(client, "admin")
    response = client.post(
        reverse("accounts:otp_verify"), {"code": code_for(world.totp["admin"]), "next": "https://evil.example.com/"}
    )
    assert response["Location"] == reverse("core:dashboard")


def test_reset_two_factor_command(world, otp_on, capsys):
    call_command("reset_two_factor", "manager")
    assert not TOTPDevice.objects.filter(user=world.manager).exists()
    assert AuditEvent.objects.filter(action="two_factor_reset", object_id=str(world.manager.pk)).exists()


# --- Disabled accounts --------------------------------------------------------------------------


def test_disabling_a_user_ends_their_sessions(world, client):
    sign_in(client, "leader")
    other = client.__class__()
    sign_in(other, "tutor")
    assert Session.objects.count() == 2
    world.leader.is_active = False
    world.leader.save()
    assert Session.objects.count() == 1
    assert client.get("/").status_code == 302
    assert other.get("/").status_code == 200
    world.leader.first_name = "Still"
    world.leader.save()  # saving an already disabled user is harmless
    assert other.get("/").status_code == 200


# --- Headers ------------------------------------------------------------------------------------


def test_signed_in_pages_are_never_stored(world, client):
    client.force_login(world.admin)
    response = client.get("/tutors/")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_content_security_policy_with_a_nonce_on_every_inline_script(world, client):
    client.force_login(world.admin)
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    page = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", page)
    inline = [s for s in scripts if "src=" not in s]
    assert inline and all(f'nonce="{nonce}"' in s for s in inline), scripts
    assert response["X-Frame-Options"] == "DENY"


def test_the_django_admin_never_shows_authenticator_secrets(world, client):
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    client.force_login(world.admin)
    device = world.totp["qi"]
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert device.key not in page and "Authenticator app" in page
    assert device.key not in client.get("/admin/otp_totp/totpdevice/").content.decode()
