"""Stock counts — cycle counting (issue #10 §1, docs/adr/0026).

An operator starts a count of a warehouse or of one bin, counts lot by lot (a GS1 scan and the
pieces on the shelf, or a listed lot that is not there: 0), and posts it. Each line keeps the
books' on-hand at the moment it was counted, so moves between counting and posting (a pick)
are not counted twice: posting adds the difference, counted − books then, as one `adjustment`
move per lot with a reason. Where the shelf holds less than is allocated, the newest orders
give back the difference (withdrawal.py) and are allocated again from other lots.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from forsyn.access import policy
from forsyn.access.context import AccessContext
from forsyn.catalogue.models import Product
from forsyn.core.api import page
from forsyn.core.errors import DomainError, FieldError, NotFound, PermissionDenied
from forsyn.fulfilment.choices import AdjustmentReason, CountStatus, MoveKind, WarehouseKind
from forsyn.fulfilment.error_codes import ErrorCode
from forsyn.fulfilment.gs1 import ScanError, gtin_forms, parse_scan
from forsyn.fulfilment.lock_objects import stock_count_for_update, stock_lots_for_update
from forsyn.fulfilment.models import (
    Location,
    StockCount,
    StockCountLine,
    StockLot,
    StockMove,
    Warehouse,
)
from forsyn.fulfilment.services import _bulk_add, _warehouse_for
from forsyn.fulfilment.withdrawal import Holding, allocations_withdraw, holdings
from forsyn.orders.lock_objects import orders_by_id_for_update

MAX_COUNT_QUANTITY = 100_000


def _refuse(field: str, error: FieldError) -> DomainError:
    return DomainError("count refused", code=ErrorCode.COUNT_REFUSED, fields={field: error})


@transaction.atomic
def stock_count_start(
    *,
    ctx: AccessContext,
    warehouse_code: str,
    location_code: str = "",
    note: str = "",
    at: dt.datetime | None = None,
) -> StockCount:
    """Open a count of a warehouse, or of one of its bins."""
    warehouse = _warehouse_for(ctx, warehouse_code)
    location = None
    if location_code.strip():
        location = Location.objects.filter(warehouse=warehouse, code=location_code.strip()).first()
        if location is None:
            raise _refuse("location", ErrorCode.UNKNOWN_LOCATION.error())
    return StockCount.objects.create(
        warehouse=warehouse,
        location=location,
        note=note.strip()[:200],
        created_by_id=ctx.acting_user_id(),
        created_at=at or timezone.now(),
    )


def _open_count(ctx: AccessContext, count_id: int) -> StockCount:
    """The count, locked, if `ctx` works in its warehouse and it is still open."""
    if not policy.may_operate_warehouse(ctx):
        raise PermissionDenied
    count = stock_count_for_update(count_id)
    if count is None or not policy.warehouses_operated(
        ctx, Warehouse.objects.filter(pk=count.warehouse_id)
    ):
        raise NotFound
    if count.status != CountStatus.OPEN:
        raise _refuse(
            "count",
            ErrorCode.COUNT_NOT_OPEN.error(status=CountStatus(count.status).label),
        )
    return count


def _lot_scanned(count: StockCount, scan: str) -> StockLot:
    """The lot a scan names in the count's warehouse; a lot not in the books yet (found on the
    shelf) is created with nothing on hand, like a receipt would."""
    try:
        result = parse_scan(scan)
    except ScanError as exc:
        raise _refuse("scan", ErrorCode(str(exc.code)).error()) from None
    product = Product.objects.filter(gtin__in=gtin_forms(result.gtin)).first()
    if product is None:
        raise _refuse("scan", ErrorCode.UNKNOWN_GTIN.error())
    warehouse = count.warehouse
    lot, _ = StockLot.objects.get_or_create(
        warehouse=warehouse,
        product=product,
        lot_number=result.lot,
        defaults={
            "expires_on": result.expiry,
            "owner_id": product.supplier_id
            if warehouse.kind == WarehouseKind.CONSIGNMENT
            else warehouse.organisation_id,
            "location": count.location,
        },
    )
    if lot.expires_on != result.expiry:
        raise _refuse("scan", ErrorCode.LOT_EXPIRY_MISMATCH.error())
    return lot


@transaction.atomic
def stock_count_record(
    *,
    ctx: AccessContext,
    count_id: int,
    quantity: Any,
    scan: str = "",
    lot_id: int | None = None,
    at: dt.datetime | None = None,
) -> StockCountLine:
    """Record the pieces counted of one lot — named by a scan, or by a lot listed for the
    count (`lot_id`) — against the books now. Counting a lot again replaces its line."""
    count = _open_count(ctx, count_id)
    if (
        not isinstance(quantity, int)
        or isinstance(quantity, bool)
        or not 0 <= quantity <= MAX_COUNT_QUANTITY
    ):
        raise _refuse("quantity", ErrorCode.COUNT_QUANTITY.error())
    if scan.strip():
        lot = _lot_scanned(count, scan)
    else:
        found = StockLot.objects.filter(pk=lot_id or 0, warehouse_id=count.warehouse_id).first()
        if found is None:
            raise _refuse("scan", ErrorCode.EMPTY.error())
        lot = found
    line, _ = StockCountLine.objects.update_or_create(
        count=count,
        lot=lot,
        defaults={
            "counted_quantity": quantity,
            "book_quantity": StockLot.objects.values_list("on_hand_quantity", flat=True).get(
                pk=lot.pk
            ),
            "counted_by_id": ctx.acting_user_id(),
            "counted_at": at or timezone.now(),
        },
    )
    return line


@transaction.atomic
def stock_count_cancel(*, ctx: AccessContext, count_id: int) -> StockCount:
    count = _open_count(ctx, count_id)
    count.status = CountStatus.CANCELLED
    count.save(update_fields=["status"])
    return count


@dataclass(frozen=True)
class CountPosted:
    count: StockCount
    adjustments: int  # moves written
    orders_back_ordered: list[int]


def _reasons_checked(
    lines: list[StockCountLine], reasons: Mapping[int, tuple[str, str]]
) -> dict[str, FieldError]:
    errors: dict[str, FieldError] = {}
    for i, line in enumerate(lines):
        reason, note = reasons.get(line.pk, (line.reason, line.note))
        line.reason, line.note = (reason or "").strip(), (note or "").strip()[:200]
        if line.difference == 0:
            line.reason = ""
            continue
        params: dict[str, str | int] = {
            "line": i + 1,
            "lot": line.lot.lot_number,
            "difference": f"{line.difference:+d}",
        }
        if line.reason not in AdjustmentReason.values:
            errors[f"lines[{i}].reason"] = ErrorCode.COUNT_REASON_REQUIRED.error(**params)
        elif line.reason == AdjustmentReason.OTHER and not line.note:
            errors[f"lines[{i}].note"] = ErrorCode.COUNT_NOTE_REQUIRED.error(
                line=i + 1, lot=line.lot.lot_number
            )
    return errors


@transaction.atomic
def stock_count_post(
    *,
    ctx: AccessContext,
    count_id: int,
    reasons: Mapping[int, tuple[str, str]] | None = None,
    at: dt.datetime | None = None,
) -> CountPosted:
    """Post a count: every difference becomes an adjustment move with its reason (`reasons`:
    count line id → (reason code, note); a line keeps the one it has). All or nothing: a
    difference without a reason refuses the whole count, naming each line. Locks: the count,
    the orders that must give stock back, then the lots (pk order)."""
    count = _open_count(ctx, count_id)
    lines = list(count.lines.select_related("lot").order_by("pk"))
    if not lines:
        raise _refuse("lines", ErrorCode.COUNT_EMPTY.error())
    errors = _reasons_checked(lines, reasons or {})
    if errors:
        raise DomainError("count refused", code=ErrorCode.COUNT_REFUSED, fields=errors)
    moment = at or timezone.now()
    changes = {ln.lot_id: ln.difference for ln in lines if ln.difference}
    # Orders that may have to give stock back, from the totals read without a lock; locked
    # before the lots. Should a lot be short of more than they hold once locked (an allocation
    # came in between), the count is refused and can simply be posted again.
    unlocked = StockLot.objects.filter(pk__in=list(changes)).values_list(
        "pk", "on_hand_quantity", "allocated_quantity"
    )
    short = [pk for pk, on_hand, allocated in unlocked if on_hand + changes[pk] < allocated]
    orders = orders_by_id_for_update({h.order_id for h in holdings(short)}) if short else []
    lots = {lot.pk: lot for lot in stock_lots_for_update(changes)}
    taken: list[Holding] = []
    held = holdings(short, order_ids=[o.pk for o in orders]) if orders else []
    for i, line in enumerate(lines):
        if not line.difference:
            continue
        lot = lots[line.lot_id]
        after = lot.on_hand_quantity + line.difference
        need = lot.allocated_quantity - after
        for holding in (h for h in held if h.lot_id == lot.pk):
            if need <= 0:
                break
            part = min(need, holding.quantity)
            taken.append(Holding(holding.order_id, holding.order_line_id, lot.pk, part))
            need -= part
        if after < 0 or need > 0:
            raise _refuse(
                f"lines[{i}].counted_quantity",
                ErrorCode.COUNT_STOCK_CHANGED.error(line=i + 1, lot=lot.lot_number),
            )
    back_ordered = allocations_withdraw(
        taken=taken,
        orders=orders,
        reason=f"count {count.pk}",
        actor=ctx,
        at=moment,
        message="stock count",
        key=f"count-{count.pk}",
    )
    moves = StockMove.objects.bulk_create(
        [
            StockMove(
                kind=MoveKind.ADJUSTMENT,
                lot_id=ln.lot_id,
                on_hand_delta=ln.difference,
                reason=f"count {count.pk}: {ln.reason}" + (f" ({ln.note})" if ln.note else ""),
                actor_id=ctx.user_id,
                at=moment,
            )
            for ln in lines
            if ln.difference
        ]
    )
    _bulk_add(changes, "on_hand_quantity")
    by_lot = {m.lot_id: m for m in moves}
    for ln in lines:
        ln.move = by_lot.get(ln.lot_id) if ln.difference else None
    StockCountLine.objects.bulk_update(lines, ["reason", "note", "move"])
    count.status, count.posted_by_id, count.posted_at = CountStatus.POSTED, ctx.user_id, moment
    count.save(update_fields=["status", "posted_by", "posted_at"])
    return CountPosted(count, len(moves), back_ordered)


# -- Reads ------------------------------------------------------------------------------------


def counts_list(
    *, ctx: AccessContext, status: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[StockCount], int]:
    """Counts of the warehouses `ctx` works in, newest first, with their number of lines and
    of differences (two queries)."""
    if not policy.may_operate_warehouse(ctx):
        raise PermissionDenied
    warehouses = policy.warehouses_operated(ctx, Warehouse.objects.all())
    qs: QuerySet[StockCount] = (
        StockCount.objects.filter(warehouse__in=warehouses)
        .select_related("warehouse", "location", "created_by")
        .annotate(
            line_count=Count("lines"),
            difference_count=Count(
                "lines", filter=~Q(lines__counted_quantity=F("lines__book_quantity"))
            ),
        )
        .order_by("-created_at", "-pk")
    )
    if status:
        qs = qs.filter(status=status)
    return page(qs, limit=limit, offset=offset)


@dataclass(frozen=True)
class CountView:
    count: StockCount
    lines: list[StockCountLine]
    not_counted: list[StockLot]  # lots the books place in scope, not counted yet (blind)


def count_get(*, ctx: AccessContext, count_id: int) -> CountView:
    """A count with its lines and the lots in its scope not counted yet (three queries)."""
    if not policy.may_operate_warehouse(ctx):
        raise PermissionDenied
    warehouses = policy.warehouses_operated(ctx, Warehouse.objects.all())
    count = (
        StockCount.objects.filter(pk=count_id, warehouse__in=warehouses)
        .select_related("warehouse", "location", "created_by", "posted_by")
        .first()
    )
    if count is None:
        raise NotFound
    lines = list(count.lines.select_related("lot__product", "lot__location", "move").order_by("pk"))
    not_counted: list[StockLot] = []
    if count.status == CountStatus.OPEN:
        scope = StockLot.objects.filter(warehouse_id=count.warehouse_id, on_hand_quantity__gt=0)
        if count.location_id:
            scope = scope.filter(location_id=count.location_id)
        not_counted = list(
            scope.exclude(pk__in=[ln.lot_id for ln in lines])
            .select_related("product", "location")
            .order_by("location__route_order", "product__gtin", "expires_on", "pk")[:500]
        )
    return CountView(count, lines, not_counted)
