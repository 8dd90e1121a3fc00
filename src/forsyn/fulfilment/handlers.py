"""Outbox handlers of the fulfilment app (registered from FulfilmentConfig.ready)."""

from collections.abc import Mapping
from typing import Any

from forsyn.core.outbox import register
from forsyn.fulfilment.services import STOCK_RECEIVED, back_orders_allocate, order_release


@register(STOCK_RECEIVED, name="fulfilment.allocate_back_orders")
def allocate_back_orders(payload: Mapping[str, Any]) -> None:
    """Stock arrived: the back orders waiting for those products get it, oldest first."""
    back_orders_allocate(lot_ids=[int(i) for i in payload["lots"]])


@register("order.cancelled", name="fulfilment.release_stock")
def release_stock(payload: Mapping[str, Any]) -> None:
    """A cancelled order's allocated stock becomes available again."""
    order_release(order_id=int(payload["order"]))
