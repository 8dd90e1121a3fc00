"""Set-up shared by the tests of counts, notices, pauses, recalls and replenishment."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F, Sum

from forsyn.fulfilment.choices import MoveKind
from forsyn.fulfilment.lock_objects import stock_lots_for_update
from forsyn.fulfilment.models import StockLot, StockMove
from forsyn.fulfilment.services import stock_receive
from forsyn.orders.choices import OrderStatus
from forsyn.orders.lifecycle import order_transition
from forsyn.orders.lock_objects import orders_by_id_for_update
from forsyn.orders.models import Order, OrderLine
from tests import factories as f
from tests.contexts import ctx
from tests.fulfilment.helpers import World, scan

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
GOOD = "270930"  # 2027-09-30


def receive(w: World, *lines: tuple[str, int], at: dt.datetime = NOW) -> Any:
    return stock_receive(ctx=ctx(w.operator), warehouse_code="FSC", lines=list(lines), at=at)


def stock(w: World, product: Any, lot: str, pieces: int, expiry: str = GOOD) -> StockLot:
    receive(w, (scan(product.gtin, lot, expiry), pieces))
    return StockLot.objects.get(product=product, lot_number=lot)


def approved_order(
    pieces: dict[Any, int],
    *,
    citizen: Any = None,
    placed: dt.datetime = NOW,
    ward_unit: Any = None,
) -> Order:
    """An approved order made directly (placement has its own tests)."""
    if ward_unit is not None:
        order = Order.objects.create(
            kind="ward",
            ordering_organisation=ward_unit,
            status="approved",
            placed_at=placed,
            delivery_name=ward_unit.name,
        )
    else:
        citizen = citizen or f.CitizenFactory()
        order = Order.objects.create(
            citizen=citizen,
            ordering_organisation=citizen.municipality,
            status="approved",
            placed_at=placed,
            delivery_name=citizen.name,
            delivery_street=citizen.street,
            delivery_postcode=citizen.postcode,
            delivery_city=citizen.city,
        )
    for product, n in pieces.items():
        OrderLine.objects.create(
            order=order, product=product, order_units=max(1, n // product.pieces_per_unit), pieces=n
        )
    return order


@transaction.atomic
def pick(order: Order, *, at: dt.datetime = NOW) -> None:
    """What the picking work (issue #10 §4) writes when an order is picked: a pick move per line
    and lot it holds, on hand and allocated both down. Stands in for it until it is merged."""
    held = [
        (m["order_line_id"], m["lot_id"], m["total"])
        for m in StockMove.objects.filter(order=order)
        .values("order_line_id", "lot_id")
        .annotate(total=Sum("allocated_delta"))
        if m["total"] > 0
    ]
    stock_lots_for_update({lot for _, lot, _ in held})
    StockMove.objects.bulk_create(
        StockMove(
            kind=MoveKind.PICK,
            lot_id=lot,
            on_hand_delta=-n,
            allocated_delta=-n,
            order=order,
            order_line_id=line,
            at=at,
        )
        for line, lot, n in held
    )
    for _, lot, n in held:  # both totals in one UPDATE: allocated never exceeds on hand
        StockLot.objects.filter(pk=lot).update(
            on_hand_quantity=F("on_hand_quantity") - n,
            allocated_quantity=F("allocated_quantity") - n,
        )
    order_transition(orders_by_id_for_update([order.pk])[0], OrderStatus.PICKED, actor=None, at=at)
