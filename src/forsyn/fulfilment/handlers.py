"""Outbox handlers of the fulfilment app (registered from FulfilmentConfig.ready)."""

from collections.abc import Mapping
from typing import Any

from forsyn.core.outbox import register
from forsyn.fulfilment.services import STOCK_RECEIVED, back_orders_allocate


@register(STOCK_RECEIVED, name="fulfilment.allocate_back_orders")
def allocate_back_orders(payload: Mapping[str, Any]) -> None:
    """Stock arrived: the back orders waiting for those products get it, oldest first."""
    back_orders_allocate(lot_ids=[int(i) for i in payload["lots"]])
