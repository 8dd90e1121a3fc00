"""The order services, by job: placing (`orders.placement`), deciding and cancelling
(`orders.decisions`) and the status lifecycle every app drives (`orders.lifecycle`). This
module names them in one place for callers."""

from forsyn.orders.decisions import order_cancel, order_decide
from forsyn.orders.placement import (
    MAX_ORDER_UNITS,
    DeliveryInput,
    LineInput,
    check_delivery,
    order_place,
    request_digest,
    ward_limits,
    ward_order_place,
)
from forsyn.orders.replacement import ReplacementLine, order_replacement_place

__all__ = [
    "MAX_ORDER_UNITS",
    "DeliveryInput",
    "LineInput",
    "ReplacementLine",
    "check_delivery",
    "order_cancel",
    "order_decide",
    "order_place",
    "order_replacement_place",
    "request_digest",
    "ward_limits",
    "ward_order_place",
]
