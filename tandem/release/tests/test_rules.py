"""Unit tests for the role rules of release, the pipeline and stories (tandem.accounts.rules),
and for the object scoping their selectors add."""

import pytest
from django.contrib.auth.models import AnonymousUser

from tandem.accounts.models import Role
from tandem.accounts.rules import PERMISSIONS, can
from tandem.release import selectors
from tandem.release.pipeline_selectors import visible_entries

from .factories import (
    make_request,
    other_college_request,
    other_manager,
    other_manager_request,
)
from .pipeline_factories import make_entry

A, Q, T, M, L = "college_admin", "qi_team", "tutor", "line_manager", "leader"

EXPECTED = {
    "view_release_requests": {A, T, M},
    "request_release": {A, T},
    "decide_release": {M},
    "manage_release_budgets": {A, M},
    "view_pipeline": {A, Q},
    "manage_pipeline": {A, Q},
    "view_pipeline_funnel": {A, Q, L},
    "view_stories": {A, Q, T, M, L},
    "manage_stories": {A, Q},
    "download_story_pack": {A, Q, L},
}


class FakeUser:
    is_authenticated = True

    def __init__(self, role):
        self.role = role


@pytest.mark.parametrize("permission", sorted(EXPECTED))
@pytest.mark.parametrize("role", [r.value for r in Role])
def test_rule(permission, role):
    assert can(FakeUser(role), permission) is (role in EXPECTED[permission])


@pytest.mark.parametrize("permission", sorted(EXPECTED))
def test_anonymous_has_none(permission):
    assert PERMISSIONS[permission] == EXPECTED[permission]
    assert can(AnonymousUser(), permission) is False


@pytest.mark.django_db
def test_decide_scoping_only_the_manager_asked(world):
    mine, theirs, far = make_request(world), other_manager_request(world), other_college_request(world)
    other, _ = other_manager(world)
    from django.http import Http404

    assert selectors.decidable_request(world.manager, mine.pk) == mine
    for user, rr in [
        (world.manager, theirs),
        (world.manager, far),
        (other, mine),
        (world.admin, mine),
        (world.tutor_user, mine),
    ]:
        with pytest.raises(Http404):
            selectors.decidable_request(user, rr.pk)
    assert selectors.decidable_request(other, theirs.pk) == theirs


@pytest.mark.django_db
def test_withdraw_scoping(world):
    from django.http import Http404

    mine, theirs = make_request(world), other_manager_request(world)
    assert selectors.withdrawable_request(world.tutor_user, mine.pk) == mine
    assert selectors.withdrawable_request(world.admin, theirs.pk) == theirs
    for user, rr in [(world.tutor_user, theirs), (world.manager, mine), (world.other_admin, mine)]:
        with pytest.raises(Http404):
            selectors.withdrawable_request(user, rr.pk)


@pytest.mark.django_db
def test_request_release_scoping(world):
    assert list(selectors.requestable_tutors(world.tutor_user)) == [world.staff]
    assert list(selectors.requestable_tutors(world.peer_user)) == []
    assert set(selectors.requestable_tutors(world.admin)) == {world.staff, world.unmanaged}
    assert list(selectors.requestable_tutors(world.manager)) == []


@pytest.mark.django_db
def test_budget_scoping(world):
    assert list(selectors.budget_tutors(world.manager)) == [world.staff]
    assert set(selectors.budget_tutors(world.admin)) == {world.staff, world.unmanaged}
    assert list(selectors.budget_tutors(world.tutor_user)) == []
    assert list(selectors.budget_tutors(world.other_admin)) == []


@pytest.mark.django_db
def test_pipeline_scoping(world):
    mine, far = make_entry(world), make_entry(world, college=world.other_college, email="far@example.nhs.uk")
    assert list(visible_entries(world.qi)) == [mine]
    assert list(visible_entries(world.other_admin)) == [far]
    for user in (world.tutor_user, world.manager, world.leader):
        assert list(visible_entries(user)) == []
