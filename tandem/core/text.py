"""Checks and clean-ups of short text that ends up in one-line places (names in email headers,
page titles, CSV cells)."""

import re

from django.core.exceptions import ValidationError

_LINE_BREAK = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def has_line_break(text):
    return bool(text) and bool(_LINE_BREAK.search(str(text)))


def refuse_line_breaks(values, labels=None):
    """Raise ValidationError naming each field of `values` ({field: text}) that holds a line break."""
    errors = {}
    for field, text in values.items():
        if has_line_break(text):
            label = (labels or {}).get(field, field.replace("_", " "))
            errors[field] = f"The {label} must be on one line (no line breaks)"
    if errors:
        raise ValidationError(errors)


def one_line(text):
    """`text` with every line break and run of white space made one space (for email subjects)."""
    return " ".join(_LINE_BREAK.sub(" ", str(text or "")).split())
