"""Outbox handlers of the fulfilment app (registered from FulfilmentConfig.ready)."""

from collections.abc import Mapping
from typing import Any

from forsyn.core.outbox import register
from forsyn.fulfilment.pauses import RESUMED, waiting_orders
from forsyn.fulfilment.recalls import RECALLED, recall_release
from forsyn.fulfilment.services import (
    STOCK_RECEIVED,
    back_orders_allocate,
    order_release,
    orders_allocate,
)
from forsyn.fulfilment.withdrawal import REALLOCATE


@register(STOCK_RECEIVED, name="fulfilment.allocate_back_orders")
def allocate_back_orders(payload: Mapping[str, Any]) -> None:
    """Stock arrived: the back orders waiting for those products get it, oldest first."""
    back_orders_allocate(lot_ids=[int(i) for i in payload["lots"]])


@register("order.cancelled", name="fulfilment.release_stock")
def release_stock(payload: Mapping[str, Any]) -> None:
    """A cancelled order's allocated stock becomes available again."""
    order_release(order_id=int(payload["order"]))


# -- Recalls, withdrawn stock and delivery pauses (issue #10 §3, §6) --


@register(RECALLED, name="fulfilment.recall_release")
def recall_released(payload: Mapping[str, Any]) -> None:
    """A recall blocked lots: the orders that hold them give them back (and are allocated
    again from other lots, through `fulfilment.reallocate`)."""
    recall_release(recall_id=int(payload["recall"]))


@register(REALLOCATE, name="fulfilment.reallocate")
def reallocate(payload: Mapping[str, Any]) -> None:
    """Orders that gave back stock (a recall, a count) are allocated again, oldest first."""
    orders_allocate(order_ids=[int(i) for i in payload["orders"]])


@register(RESUMED, name="fulfilment.allocate_resumed")
def allocate_resumed(payload: Mapping[str, Any]) -> None:
    """A citizen's pause ended: their waiting orders are allocated (any pause still in force
    keeps them waiting)."""
    orders_allocate(order_ids=waiting_orders(int(payload["citizen"])))
