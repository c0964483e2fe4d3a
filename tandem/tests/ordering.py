"""A pytest plugin (registered by the root conftest.py): the order test files are handed out in."""

import pytest


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The heaviest test files first, so that under pytest-xdist (`--dist loadfile`, which hands out
    whole files in collection order) the long ones start at once and the many short ones fill the
    workers in at the end; otherwise a two-minute file handed out last leaves one worker idle.
    Files with a test marked both `slow` and `browser` come first, then `slow` or `browser`, then
    the rest; within each group, files with more tests first. xdist would otherwise order files by
    their number of tests alone (the Makefile passes --no-loadscope-reorder so this order stands). Runs after pytest-django's own ordering, which
    puts transactional tests last: under xdist that order is already per worker, not global, and
    every test makes its own data."""

    def weight(item):
        return bool(item.get_closest_marker("slow")) + bool(item.get_closest_marker("browser"))

    heaviest, tests = {}, {}
    for item in items:
        heaviest[item.path] = max(heaviest.get(item.path, 0), weight(item))
        tests[item.path] = tests.get(item.path, 0) + 1
    items.sort(key=lambda item: (-heaviest[item.path], -tests[item.path]))
