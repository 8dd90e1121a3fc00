"""The order lifecycle: the one way an order's status changes.

Ordering, fulfilment and billing all move orders through `order_transition` (one order) or
`orders_transition` (a wave, a carrier's batch of events). Each checks the move against
`TRANSITIONS`, writes the status, records an `OrderEvent` (nothing else writes them) and, for
the moves other apps react to, an outbox event in the same transaction. Callers lock the orders
first (`orders.lock_objects`), in pk order.
"""

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from forsyn.access.context import AccessContext
from forsyn.core.errors import DomainError
from forsyn.core.outbox import outbox_record_many
from forsyn.orders.choices import TRANSITIONS, OrderStatus
from forsyn.orders.error_codes import ErrorCode
from forsyn.orders.models import Order, OrderEvent
from forsyn.organisations.models import User

# Who moves an order: the access context of a person acting (ordering's services), a staff user
# (fulfilment's services record their operator), or None for the system (a scheduled job).
Actor = AccessContext | User | None


def actor_id(actor: Actor) -> int | None:
    if isinstance(actor, AccessContext):
        return actor.user_id
    return actor.pk if actor is not None and actor.pk else None


# Moves that other apps hear about through the outbox, by topic.
TOPICS: dict[str, str] = {
    OrderStatus.APPROVED: "order.approved",
    OrderStatus.CANCELLED: "order.cancelled",
    OrderStatus.SHIPPED: "order.shipped",
    OrderStatus.DELIVERED: "order.delivered",
}


def may_transition(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def _refuse(order: Order, to: str) -> DomainError:
    return DomainError(
        f"a {order.status} order cannot become {to}",
        code=ErrorCode.ORDER_TRANSITION,
        fields={
            "status": ErrorCode.ORDER_TRANSITION.error(
                status=OrderStatus(order.status).label, to=OrderStatus(to).label
            )
        },
    )


def order_transition(
    order: Order,
    to: OrderStatus,
    *,
    actor: Actor,
    message: str = "",
    at: dt.datetime | None = None,
    also_update: Sequence[str] = (),
) -> OrderEvent:
    """Move one (locked) order to `to`; `also_update` names other fields the caller changed on
    the same object (e.g. decision_message) so they are saved in the same UPDATE."""
    return orders_transition(
        [order], to, actor=actor, message=message, at=at, also_update=also_update
    )[0]


def orders_transition(
    orders: Sequence[Order],
    to: OrderStatus,
    *,
    actor: Actor,
    message: str = "",
    at: dt.datetime | None = None,
    also_update: Sequence[str] = (),
) -> list[OrderEvent]:
    """Move (locked) orders to `to` all or nothing: one UPDATE, one INSERT of events and one
    of outbox events however many orders there are (without `also_update`)."""
    for order in orders:
        if not may_transition(order.status, to):
            raise _refuse(order, to)
    if not orders:
        return []
    moment = at or timezone.now()
    who = actor_id(actor)
    events = [
        OrderEvent(
            order=o, at=moment, actor_id=who, from_status=o.status, to_status=to, message=message
        )
        for o in orders
    ]
    for o in orders:
        o.status = to
    if also_update:
        for o in orders:
            o.save(update_fields=["status", *also_update])
    else:
        Order.objects.filter(pk__in=[o.pk for o in orders]).update(status=to)
    OrderEvent.objects.bulk_create(events)
    topic = TOPICS.get(to)
    if topic:
        outbox_record_many(
            topic=topic,
            events=[(f"order-{o.pk}", {"order": o.pk, "status": str(to)}) for o in orders],
        )
    return events


def order_record_placement(
    order: Order, *, actor: Actor, decided_by: Actor, note: str, at: dt.datetime
) -> list[OrderEvent]:
    """A new order is submitted and decided in one transaction: it is stored in its decided
    state, and both moves are recorded as events (one INSERT)."""
    return OrderEvent.objects.bulk_create(
        [
            OrderEvent(
                order=order,
                at=at,
                actor_id=actor_id(actor),
                from_status="",
                to_status=OrderStatus.SUBMITTED,
            ),
            OrderEvent(
                order=order,
                at=at,
                actor_id=actor_id(decided_by),
                from_status=OrderStatus.SUBMITTED,
                to_status=order.status,
                message=note,
            ),
        ]
    )
