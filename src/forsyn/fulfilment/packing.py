"""Packing (issue #10 §4; ADR 0023): a wave's parcels whose orders are all picked and whose
base plates are all cut get an SSCC and become `packed`, and so do their orders. Orders that
left the wave (cancelled, or back-ordered after a short pick) leave their parcel; a parcel left
without orders is cancelled.

The SSCCs' serial references come from the `sscc` number sequence in one block per call, so
the statements do not grow with the parcels. Locks: the parcels' orders, then the parcels, then
the number sequence.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from forsyn.access import policy
from forsyn.access.context import AccessContext
from forsyn.core.errors import FieldError, NotFound, PermissionDenied
from forsyn.fulfilment.choices import HoleCutStatus, ParcelStatus
from forsyn.fulfilment.error_codes import ErrorCode
from forsyn.fulfilment.lock_objects import number_sequence_for_update, parcels_for_update
from forsyn.fulfilment.models import (
    HoleCutTask,
    Parcel,
    ParcelEvent,
    ParcelOrder,
    Warehouse,
    Wave,
)
from forsyn.fulfilment.sscc import sscc_build
from forsyn.orders.choices import OrderStatus
from forsyn.orders.lifecycle import orders_transition
from forsyn.orders.lock_objects import orders_by_id_for_update
from forsyn.orders.models import Order

SSCC_SEQUENCE = "sscc"
LEFT_THE_WAVE = (OrderStatus.CANCELLED, OrderStatus.BACK_ORDERED)


@dataclass
class PackResult:
    wave: Wave
    packed: list[Parcel] = field(default_factory=list)  # packed by this call
    waiting: list[tuple[Parcel, FieldError]] = field(default_factory=list)
    cancelled: list[Parcel] = field(default_factory=list)


def wave_for_operator(ctx: AccessContext, wave_id: int) -> Wave:
    if not policy.may_operate_warehouse(ctx):
        raise PermissionDenied
    wave = (
        Wave.objects.filter(
            pk=wave_id, warehouse__in=policy.warehouses_operated(ctx, Warehouse.objects.all())
        )
        .select_related("warehouse")
        .first()
    )
    if wave is None:
        raise NotFound
    return wave


def sscc_serials(count: int) -> range:
    """`count` new serial references, under the sequence's row lock."""
    sequence = number_sequence_for_update(SSCC_SEQUENCE)
    first = sequence.last_value + 1
    sequence.last_value += count
    sequence.save(update_fields=["last_value"])
    return range(first, first + count)


def wave_pack(
    *,
    ctx: AccessContext,
    wave_id: int,
    parcel_ids: list[int] | None = None,
    at: dt.datetime | None = None,
) -> PackResult:
    """Pack the wave's ready parcels (or those of `parcel_ids`); say why the others wait."""
    wave = wave_for_operator(ctx, wave_id)
    moment = at or timezone.now()
    who = ctx.user_id
    with transaction.atomic():
        planned = Parcel.objects.filter(wave=wave, status=ParcelStatus.PLANNED)
        if parcel_ids is not None:
            planned = planned.filter(pk__in=parcel_ids)
        links = list(
            ParcelOrder.objects.filter(parcel__in=planned, is_open=True).values_list(
                "parcel_id", "order_id"
            )
        )
        orders = {o.pk: o for o in orders_by_id_for_update({o for _, o in links})}
        parcels = parcels_for_update(
            planned.values_list("pk", flat=True)  # re-read under the lock
        )
        parcels = [p for p in parcels if p.status == ParcelStatus.PLANNED]
        open_cuts = set(
            HoleCutTask.objects.filter(
                parcel__in=[p.pk for p in parcels], status=HoleCutStatus.OPEN
            ).values_list("order_id", flat=True)
        )
        members: dict[int, list[Order]] = defaultdict(list)
        for parcel_id, order_id in links:
            members[parcel_id].append(orders[order_id])
        gone = [o.pk for o in orders.values() if o.status in LEFT_THE_WAVE]
        result = PackResult(wave)
        ready: list[Parcel] = []
        for parcel in parcels:
            staying = [o for o in members[parcel.pk] if o.status not in LEFT_THE_WAVE]
            if not staying:
                result.cancelled.append(parcel)
            elif any(o.status != OrderStatus.PICKED for o in staying):
                result.waiting.append((parcel, ErrorCode.PARCEL_NOT_PICKED.error()))
            elif any(o.pk in open_cuts for o in staying):
                result.waiting.append((parcel, ErrorCode.PARCEL_NOT_CUT.error()))
            elif not (parcel.parcel_locker or (parcel.delivery_street and parcel.delivery_city)):
                result.waiting.append((parcel, ErrorCode.ADDRESS_MISSING.error()))
            else:
                ready.append(parcel)
        if gone:
            ParcelOrder.objects.filter(order_id__in=gone, is_open=True).delete()
        if result.cancelled:
            Parcel.objects.filter(pk__in=[p.pk for p in result.cancelled]).update(
                status=ParcelStatus.CANCELLED
            )
        if ready:
            serials = sscc_serials(len(ready))
            for parcel, serial in zip(ready, serials, strict=True):
                parcel.sscc = sscc_build(
                    extension_digit=settings.FORSYN_SSCC_EXTENSION_DIGIT,
                    company_prefix=settings.FORSYN_GS1_COMPANY_PREFIX,
                    serial=serial,
                )
                parcel.status = ParcelStatus.PACKED
                parcel.packed_at = moment
                parcel.packed_by_id = who
            Parcel.objects.bulk_update(ready, ["sscc", "status", "packed_at", "packed_by"])
            ParcelEvent.objects.bulk_create(
                [
                    ParcelEvent(
                        parcel=p,
                        status=ParcelStatus.PACKED,
                        at=moment,
                        received_at=moment,
                        source="warehouse",
                        actor_id=who,
                    )
                    for p in ready
                ]
            )
            packed_orders = [
                o for p in ready for o in members[p.pk] if o.status not in LEFT_THE_WAVE
            ]
            orders_transition(
                sorted(packed_orders, key=lambda o: o.pk),
                OrderStatus.PACKED,
                actor=ctx,
                at=moment,
            )
        result.packed = ready
        return result
