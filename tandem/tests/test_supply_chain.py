"""The supply chain: production's lock pins every package with its hashes and holds no
development or test tool; the NHS.UK frontend from npm and its Jinja port agree."""

import json
import re
from importlib.metadata import metadata, version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEV_TOOLS = {"pytest", "pytest-django", "pytest-xdist", "playwright", "hypothesis", "ruff", "bandit", "pip-audit"}


def pins(path):
    """{name: (version, [hashes])} of a pip-compile lock."""
    text = (ROOT / path).read_text(encoding="utf-8")
    out = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        m = re.match(r"([A-Za-z0-9_.\-]+)==([^\s\\]+)", block)
        if m:
            out[m.group(1).lower().replace("_", "-")] = (m.group(2), re.findall(r"--hash=sha256:([0-9a-f]{64})", block))
    return out


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-dev.lock"])
def test_every_pin_has_hashes(lock):
    found = pins(lock)
    assert found, f"{lock} pins nothing"
    unhashed = sorted(name for name, (_v, hashes) in found.items() if not hashes)
    assert not unhashed, f"{lock}: no hash for {unhashed} (regenerate with make lock)"


def test_production_installs_no_development_tool():
    assert not DEV_TOOLS & set(pins("requirements.lock")), "a development tool is in production's lock"
    assert DEV_TOOLS <= set(pins("requirements-dev.lock"))


def test_the_locks_agree_on_shared_packages():
    prod, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    clashes = {n: (prod[n][0], dev[n][0]) for n in set(prod) & set(dev) if prod[n][0] != dev[n][0]}
    assert not clashes


def test_nhsuk_frontend_and_its_jinja_port_agree():
    """nhsuk-frontend-jinja says which NHS.UK frontend release each of its versions targets; the
    npm package must be that release's major version (the CSS and JS match the macros' HTML)."""
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    npm = lock["packages"]["node_modules/nhsuk-frontend"]["version"]
    jinja = version("nhsuk-frontend-jinja")
    table = dict(
        re.findall(
            r"^\|\s*(\d+\.\d+\.\d+)\s*\|\s*(\d+\.\d+\.\d+)\s*\|",
            metadata("nhsuk-frontend-jinja").get_payload() or str(metadata("nhsuk-frontend-jinja")),
            re.M,
        )
    )
    targets = [front for front, port in table.items() if port == jinja]
    assert targets, f"nhsuk-frontend-jinja {jinja} is not in its own compatibility table"
    assert npm.split(".")[0] == targets[0].split(".")[0], (
        f"nhsuk-frontend {npm} (npm) and nhsuk-frontend-jinja {jinja} (for frontend {targets[0]}) differ in major version"
    )
