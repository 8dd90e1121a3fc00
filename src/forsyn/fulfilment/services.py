"""Writes of fulfilment: receiving and allocation. Every change of a lot's totals is a ledger
move plus an F() update of the totals, in one transaction, under the lots' row locks (taken in
pk order, after any order locks)."""

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import (
    Case,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from forsyn.access import policy
from forsyn.access.context import AccessContext
from forsyn.catalogue.models import Product
from forsyn.contracts.selectors import products_on_contract
from forsyn.core.errors import DomainError, PermissionDenied
from forsyn.core.outbox import outbox_record
from forsyn.fulfilment.choices import LotStatus, MoveKind, WarehouseKind
from forsyn.fulfilment.error_codes import ErrorCode
from forsyn.fulfilment.errors import (
    LineError,
    ReceiptRefused,
    ReceivingCode,
)
from forsyn.fulfilment.gs1 import ScanError, ScanResult, gtin_forms, parse_scan
from forsyn.fulfilment.lock_objects import stock_lots_for_update
from forsyn.fulfilment.models import (
    AllocationSkip,
    DeliveryPause,
    Receipt,
    StockLot,
    StockMove,
    Warehouse,
)
from forsyn.fulfilment.rules import (
    LineDemand,
    LotSupply,
    allocate_fefo,
    has_shelf_life,
    is_expired,
)
from forsyn.orders.choices import OrderKind, OrderStatus
from forsyn.orders.lifecycle import Actor, actor_id, orders_transition
from forsyn.orders.lock_objects import orders_by_id_for_update
from forsyn.orders.models import Order, OrderLine

MAX_LINE_QUANTITY = 100_000
MAX_RECEIPT_LINES = 500
STOCK_RECEIVED = "stock.received"


def min_shelf_life_days(
    area_code: str, *, ward: bool = False, configured: int | None = None
) -> int:
    """Remaining shelf life a lot must have to be allocated to a delivery of this area: the
    area's `ShelfLifeMinimum` (`configured`, read with the order lines), else the settings —
    `FORSYN_MIN_SHELF_LIFE_DAYS(_BY_AREA)` for a citizen's delivery,
    `FORSYN_MIN_WARD_SHELF_LIFE_DAYS` for a ward's bulk order (docs/adr/0027)."""
    if configured is not None:
        return configured
    if ward:
        return int(settings.FORSYN_MIN_WARD_SHELF_LIFE_DAYS)
    by_area: Mapping[str, int] = settings.FORSYN_MIN_SHELF_LIFE_DAYS_BY_AREA
    return int(by_area.get(area_code, settings.FORSYN_MIN_SHELF_LIFE_DAYS))


def _bulk_add(
    lot_ids_deltas: Mapping[int, int], field: str, *, ids: Sequence[int] | None = None
) -> None:
    """lot.<field> += delta for every lot, in one UPDATE."""
    if not lot_ids_deltas:
        return
    StockLot.objects.filter(pk__in=list(ids or lot_ids_deltas)).update(
        **{
            field: F(field)
            + Case(
                *[When(pk=pk, then=Value(d)) for pk, d in lot_ids_deltas.items()],
                default=Value(0),
                output_field=IntegerField(),
            )
        }
    )


# -- Receiving ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceivedLine:
    gtin: str
    lot: str
    expiry: dt.date
    quantity: int
    lot_id: int


@dataclass(frozen=True)
class ReceiptDone:
    receipt: Receipt
    lines: list[ReceivedLine]


def _warehouse_for(ctx: AccessContext, code: str) -> Warehouse:
    if not policy.may_operate_warehouse(ctx):
        raise PermissionDenied
    warehouse = policy.warehouses_operated(ctx, Warehouse.objects.filter(code=code)).first()
    if warehouse is None:
        raise DomainError(
            "unknown warehouse",
            code=ErrorCode.UNKNOWN_WAREHOUSE,
            fields={"warehouse": ErrorCode.UNKNOWN_WAREHOUSE.error()},
        )
    return warehouse


def _check_lines(
    lines: Sequence[tuple[str, int]], *, today: dt.date
) -> tuple[list[tuple[ScanResult, int, Product]], list[LineError]]:
    errors: list[LineError] = []
    parsed: dict[int, ScanResult] = {}
    for i, (scan, quantity) in enumerate(lines):
        if not isinstance(quantity, int) or not 1 <= quantity <= MAX_LINE_QUANTITY:
            errors.append(LineError(i, "quantity", ReceivingCode.BAD_QUANTITY))
        try:
            parsed[i] = parse_scan(scan)
        except ScanError as exc:
            errors.append(LineError(i, "scan", exc.code))
    forms = {g: gtin_forms(g) for g in {r.gtin for r in parsed.values()}}
    by_gtin = {
        p.gtin: p for p in Product.objects.filter(gtin__in={f for fs in forms.values() for f in fs})
    }
    products = {g: next((by_gtin[f] for f in fs if f in by_gtin), None) for g, fs in forms.items()}
    on_contract = products_on_contract(product_ids=[p.pk for p in by_gtin.values()], on=today)
    min_days = settings.FORSYN_MIN_RECEIVING_SHELF_LIFE_DAYS
    accepted: list[tuple[ScanResult, int, Product]] = []
    for i, result in sorted(parsed.items()):
        product = products.get(result.gtin)
        code: str | None = None
        if product is None:
            code = ReceivingCode.UNKNOWN_GTIN
        elif product.pk not in on_contract:
            code = ReceivingCode.NO_ACTIVE_CONTRACT
        elif is_expired(result.expiry, today):
            code = ReceivingCode.EXPIRED
        elif not has_shelf_life(result.expiry, today, min_days):
            code = ReceivingCode.SHORT_SHELF_LIFE
        if code:
            errors.append(LineError(i, "scan", code))
        elif product is not None:
            accepted.append((result, lines[i][1], product))
    return accepted, sorted(errors, key=lambda e: (e.index, e.field))


@transaction.atomic
def stock_receive(
    *,
    ctx: AccessContext,
    warehouse_code: str,
    lines: Sequence[tuple[str, int]],
    at: dt.datetime | None = None,
) -> ReceiptDone:
    """Receive scanned goods into a warehouse, all lines or none. Each line is a scan (any form
    a scanner sends) and a number of pieces. Refused lines raise ReceiptRefused naming every
    line's problem; nothing is saved then."""
    warehouse = _warehouse_for(ctx, warehouse_code)
    if not lines:
        raise DomainError(
            "no lines",
            code=ErrorCode.NO_LINES,
            fields={"lines": ErrorCode.NO_LINES.error()},
        )
    if len(lines) > MAX_RECEIPT_LINES:
        raise DomainError(
            "too many lines",
            code=ErrorCode.TOO_MANY_LINES,
            fields={"lines": ErrorCode.TOO_MANY_LINES.error(max=MAX_RECEIPT_LINES)},
        )
    moment = at or timezone.now()
    today = timezone.localdate(moment)
    accepted, errors = _check_lines(lines, today=today)
    if errors:
        raise ReceiptRefused(errors)

    keys = {(product.pk, result.lot) for result, _, product in accepted}
    existing = {
        (lot.product_id, lot.lot_number): lot
        for lot in StockLot.objects.filter(
            warehouse=warehouse,
            product_id__in={k[0] for k in keys},
            lot_number__in={k[1] for k in keys},
        )
    }
    consignment = warehouse.kind == WarehouseKind.CONSIGNMENT
    new_lots = {
        (product.pk, result.lot): StockLot(
            warehouse=warehouse,
            product=product,
            lot_number=result.lot,
            expires_on=result.expiry,
            owner_id=product.supplier_id if consignment else warehouse.organisation_id,
        )
        for result, _, product in accepted
        if (product.pk, result.lot) not in existing
    }
    # A lot created by a concurrent receipt meanwhile is kept (ignore_conflicts) and locked
    # below like any other.
    StockLot.objects.bulk_create(list(new_lots.values()), ignore_conflicts=True)
    ids = [
        pk
        for pk in StockLot.objects.filter(
            warehouse=warehouse,
            product_id__in={k[0] for k in keys},
            lot_number__in={k[1] for k in keys},
        ).values_list("pk", flat=True)
    ]
    lots = {(lot.product_id, lot.lot_number): lot for lot in stock_lots_for_update(ids)}
    mismatched = [
        LineError(i, "scan", ReceivingCode.LOT_EXPIRY_MISMATCH)
        for i, (result, _, product) in enumerate(accepted)
        if lots[(product.pk, result.lot)].expires_on != result.expiry
    ]
    # A recalled lot stays blocked: more of it is refused at the door (docs/adr/0028).
    mismatched += [
        LineError(i, "scan", ReceivingCode.LOT_RECALLED)
        for i, (result, _, product) in enumerate(accepted)
        if lots[(product.pk, result.lot)].status == LotStatus.RECALLED
    ]
    if mismatched:
        raise ReceiptRefused(sorted(mismatched, key=lambda e: (e.index, e.field)))

    receipt = Receipt.objects.create(warehouse=warehouse, actor_id=ctx.acting_user_id(), at=moment)
    added: dict[int, int] = defaultdict(int)
    moves = []
    received = []
    for result, quantity, product in accepted:
        lot = lots[(product.pk, result.lot)]
        added[lot.pk] += quantity
        moves.append(
            StockMove(
                kind=MoveKind.RECEIPT,
                lot=lot,
                on_hand_delta=quantity,
                receipt=receipt,
                actor_id=receipt.actor_id,
                at=moment,
            )
        )
        received.append(ReceivedLine(product.gtin, result.lot, result.expiry, quantity, lot.pk))
    StockMove.objects.bulk_create(moves)
    _bulk_add(added, "on_hand_quantity")
    outbox_record(
        topic=STOCK_RECEIVED,
        key=f"receipt-{receipt.pk}",
        payload={"receipt": receipt.pk, "lots": sorted(added)},
    )
    return ReceiptDone(receipt, received)


# -- Allocation -----------------------------------------------------------------------------

ALLOCATABLE = (OrderStatus.APPROVED, OrderStatus.BACK_ORDERED)


@dataclass(frozen=True)
class AllocationResult:
    allocated: list[int]  # order ids now fully allocated
    back_ordered: list[int]  # order ids short of stock (partly allocated or not at all)
    paused: list[int] = field(default_factory=list)  # passed over: the citizen's pause


@transaction.atomic
def orders_allocate(
    *,
    order_ids: Sequence[int],
    actor: Actor = None,
    at: dt.datetime | None = None,
) -> AllocationResult:
    """Allocate approved and back-ordered orders, oldest first, first-expiry-first-out from the
    consignment warehouse. A fully covered order becomes `allocated`; a short one keeps what it
    got and becomes (or stays) `back_ordered` (ADR 0015). Each line needs the minimum remaining
    shelf life of its product area and delivery kind (citizen or ward); a citizen whose
    deliveries are paused that day is passed over, and why is recorded (ADR 0027). The number
    of statements does not depend on the number of orders."""
    moment = at or timezone.now()
    today = timezone.localdate(moment)
    orders = [o for o in orders_by_id_for_update(order_ids) if o.status in ALLOCATABLE]
    if not orders:
        return AllocationResult([], [])
    orders.sort(key=lambda o: (o.placed_at, o.pk))
    by_id = {o.pk: o for o in orders}
    area = "product__category__product_area"
    rows = list(
        OrderLine.objects.filter(order_id__in=list(by_id))
        .annotate(pause_id=Subquery(_active_pause(today)))
        .values_list(
            "pk",
            "order_id",
            "product_id",
            "pieces",
            f"{area}__code",
            f"{area}__shelf_life_minimum__citizen_days",
            f"{area}__shelf_life_minimum__ward_days",
            "pause_id",
        )
    )
    # A paused citizen's orders wait, with the reason recorded (docs/adr/0027).
    paused = {r[1]: r[7] for r in rows if r[7] is not None}
    if paused:
        _record_skips(paused, moment)
        orders = [o for o in orders if o.pk not in paused]
        by_id = {o.pk: o for o in orders}
    minimum = {
        r[0]: min_shelf_life_days(
            r[4],
            ward=by_id[r[1]].kind == OrderKind.WARD,
            configured=r[6] if by_id[r[1]].kind == OrderKind.WARD else r[5],
        )
        for r in rows
        if r[1] in by_id
    }
    lines = [(r[0], r[1], r[2], r[3], r[4]) for r in rows if r[1] in by_id]
    done = dict(
        StockMove.objects.filter(
            order_line_id__in=[ln[0] for ln in lines],
            kind__in=[MoveKind.ALLOCATION, MoveKind.RELEASE],
        )
        .values("order_line_id")
        .annotate(total=Sum("allocated_delta"))
        .values_list("order_line_id", "total")
    )
    rank = {o.pk: n for n, o in enumerate(orders)}
    lines.sort(key=lambda ln: (rank[ln[1]], ln[0]))
    min_days: dict[int, int] = {}
    for pk, _, product_id, _, _ in lines:
        min_days[product_id] = min(min_days.get(product_id, minimum[pk]), minimum[pk])
    demand = [
        LineDemand(pk, product_id, pieces - done.get(pk, 0), min_days=minimum[pk])
        for pk, _, product_id, pieces, _ in lines
        if pieces - done.get(pk, 0) > 0
    ]
    candidate_ids = StockLot.objects.filter(
        warehouse__kind=WarehouseKind.CONSIGNMENT,
        product_id__in=list(min_days),
        status=LotStatus.AVAILABLE,
        on_hand_quantity__gt=F("allocated_quantity"),
        expires_on__gte=today,
    ).values_list("pk", flat=True)
    lots = stock_lots_for_update(list(candidate_ids))
    plan = allocate_fefo(
        demand,
        [
            LotSupply(lot.pk, lot.product_id, lot.expires_on, lot.available_quantity, lot.status)
            for lot in lots
        ],
        today=today,
        min_shelf_life_days=min_days,
    )
    order_of_line = {ln[0]: ln[1] for ln in lines}
    StockMove.objects.bulk_create(
        [
            StockMove(
                kind=MoveKind.ALLOCATION,
                lot_id=a.lot_id,
                allocated_delta=a.quantity,
                order_id=order_of_line[a.line_id],
                order_line_id=a.line_id,
                actor_id=actor_id(actor),
                at=moment,
            )
            for a in plan.allocations
        ]
    )
    reserved: dict[int, int] = defaultdict(int)
    for a in plan.allocations:
        reserved[a.lot_id] += a.quantity
    _bulk_add(reserved, "allocated_quantity")

    short = {order_of_line[s.line_id] for s in plan.shortfalls}
    complete = [o for o in orders if o.pk not in short]
    newly_short = [o for o in orders if o.pk in short and o.status == OrderStatus.APPROVED]
    orders_transition(complete, OrderStatus.ALLOCATED, actor=actor, at=moment)
    orders_transition(
        newly_short, OrderStatus.BACK_ORDERED, actor=actor, at=moment, message="stock short"
    )
    return AllocationResult(
        allocated=sorted(o.pk for o in complete),
        back_ordered=sorted(o.pk for o in orders if o.pk in short),
        paused=sorted(paused),
    )


def _active_pause(today: dt.date) -> QuerySet[DeliveryPause, Any]:
    """The first delivery pause of an order line's citizen that covers `today` (a subquery)."""
    return (
        DeliveryPause.objects.filter(citizen_id=OuterRef("order__citizen_id"), starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=today))
        .order_by("starts_on", "pk")
        .values("pk")[:1]
    )


def _record_skips(paused: Mapping[int, int], moment: dt.datetime) -> None:
    """Why these orders were passed over: (order, pause), first and last time (one upsert)."""
    AllocationSkip.objects.bulk_create(
        [
            AllocationSkip(order_id=order_id, pause_id=pause_id, first_at=moment, last_at=moment)
            for order_id, pause_id in sorted(paused.items())
        ],
        update_conflicts=True,
        unique_fields=["order", "pause"],
        update_fields=["last_at"],
    )


def back_orders_allocate(*, lot_ids: Sequence[int]) -> AllocationResult:
    """After stock arrives: allocate the back orders that wait for the lots' products, oldest
    first (the outbox handler of "stock.received")."""
    products = StockLot.objects.filter(pk__in=list(lot_ids)).values("product_id")
    waiting = list(
        Order.objects.filter(status=OrderStatus.BACK_ORDERED, lines__product_id__in=products)
        .order_by("placed_at", "pk")
        .values_list("pk", flat=True)
        .distinct()
    )
    return orders_allocate(order_ids=waiting)


@transaction.atomic
def order_release(*, order_id: int, actor: Actor = None, at: dt.datetime | None = None) -> int:
    """A cancelled order gives back the stock it still holds: one release move per order line
    and lot, the lots' allocated totals lowered by the same. Idempotent (the outbox handler of
    "order.cancelled" may run twice). Returns the pieces released."""
    locked = orders_by_id_for_update([order_id])
    if not locked:
        return 0
    if locked[0].status != OrderStatus.CANCELLED:
        raise DomainError(
            "only a cancelled order releases its stock",
            code=ErrorCode.ORDER_NOT_CANCELLED,
            fields={
                "status": ErrorCode.ORDER_NOT_CANCELLED.error(
                    status=OrderStatus(locked[0].status).label
                )
            },
        )
    held = [
        (row["lot_id"], row["order_line_id"], row["total"])
        for row in StockMove.objects.filter(order_id=order_id)
        .values("lot_id", "order_line_id")
        .annotate(total=Sum("allocated_delta"))
        .order_by("lot_id", "order_line_id")
        if row["total"] > 0
    ]
    if not held:
        return 0
    stock_lots_for_update({lot_id for lot_id, _, _ in held})
    moment = at or timezone.now()
    StockMove.objects.bulk_create(
        [
            StockMove(
                kind=MoveKind.RELEASE,
                lot_id=lot_id,
                allocated_delta=-quantity,
                order_id=order_id,
                order_line_id=line_id,
                reason="order cancelled",
                actor_id=actor_id(actor),
                at=moment,
            )
            for lot_id, line_id, quantity in held
        ]
    )
    freed: dict[int, int] = defaultdict(int)
    for lot_id, _, quantity in held:
        freed[lot_id] -= quantity
    _bulk_add(freed, "allocated_quantity")
    return sum(quantity for _, _, quantity in held)
