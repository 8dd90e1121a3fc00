"""Waves (issue #10 §4): the allocated orders of a warehouse up to a cut-off, consolidated into
parcels (one per citizen and delivery address; a hospital unit's ward orders in bulk), with a
pick list walking the bins in route order and the hole-cutting tasks of its base plates.

A wave is a job run (`core.jobs`, kind `fulfilment.wave`): who started it, with which cut-off,
its progress and result. It first allocates the approved and back-ordered orders placed before
the cut-off (`services.orders_allocate`, oldest first, its own transaction), then, in one
transaction under the orders' row locks, takes the allocated ones that are in no open parcel.
The number of SQL statements does not depend on the number of orders (tests pin it).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from forsyn.access.context import AccessContext, Channel
from forsyn.core.errors import DomainError
from forsyn.core.jobs import job, job_enqueue, job_execute, job_progress
from forsyn.core.models import JobRun
from forsyn.fulfilment.error_codes import ErrorCode
from forsyn.fulfilment.models import (
    HoleCutTask,
    Parcel,
    ParcelOrder,
    PickLine,
    StockLot,
    StockMove,
    UnitDeliveryAddress,
    Wave,
)
from forsyn.fulfilment.services import ALLOCATABLE, _warehouse_for, orders_allocate
from forsyn.fulfilment.wave_rules import (
    WARD,
    OrderToShip,
    consolidate,
    pick_day,
    wave_cutoff,
)
from forsyn.orders.choices import DeliveryType, OrderKind, OrderStatus
from forsyn.orders.lock_objects import orders_for_update
from forsyn.orders.models import Order, OrderLine
from forsyn.organisations.models import User

WAVE_JOB = "fulfilment.wave"
LAST = 2**31  # bins without a route order (or lots without a bin) come last


def cutoff_time() -> dt.time:
    hours, minutes = settings.FORSYN_WAVE_CUTOFF.split(":")
    return dt.time(int(hours), int(minutes))


def default_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    return wave_cutoff(now or timezone.now(), at=cutoff_time())


@dataclass(frozen=True)
class WaveDone:
    wave: Wave
    orders: list[int]
    back_ordered: list[int]
    pick_lines: list[PickLine]


def wave_start(
    *,
    ctx: AccessContext,
    warehouse_code: str,
    cutoff: dt.datetime | None = None,
    now: dt.datetime | None = None,
    queue: bool = False,
) -> JobRun:
    """Check that `ctx` works in the warehouse, then record the wave's job run and run it:
    now, in this request (the API answers with the wave), or queued after commit (`queue`, the
    operator's page, which follows the run's progress). The cut-off defaults to 14:00 on the
    pick day (`wave_rules.wave_cutoff`); a naive one is local time."""
    warehouse = _warehouse_for(ctx, warehouse_code)
    moment = now or timezone.now()
    cut = cutoff or default_cutoff(moment)
    if timezone.is_naive(cut):
        cut = timezone.make_aware(cut)
    parameters = {"warehouse": warehouse.code, "cutoff": cut.isoformat(), "at": moment.isoformat()}
    if queue:
        return job_enqueue(kind=WAVE_JOB, started_by_id=ctx.user_id, parameters=parameters)
    run = JobRun.objects.create(kind=WAVE_JOB, started_by_id=ctx.user_id, parameters=parameters)
    return job_execute(run.pk)


@job(WAVE_JOB)
def wave_job(run: JobRun) -> dict[str, Any]:
    params = run.parameters
    if run.started_by_id is None:
        raise DomainError(
            "a wave is started by a warehouse operator",
            code=ErrorCode.UNKNOWN_WAREHOUSE,
            fields={"warehouse": ErrorCode.UNKNOWN_WAREHOUSE.error()},
        )
    # The operator who started the run, acting through the background task.
    user = User.objects.select_related("organisation").get(pk=run.started_by_id)
    ctx = AccessContext.for_user(user, channel=Channel.TASK)
    done = wave_create(
        ctx=ctx,
        warehouse_code=params["warehouse"],
        cutoff=dt.datetime.fromisoformat(params["cutoff"]),
        at=dt.datetime.fromisoformat(params["at"]) if params.get("at") else None,
        run=run,
    )
    return {
        "wave": done.wave.pk,
        "orders": len(done.orders),
        "back_ordered": len(done.back_ordered),
        "pick_lines": len(done.pick_lines),
    }


def wave_create(
    *,
    ctx: AccessContext,
    warehouse_code: str,
    cutoff: dt.datetime,
    at: dt.datetime | None = None,
    run: JobRun | None = None,
) -> WaveDone:
    """Allocate what waits, then make the wave of the allocated orders placed before `cutoff`.
    DomainError `wave_empty` when there is nothing to pick (the allocation stays done)."""
    warehouse = _warehouse_for(ctx, warehouse_code)
    moment = at or timezone.now()
    waiting = list(
        Order.objects.filter(status__in=ALLOCATABLE, placed_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    allocation = orders_allocate(order_ids=waiting, actor=ctx, at=moment)
    if run is not None:
        job_progress(run, done=len(waiting), total=len(waiting) + 1)
    with transaction.atomic():
        wave, order_ids, lines = _wave_build(
            ctx=ctx, warehouse_id=warehouse.pk, cutoff=cutoff, moment=moment, run=run
        )
    if run is not None:
        job_progress(run, done=len(waiting) + 1)
    return WaveDone(wave, order_ids, allocation.back_ordered, lines)


def _orders_to_ship(orders: Sequence[Order], unit_addresses: dict[int, Any]) -> list[OrderToShip]:
    out = []
    for o in orders:
        if o.kind == OrderKind.WARD:
            address = unit_addresses.get(o.ordering_organisation_id)
            out.append(
                OrderToShip(
                    o.pk,
                    WARD,
                    None,
                    o.ordering_organisation_id,
                    DeliveryType.OTHER_ADDRESS,
                    name=address.name if address else o.delivery_name,
                    street=address.street if address else "",
                    postcode=address.postcode if address else "",
                    city=address.city if address else "",
                )
            )
        else:
            out.append(
                OrderToShip(
                    o.pk,
                    "citizen",
                    o.citizen_id,
                    o.ordering_organisation_id,
                    o.delivery_type,
                    name=o.delivery_name,
                    street=o.delivery_street,
                    postcode=o.delivery_postcode,
                    city=o.delivery_city,
                    parcel_locker=o.parcel_locker
                    if o.delivery_type == DeliveryType.PARCEL_LOCKER
                    else "",
                )
            )
    return out


def _wave_build(
    *,
    ctx: AccessContext,
    warehouse_id: int,
    cutoff: dt.datetime,
    moment: dt.datetime,
    run: JobRun | None,
) -> tuple[Wave, list[int], list[PickLine]]:
    locked = list(
        orders_for_update(
            Order.objects.filter(status=OrderStatus.ALLOCATED, placed_at__lt=cutoff)
        ).select_related("citizen")
    )
    # Read after the locks: an order another wave took meanwhile is in its open parcel now.
    busy = set(
        ParcelOrder.objects.filter(order_id__in=[o.pk for o in locked], is_open=True).values_list(
            "order_id", flat=True
        )
    )
    candidates = {o.pk: o for o in locked if o.pk not in busy}
    held = [
        row
        for row in StockMove.objects.filter(
            order_id__in=list(candidates), lot__warehouse_id=warehouse_id
        )
        .values("order_id", "order_line_id", "lot_id")
        .annotate(quantity=Sum("allocated_delta"))
        .order_by("order_id", "order_line_id", "lot_id")
        if row["quantity"] > 0
    ]
    orders = [candidates[i] for i in sorted({row["order_id"] for row in held})]
    if not orders:
        raise DomainError(
            "nothing to pick",
            code=ErrorCode.WAVE_EMPTY,
            fields={"cutoff": ErrorCode.WAVE_EMPTY.error()},
        )
    lots = {
        lot.pk: lot
        for lot in StockLot.objects.filter(pk__in={row["lot_id"] for row in held})
        .select_related("location", "product")
        .only(
            "pk",
            "lot_number",
            "expires_on",
            "location__code",
            "location__route_order",
            "product__gtin",
        )
    }
    lines = {
        ln.pk: ln
        for ln in OrderLine.objects.filter(order_id__in=[o.pk for o in orders]).only(
            "pk", "order_id", "product_id", "hole_size_mm"
        )
    }
    ward_units = {o.ordering_organisation_id for o in orders if o.kind == OrderKind.WARD}
    unit_addresses = {
        a.organisation_id: a
        for a in UnitDeliveryAddress.objects.filter(organisation_id__in=ward_units)
    }

    plans = consolidate(_orders_to_ship(orders, unit_addresses))
    shipping = {s.order_id: s for s in _orders_to_ship(orders, unit_addresses)}
    by_id = {o.pk: o for o in orders}
    wave = Wave.objects.create(
        warehouse_id=warehouse_id,
        cutoff_at=cutoff,
        ships_on=pick_day(moment),
        created_at=moment,
        created_by_id=ctx.user_id,
        job_run=run,
    )
    parcels = []
    for number, plan in enumerate(plans, start=1):
        first = shipping[plan.order_ids[0]]
        order = by_id[plan.order_ids[0]]
        ward = order.kind == OrderKind.WARD
        parcels.append(
            Parcel(
                wave=wave,
                number=number,
                citizen_id=None if ward else order.citizen_id,
                recipient_organisation_id=order.ordering_organisation_id if ward else None,
                is_address_protected=bool(order.citizen and order.citizen.is_address_protected),
                delivery_type=first.delivery_type,
                delivery_name=first.name,
                delivery_street=first.street,
                delivery_postcode=first.postcode,
                delivery_city=first.city,
                parcel_locker=first.parcel_locker,
            )
        )
    Parcel.objects.bulk_create(parcels)
    parcel_of = {
        order_id: parcel
        for plan, parcel in zip(plans, parcels, strict=True)
        for order_id in plan.order_ids
    }
    ParcelOrder.objects.bulk_create(
        [ParcelOrder(parcel=parcel_of[o.pk], order_id=o.pk) for o in orders]
    )

    def route(row: Any) -> tuple[Any, ...]:
        lot = lots[row["lot_id"]]
        location = lot.location
        return (
            location.route_order if location else LAST,
            location.code if location else "",
            lot.product.gtin,
            lot.expires_on,
            lot.lot_number,
            parcel_of[row["order_id"]].number,
            row["order_line_id"],
        )

    pick_lines = [
        PickLine(
            wave=wave,
            parcel=parcel_of[row["order_id"]],
            order_id=row["order_id"],
            order_line_id=row["order_line_id"],
            lot_id=row["lot_id"],
            location_id=lots[row["lot_id"]].location_id,
            sequence=n,
            quantity=row["quantity"],
            hole_size_mm=None
            if by_id[row["order_id"]].kind == OrderKind.WARD
            else lines[row["order_line_id"]].hole_size_mm,
        )
        for n, row in enumerate(sorted(held, key=route), start=1)
    ]
    PickLine.objects.bulk_create(pick_lines)

    # Hole-cutting: a citizen's base plates with a hole size from the grant line; never ward
    # stock. One task per order line, for all its pieces in the wave.
    to_cut: dict[int, int] = defaultdict(int)
    for pl in pick_lines:
        if pl.hole_size_mm:
            to_cut[pl.order_line_id] += pl.quantity
    HoleCutTask.objects.bulk_create(
        [
            HoleCutTask(
                wave=wave,
                parcel=parcel_of[lines[line_id].order_id],
                order_id=lines[line_id].order_id,
                order_line_id=line_id,
                product_id=lines[line_id].product_id,
                paying_organisation_id=by_id[lines[line_id].order_id].ordering_organisation_id,
                hole_size_mm=lines[line_id].hole_size_mm or 0,
                quantity=quantity,
            )
            for line_id, quantity in sorted(to_cut.items())
        ]
    )
    return wave, [o.pk for o in orders], pick_lines
