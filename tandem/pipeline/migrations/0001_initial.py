"""The staff-tutor pipeline's models, moved here from tandem.release with their tables as they were
(`release_pipelineentry`, `release_pipelinestagechange`, `release_pipelinesubmission`, named in
each model's Meta.db_table): Django's state gains the models, the database is not touched. Then
release/0004_move_pipeline_out drops them from release's state, again without touching the
database. On a database that had them under release, their content types (and so their
permissions and any admin log entries) are renamed to this app."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MODELS = ("pipelineentry", "pipelinestagechange", "pipelinesubmission")


def _move_content_types(apps, schema_editor, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_types = ContentType.objects.db_manager(schema_editor.connection.alias)
    for model in MODELS:
        if not content_types.filter(app_label=new, model=model).exists():
            content_types.filter(app_label=old, model=model).update(app_label=new)
    ContentType.objects.clear_cache()


def content_types_to_pipeline(apps, schema_editor):
    _move_content_types(apps, schema_editor, "release", "pipeline")


def content_types_to_release(apps, schema_editor):
    _move_content_types(apps, schema_editor, "pipeline", "release")


STAGES = [("interested", "Interested"), ("trained", "Trained"), ("teaching", "Teaching"), ("lapsed", "Lapsed")]


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_initial"),
        ("tutors", "0001_initial"),
        # The tables as release/0002 left them (the pipeline's last change while it was in release).
        ("release", "0002_pipeline_submission"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="PipelineEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=200)),
                        ("work_email", models.EmailField(max_length=254)),
                        ("profession", models.CharField(max_length=100)),
                        ("team", models.CharField(max_length=100)),
                        ("line_manager_name", models.CharField(blank=True, max_length=200)),
                        ("line_manager_email", models.EmailField(blank=True, max_length=254)),
                        ("topics", models.TextField(blank=True)),
                        (
                            "stage",
                            models.CharField(choices=STAGES, db_index=True, default="interested", max_length=12),
                        ),
                        (
                            "source",
                            models.CharField(
                                choices=[
                                    ("web_form", "Interested in teaching form"),
                                    ("college", "Added by the College"),
                                ],
                                default="college",
                                max_length=10,
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "college",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="pipeline_entries",
                                to="core.college",
                            ),
                        ),
                        (
                            "tutor",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="pipeline_entry",
                                to="tutors.tutor",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "pipeline entries",
                        "db_table": "release_pipelineentry",
                        "ordering": ["name"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("college", "work_email"), name="pipeline_email_unique_per_college"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="PipelineStageChange",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("stage", models.CharField(choices=STAGES, max_length=12)),
                        ("on", models.DateField(db_index=True)),
                        (
                            "entry",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="changes",
                                to="pipeline.pipelineentry",
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "release_pipelinestagechange",
                        "ordering": ["on", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="PipelineSubmission",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=200)),
                        ("work_email", models.EmailField(max_length=254)),
                        ("profession", models.CharField(max_length=100)),
                        ("team", models.CharField(max_length=100)),
                        ("line_manager_name", models.CharField(blank=True, max_length=200)),
                        ("line_manager_email", models.EmailField(blank=True, max_length=254)),
                        ("topics", models.TextField(blank=True)),
                        ("submitted_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "college",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="pipeline_submissions",
                                to="core.college",
                            ),
                        ),
                        (
                            "entry",
                            models.ForeignKey(
                                help_text="The existing record the submission matches (same work email)",
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="submissions",
                                to="pipeline.pipelineentry",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "release_pipelinesubmission",
                        "ordering": ["submitted_at", "id"],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_to_pipeline, content_types_to_release),
    ]
