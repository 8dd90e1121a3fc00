"""Job runs: recorded, run once, progress visible, errors kept, failed runs restartable."""

from collections.abc import Mapping
from typing import Any

import pytest

from forsyn.core import jobs
from forsyn.core.errors import DomainError, FieldError
from forsyn.core.jobs import job_enqueue, job_execute, job_progress, job_restart
from forsyn.core.models import JobRun, JobStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setattr(jobs, "_JOBS", {})
    state: dict[str, Any] = {"fail": False, "calls": 0, "seen_progress": []}

    @jobs.job("test.count")
    def count(run: JobRun) -> Mapping[str, Any]:
        state["calls"] += 1
        if state["fail"]:
            raise DomainError(
                "bad period",
                code="period_future",
                fields={"period": FieldError("period_future", "future")},
            )
        for done in range(1, 4):
            job_progress(run, done=done, total=3)
            # What a page polling the run reads while the job works.
            state["seen_progress"].append(JobRun.objects.get(pk=run.pk).percent)
        return {"counted": 3, "period": run.parameters["period"]}

    @jobs.job("test.crash")
    def crash(run: JobRun) -> Mapping[str, Any]:
        raise ZeroDivisionError("boom")

    return state


def test_run_records_who_what_progress_and_result(
    registered: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    user = f.make_user("finance", f.service_centre())
    with django_capture_on_commit_callbacks(execute=True):
        run = job_enqueue(kind="test.count", started_by=user, parameters={"period": "2026-10"})
    run.refresh_from_db()
    assert (run.status, run.started_by_id, run.parameters) == (
        JobStatus.SUCCEEDED,
        user.pk,
        {"period": "2026-10"},
    )
    assert (run.done_quantity, run.total_quantity, run.percent) == (3, 3, 100)
    assert run.result == {"counted": 3, "period": "2026-10"}
    assert run.errors == []
    assert run.started_at is not None
    assert run.finished_at is not None
    assert registered["seen_progress"] == [33, 66, 100]


def test_a_run_delivered_twice_runs_once(registered: dict[str, Any]) -> None:
    run = job_enqueue(kind="test.count", parameters={"period": "2026-10"})
    assert job_execute(run.pk).status == JobStatus.SUCCEEDED
    assert job_execute(run.pk).status == JobStatus.SUCCEEDED
    assert registered["calls"] == 1


def test_domain_error_is_kept_and_the_run_restarts(registered: dict[str, Any]) -> None:
    registered["fail"] = True
    run = job_execute(job_enqueue(kind="test.count", parameters={"period": "2030-01"}).pk)
    assert run.status == JobStatus.FAILED
    assert run.errors == [{"code": "period_future", "period": "future"}]
    registered["fail"] = False
    again = job_restart(run_id=run.pk)
    assert (again.restart_of_id, again.parameters, again.status) == (
        run.pk,
        {"period": "2030-01"},
        JobStatus.QUEUED,
    )
    assert job_execute(again.pk).status == JobStatus.SUCCEEDED


def test_crash_is_recorded_without_its_message(registered: dict[str, Any]) -> None:
    run = job_execute(job_enqueue(kind="test.crash", parameters={}).pk)
    assert (run.status, run.errors) == (
        JobStatus.FAILED,
        [{"code": "internal", "type": "ZeroDivisionError"}],
    )


def test_only_failed_runs_restart_and_unknown_kinds_are_refused(
    registered: dict[str, Any],
) -> None:
    run = job_execute(job_enqueue(kind="test.count", parameters={"period": "2026-10"}).pk)
    with pytest.raises(DomainError) as refused:
        job_restart(run_id=run.pk)
    assert refused.value.code == "job_not_restartable"
    with pytest.raises(DomainError) as unknown:
        job_enqueue(kind="test.nothing", parameters={})
    assert (unknown.value.code, unknown.value.english_fields()) == (
        "job_unknown",
        {"kind": "no job of the kind test.nothing"},
    )
    assert JobRun.objects.count() == 1


def test_job_runs_page_shows_own_runs_with_progress_and_admins_all(
    registered: dict[str, Any], client: Any
) -> None:
    fsc = f.service_centre()
    finance = f.make_user("finance", fsc)
    other = f.make_user("finance", fsc)
    admin = f.make_user("admin", fsc)
    mine = job_execute(
        job_enqueue(kind="test.count", started_by=finance, parameters={"period": "2026-10"}).pk
    )
    theirs = job_enqueue(kind="test.count", started_by=other, parameters={"period": "2026-09"})
    client.force_login(finance)
    body = client.get("/koersler/").content.decode()
    assert f"test.count #{mine.pk}" in body
    assert f"test.count #{theirs.pk}" not in body
    assert '<progress max="100" value="100"' in body
    assert "Færdig" in body  # the status in Danish
    assert client.get(f"/koersler/{theirs.pk}/").status_code == 404
    client.force_login(admin)
    row = client.get(f"/koersler/{theirs.pk}/").content.decode()
    # A queued run polls itself until it ends.
    assert f'hx-get="/koersler/{theirs.pk}/" hx-trigger="every 2s"' in row
    assert "I kø" in row
