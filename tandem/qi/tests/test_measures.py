import datetime as dt
import json
import subprocess
import sys

import pytest
from django.core.management import call_command

from tandem.courses.models import CourseRun, Session
from tandem.courses.tests.factories import deliver
from tandem.qi.measures import goal_for, months_between, series
from tandem.qi.models import QIProject
from tandem.tutors.models import Tutor

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(world):
    """Two Trust staff tutors and one charity staff tutor delivering over three months."""
    second = Tutor.objects.create(
        college=world.college,
        kind="staff",
        first_name="Ada",
        last_name="Second",
        email="ada@example.nhs.uk",
        status="active",
        employer=world.trust,
    )
    charity = Tutor.objects.create(
        college=world.college,
        kind="staff",
        first_name="Cal",
        last_name="Charity",
        email="cal@example.org",
        status="active",
        employer=world.charity,
    )
    deliver(world.run, dt.date(2019, 1, 8), [world.peer, world.staff])
    deliver(world.run, dt.date(2019, 1, 15), [world.peer, world.staff])  # same tutor twice: counted once
    deliver(world.run, dt.date(2019, 1, 22), [world.peer, charity])  # not Trust staff: not counted
    deliver(world.run, dt.date(2019, 3, 5), [world.peer, world.staff, second])
    # A scheduled (undelivered) session never counts.
    Session.objects.create(run=world.run, date=dt.date(2019, 3, 12), start_time=dt.time(10), end_time=dt.time(12))
    return world


def test_outcome_counts_distinct_trust_staff_who_delivered(history):
    got = {p["period"]: p["value"] for p in series(history.college, "staff_tutors_teaching")}
    # February had no sessions at all: missing, not zero.
    assert got == {"2019-01": 1, "2019-02": None, "2019-03": 2}


def test_other_colleges_sessions_never_count(history):
    other = Tutor.objects.create(
        college=history.other_college,
        kind="staff",
        first_name="Far",
        last_name="Staff",
        email="far@example.nhs.uk",
        status="active",
        employer=history.trust,
    )
    deliver(history.other_run, dt.date(2019, 1, 9), [history.other_tutor, other])
    got = {p["period"]: p["value"] for p in series(history.college, "staff_tutors_teaching")}
    assert got["2019-01"] == 1


def test_goal_baseline_is_mean_of_twelve_months_before_the_project(history):
    QIProject.objects.create(
        college=history.college,
        title="More staff teaching",
        starts_on=dt.date(2019, 4, 1),
        deadline=dt.date(2019, 10, 31),
    )
    goal = goal_for(history.college, "staff_tutors_teaching")
    # April 2018 to March 2019: January (1) and March (2); months without sessions are left out.
    assert goal["baseline"] == 1.5
    assert goal["target"] == pytest.approx(1.8)
    assert goal["deadline"] == "2019-10-31"
    assert (goal["baseline_from"], goal["baseline_to"]) == ("2018-04", "2019-03")


def test_months_between_crosses_years():
    assert months_between("2018-11", "2019-02") == ["2018-11", "2018-12", "2019-01", "2019-02"]


def test_measures_command_prints_the_contract(history, capsysbinary):
    call_command("measures", "--college", "riverside", "--from", "2018-12", "--to", "2019-03")
    doc = json.loads(capsysbinary.readouterr().out)
    assert doc["college"] == "riverside"
    m = next(x for x in doc["measures"] if x["key"] == "staff_tutors_teaching")
    assert (m["kind"], m["unit"], m["period"], m["improvement"]) == ("outcome", "count", "month", "increase")
    assert m["goal"] is None
    assert m["series"] == [
        {"period": "2018-12", "value": None},
        {"period": "2019-01", "value": 1},
        {"period": "2019-02", "value": None},
        {"period": "2019-03", "value": 2},
    ]


@pytest.mark.parametrize(
    "args,message",
    [
        (["--from", "2019-13"], "--from must be a month written YYYY-MM"),
        (["--from", "2019-05", "--to", "2019-01"], "--from must not be after --to"),
        (["--college", "nowhere"], "no College with slug 'nowhere'"),
        ([], "several Colleges exist"),
    ],
)
def test_measures_command_bad_input_is_one_line_exit_2(world, args, message, capsys, keep_connection):
    from tandem.qi.management.commands.measures import Command

    with pytest.raises(SystemExit) as exc:
        Command().run_from_argv(["tandem", "measures", *args])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_cli_usage_error_has_no_traceback(tmp_path):
    env = {"SQLITE_PATH": str(tmp_path / "empty.sqlite3"), "DEBUG": "true", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "tandem.cli", "measures", "--to", "May"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 2
    assert done.stdout == "" and "Traceback" not in done.stderr
    assert done.stderr.strip() == "measures: --to must be a month written YYYY-MM, not 'May'"


def test_cancelled_runs_are_not_gaps(history):
    history.gap_run.status = CourseRun.Status.CANCELLED
    history.gap_run.cancel_reason = "no_staff_tutor"
    history.gap_run.save()
    from tandem.courses.selectors import visible_runs, with_gap_flags

    assert not any(r.is_gap for r in with_gap_flags(visible_runs(history.admin)))
