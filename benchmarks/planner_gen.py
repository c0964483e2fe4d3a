"""Seeded generator of synthetic term-planning instances (tandem.plan-instance/1).

Shaped like the shared examples (S-example / M-example): one College per 120 wished runs at M,
150 peer + 80 staff tutors, 10 rooms over 3 sites, 5 days x 3 slots, 12 weeks; L and XL are 2
and 4 Colleges with a share of tutors working across Colleges. Pins and mandatory runs are
drawn from a consistent reservation so every generated instance is feasible.

    python benchmarks/planner_gen.py --size M --seed 1 > m1.json
"""

import argparse
import json
import random
import sys

SIZES = {
    "S": {
        "colleges": 1,
        "runs_per_college": 60,
        "peers_per_college": 75,
        "staff_per_college": 40,
        "rooms_per_college": 6,
        "courses_base": 30,
    },
    "M": {
        "colleges": 1,
        "runs_per_college": 120,
        "peers_per_college": 150,
        "staff_per_college": 80,
        "rooms_per_college": 10,
        "courses_base": 60,
    },
    "L": {
        "colleges": 2,
        "runs_per_college": 120,
        "peers_per_college": 150,
        "staff_per_college": 80,
        "rooms_per_college": 10,
        "courses_base": 60,
    },
    "XL": {
        "colleges": 4,
        "runs_per_college": 120,
        "peers_per_college": 150,
        "staff_per_college": 80,
        "rooms_per_college": 10,
        "courses_base": 60,
    },
}

COMMON = {
    "weeks": 12,
    "sites_per_college": 3,
    "courses_per_extra_college": 5,
    "length_dist": {1: 0.18, 2: 0.08, 3: 0.08, 4: 0.14, 5: 0.10, 6: 0.16, 8: 0.10, 10: 0.08, 12: 0.08},
    "session_hours_dist": {2: 0.85, 3: 0.15},
    "prep_hours_per_session": 1,
    "online_share": 0.15,
    "cross_college_tutor_share": 0.1,
    "peer_dayslot_p": 0.3,
    "peer_courses": (2, 6),
    "staff_courses": (2, 5),
    "staff_release_hours": {0: 0.05, 12: 0.1, 18: 0.1, 24: 0.2, 36: 0.25, 48: 0.18, 72: 0.12},
    "peer_max_sessions": {6: 0.15, 8: 0.2, 12: 0.3, 16: 0.2, 24: 0.15},
    "staff_max_sessions": {12: 0.5, 24: 0.5},
    "blackout_p_peer": 0.35,
    "blackout_p_staff": 0.4,
    "weight_dist": {1: 0.6, 2: 0.3, 3: 0.1},
    "split_min_sessions": 6,
    "qual_popularity_exponent": 0.6,
    "staff_days_dist": {1: 0.4, 2: 0.45, 3: 0.15},
    "community_room_dayslot_p": 0.6,
    "hub_room_dayslot_p": 0.9,
    "cohort": (6, 16),
    "online_cohort_max": 30,
    "pinned_share": 0.03,
    "mandatory_share": 0.05,
    "peer_online_p": 0.6,
    "staff_online_p": 0.7,
    "accessible_need_p": 0.23,
}

TOPICS = [
    "Understanding mental health conditions",
    "Recovery and self-management",
    "Wellbeing and lifestyle",
    "Physical health",
    "Creative and expressive",
    "Peer support and lived experience",
    "Family, friends and carers",
    "Life skills, work and study",
]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri"]
SLOTS = [
    {"id": "AM", "start": "10:00", "end": "12:00"},
    {"id": "PM", "start": "13:30", "end": "15:30"},
    {"id": "EVE", "start": "18:00", "end": "20:00"},
]


def _pick(rng, dist):
    keys = list(dist)
    return rng.choices(keys, weights=[dist[k] for k in keys])[0]


def generate(size="M", seed=1):
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}")
    p = {**COMMON, **SIZES[size]}
    rng = random.Random(f"tandem-planner-{size}-{seed}")
    W, nd, ns = p["weeks"], len(DAYS), len(SLOTS)
    all_ds = [[d, s] for d in range(nd) for s in range(ns)]
    colleges = [f"K{i + 1}" for i in range(p["colleges"])]
    sites, rooms = [], []
    for c in colleges:
        for j in range(p["sites_per_college"]):
            sites.append({"id": f"{c}-S{j + 1}", "college": c, "kind": "hub" if j == 0 else "community"})
    for c in colleges:
        cs = [s for s in sites if s["college"] == c]
        n = p["rooms_per_college"]
        hub_n = (n + 1) // 2
        counts = [hub_n] + [
            (n - hub_n) // (len(cs) - 1) + (1 if k < (n - hub_n) % (len(cs) - 1) else 0) for k in range(len(cs) - 1)
        ]
        for s, k in zip(cs, counts):
            for _ in range(k):
                pr = p["hub_room_dayslot_p"] if s["kind"] == "hub" else p["community_room_dayslot_p"]
                avail = [ds for ds in all_ds if rng.random() < pr] or [rng.choice(all_ds)]
                rooms.append(
                    {
                        "id": f"R{len(rooms) + 1:03d}",
                        "site": s["id"],
                        "capacity": rng.choice([8, 10, 12, 16, 20, 25]),
                        "accessible": rng.random() < 0.7,
                        "available": avail,
                    }
                )
    ncourses = p["courses_base"] + p["courses_per_extra_college"] * (len(colleges) - 1)
    courses = [
        {
            "id": f"C{i + 1:03d}",
            "topic": f"T{rng.randrange(len(TOPICS)) + 1}",
            "sessions": _pick(rng, p["length_dist"]),
            "session_hours": _pick(rng, p["session_hours_dist"]),
        }
        for i in range(ncourses)
    ]
    order = list(range(ncourses))
    rng.shuffle(order)
    pop = [0.0] * ncourses  # tutors' qualifications: a Zipf-like head of popular courses
    wish = [0.0] * ncourses  # wished runs lean harder on the popular courses
    for rank, ci in enumerate(order):
        pop[ci] = (rank + 1) ** -p["qual_popularity_exponent"]
    # what is wished only loosely follows what tutors are trained for
    noisy = {ci: rank + rng.gauss(0, ncourses / 4) for rank, ci in enumerate(order)}
    order.sort(key=noisy.get)
    for rank, ci in enumerate(order):
        wish[ci] = (rank + 1) ** -0.7

    def sample_courses(k):
        chosen = set()
        while len(chosen) < k:
            chosen.add(rng.choices(range(ncourses), weights=pop)[0])
        return [courses[i]["id"] for i in sorted(chosen)]

    tutors = []
    for c in colleges:
        cs = [s["id"] for s in sites if s["college"] == c]
        others = [s["id"] for s in sites if s["college"] != c]
        for role, n in (("peer", p["peers_per_college"]), ("staff", p["staff_per_college"])):
            for i in range(n):
                k = rng.choices([1, 2, 3], weights=[0.25, 0.5, 0.25])[0]
                ts = [cs[0]] if rng.random() < 0.8 else []
                ts += (
                    rng.sample([x for x in cs if x not in ts], min(len(cs) - len(ts), k - len(ts)))
                    if k > len(ts)
                    else []
                )
                if others and rng.random() < p["cross_college_tutor_share"]:
                    ts.append(rng.choice(others))
                lo, hi = p["peer_courses"] if role == "peer" else p["staff_courses"]
                if role == "peer":
                    avail = [ds for ds in all_ds if rng.random() < p["peer_dayslot_p"]] or [rng.choice(all_ds)]
                else:
                    avail = []
                    for d in sorted(rng.sample(range(nd), _pick(rng, p["staff_days_dist"]))):
                        r = rng.random()
                        slots = [0, 1] if r < 0.7 else [rng.choice([0, 1])]
                        if rng.random() < 0.15:
                            slots.append(2)
                        avail += [[d, s] for s in slots]
                leave = []
                if rng.random() < p["blackout_p_peer" if role == "peer" else "blackout_p_staff"]:
                    length = rng.randint(1, 3)
                    start = rng.randint(1, W - length + 1)
                    leave = list(range(start, start + length))
                tutors.append(
                    {
                        "id": f"{c}-{'P' if role == 'peer' else 'N'}{i + 1:03d}",
                        "role": role,
                        "college": c,
                        "sites": sorted(ts),
                        "online_ok": rng.random() < p["peer_online_p" if role == "peer" else "staff_online_p"],
                        "qualified": sample_courses(rng.randint(lo, hi)),
                        "available": avail,
                        "unavailable_weeks": leave,
                        "max_sessions": _pick(rng, p["peer_max_sessions" if role == "peer" else "staff_max_sessions"]),
                        "release_hours": None if role == "peer" else _pick(rng, p["staff_release_hours"]),
                        "paid": role == "peer",
                    }
                )
    runs = []
    for c in colleges:
        cs = [s["id"] for s in sites if s["college"] == c]
        for _ in range(p["runs_per_college"]):
            course = courses[rng.choices(range(ncourses), weights=wish)[0]]
            n = course["sessions"]
            online = rng.random() < p["online_share"]
            r = rng.random()
            if r < 0.47:
                allowed = [[d, s] for d in range(nd) for s in (0, 1)]
            elif r < 0.72:
                allowed = list(all_ds)
            elif r < 0.86:
                allowed = [[d, 2] for d in range(nd)]
            else:
                d = rng.randrange(nd)
                allowed = [[d, s] for s in range(ns)]
            lo = 1 if rng.random() < 0.5 else rng.randint(2, 10)
            lo = max(1, min(lo, W - n + 1))
            hi = min(lo + rng.choices([0, 2, 3, 4], weights=[0.13, 0.33, 0.15, 0.38])[0], W - n + 1)
            runs.append(
                {
                    "id": f"W{len(runs) + 1:04d}",
                    "course": course["id"],
                    "college": c,
                    "online": online,
                    "site": None if online else rng.choices(cs, weights=[0.75, 0.125, 0.125][: len(cs)])[0],
                    "cohort": rng.randint(*p["cohort"]) if not online else rng.randint(12, p["online_cohort_max"]),
                    "needs_accessible": (not online) and rng.random() < p["accessible_need_p"],
                    "allowed": allowed,
                    "start_week_min": lo,
                    "start_week_max": hi,
                    "weight": _pick(rng, p["weight_dist"]),
                    "split_allowed": n >= p["split_min_sessions"],
                    "mandatory": False,
                    "pinned": None,
                }
            )
    inst = {
        "schema": "tandem.plan-instance/1",
        "meta": {
            "generator": "tandem planner_gen/1",
            "seed": seed,
            "size": size,
            "params": {k: (v if not isinstance(v, dict) else {str(a): b for a, b in v.items()}) for k, v in p.items()},
        },
        "calendar": {"weeks": W, "days": DAYS, "slots": SLOTS},
        "rules": {"prep_hours_per_session": p["prep_hours_per_session"]},
        "topics": [{"id": f"T{i + 1}", "name": t} for i, t in enumerate(TOPICS)],
        "colleges": [{"id": c} for c in colleges],
        "sites": sites,
        "rooms": rooms,
        "courses": courses,
        "tutors": tutors,
        "runs": runs,
        "objective": {
            "lexicographic": ["weighted_runs_offered", "continuity_breaks", "max_peer_paid_hours", "topic_fairness"]
        },
    }
    _reserve_required(inst, rng, p)
    return inst


def _reserve_required(inst, rng, p):
    """Mark a few runs mandatory or pinned, reserving a consistent placement for each."""
    W = inst["calendar"]["weeks"]
    prep = inst["rules"]["prep_hours_per_session"]
    courses = {c["id"]: c for c in inst["courses"]}
    site_college = {s["id"]: s["college"] for s in inst["sites"]}
    busy, used, hours = set(), {}, {}
    runs = list(inst["runs"])
    rng.shuffle(runs)
    n_pin = round(len(runs) * p["pinned_share"])
    n_mand = round(len(runs) * p["mandatory_share"])
    done_pin = done_mand = 0
    for run in runs:
        if done_pin >= n_pin and done_mand >= n_mand:
            break
        c = courses[run["course"]]
        n, h = c["sessions"], c["session_hours"]

        def ok_tutor(t, role, ds, w, run=run, n=n, h=h):
            if t["role"] != role or run["course"] not in t["qualified"] or ds not in t["available"]:
                return False
            if run["online"]:
                cols = {t["college"]} | {site_college[s] for s in t["sites"]}
                if not t["online_ok"] or run["college"] not in cols:
                    return False
            elif run["site"] not in t["sites"]:
                return False
            if any(w + k in t["unavailable_weeks"] or (t["id"], *ds, w + k) in busy for k in range(n)):
                return False
            if used.get(t["id"], 0) + n > t["max_sessions"]:
                return False
            return role == "peer" or hours.get(t["id"], 0) + n * (h + prep) <= t["release_hours"]

        placed = None
        for ds in rng.sample(run["allowed"], len(run["allowed"])):
            for w in range(run["start_week_min"], min(run["start_week_max"], W - n + 1) + 1):
                room = None
                if not run["online"]:
                    fits = [
                        r
                        for r in inst["rooms"]
                        if r["site"] == run["site"]
                        and r["capacity"] >= run["cohort"]
                        and ds in r["available"]
                        and (r["accessible"] or not run["needs_accessible"])
                        and not any((r["id"], *ds, w + k) in busy for k in range(n))
                    ]
                    if not fits:
                        continue
                    room = fits[0]["id"]
                peer = next((t for t in inst["tutors"] if ok_tutor(t, "peer", ds, w)), None)
                staff = next((t for t in inst["tutors"] if ok_tutor(t, "staff", ds, w)), None)
                if peer and staff:
                    placed = (ds, w, room, peer, staff)
                    break
            if placed:
                break
        if not placed:
            continue
        ds, w, room, peer, staff = placed
        for k in range(n):
            busy.update({(peer["id"], *ds, w + k), (staff["id"], *ds, w + k)})
            if room:
                busy.add((room, *ds, w + k))
        used[peer["id"]] = used.get(peer["id"], 0) + n
        used[staff["id"]] = used.get(staff["id"], 0) + n
        hours[staff["id"]] = hours.get(staff["id"], 0) + n * (h + prep)
        if done_pin < n_pin:
            run["pinned"] = {
                "day": ds[0],
                "slot": ds[1],
                "start_week": w,
                "room": room,
                "blocks": [{"peer": peer["id"], "staff": staff["id"]}],
            }
            run["mandatory"] = rng.random() < 0.7
            done_pin += 1
        else:
            run["mandatory"] = True
            done_mand += 1


def candidate_profiles(inst, n=40, seed=1):
    """What-if candidates: staff tutor profiles drawn like the instance's own staff."""
    rng = random.Random(f"tandem-candidates-{seed}")
    staff = [t for t in inst["tutors"] if t["role"] == "staff"]
    courses = [c["id"] for c in inst["courses"]]
    wished = [r["course"] for r in inst["runs"]]
    out = []
    for i in range(n):
        base = rng.choice(staff)
        k = rng.randint(2, 5)
        qual = sorted(set(rng.sample(wished, k // 2 + 1) + rng.sample(courses, k - k // 2 - 1)))
        out.append(
            {
                "id": f"CAND-{i + 1:02d}",
                "qualified": qual,
                "available": base["available"],
                "sites": base["sites"],
                "online_ok": rng.random() < 0.7,
                "release_hours": rng.choice([24, 36, 48, 72]),
                "max_sessions": 24,
            }
        )
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="M", choices=sorted(SIZES))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--candidates", type=int, default=0, help="write N what-if candidate profiles for the instance instead"
    )
    args = ap.parse_args(argv)
    inst = generate(args.size, args.seed)
    json.dump(candidate_profiles(inst, args.candidates, args.seed) if args.candidates else inst, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
