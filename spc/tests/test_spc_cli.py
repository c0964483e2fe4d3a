"""(e) The `tandem spc` command, run as a real process (the table of bad inputs calls the same
entry point, `tandem.cli.main`, in this process: `call`)."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from spc import analyse

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "chart": "xmr",
    "values": [10, 12, 9, None, 11, 14, 13, 12, 10, 11, 15, 9, 12],
    "improvement": "increase",
    "target": 7.2,
}


def run(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "tandem.cli", "spc", *args], cwd=ROOT, input=stdin, capture_output=True, timeout=60
    )


@pytest.fixture
def call(capsysbinary):
    """As run, in this process: exit status and the bytes on stdout and stderr. An exception
    escaping main (a traceback, in the real process) fails the test."""
    from types import SimpleNamespace

    from tandem.cli import main

    def call(*args):
        code = main(["spc", *args])
        out, err = capsysbinary.readouterr()
        return SimpleNamespace(returncode=code, stdout=out, stderr=err)

    return call


def write(tmp_path, doc, name="req.json"):
    path = tmp_path / name
    path.write_bytes(doc if isinstance(doc, bytes) else json.dumps(doc).encode())
    return str(path)


def assert_bad_input(proc, starts_with):
    assert proc.returncode == 2, proc
    assert proc.stdout == b""
    err = proc.stderr.decode()
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    assert err.startswith(starts_with), err


def test_single_request_from_file(tmp_path):
    proc = run(write(tmp_path, GOOD))
    assert proc.returncode == 0 and proc.stderr == b""
    assert json.loads(proc.stdout) == analyse(GOOD)


def test_batch_from_stdin_keeps_order():
    batch = [
        GOOD,
        {"chart": "run", "values": [3, 1, 2], "rules": "ihi"},
        {"chart": "p", "values": [1, 2], "denominators": [10, 10]},
    ]
    for args in ((), ("-",)):
        proc = run(*args, stdin=json.dumps(batch).encode())
        assert proc.returncode == 0, proc.stderr
        out = json.loads(proc.stdout)
        assert [r["chart"] for r in out] == ["xmr", "run", "p"]
        assert out == [analyse(r) for r in batch]


def test_output_has_no_nan_and_full_precision(tmp_path):
    req = {"chart": "xmr", "values": [0.1, 0.7, 1 / 3, None, 2e-9, 123456789.123]}
    proc = run(write(tmp_path, req))
    text = proc.stdout.decode()
    assert "NaN" not in text and "Infinity" not in text
    out = json.loads(text)
    assert out["points"][2]["value"] == 1 / 3
    g = out["groups"][0]
    assert g["centre"] == analyse(req)["groups"][0]["centre"]


@pytest.mark.parametrize(
    "doc, message",
    [
        (b"{not json", "input: malformed JSON"),
        (b"", "input: malformed JSON"),
        ({"values": [1]}, "request.chart: required"),
        ({"chart": "xbar", "values": [1]}, "request.chart: expected one of"),
        ({"chart": "xmr"}, "request.values: required"),
        ({"chart": "xmr", "values": "1,2"}, "request.values: expected a list"),
        ({"chart": "xmr", "values": [1, "2"]}, "request.values[1]: expected a number or null"),
        ({"chart": "xmr", "values": [1, True]}, "request.values[1]: expected a number or null"),
        ({"chart": "xmr", "values": [1, 2], "dates": ["2019-01-01"]}, "request.dates: has 1 items"),
        ({"chart": "xmr", "values": [1], "dates": [20190101]}, "request.dates[0]: expected a string"),
        (
            {"chart": "xmr", "values": list(range(20)), "baseline_points": 11},
            "request.baseline_points: must be at least 12",
        ),
        ({"chart": "i", "values": [1, 2], "baseline_points": 0}, "request.baseline_points: must be"),
        ({"chart": "i", "values": [1, 2], "baseline_points": 2.5}, "request.baseline_points: expected"),
        ({"chart": "p", "values": [1, 2]}, "request.denominators: required for a p chart"),
        ({"chart": "u", "values": [1, 2], "denominators": [3]}, "request.denominators: has 1 items"),
        (
            {"chart": "p", "values": [1, 2], "denominators": [3, 0]},
            "request.denominators[1]: expected a positive number",
        ),
        ({"chart": "xmr", "values": [1, 2], "denominators": [3, 4]}, "request.denominators: only"),
        ({"chart": "xmr", "values": [1, 2], "rebase_at": [2]}, "request.rebase_at[0]: index 2 out of range"),
        ({"chart": "xmr", "values": [1, 2], "exclude": [-1]}, "request.exclude[0]: index -1 out of range"),
        ({"chart": "xmr", "values": [1, 2], "exclude": [0.5]}, "request.exclude[0]: expected an integer"),
        ({"chart": "xmr", "values": [1, 2], "improvement": "up"}, "request.improvement: expected"),
        ({"chart": "xmr", "values": [1, 2], "screen_outliers": "yes"}, "request.screen_outliers"),
        ({"chart": "xmr", "values": [1, 2], "target": "7"}, "request.target: expected a number"),
        ({"chart": "xmr", "values": [1, 2], "rules": "ihi"}, "request.rules: must be null"),
        ({"chart": "i", "values": [1, 2], "rules": "ihi"}, "request.rules: expected anhoej"),
        ([1], "request[0]: expected an object"),
        (7, "request: expected an object"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, call, doc, message):
    assert_bad_input(call(write(tmp_path, doc)), message)


def test_batch_error_names_the_item_and_the_first_error_wins(tmp_path):
    batch = [GOOD] * 3 + [{"chart": "xmr", "values": [1, 2, 3, 4, 5, "x"]}, {"chart": "nope", "values": [1]}]
    assert_bad_input(run(write(tmp_path, batch)), "request[3].values[5]: expected a number or null")
    batch[1] = {"chart": "xmr", "values": [1], "target": []}
    assert_bad_input(run(write(tmp_path, batch)), "request[1].target: expected a number")


def test_missing_file_and_bad_arguments(tmp_path):
    assert_bad_input(run(str(tmp_path / "absent.json")), str(tmp_path / "absent.json"))
    assert_bad_input(run("a.json", "b.json"), "arguments: usage: tandem spc")
    assert_bad_input(run("--frobnicate"), "arguments: usage: tandem spc")


def test_empty_batch():
    proc = run(stdin=b"[]")
    assert proc.returncode == 0 and json.loads(proc.stdout) == []


WRAPPER = """
import sys
from tandem.cli import main
rc = main(["spc", sys.argv[1]])
loaded = sorted(m for m in sys.modules if m == "django" or m.startswith("django."))
sys.stderr.write("django modules: %d\\n" % len(loaded))
sys.exit(rc)
"""


def test_django_is_never_imported(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-c", WRAPPER, write(tmp_path, [GOOD, GOOD])], cwd=ROOT, capture_output=True, timeout=60
    )
    assert proc.returncode == 0
    assert proc.stderr == b"django modules: 0\n"
    imports = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "tandem.cli", "spc", write(tmp_path, GOOD)],
        cwd=ROOT,
        capture_output=True,
        timeout=60,
    )
    assert imports.returncode == 0
    assert b"django" not in imports.stderr
    for path in (ROOT / "spc").rglob("*.py"):
        assert not re.search(r"^\s*(import|from)\s+django\b", path.read_text(), re.M), path
