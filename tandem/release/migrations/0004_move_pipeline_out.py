"""The staff-tutor pipeline moved to its own app (tandem.pipeline, whose 0001_initial took over
its models and their tables as they are): release's state forgets the three models; the database
is not touched, so every table and row stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("release", "0003_college_first_indexes"),
        ("pipeline", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="PipelineSubmission"),
                migrations.DeleteModel(name="PipelineStageChange"),
                migrations.DeleteModel(name="PipelineEntry"),
            ],
        ),
    ]
