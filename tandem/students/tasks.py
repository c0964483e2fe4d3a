"""Background tasks of students (django-tasks). Cron runs the reminders daily, e.g.

    0 8 * * *  cd /srv/tandem && .venv/bin/tandem student_reminders

(`--enqueue` queues this task for the worker instead)."""

from django_tasks import task

from .services import send_reminders


@task()
def student_reminders():
    return send_reminders()
