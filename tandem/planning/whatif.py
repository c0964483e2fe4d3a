"""Candidate profiles for "which one extra staff tutor would help most?", from the College's records.

A profile is a staff tutor who does not exist yet: trained for some courses, released on some
days for some hours, at some sites. Profiles are made for the courses most often left
unoffered: this term's wished runs the quick greedy plan cannot staff for want of a staff tutor,
and runs of the same courses cancelled for want of a staff tutor in earlier terms. At most
MAX_PROFILES; the planner proves which one adds most weight.
"""

import math
from collections import Counter, defaultdict
from itertools import combinations

from django.db.models import Count

from tandem.courses.models import CourseRun

from .instance import pk_of
from .slots import WEEKDAYS, describe_dayslots

MAX_PROFILES = 40
MAX_HOURS = 36  # more than a line manager would release in a term
# Reasons an extra staff tutor cannot help with: the peer side or the rooms are short.
NOT_STAFF = {
    "NO_QUALIFIED_PEER",
    "NO_PEER_AT_SITE",
    "PEER_NOT_AVAILABLE_WHEN",
    "PEER_BLOCKED_BY_LEAVE_OR_LIMITS",
    "PEER_COMMITTED_ELSEWHERE",
    "NO_ROOM",
    "ROOM_COMMITTED_ELSEWHERE",
}


def _need(instance, run):
    course = next(c for c in instance["courses"] if c["id"] == run["course"])
    return course["sessions"] * (course["session_hours"] + instance["rules"]["prep_hours_per_session"])


def _round_hours(h):
    return min(MAX_HOURS, int(math.ceil(h / 3.0) * 3))


def _days(runs):
    """The two weekdays most of these runs may use, weighted by run weight."""
    count = Counter()
    for r in runs:
        for d in {d for d, _s in r["allowed"]}:
            count[d] += r["weight"]
    return sorted(d for d, _n in sorted(count.items(), key=lambda x: (-x[1], x[0]))[:2])


def _profile(instance, labels, course_ids, runs, hours):
    days = _days(runs)
    available = sorted({(d, s) for r in runs for d, s in r["allowed"] if d in days}) or sorted(
        {(d, s) for r in runs for d, s in r["allowed"]}
    )
    sites = sorted({r["site"] for r in runs if not r["online"] and r["site"]})
    online = any(r["online"] for r in runs)
    if not sites:
        sites = [s["id"] for s in instance["sites"]][:1]
    profile = {
        "role": "staff",
        "college": instance["colleges"][0]["id"],
        "sites": sites,
        "online_ok": online,
        "qualified": sorted(course_ids),
        "available": [list(x) for x in available],
        "release_hours": _round_hours(hours),
        "unavailable_weeks": [],
        "max_sessions": 24,
        "paid": False,
    }
    titles = [labels.get(c, c) for c in sorted(course_ids, key=lambda c: labels.get(c, c))]
    where = " or ".join([labels.get(s, s) for s in sites] + (["online"] if online else []))
    label = (
        f"A staff tutor trained for {_join(titles)}, released {describe_dayslots(available)} "
        f"for {profile['release_hours']} hours this term, teaching at {where}"
    )
    return {
        "profile": profile,
        "label": label,
        "courses": titles,
        "days": [WEEKDAYS[d] for d in days],
        "hours": profile["release_hours"],
    }


def _join(items):
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def short_courses(instance, greedy_result, college):
    """[(course id, score)] most short of staff first: weight of this term's wished runs the
    greedy plan leaves unoffered (for reasons a staff tutor could fix), plus half a point per run
    cancelled for want of a staff tutor in earlier terms (at most 10)."""
    runs = {r["id"]: r for r in instance["runs"]}
    score = defaultdict(float)
    for u in greedy_result.get("unoffered", []):
        if u["reason_code"] in NOT_STAFF:
            continue
        r = runs[u["run"]]
        score[r["course"]] += r["weight"]
    course_pks = [pk_of(c["id"]) for c in instance["courses"]]
    history = (
        CourseRun.objects.filter(
            course_id__in=course_pks,
            course__college=college,
            status=CourseRun.Status.CANCELLED,
            cancel_reason=CourseRun.CancelReason.NO_STAFF_TUTOR,
        )
        .values("course_id")
        .annotate(n=Count("id"))
    )
    for row in history:
        score[f"course-{row['course_id']}"] += 0.5 * min(row["n"], 10)
    return sorted(((c, s) for c, s in score.items() if s > 0), key=lambda x: (-x[1], x[0]))


def candidate_profiles(instance, labels, college, greedy_result, limit=MAX_PROFILES):
    """[{"profile": planner profile, "label": words, "courses": titles, ...}], at most `limit`."""
    ranked = short_courses(instance, greedy_result, college)
    unoffered = {u["run"] for u in greedy_result.get("unoffered", []) if u["reason_code"] not in NOT_STAFF}
    by_course = defaultdict(list)
    for r in instance["runs"]:
        by_course[r["course"]].append(r)

    def target_runs(cids):
        runs = [r for c in cids for r in by_course[c] if r["id"] in unoffered]
        return runs or [r for c in cids for r in by_course[c]]

    out, seen = [], set()

    def add(cids, runs, hours):
        if not runs or len(out) >= limit:
            return
        cand = _profile(instance, labels, cids, runs, hours)
        key = repr(sorted(cand["profile"].items()))
        if key not in seen:
            seen.add(key)
            out.append(cand)

    top = [c for c, _s in ranked][:20]
    # One course: released for one run of it, and for all its unoffered runs.
    for c in top:
        runs = target_runs([c])
        add([c], runs, max(_need(instance, r) for r in runs))
        add([c], runs, sum(_need(instance, r) for r in runs))
    # One topic: trained for its short courses, released for one run of each.
    topic_of = {c["id"]: c["topic"] for c in instance["courses"]}
    by_topic = defaultdict(list)
    for c in top:
        by_topic[topic_of[c]].append(c)
    for cids in by_topic.values():
        cids = cids[:3]
        if len(cids) >= 2:
            runs = target_runs(cids)
            add(cids, runs, sum(max(_need(instance, r) for r in target_runs([c])) for c in cids))
    # Pairs of the shortest courses.
    for a, b in combinations(top[:6], 2):
        runs = target_runs([a, b])
        add(
            [a, b],
            runs,
            max(_need(instance, r) for r in target_runs([a])) + max(_need(instance, r) for r in target_runs([b])),
        )
    for i, cand in enumerate(out):
        cand["profile"]["id"] = f"candidate-{i + 1}"
        cand["id"] = f"candidate-{i + 1}"
    return out[:limit]
