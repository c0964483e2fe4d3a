"""The pipeline moved out of tandem.release into its own app: its tables, rows, content types and
audit history stayed where they were, and writes to it still change the College's version."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tandem.audit.models import AuditEvent
from tandem.audit.selectors import filter_events
from tandem.audit.services import record
from tandem.core import versions
from tandem.core.models import College, Organisation
from tandem.pipeline.models import PipelineEntry, PipelineStageChange, PipelineSubmission
from tandem.privacy.export import SubjectAccess

from .factories import make_entry, make_submission

MODELS = (PipelineEntry, PipelineStageChange, PipelineSubmission)


def test_the_models_keep_the_tables_they_had_in_release():
    assert [m._meta.db_table for m in MODELS] == [
        "release_pipelineentry",
        "release_pipelinestagechange",
        "release_pipelinesubmission",
    ]
    assert {m._meta.app_label for m in MODELS} == {"pipeline"}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()


@pytest.mark.slow  # builds the migration graph twice
@pytest.mark.django_db(transaction=True)
def test_the_move_keeps_rows_and_content_types_both_ways():
    """Migrating back to before the move and forward again changes no table or row; the content
    types (with their ids, so their permissions and admin log entries) go back to release and
    return to the pipeline."""
    college = College.objects.create(
        name="Moor Recovery College", slug="moor", trust=Organisation.objects.create(name="Trust", is_trust=True)
    )
    entry = PipelineEntry.objects.create(
        college=college, name="Alex Keen", work_email="alex@example.nhs.uk", profession="OT", team="Ward"
    )
    PipelineStageChange.objects.create(entry=entry, stage="interested", on=dt.date(2019, 4, 2))
    ids = {ct.model: ct.pk for ct in ContentType.objects.filter(app_label="pipeline")}
    assert set(ids) == {"pipelineentry", "pipelinestagechange", "pipelinesubmission"}
    permissions = set(Permission.objects.filter(content_type__app_label="pipeline").values_list("pk", flat=True))
    try:
        _migrate([("pipeline", None)])  # unapplies release/0004 and pipeline/0001
        assert {ct.model: ct.pk for ct in ContentType.objects.filter(model__in=ids, app_label="release")} == ids
        assert not ContentType.objects.filter(app_label="pipeline").exists()
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM release_pipelineentry")
            assert cursor.fetchall() == [("Alex Keen",)]
    finally:
        _migrate(None)
    assert {ct.model: ct.pk for ct in ContentType.objects.filter(app_label="pipeline")} == ids
    assert not ContentType.objects.filter(app_label="release", model__in=ids).exists()
    assert set(Permission.objects.filter(content_type__app_label="pipeline").values_list("pk", flat=True)) == (
        permissions
    )
    assert PipelineEntry.objects.get().changes.count() == 1


@pytest.mark.django_db
def test_audit_rows_from_before_the_move_still_belong_to_the_record(world):
    """The audit log is append-only, so rows written while the pipeline was release's keep the
    label `release.PipelineEntry`: the person's subject-access export and the audit log's filter
    still find them."""
    entry = make_entry(world)
    entry.tutor = world.staff
    entry.save()
    submission = make_submission(world, entry=entry)
    old = record(
        actor=None, action="create", object_type="release.PipelineEntry", object_id=str(entry.pk), note="before"
    )
    old_submission = record(
        actor=None,
        action="create",
        object_type="release.PipelineSubmission",
        object_id=str(submission.pk),
        note="before",
    )
    new = record(actor=world.qi, action="update", obj=entry, fields=["tutor"])
    assert new.object_type == "pipeline.PipelineEntry"
    exported = {(e["object_type"], e["object_id"]) for e in SubjectAccess(tutor=world.staff).collect().audit}
    assert {
        ("release.PipelineEntry", str(entry.pk)),
        ("release.PipelineSubmission", str(submission.pk)),
        ("pipeline.PipelineEntry", str(entry.pk)),
    } <= exported
    found = filter_events(AuditEvent.objects.all(), object_type="pipeline.PipelineEntry", object_id=str(entry.pk))
    assert set(found) == {old, new}
    assert old_submission not in set(found)


@pytest.mark.django_db
def test_a_write_to_the_pipeline_changes_the_colleges_version(world):
    """The pipeline's measures are cached per College version (tandem.core.versions)."""
    before = versions.version(world.college.pk)
    entry = make_entry(world)
    after = versions.version(world.college.pk)
    assert after != before
    PipelineStageChange.objects.create(entry=entry, stage="trained", on=dt.date(2019, 5, 1))
    assert versions.version(world.college.pk) != after
