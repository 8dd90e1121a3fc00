"""Reads of fulfilment, filtered by the access policy."""

from forsyn.access import policy
from forsyn.access.context import AccessContext
from forsyn.core.api import page
from forsyn.core.errors import PermissionDenied
from forsyn.fulfilment.gs1 import gtin_forms
from forsyn.fulfilment.models import StockLot, Warehouse


def _operator(ctx: AccessContext) -> None:
    if not policy.may_operate_warehouse(ctx):
        raise PermissionDenied


def warehouses_list(*, ctx: AccessContext) -> list[Warehouse]:
    _operator(ctx)
    return list(policy.warehouses_operated(ctx, Warehouse.objects.order_by("code")))


def stock_list(
    *,
    ctx: AccessContext,
    gtin: str | None = None,
    warehouse_code: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[StockLot], int]:
    """Lots with stock (or allocations) in the warehouses `ctx` works in, by product and
    earliest expiry; two queries."""
    _operator(ctx)
    warehouses = policy.warehouses_operated(ctx, Warehouse.objects.all())
    lots = StockLot.objects.filter(warehouse__in=warehouses, on_hand_quantity__gt=0)
    if gtin:
        lots = lots.filter(product__gtin__in=gtin_forms(gtin))
    if warehouse_code:
        lots = lots.filter(warehouse__code=warehouse_code)
    lots = lots.select_related("product").order_by("product__gtin", "expires_on", "pk")
    return page(lots, limit=limit, offset=offset)
