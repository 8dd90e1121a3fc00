"""Replenishment (issue #10 §6, docs/adr/0028): per product, days of cover from recent picks
against what is on hand, and a call-off list per supplier.

- use: pieces picked over the last `window` days (the ledger's pick moves);
- on hand: pieces in lots that can still be allocated (available, not expired);
- days of cover: on hand ÷ (use ÷ window), rounded down to whole days; none without use;
- call off when the cover is below `reorder` days or orders wait for the product (back
  orders): enough for `target` days of use plus the back-ordered pieces, less what is on hand,
  rounded up to whole order units.

`cover` is the pure calculation (integers only, so the figures are exact); `replenishment`
reads the warehouse's figures in a constant number of queries.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from forsyn.access import policy
from forsyn.access.context import AccessContext
from forsyn.catalogue.models import Product
from forsyn.core.dates import local_midnight
from forsyn.core.errors import PermissionDenied
from forsyn.fulfilment.choices import LotStatus, MoveKind, WarehouseKind
from forsyn.fulfilment.models import StockLot, StockMove, Warehouse
from forsyn.fulfilment.services import _warehouse_for
from forsyn.orders.choices import OrderStatus
from forsyn.orders.models import OrderLine


@dataclass(frozen=True)
class Cover:
    on_hand: int
    picked: int  # in the window
    window_days: int
    back_ordered: int
    days_of_cover: int | None  # None: nothing picked in the window
    call_off: bool
    suggested_pieces: int  # rounded up to whole order units
    suggested_units: int

    @property
    def daily_use(self) -> Decimal:
        """Pieces a day over the window, to two decimals (for showing; the figures above are
        computed from whole numbers)."""
        return (Decimal(self.picked) / Decimal(self.window_days)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )


def cover(
    *,
    on_hand: int,
    picked: int,
    back_ordered: int = 0,
    pieces_per_unit: int = 1,
    window_days: int,
    reorder_days: int,
    target_days: int,
) -> Cover:
    """The days of cover and the call-off of one product (pure, exact)."""
    if window_days < 1 or pieces_per_unit < 1:
        raise ValueError("the window and the pieces per unit must be at least 1")
    days = on_hand * window_days // picked if picked > 0 else None
    # cover < reorder  ⇔  on_hand / (picked / window) < reorder, in whole numbers
    low = picked > 0 and on_hand * window_days < reorder_days * picked
    call_off = low or back_ordered > 0
    pieces = units = 0
    if call_off:
        need = -(-target_days * picked // window_days) + back_ordered - on_hand
        units = -(-max(need, 0) // pieces_per_unit)
        pieces = units * pieces_per_unit
    return Cover(
        on_hand, picked, window_days, back_ordered, days, call_off and pieces > 0, pieces, units
    )


@dataclass(frozen=True)
class ProductCover:
    product: Product
    cover: Cover


@dataclass(frozen=True)
class Replenishment:
    warehouse: Warehouse
    on: dt.date
    window_days: int
    reorder_days: int
    target_days: int
    rows: list[ProductCover]

    def suppliers(self) -> list[tuple[Any, list[ProductCover]]]:
        """The call-off list: products to call off, per supplier (by name)."""
        groups: dict[int, list[ProductCover]] = defaultdict(list)
        names: dict[int, Any] = {}
        for row in self.rows:
            if row.cover.call_off:
                groups[row.product.supplier_id].append(row)
                names[row.product.supplier_id] = row.product.supplier
        return [(names[k], groups[k]) for k in sorted(groups, key=lambda k: names[k].name)]


def _sums(rows: Any) -> dict[int, int]:
    return {product_id: int(total or 0) for product_id, total in rows}


def replenishment(
    *,
    ctx: AccessContext,
    warehouse_code: str,
    on: dt.date | None = None,
    window_days: int | None = None,
) -> Replenishment:
    """Every product with stock, use or back orders in the warehouse, with its cover; four
    queries after the warehouse, whatever the number of products."""
    if not policy.may_operate_warehouse(ctx):
        raise PermissionDenied
    warehouse = _warehouse_for(ctx, warehouse_code)
    day = on or timezone.localdate()
    window = window_days or settings.FORSYN_REPLENISH_WINDOW_DAYS
    on_hand = _sums(
        StockLot.objects.filter(
            warehouse=warehouse, status=LotStatus.AVAILABLE, expires_on__gte=day
        )
        .values("product_id")
        .annotate(total=Sum("on_hand_quantity"))
        .values_list("product_id", "total")
    )
    picked = {
        product_id: -total
        for product_id, total in _sums(
            StockMove.objects.filter(
                lot__warehouse=warehouse,
                kind=MoveKind.PICK,
                at__gte=local_midnight(day - dt.timedelta(days=window)),
                at__lt=local_midnight(day),
            )
            .values("lot__product_id")
            .annotate(total=Sum("on_hand_delta"))
            .values_list("lot__product_id", "total")
        ).items()
    }
    back_ordered: dict[int, int] = defaultdict(int)
    if warehouse.kind == WarehouseKind.CONSIGNMENT:  # allocation draws from consignment stock
        held = (
            StockMove.objects.filter(order_line_id=OuterRef("pk"))
            .order_by()
            .values("order_line_id")
            .annotate(total=Sum("allocated_delta"))
            .values("total")
        )
        for product_id, pieces, got in (
            OrderLine.objects.filter(order__status=OrderStatus.BACK_ORDERED)
            .annotate(got=Coalesce(Subquery(held, output_field=IntegerField()), Value(0)))
            .values_list("product_id", "pieces", "got")
        ):
            back_ordered[product_id] += max(pieces - got, 0)
    ids = set(on_hand) | set(picked) | {k for k, v in back_ordered.items() if v}
    reorder, target = settings.FORSYN_REPLENISH_REORDER_DAYS, settings.FORSYN_REPLENISH_TARGET_DAYS
    rows = [
        ProductCover(
            product,
            cover(
                on_hand=on_hand.get(product.pk, 0),
                picked=picked.get(product.pk, 0),
                back_ordered=back_ordered.get(product.pk, 0),
                pieces_per_unit=product.pieces_per_unit,
                window_days=window,
                reorder_days=reorder,
                target_days=target,
            ),
        )
        for product in Product.objects.filter(pk__in=ids).select_related("supplier")
    ]
    rows.sort(
        key=lambda r: (
            r.product.supplier.name,
            r.cover.days_of_cover is None,
            r.cover.days_of_cover or 0,
            r.product.gtin,
        )
    )
    return Replenishment(warehouse, day, window, reorder, target, rows)


def call_off_table(rows: list[ProductCover], supplier: Any) -> tuple[list[str], list[list[Any]]]:
    """One supplier's call-off list as a table (CSV/XLSX)."""
    header = [
        _("Supplier"),
        _("Supplier's item number"),
        _("GTIN"),
        _("Product"),
        _("On hand (pieces)"),
        _("Use per day (pieces)"),
        _("Days of cover"),
        _("Back ordered (pieces)"),
        _("Call off (order units)"),
        _("Order unit"),
        _("Call off (pieces)"),
    ]
    table = [
        [
            supplier.name,
            r.product.supplier_item_number,
            r.product.gtin,
            r.product.name,
            r.cover.on_hand,
            r.cover.daily_use,
            r.cover.days_of_cover if r.cover.days_of_cover is not None else "",
            r.cover.back_ordered,
            r.cover.suggested_units,
            str(r.product.get_order_unit_display()),
            r.cover.suggested_pieces,
        ]
        for r in rows
    ]
    return header, table
