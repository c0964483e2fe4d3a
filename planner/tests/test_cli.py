"""`tandem plan` through the real entry point: exit codes, one JSON doc, one-line errors.

Most cases call the entry point, `tandem.cli.main`, in this process (`_call`, stdin, stdout and
stderr replaced); the first test and the `test_real_process_*` ones run the real process."""

import io
import json
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from tandem.cli import main

from .builders import basic

ROOT = Path(__file__).resolve().parents[2]


def _run(args, stdin=None):
    proc = subprocess.run(
        [sys.executable, "-m", "tandem.cli", "plan", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
    )
    return proc.returncode, proc.stdout, proc.stderr


def _call(args, stdin=None):
    """As _run, in this process: an exception escaping main (a traceback) fails the test."""
    out, err, saved = io.StringIO(), io.StringIO(), sys.stdin
    sys.stdin = io.StringIO(stdin or "")
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(["plan", *args])
            except SystemExit as exit_:
                code = exit_.code
    finally:
        sys.stdin = saved
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def inst_file(tmp_path):
    path = tmp_path / "inst.json"
    path.write_text(json.dumps(basic()))
    return path


def test_success_writes_one_json_document(inst_file):
    code, out, err = _run([str(inst_file), "--time-limit", "5", "--seed", "3", "--workers", "1"])
    assert code == 0, err
    doc = json.loads(out)
    assert doc["schema"] == "tandem.plan-result/1" and doc["status"] == "optimal"
    assert doc["stats"]["workers"] == 1 and doc["stats"]["seed"] == 3
    assert out.count("\n") == 1


def test_verbose_progress_goes_to_stderr(inst_file):
    code, out, err = _call([str(inst_file), "--time-limit", "5", "-v"])
    assert code == 0 and json.loads(out)["objective"] == 1
    assert "objective 1" in err


def test_stdin(inst_file):
    code, out, _ = _call(["-", "--time-limit", "5"], stdin=inst_file.read_text())
    assert code == 0 and json.loads(out)["objective"] == 1


def test_real_process_stdin(inst_file):
    code, out, _ = _run(["-", "--greedy-only"], stdin=inst_file.read_text())
    assert code == 0 and json.loads(out)["objective"] == 1


def test_greedy_only(inst_file):
    code, out, _ = _call([str(inst_file), "--greedy-only"])
    assert code == 0 and json.loads(out)["objective"] == 1


def _bad(tmp_path, text):
    path = tmp_path / "bad.json"
    path.write_text(text)
    return str(path)


BAD = [
    (lambda p, i: [str(p / "missing.json")], "cannot read"),
    (lambda p, i: [_bad(p, "{not json")], "not valid JSON"),
    (lambda p, i: [_bad(p, json.dumps({**basic(), "runs": [{"id": "W1"}]}))], "runs[0] (W1).course: missing field"),
    (
        lambda p, i: [_bad(p, json.dumps(dict(basic(), tutors=[dict(basic()["tutors"][1], release_hours=-1)])))],
        "release_hours",
    ),
    (lambda p, i: [str(i), "--time-limit", "-1"], "--time-limit"),
    (lambda p, i: [str(i), "--time-limit", "soon"], "--time-limit"),
    (lambda p, i: [str(i), "--workers", "0"], "--workers"),
    (lambda p, i: [str(i), "--frobnicate"], "unrecognized arguments"),
    (lambda p, i: [], "INSTANCE"),
    (lambda p, i: [str(i), "--explain-cost", "W404"], "W404"),
    (lambda p, i: [str(i), "--raise-release", "N1"], "TUTOR:HOURS"),
    (lambda p, i: [str(i), "--raise-release", "N1:lots"], "HOURS"),
    (lambda p, i: [str(i), "--what-if-candidates", _bad(p, '[{"qualified": ["C9"]}]')], "candidates[0]"),
    (lambda p, i: [str(i), "--previous", _bad(p, '{"runs": 3}')], "previous"),
    (lambda p, i: [str(i), "--drop-tutor", "NOBODY"], "NOBODY"),
]


def _assert_one_line_exit_2(code, out, err, word):
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith("tandem plan: error:")
    assert word in err


@pytest.mark.parametrize("make_args,word", BAD, ids=[b[1] for b in BAD])
def test_bad_input_is_one_line_exit_2(tmp_path, inst_file, make_args, word):
    code, out, err = _call(make_args(tmp_path, inst_file))
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith("tandem plan: error:")
    assert word in err


@pytest.mark.parametrize("make_args,word", [BAD[1], BAD[7]], ids=[BAD[1][1], BAD[7][1]])
def test_real_process_bad_input_is_one_line_exit_2(tmp_path, inst_file, make_args, word):
    _assert_one_line_exit_2(*_run(make_args(tmp_path, inst_file)), word)
