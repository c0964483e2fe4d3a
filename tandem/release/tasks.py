"""Background tasks of the release workflow (django-tasks; the database backend in production).

Scheduling: cron runs the management command once a day, e.g.

    15 7 * * *  cd /srv/tandem && .venv/bin/tandem release_reminders

which does the work at once; `tandem release_reminders --enqueue` instead queues this task for
the task worker (`tandem db_worker`).
"""

from django_tasks import task


@task()
def send_release_email(kind, release_request_id, attempt=1):
    """Send one email of the release workflow (tandem.release.emails.deliver): retried later on
    failure, then recorded in the audit log; never raises."""
    from .emails import deliver  # noqa: PLC0415 (import cycle: emails and services enqueue these tasks)

    return deliver(kind, release_request_id, attempt)


@task()
def release_reminders():
    """Remind line managers of undecided requests and expire old ones. Returns the counts."""
    from .services import send_reminders  # noqa: PLC0415 (import cycle: emails and services enqueue these tasks)

    return send_reminders()
