"""Picking by scanning, and hole-cutting (issue #10 §4; ADR 0023).

The picker scans the product's GS1 DataMatrix (a handheld scanner types the string and Enter)
and confirms the pieces found. The scan must name the pick line's product and lot; another lot
of the same expiry is taken instead (re-allocated) when it has the pieces free, any other lot is
refused with the lot to take. Fewer pieces than asked is a short pick: the missing pieces'
allocation is released at once and the lot's on hand lowered by as many (they were not there).

When every line of an order is confirmed the order is done: all found → the ledger's pick moves
(on hand and allocated both down) and the order becomes `picked`; anything short → the picked
pieces go back on the shelf, still allocated to the order, which waits for the rest as
`back_ordered` and leaves its parcel (an order ships complete, ADR 0015/0023).

Locks: the order first (it guards its pick lines, hole-cutting tasks and parcel membership),
then the stock lots in pk order.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from forsyn.access import policy
from forsyn.access.context import AccessContext
from forsyn.core.errors import DomainError, NotFound, Param, PermissionDenied
from forsyn.fulfilment.choices import HoleCutStatus, MoveKind
from forsyn.fulfilment.error_codes import ErrorCode
from forsyn.fulfilment.gs1 import ScanError, ScanResult, gtin_forms, parse_scan
from forsyn.fulfilment.lock_objects import stock_lots_for_update
from forsyn.fulfilment.models import (
    HoleCutTask,
    ParcelOrder,
    PickLine,
    StockLot,
    StockMove,
    Warehouse,
)
from forsyn.fulfilment.services import _bulk_add, min_shelf_life_days
from forsyn.fulfilment.wave_rules import LotSeen, PickTarget, check_pick
from forsyn.orders.choices import OrderStatus
from forsyn.orders.lifecycle import order_transition
from forsyn.orders.lock_objects import orders_by_id_for_update
from forsyn.orders.models import Order

SHORT_PICK = "short pick"
MAX_PICK_QUANTITY = 100_000


def _operator(ctx: AccessContext) -> None:
    if not policy.may_operate_warehouse(ctx):
        raise PermissionDenied


def _warehouses(ctx: AccessContext) -> list[int]:
    return list(
        policy.warehouses_operated(ctx, Warehouse.objects.all()).values_list("pk", flat=True)
    )


@dataclass(frozen=True)
class PickDone:
    line: PickLine
    reallocated: bool
    order_status: str  # the order's status after this confirmation


def _refuse(code: ErrorCode, field: str = "scan", **params: Param) -> DomainError:
    return DomainError(code.value, code=code, fields={field: code.error(**params)})


def pick_line_confirm(
    *,
    ctx: AccessContext,
    pick_line_id: int,
    scan: str,
    quantity: int,
    at: dt.datetime | None = None,
) -> PickDone:
    """Confirm a pick line with what was scanned and how many pieces were found (0 to the
    line's quantity). Refused scans raise DomainError on `scan` (or `quantity`) and save
    nothing; NotFound outside the warehouses `ctx` works in."""
    _operator(ctx)
    found = (
        PickLine.objects.filter(pk=pick_line_id, wave__warehouse_id__in=_warehouses(ctx))
        .values_list("order_id", flat=True)
        .first()
    )
    if found is None:
        raise NotFound
    if not isinstance(quantity, int) or not 0 <= quantity <= MAX_PICK_QUANTITY:
        raise _refuse(ErrorCode.BAD_PICK_QUANTITY, "quantity", max=MAX_PICK_QUANTITY)
    try:
        scanned = parse_scan(scan)
    except ScanError as exc:
        code = ErrorCode(str(exc.code))
        raise DomainError(exc.code, code=code, fields={"scan": code.error()}) from None
    moment = at or timezone.now()
    with transaction.atomic():
        return _confirm(ctx, pick_line_id, found, scanned, quantity, moment)


def _confirm(
    ctx: AccessContext,
    pick_line_id: int,
    order_id: int,
    scanned: ScanResult,
    quantity: int,
    moment: dt.datetime,
) -> PickDone:
    order = orders_by_id_for_update([order_id])[0]
    line = PickLine.objects.select_related(
        "lot", "lot__product", "order_line__product__category__product_area", "wave"
    ).get(pk=pick_line_id)
    if line.confirmed_at is not None:
        raise _refuse(ErrorCode.PICK_LINE_DONE, "pick_line")
    if order.status != OrderStatus.ALLOCATED:
        raise _refuse(ErrorCode.ORDER_NOT_PICKABLE, "order", status=OrderStatus(order.status).label)
    today = timezone.localdate(moment)
    lot = line.lot
    seen: LotSeen | None = None
    other: StockLot | None = None
    if scanned.lot != lot.lot_number:
        other = StockLot.objects.filter(
            warehouse_id=line.wave.warehouse_id, product_id=lot.product_id, lot_number=scanned.lot
        ).first()
        if other is not None:
            # Locked (with the allocated lot, pk order) before its free pieces are trusted.
            locked = {x.pk: x for x in stock_lots_for_update([lot.pk, other.pk])}
            other = locked[other.pk]
            seen = LotSeen(other.pk, other.expires_on, other.status, other.available_quantity)
    min_days = min_shelf_life_days(line.order_line.product.category.product_area.code)
    decision = check_pick(
        PickTarget(lot.product.gtin, lot.pk, lot.lot_number, lot.expires_on, line.quantity),
        scanned_gtins=gtin_forms(scanned.gtin),
        scanned_lot=scanned.lot,
        scanned_expiry=scanned.expiry,
        quantity=quantity,
        seen=seen,
        today=today,
        min_days=min_days,
    )
    if decision.problem is not None:
        code = ErrorCode(decision.problem)
        expected: dict[str, dict[str, Param]] = {
            ErrorCode.WRONG_PRODUCT: {"gtin": lot.product.gtin},
            ErrorCode.WRONG_LOT: {"lot": lot.lot_number, "expiry": lot.expires_on.isoformat()},
            ErrorCode.LOT_NOT_IN_STOCK: {"lot": lot.lot_number},
            ErrorCode.LOT_BLOCKED: {"lot": lot.lot_number},
            ErrorCode.LOT_SHORT: {"lot": lot.lot_number},
            ErrorCode.BAD_PICK_QUANTITY: {"max": line.quantity},
        }
        params = expected.get(code, {})
        raise _refuse(code, decision.field, **params)

    who = ctx.user_id
    moves: list[StockMove] = []
    freed: dict[int, int] = defaultdict(int)
    note = ""
    if decision.reallocate_to is not None and other is not None:
        # The scanned lot (same expiry) takes the line: its allocation moves there.
        moves += [
            StockMove(
                kind=MoveKind.RELEASE,
                lot_id=lot.pk,
                allocated_delta=-line.quantity,
                order_id=order.pk,
                order_line_id=line.order_line_id,
                reason=f"re-allocated to lot {other.lot_number} at picking",
                actor_id=who,
                at=moment,
            ),
            StockMove(
                kind=MoveKind.ALLOCATION,
                lot_id=other.pk,
                allocated_delta=line.quantity,
                order_id=order.pk,
                order_line_id=line.order_line_id,
                reason=f"scanned at picking instead of lot {lot.lot_number}",
                actor_id=who,
                at=moment,
            ),
        ]
        freed[lot.pk] -= line.quantity
        freed[other.pk] += line.quantity
        note = f"lot {lot.lot_number} → {other.lot_number}"
        line.lot = other
    short = line.quantity - quantity
    missing: dict[int, int] = {}
    if short:
        # The pieces were not in the bin: their allocation is released and the lot's on hand
        # lowered by as many (an adjustment; a count finds them if they turn up), so they are
        # not allocated again. On hand stays >= allocated: the release frees `short` first.
        if decision.reallocate_to is None:
            stock_lots_for_update([line.lot_id])
        moves += [
            StockMove(
                kind=MoveKind.RELEASE,
                lot_id=line.lot_id,
                allocated_delta=-short,
                order_id=order.pk,
                order_line_id=line.order_line_id,
                reason=SHORT_PICK,
                actor_id=who,
                at=moment,
            ),
            StockMove(
                kind=MoveKind.ADJUSTMENT,
                lot_id=line.lot_id,
                on_hand_delta=-short,
                order_id=order.pk,
                order_line_id=line.order_line_id,
                reason=f"{SHORT_PICK}: not in the bin",
                actor_id=who,
                at=moment,
            ),
        ]
        freed[line.lot_id] -= short
        missing[line.lot_id] = -short
        note = "; ".join(n for n in (note, f"{short} short") if n)
    if moves:
        StockMove.objects.bulk_create(moves)
        _bulk_add({k: v for k, v in freed.items() if v}, "allocated_quantity")
        _bulk_add(missing, "on_hand_quantity")
    line.picked_quantity = quantity
    line.confirmed_at = moment
    line.confirmed_by_id = who
    line.note = note[:200]
    line.save(update_fields=["lot", "picked_quantity", "confirmed_at", "confirmed_by", "note"])
    status = _order_done(order, line.wave_id, ctx=ctx, moment=moment)
    return PickDone(line, decision.reallocate_to is not None, status)


def _order_done(order: Order, wave_id: int, *, ctx: AccessContext, moment: dt.datetime) -> str:
    """When every pick line of the (locked) order in the wave is confirmed: picked, or back to
    waiting for stock after a short pick."""
    lines = list(PickLine.objects.filter(wave_id=wave_id, order_id=order.pk).order_by("pk"))
    if any(pl.confirmed_at is None for pl in lines):
        return str(order.status)
    short = sum(pl.quantity - (pl.picked_quantity or 0) for pl in lines)
    if short:
        # The order ships complete: what was found goes back on the shelf, still allocated.
        ParcelOrder.objects.filter(order_id=order.pk, is_open=True).delete()
        HoleCutTask.objects.filter(wave_id=wave_id, order_id=order.pk).update(
            status=HoleCutStatus.CANCELLED
        )
        order_transition(
            order,
            OrderStatus.BACK_ORDERED,
            actor=ctx,
            at=moment,
            message=f"short pick: {short} pieces missing",
        )
        return str(OrderStatus.BACK_ORDERED)
    picked = [pl for pl in lines if pl.picked_quantity]
    stock_lots_for_update({pl.lot_id for pl in picked})
    StockMove.objects.bulk_create(
        [
            StockMove(
                kind=MoveKind.PICK,
                lot_id=pl.lot_id,
                on_hand_delta=-(pl.picked_quantity or 0),
                allocated_delta=-(pl.picked_quantity or 0),
                order_id=order.pk,
                order_line_id=pl.order_line_id,
                actor_id=ctx.user_id,
                at=moment,
            )
            for pl in picked
        ]
    )
    taken: dict[int, int] = defaultdict(int)
    for pl in picked:
        taken[pl.lot_id] -= pl.picked_quantity or 0
    # Allocated first: on hand never drops below allocated, not even between the statements.
    _bulk_add(taken, "allocated_quantity")
    _bulk_add(taken, "on_hand_quantity")
    order_transition(order, OrderStatus.PICKED, actor=ctx, at=moment)
    return str(OrderStatus.PICKED)


# -- Hole-cutting -------------------------------------------------------------------------------


def hole_cut_confirm(
    *, ctx: AccessContext, task_id: int, pieces: int, at: dt.datetime | None = None
) -> HoleCutTask:
    """Confirm `pieces` base plates cut to the task's hole size (several confirmations may add
    up to the task's quantity). The pieces cut are what billing counts."""
    _operator(ctx)
    found = (
        HoleCutTask.objects.filter(pk=task_id, wave__warehouse_id__in=_warehouses(ctx))
        .values_list("order_id", flat=True)
        .first()
    )
    if found is None:
        raise NotFound
    moment = at or timezone.now()
    with transaction.atomic():
        order = orders_by_id_for_update([found])[0]
        task = HoleCutTask.objects.get(pk=task_id)
        if task.status != HoleCutStatus.OPEN:
            raise _refuse(
                ErrorCode.HOLE_CUT_CLOSED, "task", status=HoleCutStatus(task.status).label
            )
        if order.status != OrderStatus.PICKED:
            raise _refuse(ErrorCode.HOLE_CUT_NOT_PICKED, "task")
        left = task.quantity - task.cut_quantity
        if not isinstance(pieces, int) or not 1 <= pieces <= left:
            raise _refuse(ErrorCode.BAD_CUT_QUANTITY, "pieces", max=left)
        task.cut_quantity += pieces
        fields = ["cut_quantity"]
        if task.cut_quantity == task.quantity:
            task.status = HoleCutStatus.DONE
            task.done_at = moment
            task.done_by_id = ctx.user_id
            fields += ["status", "done_at", "done_by"]
        task.save(update_fields=fields)
        return task
