"""Periodic tasks of the access log (CELERY_BEAT_SCHEDULE in settings)."""

from celery import shared_task

from forsyn.audit.services import audit_checkpoint


@shared_task
def audit_checkpoint_task() -> int:
    """Every 10 minutes: append a checkpoint outside the database. Returns the count."""
    return audit_checkpoint().count
