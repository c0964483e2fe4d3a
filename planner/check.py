"""Independent validity checker for a plan result against its instance.

Deliberately shares no code with the model, the greedy or the preprocessing: it re-reads the
raw JSON and re-implements every hard rule of planner-instance.md from the text, so a bug in
the planner's own reading of a rule cannot hide itself. Returns a list of violations (empty =
valid); each starts with the rule number it breaks.
"""

import math

REASON_CODES = frozenset(
    {
        "NO_QUALIFIED_PEER",
        "NO_QUALIFIED_STAFF",
        "NO_PEER_AT_SITE",
        "NO_STAFF_AT_SITE",
        "STAFF_RELEASE_TOO_SMALL",
        "PEER_NOT_AVAILABLE_WHEN",
        "STAFF_NOT_AVAILABLE_WHEN",
        "PEER_BLOCKED_BY_LEAVE_OR_LIMITS",
        "STAFF_BLOCKED_BY_LEAVE_OR_LIMITS",
        "NO_ROOM",
        "NO_COMMON_SLOT",
        "PEER_COMMITTED_ELSEWHERE",
        "STAFF_COMMITTED_ELSEWHERE",
        "ROOM_COMMITTED_ELSEWHERE",
        "OUTWEIGHED",
    }
)


def _block_ranges(n, split):
    """Session index ranges (0-based, end exclusive) of each block."""
    if not split:
        return [(0, n)]
    first = math.ceil(n / 2)
    return [(0, first), (first, n)]


def _expand(blocks, count):
    """One pair per block; where fewer are listed, the last one applies to the rest."""
    if not blocks:
        return None
    return [blocks[min(i, len(blocks) - 1)] for i in range(count)]


def check_plan(inst, result):
    """Violations of the hard rules (and of the result format) by `result`."""
    errs = []
    weeks = inst["calendar"]["weeks"]
    prep = inst["rules"]["prep_hours_per_session"]
    courses = {c["id"]: c for c in inst["courses"]}
    tutors = {t["id"]: t for t in inst["tutors"]}
    rooms = {r["id"]: r for r in inst["rooms"]}
    site_college = {s["id"]: s["college"] for s in inst["sites"]}
    wished = {r["id"]: r for r in inst["runs"]}

    status = result.get("status")
    if status not in ("optimal", "feasible", "infeasible"):
        errs.append(f"format: status {status!r} is not optimal/feasible/infeasible")
    planned = result.get("runs") or []
    if status == "infeasible":
        if planned:
            errs.append("format: an infeasible result must have no runs")
        if not result.get("conflicts"):
            errs.append("format: an infeasible result must list its conflicts")
        return errs

    seen = {}
    for p in planned:
        rid = p.get("run")
        if rid not in wished:
            errs.append(f"format: planned run {rid!r} is not in the wish list")
        elif rid in seen:
            errs.append(f"format: run {rid} is planned twice")
        else:
            seen[rid] = p
    unoffered = result.get("unoffered") or []
    explained = set()
    for u in unoffered:
        rid = u.get("run")
        if rid in seen:
            errs.append(f"format: run {rid} is both offered and unoffered")
        if rid in explained:
            errs.append(f"format: run {rid} is explained twice")
        explained.add(rid)
        if u.get("reason_code") not in REASON_CODES:
            errs.append(f"format: run {rid} has unknown reason code {u.get('reason_code')!r}")
        if not isinstance(u.get("message"), str) or not u.get("message"):
            errs.append(f"format: run {rid} has no reason message")
    for rid in wished:
        if rid not in seen and rid not in explained:
            errs.append(f"format: run {rid} is neither offered nor explained")

    total = sum(wished[rid]["weight"] for rid in seen)
    if result.get("objective") != total:
        errs.append(f"format: objective {result.get('objective')} but offered weight is {total}")
    bound = result.get("bound")
    if bound is not None and bound < total:
        errs.append(f"format: bound {bound} is below the offered weight {total}")

    tutor_use = {}  # (tutor, day, slot, week) -> run
    room_use = {}
    sessions = {}
    hours = {}
    for rid, p in seen.items():
        run = wished[rid]
        course = courses[run["course"]]
        n = course["sessions"]
        day, slot, sw = p.get("day"), p.get("slot"), p.get("start_week")
        # Rule 1: time
        if [day, slot] not in [list(a) for a in run["allowed"]]:
            errs.append(f"rule 1: {rid} at day-slot [{day}, {slot}] is not allowed")
        if not isinstance(sw, int) or not run["start_week_min"] <= sw <= run["start_week_max"]:
            errs.append(f"rule 1: {rid} starts in week {sw}, outside {run['start_week_min']}-{run['start_week_max']}")
            continue
        if sw + n - 1 > weeks:
            errs.append(f"rule 1: {rid} ends in week {sw + n - 1}, after week {weeks}")
        run_weeks = list(range(sw, sw + n))
        # Rule 2: room
        room_id = p.get("room")
        if run["online"]:
            if room_id is not None:
                errs.append(f"rule 2: online run {rid} has room {room_id}")
        elif room_id not in rooms:
            errs.append(f"rule 2: {rid} has no valid room ({room_id!r})")
        else:
            room = rooms[room_id]
            if room["site"] != run["site"]:
                errs.append(f"rule 2: {rid} room {room_id} is at {room['site']}, not {run['site']}")
            if room["capacity"] < run["cohort"]:
                errs.append(f"rule 2: {rid} room {room_id} holds {room['capacity']} < cohort {run['cohort']}")
            if run["needs_accessible"] and not room["accessible"]:
                errs.append(f"rule 2: {rid} needs an accessible room, {room_id} is not")
            if [day, slot] not in [list(a) for a in room["available"]]:
                errs.append(f"rule 2: {rid} room {room_id} is not available at [{day}, {slot}]")
            for w in run_weeks:
                key = (room_id, day, slot, w)
                if key in room_use:
                    errs.append(f"rule 2: room {room_id} holds {room_use[key]} and {rid} at [{day}, {slot}] week {w}")
                room_use[key] = rid
        # Rule 3: blocks and tutors
        blocks = p.get("blocks") or []
        split = bool(run["split_allowed"]) and n >= 2
        if len(blocks) == 0 or len(blocks) > (2 if split else 1):
            errs.append(f"rule 3: {rid} has {len(blocks)} blocks")
            continue
        ranges = _block_ranges(n, split and len(blocks) == 2)
        pairs = _expand(blocks, len(ranges))
        per_session = []
        for (a, b), pair in zip(ranges, pairs):
            block_weeks = run_weeks[a:b]
            for role in ("peer", "staff"):
                tid = pair.get(role) if isinstance(pair, dict) else None
                t = tutors.get(tid)
                if t is None:
                    errs.append(f"rule 3: {rid} block has no valid {role} ({tid!r})")
                    continue
                if t["role"] != role:
                    errs.append(f"rule 3: {rid} {role} {tid} has role {t['role']}")
                if run["course"] not in t["qualified"]:
                    errs.append(f"rule 3: {tid} is not qualified for {run['course']} ({rid})")
                if run["online"]:
                    cols = {t["college"]} | {site_college.get(s) for s in t["sites"]}
                    if not t["online_ok"] or run["college"] not in cols:
                        errs.append(f"rule 3: {tid} cannot teach {rid} online for {run['college']}")
                elif run["site"] not in t["sites"]:
                    errs.append(f"rule 3: {tid} does not work at {run['site']} ({rid})")
                if [day, slot] not in [list(x) for x in t["available"]]:
                    errs.append(f"rule 3: {tid} is not available at [{day}, {slot}] ({rid})")
                for w in block_weeks:
                    if w in t["unavailable_weeks"]:
                        errs.append(f"rule 3: {tid} is on leave in week {w} ({rid})")
                    # Rule 4: one run per tutor per day-slot and week
                    key = (tid, day, slot, w)
                    if key in tutor_use and tutor_use[key] != rid:
                        errs.append(f"rule 4: {tid} teaches {tutor_use[key]} and {rid} at [{day}, {slot}] week {w}")
                    tutor_use[key] = rid
                sessions[tid] = sessions.get(tid, 0) + len(block_weeks)
                if t["role"] == "staff":
                    hours[tid] = hours.get(tid, 0) + len(block_weeks) * (course["session_hours"] + prep)
            per_session += [(pair.get("peer"), pair.get("staff"))] * len(block_weeks)
        # Rule 6: pins, exactly as pinned
        pin = run.get("pinned")
        if pin:
            if (pin["day"], pin["slot"], pin["start_week"]) != (day, slot, sw):
                errs.append(f"rule 6: {rid} is not at its pinned time")
            if pin.get("room") != room_id:
                errs.append(f"rule 6: {rid} is not in its pinned room {pin.get('room')}")
            pb = pin.get("blocks")
            if pb:
                want = []
                for (a, b), pair in zip(_block_ranges(n, split), _expand(pb, len(_block_ranges(n, split)))):
                    want += [((pair or {}).get("peer"), (pair or {}).get("staff"))] * (b - a)
                for i, (got, exp) in enumerate(zip(per_session, want)):
                    for k, role in enumerate(("peer", "staff")):
                        if exp[k] is not None and got[k] != exp[k]:
                            errs.append(f"rule 6: {rid} session {i + 1} {role} is {got[k]}, pinned {exp[k]}")
                            break
                    else:
                        continue
                    break
    # Rule 5: limits
    for tid, n in sessions.items():
        if n > tutors[tid]["max_sessions"]:
            errs.append(f"rule 5: {tid} teaches {n} sessions > max {tutors[tid]['max_sessions']}")
    for tid, h in hours.items():
        if h > tutors[tid]["release_hours"] + 1e-9:
            errs.append(f"rule 5: {tid} needs {h} h > release {tutors[tid]['release_hours']}")
    # Rule 6: mandatory and pinned runs are offered
    for rid, run in wished.items():
        if (run["mandatory"] or run.get("pinned")) and rid not in seen:
            errs.append(f"rule 6: {'mandatory' if run['mandatory'] else 'pinned'} run {rid} is not offered")
    return errs
