"""Celery tasks for the outbox and job runs (eager in the embedded default)."""

from celery import shared_task

from forsyn.core.jobs import job_execute
from forsyn.core.outbox import outbox_dispatch


@shared_task
def dispatch_outbox() -> dict[str, int]:
    result = outbox_dispatch()
    return {"delivered": result.delivered, "retrying": result.retrying, "failed": result.failed}


@shared_task
def run_job(run_id: int) -> str:
    return job_execute(run_id).status
