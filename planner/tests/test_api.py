"""The Python API a background task will call: progress, cancellation, lazy OR-Tools import."""

import subprocess
import sys
import time
from pathlib import Path

from planner import check_plan, solve

from .builders import random_instance


def test_progress_and_stop():
    inst = random_instance(5, n_runs=12, n_peers=6, n_staff=5, n_rooms=3)
    events = []
    t0 = time.perf_counter()
    result = solve(inst, time_limit=20, progress=lambda *a: events.append(a), should_stop=lambda: True)
    assert time.perf_counter() - t0 < 10
    assert check_plan(inst, result) == []
    assert events and all(len(e) == 3 for e in events)
    objective, bound, wall = events[0]
    assert isinstance(objective, int) and bound >= objective and wall >= 0


def test_failing_progress_callback_does_not_break_the_solve(capsys):
    def boom(*_):
        raise ValueError("observer broke")

    inst = random_instance(6)
    result = solve(inst, time_limit=3, progress=boom)
    assert check_plan(inst, result) == []
    assert "observer broke" in capsys.readouterr().err


def test_import_does_not_load_ortools():
    code = (
        "import sys, planner; planner.validate_instance; planner.check_plan; "
        "print('ortools.sat.python.cp_model' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=60,
    ).stdout
    assert out.strip() == "False"
