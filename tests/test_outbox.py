"""The transactional outbox: recorded with the change, delivered after commit, retried with
back-off, failed messages visible and retryable."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from forsyn.core import outbox
from forsyn.core.models import OutboxMessage, OutboxStatus
from forsyn.core.outbox import (
    MAX_ATTEMPTS,
    DispatchResult,
    outbox_dispatch,
    outbox_record,
    outbox_retry,
    retry_delay,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Mapping[str, Any]]]:
    """A clean handler registry with two handlers of test.thing and one that can fail."""
    monkeypatch.setattr(outbox, "_HANDLERS", {})
    seen: dict[str, list[Mapping[str, Any]]] = {"a": [], "b": [], "flaky": []}
    failures = {"left": 0}

    @outbox.register("test.thing", name="a")
    def a(payload: Mapping[str, Any]) -> None:
        seen["a"].append(payload)

    @outbox.register("test.thing", name="b")
    def b(payload: Mapping[str, Any]) -> None:
        seen["b"].append(payload)

    @outbox.register("test.flaky", name="flaky")
    def flaky(payload: Mapping[str, Any]) -> None:
        if failures["left"] > 0:
            failures["left"] -= 1
            raise RuntimeError("mail server down")
        seen["flaky"].append(payload)

    seen["_failures"] = failures  # type: ignore[assignment]
    return seen


@pytest.mark.parametrize(
    ("attempts", "minutes"),
    [(1, 1), (2, 2), (3, 4), (4, 8), (8, 128), (9, 256), (10, 360), (30, 360)],
)
def test_retry_delay_doubles_up_to_six_hours(attempts: int, minutes: int) -> None:
    assert retry_delay(attempts) == dt.timedelta(minutes=minutes)


def test_recorded_once_per_handler_and_delivered_after_commit(
    registry: dict[str, list[Mapping[str, Any]]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        assert outbox_record(topic="test.thing", key="order-7", payload={"order": 7}) == 2
        # A retried request records the same event again: still one message per handler.
        assert outbox_record(topic="test.thing", key="order-7", payload={"order": 7}) == 2
        assert registry["a"] == []  # nothing is delivered before commit
    assert registry["a"] == [{"order": 7}]
    assert registry["b"] == [{"order": 7}]
    rows = list(OutboxMessage.objects.values_list("handler", "status", "attempts"))
    assert rows == [("a", "done", 1), ("b", "done", 1)]


def test_rolled_back_change_records_nothing(
    registry: dict[str, list[Mapping[str, Any]]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    def change_then_refuse() -> None:
        with transaction.atomic():
            outbox_record(topic="test.thing", key="order-8", payload={"order": 8})
            raise ValueError("refused")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValueError, match="refused"),
    ):
        change_then_refuse()
    assert callbacks == []
    assert OutboxMessage.objects.count() == 0
    assert registry["a"] == []


def test_topic_without_handlers_records_nothing(
    registry: dict[str, list[Mapping[str, Any]]],
) -> None:
    assert outbox_record(topic="test.nobody", key="1", payload={}) == 0
    assert OutboxMessage.objects.count() == 0


def test_failure_is_retried_with_back_off_then_delivered(
    registry: dict[str, Any],
) -> None:
    registry["_failures"]["left"] = 2
    outbox_record(topic="test.flaky", key="k", payload={"order": 1})
    t0 = timezone.now()
    assert outbox_dispatch(now=t0) == DispatchResult(retrying=1)
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == ("pending", 1)
    assert message.next_attempt_at == t0 + dt.timedelta(minutes=1)
    assert message.last_error == "RuntimeError: mail server down"
    # Not yet due: nothing happens.
    assert outbox_dispatch(now=t0 + dt.timedelta(seconds=59)) == DispatchResult()
    assert outbox_dispatch(now=t0 + dt.timedelta(minutes=1)) == DispatchResult(retrying=1)
    message.refresh_from_db()
    assert message.next_attempt_at == t0 + dt.timedelta(minutes=1 + 2)
    assert outbox_dispatch(now=t0 + dt.timedelta(minutes=3)) == DispatchResult(delivered=1)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("done", 3, "")
    assert registry["flaky"] == [{"order": 1}]


def test_gives_up_after_max_attempts_and_admin_retry_sends_again(
    registry: dict[str, Any],
) -> None:
    registry["_failures"]["left"] = MAX_ATTEMPTS
    outbox_record(topic="test.flaky", key="k", payload={"order": 2})
    moment = timezone.now()
    results = []
    for _ in range(MAX_ATTEMPTS):
        results.append(outbox_dispatch(now=moment))
        moment += dt.timedelta(hours=7)
    assert results[-1] == DispatchResult(failed=1)
    assert results[:-1] == [DispatchResult(retrying=1)] * (MAX_ATTEMPTS - 1)
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, MAX_ATTEMPTS)
    assert outbox_dispatch(now=moment + dt.timedelta(days=1)) == DispatchResult()
    assert outbox_retry(message_ids=[message.pk]) == 1
    assert outbox_dispatch() == DispatchResult(delivered=1)
    assert registry["flaky"] == [{"order": 2}]


def test_handler_writes_roll_back_when_it_fails(registry: dict[str, Any]) -> None:
    from forsyn.organisations.models import Organisation

    @outbox.register("test.half", name="half")
    def half(payload: Mapping[str, Any]) -> None:
        Organisation.objects.filter(pk=payload["org"]).update(name="Halvt skrevet")
        raise RuntimeError("after a write")

    org = Organisation.objects.first()
    assert org is not None
    outbox_record(topic="test.half", key="x", payload={"org": org.pk})
    assert outbox_dispatch() == DispatchResult(retrying=1)
    org.refresh_from_db()
    assert org.name != "Halvt skrevet"


def test_unknown_handler_is_not_lost(registry: dict[str, Any]) -> None:
    OutboxMessage.objects.create(topic="test.thing", key="1", handler="gone", payload={})
    assert outbox_dispatch() == DispatchResult(retrying=1)
    assert OutboxMessage.objects.get().last_error == (
        "LookupError: no handler 'gone' for 'test.thing'"
    )


def test_a_busy_process_kicks_the_worker_once_per_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a real broker (not eager), the first commit in a window sends one dispatch that runs
    when the window closes; commits inside the window send nothing more (the dispatch will see
    them); the next commit after the window sends the next one. Eager always dispatches."""
    from forsyn.core.tasks import dispatch_outbox

    sent: list[dict[str, Any]] = []
    clock = {"now": 1000.0}
    monkeypatch.setattr(dispatch_outbox, "apply_async", lambda **kw: sent.append(kw))
    monkeypatch.setattr(outbox.time, "monotonic", lambda: clock["now"])
    monkeypatch.setattr(outbox, "_last_kick", [-outbox.KICK_WINDOW])
    monkeypatch.setitem(dispatch_outbox.app.conf, "task_always_eager", False)
    for at in (1000.0, 1000.4, 1000.99, 1001.0, 1001.5, 1003.0):
        clock["now"] = at
        outbox._kick()
    assert sent == [{"countdown": 1.0}, {"countdown": 1.0}, {"countdown": 1.0}]

    monkeypatch.setitem(dispatch_outbox.app.conf, "task_always_eager", True)
    delayed: list[int] = []
    monkeypatch.setattr(dispatch_outbox, "delay", lambda: delayed.append(1))
    outbox._kick()
    outbox._kick()
    assert delayed == [1, 1]
