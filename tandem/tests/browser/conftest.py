"""Playwright driving Debian's Chromium, with axe-core checking every page against WCAG 2.2 AA.

Outside CI the browser tests skip with a clear message where Chromium is missing; under CI
(CI=true) a missing browser is a failure.

The `browser` and `page` fixtures live in fixtures.py, registered for the whole suite by the root
conftest.py, so every app's browser tests share one session-scoped Playwright (its sync API
allows only one at a time in a thread). The helpers below are imported by those tests.
"""

import json

from .fixtures import AXE, CHROMIUM, CHROMIUM_ARGS, _missing  # noqa: F401


def current_totp(username):
    """The code a persona's authenticator app would show now (its confirmed device, or the one
    being set up), moved past the last code used: a TOTP code is accepted once only."""
    import time

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = (
        TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        or TOTPDevice.objects.filter(user__username=username).order_by("-id").first()
    )
    assert device is not None, f"{username} has no TOTP device"
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if device.last_t is not None and totp.t() <= device.last_t:
        ahead = device.last_t + 1 - totp.t()
        if ahead > device.tolerance:  # several sign-ins within one step: wait for the next one
            time.sleep((ahead - device.tolerance) * device.step)
            totp.time = time.time()
            ahead = max(0, device.last_t + 1 - totp.t())
        totp.time += ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in(page, username, password):
    """Sign in through the page; for a two-factor role (when TANDEM_OTP_REQUIRED is on) also
    set up or verify the TOTP code, as the persona's authenticator app would."""
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/two-factor/" in page.url:
        page.get_by_label("Security code").fill(current_totp(username))
        page.get_by_role("button", name="Confirm code" if "/set-up/" in page.url else "Continue").click()
        page.wait_for_load_state()


def axe_violations(page):
    """Run axe-core on the page: WCAG 2.0/2.1/2.2 A and AA rules. axe is evaluated through the
    DevTools protocol, which the page's Content-Security-Policy does not govern (a script tag
    would be blocked, as it should be)."""
    # The page as a person sees it at rest: fully loaded (stylesheets applied), and no link in its
    # hover state because the pointer happened to stop over it after the last click.
    page.wait_for_load_state("load")
    page.mouse.move(0, 0)
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


def assert_accessible(page):
    blocked = [v for v in getattr(page, "csp_violations", []) if "script" in v]
    assert not blocked, "the Content-Security-Policy blocked scripts:\n" + "\n".join(blocked)
    missing = getattr(page, "missing_assets", [])
    assert not missing, "assets that did not load:\n" + "\n".join(missing)
    violations = axe_violations(page)
    assert not violations, f"{page.url}: axe found {len(violations)} WCAG 2.2 AA violations:\n" + json.dumps(
        violations, indent=1
    )
