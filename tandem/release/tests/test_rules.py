"""What each role may do to release requests, the pipeline and stories, asked of the pages
themselves (the role rules in tandem.accounts.rules, never a copy of them): the roles that may
make a change make it, every other role gets 403 and nothing is written. What each role may open
(GET) is in tandem/tests/test_access_matrix.py. Then the object scoping the selectors add."""

import pytest
from django.urls import reverse

from tandem.audit.models import AuditEvent
from tandem.pipeline.models import PipelineEntry
from tandem.pipeline.tests.factories import make_entry
from tandem.release import selectors
from tandem.release.models import ReleaseRequest
from tandem.stories.models import Story
from tandem.stories.tests.factories import make_story

from .factories import (
    make_request,
    other_college_request,
    other_manager,
    other_manager_request,
)

ROLES = ("college_admin", "qi_team", "tutor", "line_manager", "leader", "student")


def _decided(w, rr):
    rr.refresh_from_db()
    return rr.status == ReleaseRequest.Status.DECLINED


def _staged(w, entry):
    entry.refresh_from_db()
    return entry.stage == PipelineEntry.Stage.TRAINED


def _withdrawn(w, story):
    return not Story.objects.get(pk=story.pk).consents.filter(withdrawn_on__isnull=True).exists()


def _deleted(w, story):
    return not Story.objects.filter(pk=story.pk).exists()


# name: (make the object, its URL, a valid POST, whether the change was made, the roles who may)
WRITES = {
    "decide a release request": (
        make_request,
        lambda rr: reverse("release:decide", args=[rr.pk]),
        {"decision": "decline", "reason": "service_pressure"},
        _decided,
        {"line_manager"},
    ),
    "move a pipeline entry on a stage": (
        make_entry,
        lambda entry: reverse("pipeline:stage", args=[entry.pk]),
        {"stage": "trained", "on": "2019-05-01"},
        _staged,
        {"college_admin", "qi_team"},
    ),
    "withdraw a story's consent": (
        make_story,
        lambda story: reverse("stories:withdraw", args=[story.pk]),
        {"on": "2019-05-01"},
        _withdrawn,
        {"college_admin", "qi_team"},
    ),
    "delete a story": (
        make_story,
        lambda story: reverse("stories:delete", args=[story.pk]),
        {},
        _deleted,
        {"college_admin", "qi_team"},
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("write", sorted(WRITES))
def test_only_the_roles_allowed_make_the_change(world, client, write, role):
    make, url, data, changed, allowed = WRITES[write]
    obj = make(world)
    audited = AuditEvent.objects.count()
    client.force_login(world.users[role])
    response = client.post(url(obj), data)
    if role in allowed:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert changed(world, obj) and AuditEvent.objects.count() > audited
    else:
        assert response.status_code == 403
        assert not changed(world, obj) and AuditEvent.objects.count() == audited


@pytest.mark.django_db
@pytest.mark.parametrize("write", sorted(WRITES))
def test_someone_signed_out_is_sent_to_sign_in_and_nothing_changes(world, client, write):
    make, url, data, changed, _ = WRITES[write]
    obj = make(world)
    response = client.post(url(obj), data)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert not changed(world, obj)


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
