"""One warehouse day for the demo (issue #10 §8; docs/adr/0029): what an operator and the
carrier would do, through the real services only, so the ledger, the order events and the
parcels come out as they would in real use.

`day_simulate` allocates and waves the orders up to the cut-off, confirms every open pick line
with the scan the picker would type (the lot the line names), cuts every open hole-cutting task,
packs the ready parcels, ships them, and has the carrier report them in transit and delivered.
`forsyn fulfilment simulate-day` runs it now; `forsyn loaddemo` runs it week by week to make
the demo's order history. The carrier's events go through `carrier_events_apply`, the service
behind the signed webhook; `forsyn carrier simulate` posts the same events over HTTP instead.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from forsyn.access.context import AccessContext
from forsyn.core.errors import DomainError
from forsyn.fulfilment.choices import HoleCutStatus, ParcelStatus
from forsyn.fulfilment.error_codes import ErrorCode
from forsyn.fulfilment.models import HoleCutTask, Parcel, ParcelOrder, PickLine, Wave
from forsyn.fulfilment.packing import wave_pack
from forsyn.fulfilment.picking import hole_cut_confirm, pick_line_confirm
from forsyn.fulfilment.shipping import CarrierEvent, carrier_events_apply, parcel_ship
from forsyn.fulfilment.waves import default_cutoff, wave_create
from forsyn.orders.choices import OrderStatus


@dataclass
class DayDone:
    wave: int | None = None  # the wave made today (None: nothing to wave)
    allocated: int = 0  # orders in today's wave
    back_ordered: int = 0  # orders short of stock
    pick_lines: int = 0  # pick lines confirmed
    pieces_cut: int = 0  # base plates cut
    packed: int = 0  # parcels packed
    shipped: int = 0  # parcels shipped
    delivered_parcels: list[int] = field(default_factory=list)
    delivered_orders: int = 0


def pick_scan(gtin: str, lot_number: str, expires_on: dt.date) -> str:
    """The GS1 string a handheld scanner types for a lot: (01) GTIN, (17) expiry, (10) lot."""
    return f"(01){gtin.zfill(14)}(17){expires_on:%y%m%d}(10){lot_number}"


def day_simulate(
    *,
    ctx: AccessContext,
    warehouse_code: str,
    at: dt.datetime | None = None,
    step: dt.timedelta = dt.timedelta(0),
    cutoff: dt.datetime | None = None,
) -> DayDone:
    """Move the warehouse's orders along one day, starting at `at` (default now): wave (with
    allocation), pick, cut, pack, ship, then the carrier reports every parcel on its way in
    transit and delivered (also those shipped on an earlier day). Each step happens `step`
    after the one before (the demo's history spreads a day over hours; the command acts now)."""
    start = at or timezone.now()
    done = DayDone()
    try:
        wave = wave_create(
            ctx=ctx,
            warehouse_code=warehouse_code,
            cutoff=cutoff or default_cutoff(start),
            at=start,
        )
    except DomainError as exc:
        if exc.code != ErrorCode.WAVE_EMPTY:
            raise
    else:
        done.wave = wave.wave.pk
        done.allocated = len(wave.orders)
        done.back_ordered = len(wave.back_ordered)
    waves = Wave.objects.filter(warehouse__code=warehouse_code)
    # Every open line of the warehouse's waves: today's and any an operator left half done.
    lines = list(
        PickLine.objects.filter(
            wave__in=waves, confirmed_at__isnull=True, order__status=OrderStatus.ALLOCATED
        )
        .select_related("lot__product")
        .order_by("wave_id", "sequence")
    )
    for line in lines:
        pick_line_confirm(
            ctx=ctx,
            pick_line_id=line.pk,
            scan=pick_scan(line.lot.product.gtin, line.lot.lot_number, line.lot.expires_on),
            quantity=line.quantity,
            at=start + step,
        )
    done.pick_lines = len(lines)
    tasks = list(
        HoleCutTask.objects.filter(
            wave__in=waves, status=HoleCutStatus.OPEN, order__status=OrderStatus.PICKED
        )
        .order_by("pk")
        .values_list("pk", "quantity", "cut_quantity")
    )
    for task_id, quantity, cut in tasks:
        hole_cut_confirm(ctx=ctx, task_id=task_id, pieces=quantity - cut, at=start + 2 * step)
        done.pieces_cut += quantity - cut
    for wave_id in (
        waves.filter(parcels__status=ParcelStatus.PLANNED)
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    ):
        done.packed += len(wave_pack(ctx=ctx, wave_id=wave_id, at=start + 3 * step).packed)
    packed = Parcel.objects.filter(wave__in=waves, status=ParcelStatus.PACKED).order_by("pk")
    for parcel_id in packed.values_list("pk", flat=True):
        parcel_ship(ctx=ctx, parcel_id=parcel_id, at=start + 4 * step)
        done.shipped += 1
    delivered = carrier_deliver(
        warehouse_code=warehouse_code,
        in_transit_at=start + 5 * step,
        delivered_at=start + 8 * step,
    )
    done.delivered_parcels = delivered
    done.delivered_orders = (
        ParcelOrder.objects.filter(parcel_id__in=delivered).values("order_id").distinct().count()
    )
    return done


def carrier_deliver(
    *, warehouse_code: str, in_transit_at: dt.datetime, delivered_at: dt.datetime
) -> list[int]:
    """The local carrier reports every parcel of the warehouse on its way as in transit, then
    delivered (event ids derived from the tracking number, so a repeat changes nothing).
    Returns the parcels delivered."""
    on_the_way = list(
        Parcel.objects.filter(
            wave__warehouse__code=warehouse_code,
            carrier="local",
        )
        .filter(Q(status=ParcelStatus.SHIPPED) | Q(status=ParcelStatus.IN_TRANSIT))
        .order_by("pk")
        .values_list("tracking_number", "status")
    )
    if not on_the_way:
        return []
    events = [
        CarrierEvent(f"sim-{number}-in-transit", number, ParcelStatus.IN_TRANSIT, in_transit_at)
        for number, status in on_the_way
        if status == ParcelStatus.SHIPPED
    ] + [
        CarrierEvent(f"sim-{number}-delivered", number, ParcelStatus.DELIVERED, delivered_at)
        for number, _ in on_the_way
    ]
    in_transit = [e for e in events if e.status == ParcelStatus.IN_TRANSIT]
    if in_transit:
        carrier_events_apply(events=in_transit, received_at=in_transit_at)
    applied = carrier_events_apply(
        events=[e for e in events if e.status == ParcelStatus.DELIVERED], received_at=delivered_at
    )
    return sorted(applied.delivered)
