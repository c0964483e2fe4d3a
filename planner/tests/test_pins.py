"""Pins, full and partial: time and room always fixed; tutors fixed only where named."""

from planner import check_plan, solve

from .builders import ALL, MON_AM, TUE_PM, instance, peer, room, run, staff


def _solve(inst):
    result = solve(inst, time_limit=5)
    assert result["status"] in ("optimal", "feasible")
    assert check_plan(inst, result) == []
    return {r["run"]: r for r in result["runs"]}


def _people():
    q = ["C1", "C2"]
    return [peer("P1", qualified=q), peer("P2", qualified=q), staff("N1", qualified=q), staff("N2", qualified=q)]


def test_full_pin_is_kept_exactly():
    pin = {"day": 1, "slot": 1, "start_week": 2, "room": "R2", "blocks": [{"peer": "P2", "staff": "N2"}]}
    inst = instance(_people(), [room("R1"), room("R2")], [run("W1", wmax=3, pinned=pin)])
    got = _solve(inst)["W1"]
    assert (got["day"], got["slot"], got["start_week"], got["room"]) == (1, 1, 2, "R2")
    assert got["blocks"] == [{"peer": "P2", "staff": "N2"}]


def test_partial_pin_without_blocks_fixes_time_and_room_only():
    for blocks in (None, []):
        pin = {"day": 1, "slot": 1, "start_week": 1, "room": "R1", "blocks": blocks}
        # P1/N1 cannot do Tue PM, so the planner must choose P2/N2
        people = [peer("P1", available=[MON_AM]), peer("P2"), staff("N1", available=[MON_AM]), staff("N2")]
        inst = instance(people, [room("R1")], [run("W1", pinned=pin)])
        got = _solve(inst)["W1"]
        assert (got["day"], got["slot"], got["room"]) == (1, 1, "R1")
        assert got["blocks"] == [{"peer": "P2", "staff": "N2"}]


def test_pin_without_blocks_key():
    pin = {"day": 0, "slot": 0, "start_week": 1, "room": "R1"}
    inst = instance(_people(), [room("R1")], [run("W1", pinned=pin)])
    assert _solve(inst)["W1"]["day"] == 0


def test_partial_pin_with_one_role_named():
    pin = {"day": 0, "slot": 0, "start_week": 1, "room": "R1", "blocks": [{"peer": "P2", "staff": None}]}
    inst = instance(_people(), [room("R1")], [run("W1", pinned=pin)])
    got = _solve(inst)["W1"]
    assert got["blocks"][0]["peer"] == "P2"
    assert got["blocks"][0]["staff"] in ("N1", "N2")


def test_split_pin_with_one_pair_applies_to_both_blocks():
    pin = {"day": 0, "slot": 0, "start_week": 1, "room": "R1", "blocks": [{"peer": "P1", "staff": "N1"}]}
    inst = instance(_people(), [room("R1")], [run("W1", course="C2", split=True, pinned=pin)])
    got = _solve(inst)["W1"]
    assert got["blocks"] == [{"peer": "P1", "staff": "N1"}]


def test_split_pin_with_two_pairs():
    pin = {
        "day": 0,
        "slot": 0,
        "start_week": 1,
        "room": "R1",
        "blocks": [{"peer": "P1", "staff": "N1"}, {"peer": "P2", "staff": "N1"}],
    }
    inst = instance(_people(), [room("R1")], [run("W1", course="C2", split=True, pinned=pin)])
    got = _solve(inst)["W1"]
    assert got["blocks"] == pin["blocks"]


def test_online_pin_has_no_room():
    people = [peer("P1", online_ok=True), staff("N1", online_ok=True)]
    pin = {"day": 1, "slot": 1, "start_week": 1, "room": None, "blocks": None}
    inst = instance(people, [], [run("W1", online=True, allowed=ALL, pinned=pin)])
    got = _solve(inst)["W1"]
    assert got["room"] is None and [got["day"], got["slot"]] == TUE_PM
