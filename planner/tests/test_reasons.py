"""One small constructed instance per reason code: the code and a message naming who/what."""

import pytest

from planner import check_plan, solve

from .builders import (ALL, MON_AM, TUE_AM, basic, instance, peer, room, run, staff)


def reason(inst, run_id):
    result = solve(inst, time_limit=5)
    assert check_plan(inst, result) == []
    found = [u for u in result["unoffered"] if u["run"] == run_id]
    assert len(found) == 1, f"{run_id} should be unoffered exactly once"
    return found[0]["reason_code"], found[0]["message"]


def two_runs(peers, staffs, rooms):
    return instance(peers + staffs, rooms, [
        run("W1", allowed=[MON_AM], weight=2), run("W2", allowed=[MON_AM], weight=1)])


STATIC = [
    ("NO_QUALIFIED_PEER", lambda i: i["tutors"][0].update(qualified=["C2"]), ["C1"]),
    ("NO_QUALIFIED_STAFF", lambda i: i["tutors"][1].update(qualified=["C2"]), ["C1"]),
    ("NO_PEER_AT_SITE", lambda i: i["tutors"][0].update(sites=["S2"]), ["P1", "S1"]),
    ("NO_STAFF_AT_SITE", lambda i: i["tutors"][1].update(sites=["S2"]), ["N1", "S1"]),
    ("STAFF_RELEASE_TOO_SMALL", lambda i: i["tutors"][1].update(release_hours=5), ["N1", "6 h"]),
    ("PEER_NOT_AVAILABLE_WHEN", lambda i: i["tutors"][0].update(available=[TUE_AM]),
     ["Mon AM", "Tue AM"]),
    ("STAFF_NOT_AVAILABLE_WHEN", lambda i: i["tutors"][1].update(available=[TUE_AM]),
     ["Mon AM", "Tue AM"]),
    ("PEER_BLOCKED_BY_LEAVE_OR_LIMITS", lambda i: i["tutors"][0].update(unavailable_weeks=[2]),
     ["P1", "leave"]),
    ("STAFF_BLOCKED_BY_LEAVE_OR_LIMITS", lambda i: i["tutors"][1].update(max_sessions=1),
     ["N1", "1 sessions"]),
    ("NO_ROOM", lambda i: i["rooms"][0].update(capacity=5), ["R1", "10"]),
]


@pytest.mark.parametrize("code,mutate,words", STATIC, ids=[s[0] for s in STATIC])
def test_static_reasons(code, mutate, words):
    inst = basic(allowed=[MON_AM])
    mutate(inst)
    got, msg = reason(inst, "W1")
    assert got == code
    for w in words:
        assert w in msg, (w, msg)


def test_no_peer_online():
    inst = basic(online=True)
    got, msg = reason(inst, "W1")
    assert got == "NO_PEER_AT_SITE" and "online for K1" in msg


def test_no_common_slot():
    inst = instance([peer("P1", available=[MON_AM]), staff("N1", available=[TUE_AM])],
                    [room("R1")], [run("W1", allowed=ALL)])
    got, msg = reason(inst, "W1")
    assert got == "NO_COMMON_SLOT"
    assert "Mon AM" in msg and "Tue AM" in msg


def test_no_room_free_on_allowed_days():
    inst = basic(allowed=[MON_AM])
    inst["rooms"][0]["available"] = [TUE_AM]
    got, msg = reason(inst, "W1")
    assert got == "NO_ROOM" and "R1" in msg and "Tue AM" in msg


def test_peer_committed_elsewhere():
    inst = two_runs([peer("P1")], [staff("N1"), staff("N2")], [room("R1"), room("R2")])
    got, msg = reason(inst, "W2")
    assert got == "PEER_COMMITTED_ELSEWHERE"
    assert "P1" in msg and "W1" in msg and "Mon AM" in msg


def test_staff_committed_elsewhere_by_slot():
    inst = two_runs([peer("P1"), peer("P2")], [staff("N1")], [room("R1"), room("R2")])
    got, msg = reason(inst, "W2")
    assert got == "STAFF_COMMITTED_ELSEWHERE" and "N1" in msg and "W1" in msg


def test_staff_committed_elsewhere_by_release_hours():
    inst = instance([peer("P1"), peer("P2"), staff("N1", release=6)], [room("R1")],
                    [run("W1", allowed=[MON_AM], weight=2), run("W2", allowed=[TUE_AM])])
    got, msg = reason(inst, "W2")
    assert got == "STAFF_COMMITTED_ELSEWHERE"
    assert "N1" in msg and "release hours" in msg


def test_room_committed_elsewhere():
    inst = two_runs([peer("P1"), peer("P2")], [staff("N1"), staff("N2")], [room("R1")])
    got, msg = reason(inst, "W2")
    assert got == "ROOM_COMMITTED_ELSEWHERE" and "R1" in msg and "W1" in msg


def test_outweighed_names_the_runs_it_would_displace():
    inst = two_runs([peer("P1")], [staff("N1"), staff("N2")], [room("R1")])
    got, msg = reason(inst, "W2")
    assert got == "OUTWEIGHED"
    assert "W1 (weight 2)" in msg and "its own weight 1" in msg and "P1" in msg and "R1" in msg
