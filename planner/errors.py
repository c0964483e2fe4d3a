"""Errors the planner raises on bad input (never on an infeasible but well-formed instance)."""


class InstanceError(ValueError):
    """The instance (or an option referring to it) is malformed.

    The message names the offending field or id, so the CLI can print it as its one line.
    """
