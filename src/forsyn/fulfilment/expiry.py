"""Stock with expiry warnings (issue #10 §7): which lots expire soon, in the buckets warehouse
people use (OpenBoxes' expired, 30, 90, 180 days), and which no longer have the shelf life a
citizen's delivery needs."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from forsyn.access import policy
from forsyn.access.context import AccessContext
from forsyn.core.api import page
from forsyn.core.errors import PermissionDenied
from forsyn.fulfilment.gs1 import gtin_forms
from forsyn.fulfilment.models import StockLot, Warehouse
from forsyn.fulfilment.rules import days_left
from forsyn.fulfilment.services import min_shelf_life_days

BUCKETS = (30, 90, 180)


def expiry_bucket(expires_on: dt.date, today: dt.date) -> str:
    """ "expired", "30", "90", "180" (expires within that many days) or "" (pure)."""
    left = days_left(expires_on, today)
    if left < 0:
        return "expired"
    return next((str(n) for n in BUCKETS if left <= n), "")


@dataclass(frozen=True)
class LotRow:
    lot: StockLot
    days_left: int
    bucket: str
    below_citizen_minimum: bool  # too short-dated for a citizen's delivery


def stock_page(
    *,
    ctx: AccessContext,
    warehouse_code: str = "",
    gtin: str = "",
    within_days: int | None = None,
    expired: bool = False,
    limit: int = 50,
    offset: int = 0,
    today: dt.date | None = None,
) -> tuple[list[LotRow], int]:
    """Lots with stock in the warehouses `ctx` works in, earliest expiry first, with their
    warnings (two queries)."""
    if not policy.may_operate_warehouse(ctx):
        raise PermissionDenied
    day = today or timezone.localdate()
    lots: QuerySet[StockLot] = StockLot.objects.filter(
        warehouse__in=policy.warehouses_operated(ctx, Warehouse.objects.all()),
        on_hand_quantity__gt=0,
    )
    if warehouse_code:
        lots = lots.filter(warehouse__code=warehouse_code)
    if gtin:
        lots = lots.filter(product__gtin__in=gtin_forms(gtin))
    if expired:
        lots = lots.filter(expires_on__lt=day)
    elif within_days is not None:
        lots = lots.filter(expires_on__gte=day, expires_on__lte=day + dt.timedelta(within_days))
    lots = lots.select_related(
        "warehouse",
        "location",
        "product__category__product_area__shelf_life_minimum",
    ).order_by("expires_on", "product__gtin", "pk")
    found, count = page(lots, limit=limit, offset=offset)
    rows = []
    for lot in found:
        area = lot.product.category.product_area
        configured = getattr(area, "shelf_life_minimum", None)
        minimum = min_shelf_life_days(
            area.code, configured=configured.citizen_days if configured else None
        )
        left = days_left(lot.expires_on, day)
        rows.append(LotRow(lot, left, expiry_bucket(lot.expires_on, day), left < minimum))
    return rows, count
