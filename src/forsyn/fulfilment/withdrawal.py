"""Taking allocated stock back from orders: a recalled lot (recalls.py), a count that finds less
on the shelf than was allocated (counts.py). Each order line gives back what it holds of the
lot with a release move; an allocated order that loses stock goes back to `back_ordered`, and
after commit the outbox allocates it again from other lots (`fulfilment.reallocate`), in its
own transaction, which takes its locks in the documented order (docs/adr/0028)."""

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.db.models import Sum

from forsyn.core.outbox import outbox_record
from forsyn.fulfilment.choices import MoveKind
from forsyn.fulfilment.models import StockMove
from forsyn.fulfilment.services import _bulk_add
from forsyn.orders.choices import OrderStatus
from forsyn.orders.lifecycle import Actor, actor_id, orders_transition
from forsyn.orders.models import Order

REALLOCATE = "fulfilment.reallocate"


@dataclass(frozen=True)
class Holding:
    order_id: int
    order_line_id: int
    lot_id: int
    quantity: int  # pieces allocated and not yet picked


def holdings(
    lot_ids: Collection[int], *, order_ids: Collection[int] | None = None
) -> list[Holding]:
    """What order lines hold of these lots now, from the ledger (allocations less releases and
    picks), newest order first. One query."""
    moves = StockMove.objects.filter(lot_id__in=list(lot_ids), order_line__isnull=False)
    if order_ids is not None:
        moves = moves.filter(order_id__in=list(order_ids))
    rows = (
        moves.values("order_id", "order_line_id", "lot_id", "order__placed_at")
        .annotate(held=Sum("allocated_delta"))
        .order_by("-order__placed_at", "-order_id", "order_line_id", "lot_id")
    )
    return [
        Holding(r["order_id"], r["order_line_id"], r["lot_id"], r["held"])
        for r in rows
        if r["held"] > 0
    ]


def allocations_withdraw(
    *,
    taken: Sequence[Holding],
    orders: Sequence[Order],
    reason: str,
    actor: Actor,
    at: dt.datetime,
    message: str,
    key: str,
) -> list[int]:
    """Release `taken` (each at most what its line holds): release moves, lower the lots'
    allocated totals, move the allocated ones of `orders` (locked, holding the stock) to
    back_ordered with `message`, and queue all of them for allocation after commit (outbox
    `key`: one per withdrawal). The caller holds the locks: the orders first, then the lots.
    Returns the orders' ids."""
    taken = [h for h in taken if h.quantity > 0]
    if not taken:
        return []
    StockMove.objects.bulk_create(
        [
            StockMove(
                kind=MoveKind.RELEASE,
                lot_id=h.lot_id,
                allocated_delta=-h.quantity,
                order_id=h.order_id,
                order_line_id=h.order_line_id,
                reason=reason[:200],
                actor_id=actor_id(actor),
                at=at,
            )
            for h in taken
        ]
    )
    freed: dict[int, int] = defaultdict(int)
    for h in taken:
        freed[h.lot_id] -= h.quantity
    _bulk_add(freed, "allocated_quantity")
    losing = {h.order_id for h in taken}
    orders_transition(
        [o for o in orders if o.pk in losing and o.status == OrderStatus.ALLOCATED],
        OrderStatus.BACK_ORDERED,
        actor=actor,
        at=at,
        message=message,
    )
    ids = sorted(losing)
    outbox_record(
        topic=REALLOCATE,
        key=key,
        payload={"orders": ids},
    )
    return ids
