from typing import Any, Literal

from django.http import HttpRequest
from ninja import Header, Router, Schema, Status
from pydantic import Field

from forsyn.access.context import api_context
from forsyn.core.api import StrictSchema
from forsyn.orders.models import Order
from forsyn.orders.selectors import approvals, order_get, orders_for_citizen
from forsyn.orders.services import (
    DeliveryInput,
    LineInput,
    order_cancel,
    order_decide,
    order_place,
    ward_order_place,
)

router = Router(tags=["orders"])


class OrderLineIn(StrictSchema):
    gtin: str = Field(max_length=14)
    order_units: int = Field(ge=1, le=999)


class DeliveryIn(StrictSchema):
    type: Literal["registered_address", "other_address", "parcel_locker"]
    name: str = Field("", max_length=200)
    street: str = Field("", max_length=200)
    postcode: str = Field("", max_length=4)
    city: str = Field("", max_length=100)
    parcel_locker: str = Field("", max_length=100)


class OrderIn(StrictSchema):
    citizen: int = Field(ge=1, le=2**62)
    lines: list[OrderLineIn] = Field(min_length=1, max_length=50)
    delivery: DeliveryIn
    purpose: str | None = Field(None, max_length=200)


class OrderLineOut(Schema):
    gtin: str
    order_units: int
    pieces: int


class ParcelOut(Schema):
    sscc: str
    tracking_number: str | None
    status: str


class OrderOut(Schema):
    id: int
    citizen: int | None
    status: str
    hold_reasons: list[str]
    channel: str
    placed_at: str
    delivery_type: str
    delivery_on: str | None
    decision_message: str
    lines: list[OrderLineOut]
    parcels: list[ParcelOut]


class OrderList(Schema):
    items: list[OrderOut]
    count: int


class WardOrderIn(StrictSchema):
    lines: list[OrderLineIn] = Field(min_length=1, max_length=100)


class DecisionIn(StrictSchema):
    message: str = Field("", max_length=2000)


def order_out(o: Order) -> dict[str, Any]:
    return {
        "id": o.pk,
        "citizen": o.citizen_id,
        "status": o.status,
        "hold_reasons": [h["message"] for h in o.hold_reasons],
        "channel": o.channel,
        "placed_at": o.placed_at.isoformat(),
        "delivery_type": o.delivery_type,
        "delivery_on": o.delivery_on.isoformat() if o.delivery_on else None,
        "decision_message": o.decision_message,
        "lines": [
            {"gtin": ln.product.gtin, "order_units": ln.order_units, "pieces": ln.pieces}
            for ln in (o.placed_lines if o.placed_lines is not None else o.lines.all())
        ],
        # Parcels (fulfilment) through the reverse relation, prefetched by order_queryset; a
        # just-placed order has none.
        "parcels": []
        if o.placed_lines is not None
        else [
            {
                "sscc": p.sscc,
                "tracking_number": p.tracking_number or None,
                "status": p.status,
            }
            for p in o.parcels.all()
        ],
    }


def _placed(
    request: HttpRequest, order: Order, created: bool, purpose: str | None = None
) -> Status[dict[str, Any]]:
    """201 with a new order, answered from what was just written (its `create` entry is in the
    access log); 200 with the first order on a replay of its Idempotency-Key, read back under
    the policy and logged as a read."""
    if created:
        return Status(201, order_out(order))
    return Status(200, order_out(_read(request, order.pk, purpose, "POST /orders (replay)")))


def _read(request: HttpRequest, order_id: int, purpose: str | None, resource: str) -> Order:
    return order_get(
        ctx=api_context(request, purpose),
        order_id=order_id,
        resource=f"{resource}: order {order_id}",
    )


@router.post("/orders", response={200: OrderOut, 201: OrderOut}, summary="Place an order")
def create_order(
    request: HttpRequest,
    payload: OrderIn,
    idempotency_key: str = Header("", alias="Idempotency-Key", max_length=100),  # type: ignore[type-arg]
) -> Status[dict[str, Any]]:
    order, created = order_place(
        ctx=api_context(request, payload.purpose),
        citizen_id=payload.citizen,
        lines=[LineInput(ln.gtin, ln.order_units) for ln in payload.lines],
        delivery=DeliveryInput(**payload.delivery.model_dump()),
        idempotency_key=idempotency_key,
    )
    return _placed(request, order, created, payload.purpose)


@router.get("/orders/{int:order_id}", response=OrderOut, summary="One order")
def get_order(request: HttpRequest, order_id: int) -> dict[str, Any]:
    return order_out(_read(request, order_id, None, "GET /orders/{id}"))


@router.get("/citizens/{int:citizen_id}/orders", response=OrderList, summary="A citizen's orders")
def citizen_orders(request: HttpRequest, citizen_id: int) -> dict[str, Any]:
    orders = orders_for_citizen(
        ctx=api_context(request), citizen_id=citizen_id, resource="GET /citizens/{id}/orders"
    )
    return {"items": [order_out(o) for o in orders], "count": len(orders)}


@router.post("/orders/{int:order_id}/cancel", response=OrderOut, summary="Cancel an order")
def cancel_order(request: HttpRequest, order_id: int) -> dict[str, Any]:
    order_cancel(ctx=api_context(request), order_id=order_id)
    return order_out(_read(request, order_id, None, "POST /orders/{id}/cancel"))


@router.get("/approvals", response=OrderList, summary="Orders awaiting your approval")
def approval_queue(request: HttpRequest) -> dict[str, Any]:
    orders = approvals(ctx=api_context(request), resource="GET /approvals")
    return {"items": [order_out(o) for o in orders], "count": len(orders)}


def _decide(request: HttpRequest, order_id: int, payload: "DecisionIn", approve: bool) -> Order:
    order_decide(
        ctx=api_context(request), order_id=order_id, approve=approve, message=payload.message
    )
    verb = "approve" if approve else "reject"
    return _read(request, order_id, None, f"POST /orders/{{id}}/{verb}")


@router.post("/orders/{int:order_id}/approve", response=OrderOut, summary="Approve a held order")
def approve_order(request: HttpRequest, order_id: int, payload: DecisionIn) -> dict[str, Any]:
    return order_out(_decide(request, order_id, payload, approve=True))


@router.post("/orders/{int:order_id}/reject", response=OrderOut, summary="Reject a held order")
def reject_order(request: HttpRequest, order_id: int, payload: DecisionIn) -> dict[str, Any]:
    return order_out(_decide(request, order_id, payload, approve=False))


@router.post("/ward-orders", response={200: OrderOut, 201: OrderOut}, summary="Ward stock order")
def create_ward_order(
    request: HttpRequest,
    payload: WardOrderIn,
    idempotency_key: str = Header("", alias="Idempotency-Key", max_length=100),  # type: ignore[type-arg]
) -> Status[dict[str, Any]]:
    """Bulk stock for a hospital unit's ward: no citizen, no grant, no hole-cutting."""
    order, created = ward_order_place(
        ctx=api_context(request),
        lines=[LineInput(ln.gtin, ln.order_units) for ln in payload.lines],
        idempotency_key=idempotency_key,
    )
    return _placed(request, order, created)
