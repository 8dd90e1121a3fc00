"""Shipping and tracking (issue #10 §5; ADR 0024).

- `parcel_ship`: a packed parcel is booked with the carrier (`carrier.carrier()`), gets its
  tracking number and leaves: parcel `shipped`, its orders `shipped` (order lifecycle), and an
  outbox event `parcel.shipped` from which the citizen is told (e-mail, no health data).
- `carrier_events_apply`: the carrier's signed status events (checked by the API) move parcels
  by `wave_rules.parcel_next_status`; delivered → the orders are `delivered`; returned → the
  orders are cancelled ("returned by the carrier") and the parcel waits to be received back.
  Each carrier event id is applied once.
- `parcel_return_receive`: the returned parcel arrives; its goods go back to their lots, to
  stock or to quarantine (a hold on the lot without an order), in the ledger.

Locks: the parcels' orders, then stock lots, then the parcels.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from forsyn.access.context import AccessContext
from forsyn.core.errors import DomainError, FieldError, NotFound
from forsyn.core.outbox import outbox_record
from forsyn.fulfilment.carrier import Shipment, carrier
from forsyn.fulfilment.choices import MoveKind, ParcelStatus, ReturnDisposition
from forsyn.fulfilment.documents import parcels_operated
from forsyn.fulfilment.error_codes import ErrorCode
from forsyn.fulfilment.lock_objects import parcels_for_update, stock_lots_for_update
from forsyn.fulfilment.models import Parcel, ParcelEvent, ParcelOrder, StockMove
from forsyn.fulfilment.services import STOCK_RECEIVED, _bulk_add
from forsyn.fulfilment.wave_rules import parcel_next_status, return_disposition
from forsyn.orders.choices import OrderStatus
from forsyn.orders.lifecycle import orders_transition
from forsyn.orders.lock_objects import orders_by_id_for_update
from forsyn.orders.models import Order

PARCEL_SHIPPED = "parcel.shipped"
RETURNED_MESSAGE = "returned by the carrier"


def _order_ids(parcel_ids: Sequence[int]) -> list[int]:
    return sorted(
        set(
            ParcelOrder.objects.filter(parcel_id__in=list(parcel_ids)).values_list(
                "order_id", flat=True
            )
        )
    )


def _event(
    parcel: Parcel, status: str, at: dt.datetime, received_at: dt.datetime | None = None, **kw: Any
) -> ParcelEvent:
    return ParcelEvent(parcel=parcel, status=status, at=at, received_at=received_at or at, **kw)


# -- Shipping -----------------------------------------------------------------------------------


def parcel_ship(*, ctx: AccessContext, parcel_id: int, at: dt.datetime | None = None) -> Parcel:
    """Book a packed parcel with the carrier and send it. Shipping a parcel again answers the
    first booking (no second booking)."""
    if not parcels_operated(ctx).filter(pk=parcel_id).exists():
        raise NotFound
    moment = at or timezone.now()
    who = ctx.user_id
    with transaction.atomic():
        orders = orders_by_id_for_update(_order_ids([parcel_id]))
        parcel = parcels_for_update([parcel_id])[0]
        if parcel.tracking_number:
            return parcel
        if parcel.status != ParcelStatus.PACKED:
            raise DomainError(
                "not packed",
                code=ErrorCode.PARCEL_NOT_PACKED,
                fields={
                    "parcel": ErrorCode.PARCEL_NOT_PACKED.error(
                        status=ParcelStatus(parcel.status).label
                    )
                },
            )
        booking = carrier().book(
            Shipment(
                sscc=parcel.sscc,
                name=parcel.delivery_name,
                street=parcel.delivery_street,
                postcode=parcel.delivery_postcode,
                city=parcel.delivery_city,
                parcel_locker=parcel.parcel_locker,
            )
        )
        parcel.status = ParcelStatus.SHIPPED
        parcel.carrier = booking.carrier
        parcel.tracking_number = booking.tracking_number
        parcel.shipped_at = moment
        parcel.shipped_by_id = who
        parcel.save(
            update_fields=["status", "carrier", "tracking_number", "shipped_at", "shipped_by"]
        )
        ParcelOrder.objects.filter(parcel=parcel).update(is_open=False)
        _event(parcel, ParcelStatus.SHIPPED, moment, source="warehouse", actor_id=who).save()
        orders_transition(
            [o for o in orders if o.status == OrderStatus.PACKED],
            OrderStatus.SHIPPED,
            actor=ctx,
            at=moment,
        )
        if parcel.citizen_id is not None:
            outbox_record(
                topic=PARCEL_SHIPPED, key=f"parcel-{parcel.pk}", payload={"parcel": parcel.pk}
            )
        return parcel


# -- The carrier's events -------------------------------------------------------------------------


@dataclass(frozen=True)
class CarrierEvent:
    id: str
    tracking_number: str
    status: str
    at: dt.datetime


@dataclass
class EventsApplied:
    applied: int = 0  # events that moved a parcel
    recorded: int = 0  # new events stored (moving a parcel or not)
    repeated: int = 0  # event ids seen before
    delivered: list[int] = field(default_factory=list)  # parcel ids
    returned: list[int] = field(default_factory=list)


def carrier_events_apply(
    *, events: Sequence[CarrierEvent], received_at: dt.datetime | None = None
) -> EventsApplied:
    """Apply a batch of carrier events, all or none: an unknown tracking number refuses the
    batch (DomainError on `events[i].tracking_number`)."""
    moment = received_at or timezone.now()
    numbers = {e.tracking_number for e in events}
    parcel_ids = dict(
        Parcel.objects.filter(tracking_number__in=numbers).values_list("tracking_number", "pk")
    )
    unknown: dict[str, FieldError] = {
        f"events[{i}].tracking_number": ErrorCode.UNKNOWN_TRACKING_NUMBER.error()
        for i, e in enumerate(events)
        if e.tracking_number not in parcel_ids
    }
    if unknown:
        raise DomainError(
            "unknown tracking number", code=ErrorCode.UNKNOWN_TRACKING_NUMBER, fields=unknown
        )
    done = EventsApplied()
    with transaction.atomic():
        orders = {o.pk: o for o in orders_by_id_for_update(_order_ids(list(parcel_ids.values())))}
        parcels = {p.pk: p for p in parcels_for_update(parcel_ids.values())}
        # Read after the locks: a concurrent delivery of the same events has committed by now.
        seen = set(
            ParcelEvent.objects.filter(external_id__in=[e.id for e in events]).values_list(
                "external_id", flat=True
            )
        )
        links: dict[int, list[int]] = defaultdict(list)
        for parcel_id, order_id in ParcelOrder.objects.filter(
            parcel_id__in=list(parcels)
        ).values_list("parcel_id", "order_id"):
            links[parcel_id].append(order_id)
        new_events: list[ParcelEvent] = []
        changed: dict[int, Parcel] = {}
        for e in sorted(events, key=lambda e: (e.at, e.id)):
            if e.id in seen:
                done.repeated += 1
                continue
            seen.add(e.id)
            parcel = parcels[parcel_ids[e.tracking_number]]
            new_events.append(
                _event(
                    parcel, e.status, e.at, received_at=moment, source="carrier", external_id=e.id
                )
            )
            after = parcel_next_status(parcel.status, e.status)
            if after is None:
                continue
            done.applied += 1
            parcel.status = after
            if after == ParcelStatus.DELIVERED:
                parcel.delivered_at = e.at
                done.delivered.append(parcel.pk)
            elif after == ParcelStatus.RETURNED:
                parcel.returned_at = e.at
                done.returned.append(parcel.pk)
            changed[parcel.pk] = parcel
        ParcelEvent.objects.bulk_create(new_events)
        done.recorded = len(new_events)
        if changed:
            Parcel.objects.bulk_update(
                list(changed.values()), ["status", "delivered_at", "returned_at"]
            )

        def shipped_orders(parcel_pks: list[int]) -> list[Order]:
            ids = sorted({o for p in parcel_pks for o in links[p]})
            return [orders[i] for i in ids if orders[i].status == OrderStatus.SHIPPED]

        orders_transition(
            shipped_orders(done.delivered), OrderStatus.DELIVERED, actor=None, at=moment
        )
        orders_transition(
            shipped_orders(done.returned),
            OrderStatus.CANCELLED,
            actor=None,
            at=moment,
            message=RETURNED_MESSAGE,
        )
    return done


# -- A returned parcel comes back -----------------------------------------------------------------


def parcel_return_receive(
    *, ctx: AccessContext, parcel_id: int, disposition: str, at: dt.datetime | None = None
) -> Parcel:
    """Receive a returned parcel back: per lot, its pieces go back to stock (fit, and the lot is
    available with the receiving shelf life) or to quarantine (held on the lot without an
    order, not available). Ledger moves with the parcel's SSCC as reason; restocked lots may
    serve back orders (outbox `stock.received`)."""
    if not parcels_operated(ctx).filter(pk=parcel_id).exists():
        raise NotFound
    moment = at or timezone.now()
    today = timezone.localdate(moment)
    who = ctx.user_id
    requested = ReturnDisposition(disposition)
    with transaction.atomic():
        order_ids = _order_ids([parcel_id])
        orders_by_id_for_update(order_ids)
        picked = [
            (row["lot_id"], row["order_id"], row["order_line_id"], -row["quantity"])
            for row in StockMove.objects.filter(order_id__in=order_ids, kind=MoveKind.PICK)
            .values("lot_id", "order_id", "order_line_id")
            .annotate(quantity=Sum("on_hand_delta"))
            .order_by("lot_id", "order_line_id")
        ]
        lots = {lot.pk: lot for lot in stock_lots_for_update({p[0] for p in picked})}
        parcel = parcels_for_update([parcel_id])[0]
        if parcel.status != ParcelStatus.RETURNED or parcel.return_received_at is not None:
            raise DomainError(
                "no return expected",
                code=ErrorCode.RETURN_NOT_EXPECTED,
                fields={
                    "parcel": ErrorCode.RETURN_NOT_EXPECTED.error(
                        status=ParcelStatus(parcel.status).label
                    )
                },
            )
        reason = f"returned parcel {parcel.sscc}"
        moves: list[StockMove] = []
        back: dict[int, int] = defaultdict(int)
        held: dict[int, int] = defaultdict(int)
        outcomes = set()
        for lot_id, order_id, line_id, quantity in picked:
            lot = lots[lot_id]
            outcome = return_disposition(
                requested,
                lot_status=lot.status,
                expires_on=lot.expires_on,
                today=today,
                min_days=settings.FORSYN_MIN_RECEIVING_SHELF_LIFE_DAYS,
            )
            outcomes.add(outcome)
            moves.append(
                StockMove(
                    kind=MoveKind.RETURN,
                    lot_id=lot_id,
                    on_hand_delta=quantity,
                    order_id=order_id,
                    order_line_id=line_id,
                    reason=reason,
                    actor_id=who,
                    at=moment,
                )
            )
            back[lot_id] += quantity
            if outcome == ReturnDisposition.QUARANTINE:
                moves.append(
                    StockMove(
                        kind=MoveKind.ALLOCATION,
                        lot_id=lot_id,
                        allocated_delta=quantity,
                        reason=f"quarantine: {reason}",
                        actor_id=who,
                        at=moment,
                    )
                )
                held[lot_id] += quantity
        StockMove.objects.bulk_create(moves)
        _bulk_add(back, "on_hand_quantity")
        _bulk_add(held, "allocated_quantity")
        parcel.return_received_at = moment
        parcel.return_disposition = (
            ReturnDisposition.QUARANTINE
            if ReturnDisposition.QUARANTINE in outcomes
            else ReturnDisposition.STOCK
        )
        parcel.save(update_fields=["return_received_at", "return_disposition"])
        _event(
            parcel,
            ParcelStatus.RETURNED,
            moment,
            source="warehouse",
            actor_id=who,
            note=f"received back: {parcel.return_disposition}",
        ).save()
        restocked = sorted(lot for lot in back if lot not in held)
        if restocked:
            outbox_record(
                topic=STOCK_RECEIVED,
                key=f"return-{parcel.pk}",
                payload={"return": parcel.pk, "lots": restocked},
            )
        return parcel
