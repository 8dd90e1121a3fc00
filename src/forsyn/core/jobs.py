"""Job runs: every long or scheduled job (waves, invoice runs, statistics, checkpoints,
imports) leaves a record of who started it, with which parameters, how far it got, and its
result or errors. Jobs are registered by kind; `job_enqueue` records a run and queues it after
commit (eager in the demo); a failed run can be started again with the same parameters.

Progress is written with single-row UPDATEs outside the job's own transactions, so a page
polling the run sees it move. Parameters and results carry codes, counts and periods, never
personal data.
"""

import logging
from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from forsyn.core.error_codes import ErrorCode
from forsyn.core.errors import DomainError
from forsyn.core.models import JobRun, JobStatus

log = logging.getLogger(__name__)

Job = Callable[[JobRun], Mapping[str, Any]]

_JOBS: dict[str, Job] = {}


def job(kind: str) -> Callable[[Job], Job]:
    """Register `fn(run) -> result` as the job of `kind`."""

    def decorate(fn: Job) -> Job:
        _JOBS[kind] = fn
        return fn

    return decorate


def job_kinds() -> list[str]:
    return sorted(_JOBS)


def job_enqueue(
    *,
    kind: str,
    started_by: AbstractBaseUser | None = None,
    started_by_id: int | None = None,
    parameters: Mapping[str, Any],
) -> JobRun:
    """Record a queued run of `kind` and start it after commit. Who started it: a user, or the
    id of one (an access context's `user_id`)."""
    if kind not in _JOBS:
        raise DomainError(
            "unknown job",
            code=ErrorCode.JOB_UNKNOWN,
            fields={"kind": ErrorCode.JOB_UNKNOWN.error(kind=kind)},
        )
    run = JobRun.objects.create(
        kind=kind,
        started_by_id=started_by.pk if started_by is not None else started_by_id,
        parameters=dict(parameters),
    )
    transaction.on_commit(lambda: _queue(run.pk))
    return run


def _queue(run_id: int) -> None:
    from forsyn.core.tasks import run_job

    run_job.delay(run_id)


def job_execute(run_id: int) -> JobRun:
    """Run a queued run now (the Celery task calls this). A run that is not queued is left
    alone, so a task delivered twice runs the job once."""
    started = JobRun.objects.filter(pk=run_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    run = JobRun.objects.get(pk=run_id)
    if not started:
        return run
    try:
        result = _JOBS[run.kind](run)
    except DomainError as exc:
        _finish(run, JobStatus.FAILED, errors=[{"code": exc.code, **exc.english_fields()}])
    except Exception as exc:  # recorded on the run; the traceback goes to the log only
        log.exception("job %s #%s failed", run.kind, run.pk)
        _finish(run, JobStatus.FAILED, errors=[{"code": "internal", "type": type(exc).__name__}])
    else:
        _finish(run, JobStatus.SUCCEEDED, result=dict(result))
    run.refresh_from_db()
    return run


def _finish(
    run: JobRun,
    status: str,
    *,
    result: Mapping[str, Any] | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> None:
    fields: dict[str, Any] = {"status": status, "finished_at": timezone.now()}
    if result is not None:
        fields["result"] = dict(result)
    if errors is not None:
        fields["errors"] = errors
    JobRun.objects.filter(pk=run.pk).update(**fields)


def job_progress(run: JobRun, *, done: int, total: int | None = None) -> None:
    """Report progress: `done` of `total` units (orders, invoices, rows)."""
    fields: dict[str, Any] = {"done_quantity": done}
    if total is not None:
        fields["total_quantity"] = total
        run.total_quantity = total
    run.done_quantity = done
    JobRun.objects.filter(pk=run.pk).update(**fields)


def job_restart(*, run_id: int, started_by: AbstractBaseUser | None = None) -> JobRun:
    """Start a failed run again with the same parameters, as a new run linked to it."""
    old = JobRun.objects.filter(pk=run_id).first()
    if old is None or old.status != JobStatus.FAILED:
        raise DomainError(
            "only a failed run can be restarted",
            code=ErrorCode.JOB_NOT_RESTARTABLE,
            fields={"run": ErrorCode.JOB_NOT_RESTARTABLE.error()},
        )
    run = JobRun.objects.create(
        kind=old.kind,
        started_by_id=started_by.pk if started_by is not None else None,
        parameters=old.parameters,
        restart_of=old,
    )
    transaction.on_commit(lambda: _queue(run.pk))
    return run
