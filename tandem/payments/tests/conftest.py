"""The browser fixtures of tandem/tests/browser (Playwright + axe), for this app's browser tests.

`page` is re-exported as it is. `browser` is redefined with module scope (as in tandem/qi/tests):
a second session-scoped Playwright would still be running when tandem/tests/browser starts its
own, and Playwright's sync API allows only one at a time in a thread.
"""

from pathlib import Path

import pytest

from tandem.tests.browser.conftest import AXE, CHROMIUM, CHROMIUM_ARGS, _missing, page  # noqa: F401


@pytest.fixture(scope="module")
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
