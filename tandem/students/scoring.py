"""Scoring of the outcome questionnaires (../shared/reference/outcome-measures.md).

SWEMWBS: 7 items scored 1–5; the raw score (7–35) counts only when all 7 are answered (no
prorating) and is converted to the metric score with the published table (Warwick Medical School
scoring guidance). QPR-15: 15 items scored 0–4; total 0–60, only when all 15 are answered.
"""

from decimal import Decimal

SWEMWBS_ITEMS = (
    "I've been feeling optimistic about the future",
    "I've been feeling useful",
    "I've been feeling relaxed",
    "I've been dealing with problems well",
    "I've been thinking clearly",
    "I've been feeling close to other people",
    "I've been able to make up my own mind about things",
)
SWEMWBS_CHOICES = (
    (1, "None of the time"),
    (2, "Rarely"),
    (3, "Some of the time"),
    (4, "Often"),
    (5, "All of the time"),
)
QPR_ITEMS = tuple(f"Statement {n}" for n in range(1, 16))  # the College's printed QPR-15 wording is used on paper
QPR_CHOICES = (
    (0, "Strongly disagree"),
    (1, "Disagree"),
    (2, "Neither agree nor disagree"),
    (3, "Agree"),
    (4, "Strongly agree"),
)

SWEMWBS_METRIC = {
    raw: Decimal(metric)
    for raw, metric in zip(
        range(7, 36),
        "7.00 9.51 11.25 12.40 13.33 14.08 14.75 15.32 15.84 16.36 16.88 17.43 17.98 18.59 19.25 "
        "19.98 20.73 21.54 22.35 23.21 24.11 25.03 26.02 27.03 28.13 29.31 30.70 32.55 35.00".split(),
        strict=True,
    )
}


def swemwbs_metric(raw):
    """The metric score of a raw SWEMWBS total (7–35)."""
    if raw not in SWEMWBS_METRIC:
        raise ValueError(f"A SWEMWBS raw score is 7 to 35, not {raw!r}")
    return SWEMWBS_METRIC[raw]


def _total(items, n, low, high):
    items = list(items)
    if len(items) != n:
        raise ValueError(f"expected {n} items, got {len(items)}")
    for v in items:
        if v is not None and not (isinstance(v, int) and low <= v <= high):
            raise ValueError(f"each item is {low} to {high}, not {v!r}")
    return None if any(v is None for v in items) else sum(items)


def score_swemwbs(items):
    """(raw, metric) for 7 items 1–5 (None for an unanswered item): both None unless all 7 are answered."""
    raw = _total(items, 7, 1, 5)
    return (None, None) if raw is None else (raw, swemwbs_metric(raw))


def score_qpr(items):
    """The QPR-15 total (0–60) for 15 items 0–4, or None unless all 15 are answered."""
    return _total(items, 15, 0, 4)
