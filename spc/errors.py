"""Errors raised on bad input (never on well-formed data, however odd)."""


class SpcInputError(ValueError):
    """A request (or the batch) is malformed.

    The message is one line that starts with the offending field, e.g.
    `request[3].values[5]: expected a number or null`, so the CLI can print it as is.
    """
