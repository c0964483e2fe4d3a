"""Mandatory and pinned runs that cannot all hold: status infeasible, minimal conflicts in words."""

from planner import check_plan, solve

from .builders import MON_AM, TUE_AM, TUE_PM, instance, peer, room, run, staff


def _pin(day_slot, week=1, room_id="R1", blocks=None):
    return {"day": day_slot[0], "slot": day_slot[1], "start_week": week, "room": room_id, "blocks": blocks}


def test_two_mandatory_runs_sharing_one_staff_tutor():
    inst = instance(
        [peer("P1"), peer("P2"), peer("P3"), staff("N1"), staff("N2", available=[TUE_PM])],
        [room("R1"), room("R2")],
        [
            run("W1", allowed=[MON_AM], mandatory=True),
            run("W2", allowed=[MON_AM], mandatory=True),
            # an unrelated mandatory run that holds: it must not be named in the conflict
            run("W3", allowed=[TUE_PM], mandatory=True),
            run("W4", allowed=[TUE_AM]),
        ],
    )
    result = solve(inst, time_limit=5)
    assert result["status"] == "infeasible"
    assert result["runs"] == [] and result["objective"] is None
    assert check_plan(inst, result) == []
    assert len(result["conflicts"]) == 1
    conflict = result["conflicts"][0]
    assert conflict["runs"] == ["W1", "W2"]  # minimal: W3 left out
    assert "N1" in conflict["message"] and "mandatory" in conflict["message"]


def test_two_pins_on_the_same_staff_tutor_at_the_same_time():
    blocks = [{"peer": "P1", "staff": "N1"}]
    inst = instance(
        [peer("P1"), peer("P2"), staff("N1"), staff("N2")],
        [room("R1"), room("R2")],
        [
            run("W1", pinned=_pin(MON_AM, blocks=blocks)),
            run("W2", pinned=_pin(MON_AM, week=2, room_id="R2", blocks=[{"peer": "P2", "staff": "N1"}]), wmax=2),
        ],
    )
    result = solve(inst, time_limit=5)
    assert result["status"] == "infeasible"
    (conflict,) = result["conflicts"]
    assert conflict["runs"] == ["W1", "W2"]
    assert "pinned to Mon AM" in conflict["message"] and "N1" in conflict["message"]


def test_pin_breaking_a_rule_on_its_own():
    inst = instance(
        [peer("P1"), staff("N1", available=[TUE_AM])],
        [room("R1")],
        [run("W1", pinned=_pin(MON_AM, blocks=[{"peer": "P1", "staff": "N1"}]))],
    )
    result = solve(inst, time_limit=5)
    assert result["status"] == "infeasible"
    (conflict,) = result["conflicts"]
    assert conflict["runs"] == ["W1"]
    assert "N1 is not available on Mon AM" in conflict["message"]


def test_mandatory_run_nobody_can_teach():
    inst = instance([peer("P1"), staff("N1", qualified=["C2"])], [room("R1")], [run("W1", mandatory=True)])
    result = solve(inst, time_limit=5)
    assert result["status"] == "infeasible"
    (conflict,) = result["conflicts"]
    assert "NO_QUALIFIED_STAFF" in conflict["message"] and "W1" in conflict["message"]


def test_independent_conflicts_are_all_reported():
    inst = instance(
        [
            peer("P1"),
            peer("P2"),
            peer("P3"),
            peer("P4"),
            staff("N1", available=[MON_AM]),
            staff("N2", available=[TUE_AM]),
        ],
        [room("R1"), room("R2")],
        [
            run("W1", allowed=[MON_AM], mandatory=True),
            run("W2", allowed=[MON_AM], mandatory=True),
            run("W3", allowed=[TUE_AM], mandatory=True),
            run("W4", allowed=[TUE_AM], mandatory=True),
        ],
    )
    result = solve(inst, time_limit=5)
    assert result["status"] == "infeasible"
    assert sorted(c["runs"] for c in result["conflicts"]) == [["W1", "W2"], ["W3", "W4"]]
