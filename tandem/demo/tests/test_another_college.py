"""`tandem demo --slug SLUG`: one more demo College beside those already there (to try or to
measure many Colleges: benchmarks/bench_web.py), with its own slug, name and logins."""

import io

import pytest
from django.core.management import call_command

from tandem.accounts.models import Role, User
from tandem.core.management.commands.demo import Command as DemoCommand
from tandem.core.models import College
from tandem.demo import generate
from tandem.release.models import ReleaseRequest
from tandem.tutors.models import Tutor

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # generates the demo College twice


def test_another_demo_college_beside_the_demo(capsys, keep_connection):
    generate(seed=2019)
    demo_users = set(User.objects.values_list("username", flat=True))
    out = io.StringIO()
    call_command("demo", "--slug", "north2", "--seed", "3", stdout=out)
    north = College.objects.get(slug="north2")
    assert (
        north.name == "Northvale Recovery College (north2)"
        and north.clock_date == College.objects.get(slug="demo").clock_date
    )
    assert "north2-admin" in out.getvalue() and "north2-leader" in out.getvalue()
    # Its own staff logins, every one named after its slug (students sign in by email); the demo's
    # are untouched.
    theirs = set(User.objects.filter(college=north).exclude(role=Role.STUDENT).values_list("username", flat=True))
    assert theirs and all(name.startswith("north2-") for name in theirs)
    assert {"north2-admin", "north2-qi", "north2-tutor", "north2-peer", "north2-manager", "north2-leader"} <= theirs
    assert set(User.objects.exclude(college=north).values_list("username", flat=True)) == demo_users
    assert User.objects.get(username="north2-leader").check_password("tandem-demo")
    # Its own tutors and records; the two requests waiting for its demo line manager.
    assert Tutor.objects.filter(college=north).exists()
    waiting = ReleaseRequest.objects.filter(college=north, status="pending", manager__username="north2-manager")
    assert waiting.count() == 2
    assert not ReleaseRequest.objects.filter(college=north).exclude(tutor__college=north).exists()
    # A slug already taken is refused, in one line, and nothing is written.
    with pytest.raises(SystemExit) as exit_:
        DemoCommand().run_from_argv(["tandem", "demo", "--skip-checks", "--slug", "north2"])
    assert exit_.value.code == 2
    assert "a College with slug 'north2' already exists" in capsys.readouterr().err
    assert College.objects.count() == 2


def test_the_slug_must_be_well_formed(capsys, keep_connection):
    with pytest.raises(SystemExit) as exit_:
        DemoCommand().run_from_argv(["tandem", "demo", "--skip-checks", "--slug", "Not_A_Slug"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--slug: lower-case letters, digits and hyphens" in err
    assert not College.objects.exists()
