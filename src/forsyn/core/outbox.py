"""The transactional outbox: an app records an event ("order delivered", "grant ended") in the
same transaction as the change; after commit a worker delivers it to the handlers that apps
higher up registered for its topic. No Django signals and no upward imports: the lower app
only names the topic.

Delivery is at least once, so handlers are idempotent. A failing handler is retried with
back-off (`retry_delay`); after `MAX_ATTEMPTS` the message stays `failed`, visible and
retryable in the admin. Payloads carry ids and codes, never personal data.
"""

import datetime as dt
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from forsyn.core.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

Handler = Callable[[Mapping[str, Any]], None]
MAX_ATTEMPTS = 8
MAX_DELAY = dt.timedelta(hours=6)

_HANDLERS: dict[str, dict[str, Handler]] = {}


def register(topic: str, *, name: str) -> Callable[[Handler], Handler]:
    """Register `fn` as handler `name` of `topic` (call it from the app's module import, e.g.
    in `AppConfig.ready`). Names are stable: they are stored with each message."""

    def decorate(fn: Handler) -> Handler:
        _HANDLERS.setdefault(topic, {})[name] = fn
        return fn

    return decorate


def handlers_for(topic: str) -> dict[str, Handler]:
    return dict(_HANDLERS.get(topic, {}))


def retry_delay(attempts: int) -> dt.timedelta:
    """After the n-th failed attempt wait 1, 2, 4 … minutes, at most six hours."""
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_DELAY)


def outbox_record(*, topic: str, key: str, payload: Mapping[str, Any]) -> int:
    """Record `topic` for every handler registered for it, in the caller's transaction (one
    INSERT). The same (topic, key) recorded twice is delivered once. Returns the rows written."""
    return outbox_record_many(topic=topic, events=[(key, payload)])


def outbox_record_many(*, topic: str, events: Sequence[tuple[str, Mapping[str, Any]]]) -> int:
    """`outbox_record` for many events of one topic (a wave, an invoice run) in one INSERT."""
    names = sorted(_HANDLERS.get(topic, {}))
    if not names or not events:
        return 0
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(topic=topic, key=key, handler=n, payload=dict(payload))
            for key, payload in events
            for n in names
        ],
        ignore_conflicts=True,
    )
    transaction.on_commit(_kick)
    return len(names) * len(events)


# A worker dispatches everything that is due, so one kick per KICK_WINDOW is enough: the first
# commit in a window sends a dispatch that runs when the window closes (countdown), and every
# message committed inside the window is already visible to it. Busy processes (a thousand
# orders a minute) send one broker message a second instead of one per order; an idle one
# delivers within a second. Eager (the demo, tests) dispatches at once, every time.
KICK_WINDOW = 1.0
_last_kick = [-KICK_WINDOW]


def _kick() -> None:
    from forsyn.core.tasks import dispatch_outbox

    if dispatch_outbox.app.conf.task_always_eager:
        dispatch_outbox.delay()
        return
    now = time.monotonic()
    if now - _last_kick[0] < KICK_WINDOW:
        return
    _last_kick[0] = now
    dispatch_outbox.apply_async(countdown=KICK_WINDOW)


@dataclass(frozen=True)
class DispatchResult:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0


def outbox_dispatch(*, limit: int = 500, now: dt.datetime | None = None) -> DispatchResult:
    """Deliver the messages that are due, each under its own row lock (a second worker skips
    it) and in its own transaction, so one handler's failure touches nothing else."""
    moment = now or timezone.now()
    due = list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=moment)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    counts = {"delivered": 0, "retrying": 0, "failed": 0}
    for pk in due:
        outcome = _deliver_one(pk, moment)
        if outcome:
            counts[outcome] += 1
    return DispatchResult(**counts)


def _deliver_one(pk: int, moment: dt.datetime) -> str | None:
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, status=OutboxStatus.PENDING)
            .first()
        )
        if message is None:
            return None  # delivered meanwhile, or another worker has it
        message.attempts += 1
        handler = _HANDLERS.get(message.topic, {}).get(message.handler)
        try:
            if handler is None:
                raise LookupError(f"no handler {message.handler!r} for {message.topic!r}")
            with transaction.atomic():
                handler(message.payload)
        except Exception as exc:  # any handler failure is retried, never lost
            # Handlers raise errors without personal data; only the type goes to the log.
            log.warning(
                "outbox %s #%s (%s) failed: %s",
                message.topic,
                message.pk,
                message.handler,
                type(exc).__name__,
            )
            message.last_error = f"{type(exc).__name__}: {exc}"[:500]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxStatus.FAILED
                outcome = "failed"
            else:
                message.next_attempt_at = moment + retry_delay(message.attempts)
                outcome = "retrying"
        else:
            message.status = OutboxStatus.DONE
            message.done_at = timezone.now()
            message.last_error = ""
            outcome = "delivered"
        message.save(
            update_fields=["attempts", "status", "done_at", "next_attempt_at", "last_error"]
        )
        return outcome


def outbox_retry(*, message_ids: list[int]) -> int:
    """An administrator sends failed messages again (from the admin)."""
    count = OutboxMessage.objects.filter(pk__in=message_ids, status=OutboxStatus.FAILED).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )
    if count:
        transaction.on_commit(_kick)
    return count
