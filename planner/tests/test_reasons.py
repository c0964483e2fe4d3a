"""One small constructed instance per reason code: the code and a message naming who/what."""

import pytest

from planner import check_plan, solve

from .builders import ALL, MON_AM, TUE_AM, basic, instance, peer, room, run, staff


def reason(inst, run_id):
    result = solve(inst, time_limit=5)
    assert check_plan(inst, result) == []
    found = [u for u in result["unoffered"] if u["run"] == run_id]
    assert len(found) == 1, f"{run_id} should be unoffered exactly once"
    return found[0]["reason_code"], found[0]["message"]


def two_runs(peers, staffs, rooms):
    return instance(
        peers + staffs, rooms, [run("W1", allowed=[MON_AM], weight=2), run("W2", allowed=[MON_AM], weight=1)]
    )


STATIC = [
    ("NO_QUALIFIED_PEER", lambda i: i["tutors"][0].update(qualified=["C2"]), ["C1"]),
    ("NO_QUALIFIED_STAFF", lambda i: i["tutors"][1].update(qualified=["C2"]), ["C1"]),
    ("NO_PEER_AT_SITE", lambda i: i["tutors"][0].update(sites=["S2"]), ["P1", "S1"]),
    ("NO_STAFF_AT_SITE", lambda i: i["tutors"][1].update(sites=["S2"]), ["N1", "S1"]),
    ("STAFF_RELEASE_TOO_SMALL", lambda i: i["tutors"][1].update(release_hours=5), ["N1", "6 h"]),
    ("PEER_NOT_AVAILABLE_WHEN", lambda i: i["tutors"][0].update(available=[TUE_AM]), ["Mon AM", "Tue AM"]),
    ("STAFF_NOT_AVAILABLE_WHEN", lambda i: i["tutors"][1].update(available=[TUE_AM]), ["Mon AM", "Tue AM"]),
    ("PEER_BLOCKED_BY_LEAVE_OR_LIMITS", lambda i: i["tutors"][0].update(unavailable_weeks=[2]), ["P1", "leave"]),
    ("STAFF_BLOCKED_BY_LEAVE_OR_LIMITS", lambda i: i["tutors"][1].update(max_sessions=1), ["N1", "1 sessions"]),
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
    inst = instance(
        [peer("P1", available=[MON_AM]), staff("N1", available=[TUE_AM])], [room("R1")], [run("W1", allowed=ALL)]
    )
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
    inst = instance(
        [peer("P1"), peer("P2"), staff("N1", release=6)],
        [room("R1")],
        [run("W1", allowed=[MON_AM], weight=2), run("W2", allowed=[TUE_AM])],
    )
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


# A pair listed free on the same day-slots but blocked there: the reason names the true cause
# (never "never free at the same time" while both are free at one).


def test_common_day_blocked_by_peer_session_limit_says_so():
    # P1 is free on Monday mornings with the staff tutor but may teach only 1 session; P2 can
    # teach it but only on Tuesday mornings, when no staff tutor is free.
    inst = instance(
        [
            peer("P1", available=[MON_AM], max_sessions=1),
            peer("P2", available=[TUE_AM]),
            staff("N1", available=[MON_AM]),
        ],
        [room("R1")],
        [run("W1", allowed=ALL)],
    )
    got, msg = reason(inst, "W1")
    assert got == "PEER_BLOCKED_BY_LEAVE_OR_LIMITS", msg
    assert "never free" not in msg
    assert "Mon AM" in msg and "P1 may teach 1 sessions" in msg


def test_common_day_blocked_by_release_hours_says_so():
    # N2 is free with the peer on Monday mornings but has 4 release hours (2 sessions need 6).
    inst = instance(
        [peer("P1", available=[MON_AM]), staff("N1", available=[TUE_AM]), staff("N2", available=[MON_AM], release=4)],
        [room("R1")],
        [run("W1", allowed=ALL)],
    )
    got, msg = reason(inst, "W1")
    assert got == "STAFF_RELEASE_TOO_SMALL", msg
    assert "never free" not in msg
    assert "Mon AM" in msg and "N2 has 4 release hours" in msg and "need 6" in msg


def test_common_day_blocked_by_leave_says_so():
    inst = instance(
        [
            peer("P1", available=[MON_AM], leave=[1, 2, 3]),
            peer("P2", available=[TUE_AM]),
            staff("N1", available=[MON_AM]),
        ],
        [room("R1")],
        [run("W1", allowed=ALL, wmax=2)],
    )
    got, msg = reason(inst, "W1")
    assert got == "PEER_BLOCKED_BY_LEAVE_OR_LIMITS", msg
    assert "never free" not in msg
    assert "P1 is on leave in weeks 1, 2, 3" in msg


def test_leave_in_different_weeks_names_the_leave():
    # Both free on Monday mornings; P1 is away in week 1, N1 in week 3: no start week suits both.
    inst = instance(
        [peer("P1", available=[MON_AM], leave=[1]), staff("N1", available=[MON_AM], leave=[3])],
        [room("R1")],
        [run("W1", allowed=[MON_AM], wmax=2)],
    )
    got, msg = reason(inst, "W1")
    assert got == "NO_COMMON_SLOT", msg
    assert "never free" not in msg
    assert "leave" in msg and "P1 week 1" in msg and "N1 week 3" in msg


def test_committed_elsewhere_when_free_together_but_teaching_other_runs():
    # Both free on Monday mornings only; a more important run holds them then.
    inst = instance(
        [peer("P1", available=[MON_AM]), staff("N1", available=[MON_AM])],
        [room("R1"), room("R2")],
        [run("W1", allowed=[MON_AM], weight=3), run("W2", allowed=[MON_AM], weight=1)],
    )
    got, msg = reason(inst, "W2")
    assert got in ("OUTWEIGHED", "PEER_COMMITTED_ELSEWHERE", "STAFF_COMMITTED_ELSEWHERE"), msg
    assert "never free" not in msg and "W1" in msg
