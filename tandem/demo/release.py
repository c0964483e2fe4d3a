"""Whether a line manager releases a staff tutor to teach a run: the demo's one release rule.

`release_decision` is the single place the demo decides a release request, so a release-request
feature can persist exactly these decisions (who, for which run, approved or declined, why).
"""

from dataclasses import dataclass
from datetime import date

# Chance a line manager releases a staff tutor for a run, by the course's length, before the
# QI project's change ideas. Release is refused far more often for longer courses.
APPROVAL_BY_LENGTH = {
    "single": 0.88,  # 1 session
    "short": 0.66,  # 2-5 sessions
    "long": 0.40,  # 6-10 sessions
}

# A request made less than this many days before the run starts is at short notice ...
SHORT_NOTICE_DAYS = 21
# ... and is approved this much less often.
SHORT_NOTICE_FACTOR = 0.6

# QI change ideas that shift the culture: once a request is made on or after the date, the chance
# it is declined is multiplied by the factor (cumulatively).
CULTURE_CHANGES = (
    (date(2019, 3, 1), 0.8, "Staff-tutor and student stories shared with Trust teams"),
    (date(2019, 4, 10), 0.75, "Case for releasing staff presented to Trust leaders"),
)

DECLINE_REASONS = ("service_pressure", "course_too_long", "short_notice", "other")
# What a line manager writes when the reason is "other" (a decline for another reason is explained).
OTHER_NOTES = (
    "Already released for a training course that term",
    "Clashes with the team's away day",
    "Annual leave booked for part of the course",
    "Covering for a colleague on leave",
)


def length_band(sessions):
    if sessions <= 1:
        return "single"
    if sessions <= 5:
        return "short"
    return "long"


@dataclass(frozen=True)
class ReleaseDecision:
    approved: bool
    reason: str  # one of DECLINE_REASONS when declined, "" when approved
    probability: float  # the chance of approval this request had
    note: str = ""  # the line manager's explanation of an "other" decline


def release_decision(rng, *, sessions, team_pressure, requested_on, starts_on):
    """Decide one release request: a staff tutor asks their line manager for the hours a run of
    `sessions` sessions needs, `requested_on` for a run starting `starts_on`.

    `team_pressure` (0..1) is how stretched the tutor's service is. Returns a ReleaseDecision
    with the reason for a decline (service_pressure, course_too_long, short_notice, other).
    """
    band = length_band(sessions)
    p = APPROVAL_BY_LENGTH[band] * (1 - team_pressure)
    notice_days = (starts_on - requested_on).days
    short_notice = notice_days < SHORT_NOTICE_DAYS
    if short_notice:
        p *= SHORT_NOTICE_FACTOR
    decline = 1 - p
    for since, factor, _label in CULTURE_CHANGES:
        if requested_on >= since:
            decline *= factor
    p = 1 - decline
    if rng.random() < p:
        return ReleaseDecision(True, "", p)
    weights = (
        1 + 6 * team_pressure,  # service_pressure
        {"single": 0.0, "short": 1.0, "long": 4.0}[band],  # course_too_long
        4.0 if short_notice else 0.0,  # short_notice
        0.6,  # other
    )
    reason = rng.choices(DECLINE_REASONS, weights=weights)[0]
    note = rng.choice(OTHER_NOTES) if reason == "other" else ""
    return ReleaseDecision(False, reason, p, note)
