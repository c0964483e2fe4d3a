"""Tandem term planner: a pure core (Python + OR-Tools CP-SAT, no Django).

    from planner import solve, InstanceError, check_plan
    result = solve(instance_dict, time_limit=30, seed=0, workers=2,
                   progress=lambda objective, bound, wall_s: ...)

See planner/README.md for the options (re-planning, what-if, explain cost).
"""

from .check import check_plan
from .errors import InstanceError
from .validate import validate_instance

__all__ = ["solve", "greedy_plan", "check_plan", "validate_instance", "InstanceError"]


def __getattr__(name):
    # OR-Tools (with numpy and pandas) takes about a second to import: only on first use, so
    # validation and the CLI's error paths stay instant.
    if name in ("solve", "greedy_plan"):
        from . import api  # noqa: PLC0415 (OR-Tools loads on first use)

        return getattr(api, name)
    raise AttributeError(f"module 'planner' has no attribute {name!r}")
