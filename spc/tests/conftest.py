"""Shared helpers for the spc tests.

The reference cases live outside the repository, in the shared folder
(`../shared/reference/spc/` next to the checkout, or $TANDEM_SHARED/reference/spc/).
They are read in place and never copied in; where the folder is absent (a user's machine)
the tests that need it skip with a message saying so.
"""

import json
import math
import os
from pathlib import Path

import pytest


def reference_dir():
    shared = os.environ.get("TANDEM_SHARED")
    if shared:
        return Path(shared) / "reference" / "spc"
    return Path(__file__).resolve().parents[2] / ".." / "shared" / "reference" / "spc"


def reference_files():
    folder = reference_dir()
    return sorted(p.name for p in folder.glob("*.json")) if folder.is_dir() else []


def load_reference(name):
    path = reference_dir() / name
    if not path.is_file():
        pytest.skip(
            f"SPC reference cases not found at {reference_dir()} (set TANDEM_SHARED to the shared folder to run them)"
        )
    return json.loads(path.read_text())


def assert_matches(expected, got, path="result"):
    """Compare only the fields `expected` fixes; numbers with rel tol 1e-9."""
    if isinstance(expected, dict):
        assert isinstance(got, dict), f"{path}: expected an object, got {got!r}"
        for key, value in expected.items():
            assert key in got, f"{path}.{key}: missing"
            assert_matches(value, got[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(got, list), f"{path}: expected a list, got {got!r}"
        assert len(got) == len(expected), f"{path}: {len(got)} items, expected {len(expected)}"
        for i, (e, g) in enumerate(zip(expected, got)):
            assert_matches(e, g, f"{path}[{i}]")
    elif isinstance(expected, bool) or expected is None or isinstance(expected, str):
        assert got is expected or got == expected and type(got) is type(expected), (
            f"{path}: expected {expected!r}, got {got!r}"
        )
    else:
        assert isinstance(got, (int, float)) and not isinstance(got, bool), (
            f"{path}: expected a number {expected!r}, got {got!r}"
        )
        assert math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-12), f"{path}: expected {expected!r}, got {got!r}"
