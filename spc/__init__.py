"""Tandem's SPC core: NHS "Making Data Count" XmR charts, run charts and Shewhart charts.

Pure Python + numpy; it never imports Django (`tandem spc` must start fast). The JSON
contract is CONTRACTS.md §1; the rules are reference/spc-rules.md.

    >>> from spc import analyse
    >>> analyse({"chart": "xmr", "values": [1, 2, 3]})["groups"][0]["centre"]
    2.0

Where the references are silent (or fail), Tandem decides:
- missing values (null) are dropped from every sum and from the rules (runs and trends
  continue across them); a moving range that touches a missing value is itself missing,
  as in both references. Excluded points are dropped before the moving ranges (one may
  span them, as in qicharts2) and from the rules, but are still judged against the limits.
- xmr "short" counts the group's included points; baseline_points counts rows from the
  start of each group, missing ones included (both references count rows).
- a mean moving range of 0 (all values equal) is not screened: R's "MR < 3.267 x 0"
  drops every MR and leaves no limits; Tandem keeps the limits at the mean.
- missing points have type null on xmr charts, common_cause on the others (qicharts2).
- IHI rules with rebase_at: evaluated per group; `median` is the last group's.
"""

from .api import analyse, analyse_batch, run_json
from .errors import SpcInputError

__all__ = ["SpcInputError", "analyse", "analyse_batch", "run_json"]
