"""A planner result as the pages show it: names instead of ids, a week grid, a list, reasons."""

import re
from datetime import date, timedelta

from .instance import pk_of
from .slots import SLOTS, WEEKDAYS, describe_dayslots, slot_times

ID = re.compile(r"\b(?:tutor|course|site|room|run|topic|candidate)-\d+\b")

REASONS = {
    "NO_QUALIFIED_PEER": "No trained peer tutor",
    "NO_QUALIFIED_STAFF": "No trained staff tutor",
    "NO_PEER_AT_SITE": "No peer tutor at this site",
    "NO_STAFF_AT_SITE": "No staff tutor at this site",
    "STAFF_RELEASE_TOO_SMALL": "Staff release too small",
    "PEER_NOT_AVAILABLE_WHEN": "No peer tutor free at the allowed times",
    "STAFF_NOT_AVAILABLE_WHEN": "No staff tutor released at the allowed times",
    "PEER_BLOCKED_BY_LEAVE_OR_LIMITS": "Peer tutors on leave or at their limit",
    "STAFF_BLOCKED_BY_LEAVE_OR_LIMITS": "Staff tutors on leave or at their limit",
    "NO_ROOM": "No suitable room",
    "NO_COMMON_SLOT": "No time that works",
    "PEER_COMMITTED_ELSEWHERE": "Peer tutors teaching other runs",
    "STAFF_COMMITTED_ELSEWHERE": "Staff tutors teaching other runs",
    "ROOM_COMMITTED_ELSEWHERE": "Rooms taken by other runs",
    "OUTWEIGHED": "Other runs matter more",
}
STAFF_CODES = {
    "NO_QUALIFIED_STAFF",
    "NO_STAFF_AT_SITE",
    "STAFF_RELEASE_TOO_SMALL",
    "STAFF_NOT_AVAILABLE_WHEN",
    "STAFF_BLOCKED_BY_LEAVE_OR_LIMITS",
    "STAFF_COMMITTED_ELSEWHERE",
}


def humanise(text, labels):
    """Replace the planner's ids in a message with names."""
    if not text:
        return text

    def name(m):
        ident = m.group(0)
        if ident.startswith("candidate-"):
            return f"extra staff profile {ident.split('-')[1]}"
        return labels.get(ident, ident)

    text = ID.sub(name, text)
    if labels.get("__college__"):
        slug, college = labels["__college__"]
        text = text.replace(f"online for {slug}", f"online for {college}")
    return text


WORDS = (
    (re.compile(r"\bweights\b"), "priorities"),
    (re.compile(r"\bweight\b"), "priority"),
    (re.compile(r"\bWeight\b"), "Priority"),
    (re.compile(r";? ?use --explain-cost for what it would take"), ""),
)


def plain_words(text):
    """The planner's words for people: "weight" is the wish's priority; no command-line hints."""
    if not text:
        return text
    for pattern, word in WORDS:
        text = pattern.sub(word, text)
    return text


# Reasons read off the tutors' free times and limits, where runs already on the timetable matter
TIMETABLE_CODES = {
    "NO_COMMON_SLOT",
    "PEER_NOT_AVAILABLE_WHEN",
    "STAFF_NOT_AVAILABLE_WHEN",
    "PEER_BLOCKED_BY_LEAVE_OR_LIMITS",
    "STAFF_BLOCKED_BY_LEAVE_OR_LIMITS",
    "STAFF_RELEASE_TOO_SMALL",
}


def timetable_note(inst, wished, labels, code):
    """What runs already on this term's timetable take from the tutors trained for a wished run:
    the planner sees those times as not free and those sessions as used, so say so."""
    if code not in TIMETABLE_CODES:
        return ""
    meta = inst.get("meta") or {}
    busy, taken = meta.get("timetabled") or {}, meta.get("sessions_taken") or {}
    allowed = {tuple(x) for x in wished.get("allowed") or []}
    notes = []
    for t in inst["tutors"]:
        if wished["course"] not in t["qualified"]:
            continue
        name = labels.get(t["id"], t["id"])
        slots = [x for x in busy.get(t["id"], []) if tuple(x) in allowed]
        if slots:
            notes.append(f"{name} is free {describe_dayslots(slots)} but teaches a run already on the timetable then")
        elif "LIMITS" in code and taken.get(t["id"]):
            notes.append(f"{name} already teaches {taken[t['id']]} sessions in runs on the timetable")
    if not notes:
        return ""
    return " Runs already on this term's timetable count: " + "; ".join(notes[:6]) + "."


def _strip_prefix(message, run_id):
    """The planner starts each reason with the run's id; the page shows the run beside it."""
    prefix = f"{run_id}: "
    return message[len(prefix) :] if message and message.startswith(prefix) else message


def gap_percent(objective, bound):
    if objective is None or bound in (None, 0):
        return None
    return max(0.0, (bound - objective) / bound * 100)


def progress_summary(job):
    latest = job.latest
    if not latest:
        return None
    objective, bound, wall = latest
    return {
        "objective": objective,
        "bound": bound,
        "wall_s": wall,
        "gap": gap_percent(objective, bound),
        "first_s": job.progress[0][2],
        "events": len(job.progress),
    }


def status_payload(job):
    """What the job page's script polls for."""
    summary = progress_summary(job) or {}
    waiting = [w.pk for w in job.what_ifs.all() if w.is_active]
    return {
        "status": job.status,
        "status_label": job.get_status_display(),
        "active": job.is_active,
        "objective": summary.get("objective"),
        "bound": summary.get("bound"),
        "wall_s": summary.get("wall_s"),
        "gap": None if summary.get("gap") is None else round(summary["gap"], 1),
        "events": summary.get("events", 0),
        "what_ifs_waiting": len(waiting),
        "progress": job.progress[-20:],
    }


class PlanView:
    """The finished plan, ready for the templates."""

    def __init__(self, job):
        self.job = job
        inst, res, labels = job.instance, job.result or {}, job.labels or {}
        self.labels = labels
        self.courses = {c["id"]: c for c in inst["courses"]}
        self.wished = {r["id"]: r for r in inst["runs"]}
        self.tutors = {t["id"]: t for t in inst["tutors"]}

        self.first_monday = (
            date.fromisoformat(inst["meta"]["first_monday"]) if inst.get("meta", {}).get("first_monday") else None
        )
        self.offered = [self._offered(p) for p in res.get("runs", [])]
        self.offered.sort(key=lambda r: (r["day"], r["slot"], r["start_week"], r["title"]))
        self.unoffered = [self._unoffered(u) for u in res.get("unoffered", [])]
        self.unoffered.sort(key=lambda u: (-u["weight"], u["title"]))
        self.grid = [
            {
                "slot": label,
                "time": f"{start:%H:%M}",
                "cells": [[r for r in self.offered if r["day"] == d and r["slot"] == s] for d in range(len(WEEKDAYS))],
            }
            for s, (_id, label, start, _end) in enumerate(SLOTS)
        ]
        self.weekdays = WEEKDAYS
        self.conflicts = [
            {
                "runs": [labels.get(r, r) for r in c.get("runs", [])],
                "message": plain_words(humanise(c.get("message"), labels)),
            }
            for c in res.get("conflicts", [])
        ]
        self.wished_weight = sum(r["weight"] for r in inst["runs"])
        self.reason_counts = {}
        for u in self.unoffered:
            self.reason_counts[u["label"]] = self.reason_counts.get(u["label"], 0) + 1

    def _offered(self, p):
        wished = self.wished[p["run"]]
        course = self.courses[wished["course"]]
        start, end = slot_times(p["slot"], course["session_hours"])
        n = course["sessions"]
        blocks = []
        for b in p.get("blocks", []):
            blocks.append(
                {"peer": self.labels.get(b["peer"], b["peer"]), "staff": self.labels.get(b["staff"], b["staff"])}
            )
        first = self.first_monday + timedelta(days=7 * (p["start_week"] - 1) + p["day"]) if self.first_monday else None
        return {
            "id": p["run"],
            "wish": pk_of(p["run"]),
            "title": self.labels.get(wished["course"], wished["course"]),
            "day": p["day"],
            "slot": p["slot"],
            "day_label": WEEKDAYS[p["day"]],
            "slot_label": SLOTS[p["slot"]][1],
            "time": f"{start:%H:%M} to {end:%H:%M}",
            "start_week": p["start_week"],
            "end_week": p["start_week"] + n - 1,
            "sessions": n,
            "first_date": first,
            "last_date": first + timedelta(days=7 * (n - 1)) if first else None,
            "venue": self.labels.get(p["room"], p["room"]) if p.get("room") else "Online",
            "blocks": blocks,
            "weight": wished["weight"],
            "split": len(blocks) > 1,
        }

    def _unoffered(self, u):
        wished = self.wished[u["run"]]
        return {
            "id": u["run"],
            "wish": pk_of(u["run"]),
            "title": self.labels.get(wished["course"], wished["course"]),
            "weight": wished["weight"],
            "code": u["reason_code"],
            "label": REASONS.get(u["reason_code"], u["reason_code"]),
            "staff": u["reason_code"] in STAFF_CODES,
            "message": plain_words(humanise(_strip_prefix(u["message"], u["run"]), self.labels))
            + timetable_note(self.job.instance, wished, self.labels, u["reason_code"]),
            "venue": "Online" if wished["online"] else self.labels.get(wished["site"], wished["site"]),
            "allowed": describe_dayslots(wished["allowed"]),
        }

    def extra_staff(self):
        """The what-if answer about one extra staff tutor, with the winning profile in words."""
        res = self.job.result or {}
        answer = next((w for w in res.get("what_if", []) if w.get("kind") == "extra_staff_tutor"), None)
        if answer is None:
            return None
        best = answer.get("best")
        out = {
            "answer": answer,
            "candidates": len(self.job.candidates or []),
            "best": None,
            "message": plain_words(humanise(answer.get("message"), self.labels)),
        }
        if best:
            cand = (
                (self.job.candidates or [])[best["index"]] if best["index"] < len(self.job.candidates or []) else None
            )
            out["best"] = {
                "label": cand["label"] if cand else best["id"],
                "gain": best["gain"],
                "added": [self._wish_label(r) for r in best.get("runs_added", [])],
                "dropped": [self._wish_label(r) for r in best.get("runs_dropped", [])],
                "taught": [self._wish_label(r) for r in best.get("runs_taught", [])],
                "proven": answer.get("status") == "optimal",
            }
        return out

    def _wish_label(self, run_id):
        wished = self.wished.get(run_id)
        return self.labels.get(wished["course"], run_id) if wished else run_id

    def raise_answer(self, what_if):
        res = what_if.result or {}
        return {
            "gain": res.get("gain"),
            "before": res.get("release_before"),
            "after": res.get("release_after"),
            "objective": res.get("objective"),
            "base": res.get("base_objective"),
            "added": [self._wish_label(r) for r in res.get("runs_added", [])],
            "dropped": [self._wish_label(r) for r in res.get("runs_dropped", [])],
            "message": plain_words(humanise(res.get("message"), self.labels)),
            "proven": res.get("status") == "optimal",
        }

    def staff_choices(self):
        """(tutor pk, "Name (N hours of release)") for the raise-release form."""
        out = []
        unlimited = set(self.job.instance.get("meta", {}).get("no_release_budget", []))
        for t in self.job.instance["tutors"]:
            if t["role"] == "staff":
                hours = "no release budget set" if t["id"] in unlimited else f"{t['release_hours']:g} hours of release"
                out.append((pk_of(t["id"]), f"{self.labels.get(t['id'], t['id'])} ({hours})"))
        return sorted(out, key=lambda x: x[1])
