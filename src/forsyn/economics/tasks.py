"""Background work for economics (Celery; eager in the embedded default)."""

from celery import shared_task

from forsyn.economics.services import consumption_upload_process


@shared_task
def import_consumption_upload(upload_id: int) -> None:
    consumption_upload_process(upload_id=upload_id)
