"""`tandem spc`, `tandem plan`, `tandem import` and Tandem's other commands given malformed input:
exit status 2 and a clear message on stderr (one line for spc and plan), never a traceback.

Most cases call the entry point, `tandem.cli.main`, in this process (with stdin, stdout and stderr
replaced); a few run the real `tandem` process end to end (the `test_real_process_*` tests)."""

import io
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from tandem import cli

ROOT = Path(__file__).resolve().parents[2]
TANDEM = [sys.executable, "-c", "import sys; from tandem.cli import main; sys.exit(main())"]

BAD_JSON = {
    "empty": b"",
    "whitespace": b"   \n\t ",
    "not-json": b"this is not json",
    "truncated": b'{"chart": "xmr", "values": [1, 2,',
    "nul-bytes": b"\x00\x00\x00",
    "binary": bytes(range(256)),
    "cp1252": '{"chart": "xmr", "title": "caf\u00e9"'.encode("cp1252"),
    "number": b"42",
    "string": b'"xmr"',
    "null": b"null",
    "nan": b'{"chart": "xmr", "values": [NaN, 1, 2]}',
    "deep": b"[" * 100000 + b"]" * 100000,
    "bom-garbage": b"\xef\xbb\xbf{oops}",
}
SPC_ONLY = {
    "unknown-chart": b'{"chart": "pie", "values": [1, 2, 3]}',
    "values-not-list": b'{"chart": "xmr", "values": "1,2,3"}',
    "values-strings": b'{"chart": "xmr", "values": ["a", "b", "c"]}',
    "missing-values": b'{"chart": "xmr"}',
    "empty-object": b"{}",
    "huge-number": b'{"chart": "xmr", "values": [1e999, 1, 2]}',
}
PLAN_ONLY = {
    "empty-object": b"{}",
    "wrong-types": b'{"term": 5, "tutors": "none", "runs": {}}',
    "array": b"[1, 2, 3]",
}


def run(args, *, stdin=None, env=None):
    """The real `tandem` process."""
    return subprocess.run([*TANDEM, *args], cwd=ROOT, input=stdin, capture_output=True, timeout=120, env=env)


@pytest.fixture
def call(capsysbinary, monkeypatch):
    """`tandem ARGS` in this process: tandem.cli.main as the process would run it, its exit status
    (the value returned or passed to sys.exit), and the bytes written to stdout and stderr. An
    exception escaping main (a traceback, in the real process) fails the test."""

    def call(args, *, stdin=b""):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
        try:
            code = cli.main(list(args))
        except SystemExit as exit_:
            code = exit_.code
        out, err = capsysbinary.readouterr()
        return SimpleNamespace(returncode=0 if code is None else code, stdout=out, stderr=err)

    return call


def assert_refused(result, *, one_line=True):
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2, f"exit {result.returncode}; stderr: {err[-500:]}"
    assert "Traceback" not in err and "Traceback" not in result.stdout.decode("utf-8", "replace")
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines, "no message on stderr"
    if one_line:
        assert len(lines) == 1, f"expected one line, got {lines[:5]}"


@pytest.mark.parametrize("name", sorted({**BAD_JSON, **SPC_ONLY}))
def test_spc_refuses_malformed_input(name, tmp_path, call):
    data = {**BAD_JSON, **SPC_ONLY}[name]
    path = tmp_path / f"{name}.json"
    path.write_bytes(data)
    assert_refused(call(["spc", str(path)]))
    if len(data) < 10000:
        assert_refused(call(["spc"], stdin=data))


@pytest.mark.parametrize("name", sorted({**BAD_JSON, **PLAN_ONLY}))
def test_plan_refuses_malformed_input(name, tmp_path, call):
    path = tmp_path / f"{name}.json"
    path.write_bytes({**BAD_JSON, **PLAN_ONLY}[name])
    assert_refused(call(["plan", str(path)]))


@pytest.mark.parametrize(
    "args",
    [
        ["spc", "/no/such/file.json"],
        ["spc", "a.json", "b.json"],
        ["spc", "--bogus"],
        ["plan", "/no/such/instance.json"],
        ["plan"],
        ["plan", "--time-limit", "soon", "x.json"],
    ],
    ids=lambda a: " ".join(a),
)
def test_spc_and_plan_refuse_bad_arguments(args, tmp_path, call):
    assert_refused(call(args))


@pytest.mark.parametrize("name", ["binary", "deep", "unknown-chart"])
def test_real_process_spc_refuses_malformed_input(name, tmp_path):
    data = {**BAD_JSON, **SPC_ONLY}[name]
    path = tmp_path / f"{name}.json"
    path.write_bytes(data)
    assert_refused(run(["spc", str(path)]))
    if len(data) < 10000:
        assert_refused(run(["spc"], stdin=data))


@pytest.mark.parametrize("name", ["binary", "deep", "wrong-types"])
def test_real_process_plan_refuses_malformed_input(name, tmp_path):
    path = tmp_path / f"{name}.json"
    path.write_bytes({**BAD_JSON, **PLAN_ONLY}[name])
    assert_refused(run(["plan", str(path)]))
    assert_refused(run(["plan", "--time-limit", "soon", str(path)]))


@pytest.fixture
def one_college(db, keep_connection, tmp_path, monkeypatch):
    """The test database with one College, for the Django commands run in this process; the
    working folder is an empty one, so relative paths (x.csv, out.json) never touch the checkout."""
    from tandem.core.models import College, Organisation

    t = Organisation.objects.create(name="Northvale NHS Foundation Trust", is_trust=True)
    College.objects.create(name="Riverside Recovery College", slug="riverside", trust=t)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="module")
def django_env(tmp_path_factory):
    """A migrated SQLite database with one College, for the Django commands run as real processes."""
    folder = tmp_path_factory.mktemp("cli")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(DEBUG="true", SQLITE_PATH=str(folder / "cli.sqlite3"), DJANGO_SETTINGS_MODULE="tandem.settings")
    assert run(["migrate", "--no-input", "-v", "0"], env=env).returncode == 0
    setup = (
        "from tandem.core.models import College, Organisation; "
        "t = Organisation.objects.create(name='Northvale NHS Foundation Trust', is_trust=True); "
        "College.objects.create(name='Riverside Recovery College', slug='riverside', trust=t)"
    )
    assert run(["shell", "-c", setup], env=env).returncode == 0
    env["_FOLDER"] = str(folder)
    return env


IMPORT_FILES = {
    "empty": b"",
    "nul": b"kind,first_name\x00,last_name,email\n",
    "xlsx": b"PK\x03\x04" + b"\x00" * 100,
    "utf16": "kind,first_name,last_name,email\n".encode("utf-16"),
    "missing-column": b"kind,first_name\npeer,Ann\n",
    "bad-row": b"kind,first_name,last_name,email\npeer,Ann,Smith,not-an-email\n",
    "unbalanced-quote": b'kind,first_name,last_name,email\n"peer,Ann,Smith,ann@example.org\n',
}


@pytest.mark.parametrize("name", sorted(IMPORT_FILES))
def test_import_refuses_malformed_files(name, one_college, call):
    path = one_college / f"{name}.csv"
    path.write_bytes(IMPORT_FILES[name])
    # One line per problem, then one line saying nothing was imported.
    result = call(["import", "tutors", str(path)])
    assert_refused(result, one_line=False)
    assert result.stderr.decode().strip().splitlines()[-1].startswith("Nothing was imported")


@pytest.mark.slow
def test_real_process_import_refuses_a_malformed_file(django_env):
    path = Path(django_env["_FOLDER"]) / "bad-row.csv"
    path.write_bytes(IMPORT_FILES["bad-row"])
    result = run(["import", "tutors", str(path)], env=django_env)
    assert_refused(result, one_line=False)
    assert result.stderr.decode().strip().splitlines()[-1].startswith("Nothing was imported")


DJANGO_BAD_ARGUMENTS = [
    ["import", "tutors", "/no/such/file.csv"],
    ["import", "pets", "x.csv"],
    ["import", "tutors"],
    ["import", "tutors", "."],
    ["import", "tutors", "x.csv", "--college", "nowhere"],
    ["subject_access", "--tutor", "99999", "--output", "out.json"],
    ["subject_access", "--tutor", "notanumber", "--output", "out.json"],
    ["subject_access", "--tutor", "1"],
    ["erase", "--tutor", "99999", "--reason", "asked"],
    ["erase", "--tutor", "1"],
    ["retention", "--wet-run"],
    ["backup", "/no/such/folder/b.zip"],
    ["restore", "/no/such/backup.zip"],
    ["reset_two_factor", "nobody"],
]


@pytest.mark.parametrize("args", DJANGO_BAD_ARGUMENTS, ids=lambda a: " ".join(a))
def test_django_commands_refuse_bad_arguments(args, one_college, call):
    assert_refused(call(args))


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [  # one case for each command, end to end
        ["subject_access", "--tutor", "99999", "--output", "out.json"],
        ["erase", "--tutor", "1"],
        ["retention", "--wet-run"],
        ["backup", "/no/such/folder/b.zip"],
        ["restore", "/no/such/backup.zip"],
        ["reset_two_factor", "nobody"],
    ],
    ids=lambda a: " ".join(a),
)
def test_real_process_django_commands_refuse_bad_arguments(args, django_env):
    assert args in DJANGO_BAD_ARGUMENTS
    assert_refused(run(args, env=django_env))
