"""The browser fixtures, shared by every app's browser tests (registered in the root conftest.py)."""

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures
# around it are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Host names other than the live server's resolve to nothing, at once. The tests run without a
    # network, where a request for NHS.UK frontend's fonts (assets.nhs.uk) can hang for five
    # seconds before it fails; a page's layout must not depend on whether it arrived (the fallback
    # font is used either way). Unlike intercepting requests (Playwright's route), this keeps the
    # browser's cache, so stylesheets and scripts are not fetched again for every page.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost",
]


def _missing(what):
    message = f"{what}; install it with `make install` (Debian's chromium package, npm axe-core)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        _missing(f"Chromium not found at {CHROMIUM}")
    if not AXE.exists():
        _missing(f"axe-core not found at {AXE}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    # Anything the Content-Security-Policy blocked (assert_accessible fails on blocked scripts).
    pg.csp_violations = []
    pg.on(
        "console",
        lambda msg: (
            pg.csp_violations.append(f"{pg.url}: {msg.text}")
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    # Stylesheets, scripts, images and fonts of Tandem's own that did not load (assert_accessible
    # fails on them: e.g. an icon the NHS.UK stylesheet asks for at a path Tandem does not serve).
    pg.missing_assets = []
    pg.on(
        "response",
        lambda response: (
            pg.missing_assets.append(f"{response.status} {response.url}")
            if response.status >= 400
            and response.url.startswith(live_server.url)
            and response.request.resource_type in ("stylesheet", "script", "image", "font")
            else None
        ),
    )
    yield pg
    context.close()
