"""Conventions a reviewer would otherwise have to remember (docs/DEVELOPING.md): every write
service takes keyword arguments only, and no module grows past what a newcomer can read."""

import importlib
import inspect
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 550  # "split a module once it passes ~500 lines"


def service_modules():
    for path in sorted((ROOT / "tandem").rglob("*services.py")):
        if "tests" not in path.parts:
            yield ".".join(path.relative_to(ROOT).with_suffix("").parts)


def writes(fn):
    source = inspect.getsource(fn)
    return bool(
        "transaction.atomic" in source
        or re.search(r"\brecord(_many)?\(", source)
        or re.search(r"\.(save|delete|bulk_create|update)\(", source)
        or ".objects.create(" in source
    )


@pytest.mark.parametrize("module", list(service_modules()))
def test_write_services_take_keyword_arguments_only(module):
    mod = importlib.import_module(module)
    positional = []
    for name, fn in vars(mod).items():
        if name.startswith("_") or not inspect.isfunction(fn) or inspect.unwrap(fn).__module__ != module:
            continue
        if not writes(fn):
            continue
        params = inspect.signature(fn).parameters.values()
        if any(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params):
            positional.append(name)
    assert not positional, f"{module}: write services with positional parameters (use *, ...): {positional}"


def test_every_module_stays_readable():
    long = []
    for base in ("tandem", "spc", "planner"):
        for path in (ROOT / base).rglob("*.py"):
            if {"tests", "migrations"} & set(path.parts):
                continue
            lines = path.read_text(encoding="utf-8").count("\n")
            if lines > MAX_LINES:
                long.append(f"{path.relative_to(ROOT)} ({lines} lines)")
    assert not long, f"split these modules (over {MAX_LINES} lines): {long}"
