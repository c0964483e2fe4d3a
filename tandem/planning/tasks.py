"""Background tasks of term planning (django-tasks; the database backend and `tandem db_worker`
in production, run at once in tests). Each writes its progress and answer to its own row."""

from django_tasks import task

from .runner import execute_job, execute_what_if


@task()
def run_plan_job(job_id, what_if=True):
    """Plan the job's wish list (and, with what_if, find the best extra staff tutor profile)."""
    return execute_job(job_id, what_if)


@task()
def run_what_if(what_if_id):
    """Answer "what if this staff tutor's release were raised by N hours?" for a finished plan."""
    return execute_what_if(what_if_id)
