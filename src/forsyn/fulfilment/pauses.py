"""Delivery pauses (issue #10 §3, docs/adr/0027).

Staff pause a citizen's deliveries — an admission to hospital, a stay away from home — from a
day, until a day deliveries resume or until further notice. While a pause covers a day,
allocation passes over the citizen's orders and records why (`AllocationSkip`), which staff see
on the order. Ending a pause queues the citizen's waiting orders for allocation (outbox
`deliveries.resumed`). `delivery_pause_start` and `delivery_pause_end` are the entry points for
other apps too: the MedCom HospitalNotification work will call them with `ctx=None` and the
message id as `source_reference`.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from forsyn.access import policy
from forsyn.access.context import AccessContext
from forsyn.access.log import log_access
from forsyn.audit.choices import AccessAction
from forsyn.citizens.models import Citizen
from forsyn.citizens.selectors import access_citizen
from forsyn.core.errors import DomainError, FieldError, NotFound, PermissionDenied
from forsyn.core.outbox import outbox_record
from forsyn.fulfilment.choices import PauseReason
from forsyn.fulfilment.error_codes import ErrorCode
from forsyn.fulfilment.lock_objects import delivery_pause_for_update
from forsyn.fulfilment.models import AllocationSkip, DeliveryPause
from forsyn.orders.choices import OrderStatus
from forsyn.orders.models import Order

RESUMED = "deliveries.resumed"
DATE_WINDOW = dt.timedelta(days=366)
WAITING = (OrderStatus.APPROVED, OrderStatus.BACK_ORDERED)


def pauses_covering(on: dt.date) -> QuerySet[DeliveryPause]:
    """Pauses in force on `on` (half-open [starts_on, ends_on))."""
    return DeliveryPause.objects.filter(starts_on__lte=on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=on)
    )


def _check_dates(
    starts_on: dt.date, ends_on: dt.date | None, today: dt.date
) -> dict[str, FieldError]:
    errors: dict[str, FieldError] = {}
    if abs(starts_on - today) > DATE_WINDOW:
        errors["starts_on"] = ErrorCode.PAUSE_DATE_RANGE.error()
    if ends_on is not None:
        if ends_on <= starts_on:
            errors["ends_on"] = ErrorCode.PAUSE_DATES.error()
        elif abs(ends_on - today) > DATE_WINDOW:
            errors["ends_on"] = ErrorCode.PAUSE_DATE_RANGE.error()
    return errors


def _citizen_for(ctx: AccessContext | None, citizen_id: int) -> Citizen:
    """The citizen, if `ctx` may pause their deliveries (a system caller: any citizen)."""
    citizens = Citizen.objects.filter(pk=citizen_id)
    if ctx is not None:
        if not policy.may_pause_deliveries(ctx):
            raise PermissionDenied
        citizens = policy.citizens_visible(ctx, citizens)
    citizen = citizens.first()
    if citizen is None:
        raise NotFound
    return citizen


@transaction.atomic
def delivery_pause_start(
    *,
    ctx: AccessContext | None,
    citizen_id: int,
    starts_on: dt.date,
    reason: str,
    ends_on: dt.date | None = None,
    note: str = "",
    source_reference: str = "",
    at: dt.datetime | None = None,
) -> DeliveryPause:
    """Pause a citizen's deliveries over [starts_on, ends_on) — `ends_on` is the day they resume,
    None until further notice. A staff `ctx` needs the policy's leave and is access-logged
    (channel and purpose from the context); `ctx=None` is a system caller (a MedCom message,
    `source_reference`)."""
    citizen = _citizen_for(ctx, citizen_id)
    moment = at or timezone.now()
    errors = _check_dates(starts_on, ends_on, timezone.localdate(moment))
    if reason not in PauseReason.values:
        errors["reason"] = ErrorCode.PAUSE_REASON.error()
    if errors:
        raise DomainError("pause refused", code=ErrorCode.PAUSE_REFUSED, fields=errors)
    pause = DeliveryPause.objects.create(
        citizen=citizen,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        note=note.strip()[:200],
        source_reference=source_reference[:100],
        created_by_id=ctx.user_id if ctx is not None else None,
        created_at=moment,
    )
    if ctx is not None:
        log_access(
            ctx, citizen_ids=[citizen.pk], action=AccessAction.CHANGE, resource="delivery pauses"
        )
    return pause


@transaction.atomic
def delivery_pause_end(
    *,
    ctx: AccessContext | None,
    pause_id: int,
    resumes_on: dt.date | None = None,
    at: dt.datetime | None = None,
) -> DeliveryPause:
    """End a pause: deliveries resume on `resumes_on` (default today; a pause that has not begun
    is withdrawn). The citizen's waiting orders are queued for allocation after commit."""
    pause = delivery_pause_for_update(pause_id)
    if pause is None:
        raise NotFound
    _citizen_for(ctx, pause.citizen_id)
    moment = at or timezone.now()
    today = timezone.localdate(moment)
    if pause.ended_at is not None or (pause.ends_on is not None and pause.ends_on <= today):
        raise DomainError(
            "pause ended",
            code=ErrorCode.PAUSE_ENDED,
            fields={"pause": ErrorCode.PAUSE_ENDED.error()},
        )
    resume = resumes_on or today
    if abs(resume - today) > DATE_WINDOW:
        raise DomainError(
            "pause refused",
            code=ErrorCode.PAUSE_REFUSED,
            fields={"ends_on": ErrorCode.PAUSE_DATE_RANGE.error()},
        )
    pause.ends_on = max(resume, pause.starts_on)
    pause.ended_by_id = ctx.user_id if ctx is not None else None
    pause.ended_at = moment
    pause.save(update_fields=["ends_on", "ended_by", "ended_at"])
    if ctx is not None:
        log_access(
            ctx,
            citizen_ids=[pause.citizen_id],
            action=AccessAction.CHANGE,
            resource="delivery pauses",
        )
    outbox_record(
        topic=RESUMED,
        key=f"pause-{pause.pk}-ended",
        payload={"citizen": pause.citizen_id, "pause": pause.pk},
    )
    return pause


def waiting_orders(citizen_id: int) -> list[int]:
    """The citizen's orders that wait for allocation, oldest first."""
    return list(
        Order.objects.filter(citizen_id=citizen_id, status__in=WAITING)
        .order_by("placed_at", "pk")
        .values_list("pk", flat=True)
    )


# -- Reads ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PausePage:
    citizen: Citizen
    pauses: list[DeliveryPause]
    skipped: list[AllocationSkip]  # the citizen's waiting orders that allocation passed over


def citizen_pauses(*, ctx: AccessContext, citizen_id: int) -> PausePage:
    """A citizen's pauses, newest first, and the waiting orders that allocation passed over
    because of one (read through the policy and the access log)."""
    if not policy.may_pause_deliveries(ctx):
        raise PermissionDenied
    citizen = access_citizen(ctx=ctx, citizen_id=citizen_id, resource="delivery pauses")
    pauses = list(
        DeliveryPause.objects.filter(citizen=citizen)
        .select_related("created_by", "ended_by")
        .order_by("-starts_on", "-pk")
    )
    skipped = list(
        AllocationSkip.objects.filter(pause__citizen=citizen, order__status__in=WAITING)
        .select_related("order", "pause")
        .order_by("order_id", "-last_at")
    )
    return PausePage(citizen, pauses, skipped)


def pause_notes(*, order_ids: list[int]) -> dict[int, AllocationSkip]:
    """Why waiting orders were passed over: the latest skip of each order that still waits
    (one query; the caller has read the orders through the policy)."""
    notes: dict[int, AllocationSkip] = {}
    for skip in (
        AllocationSkip.objects.filter(order_id__in=order_ids, order__status__in=WAITING)
        .select_related("pause")
        .order_by("order_id", "-last_at", "-pk")
    ):
        notes.setdefault(skip.order_id, skip)
    return notes


def current_pause(*, citizen_id: int, on: dt.date | None = None) -> DeliveryPause | None:
    """The pause in force for the citizen on `on` (today), if any (one query)."""
    return (
        pauses_covering(on or timezone.localdate())
        .filter(citizen_id=citizen_id)
        .order_by("starts_on", "pk")
        .first()
    )


def paused_citizens(*, citizen_ids: list[int], on: dt.date) -> set[int]:
    """Which of these citizens have their deliveries paused on `on` (for waves: a paused
    citizen's allocated orders wait too). One query."""
    return set(
        pauses_covering(on).filter(citizen_id__in=citizen_ids).values_list("citizen_id", flat=True)
    )
