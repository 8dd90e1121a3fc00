"""The order lifecycle: every move checked against TRANSITIONS, one event per move, outbox
events for the moves other apps react to, all or nothing for a batch."""

import itertools
from collections.abc import Mapping
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from forsyn.core import outbox
from forsyn.core.errors import DomainError
from forsyn.core.models import OutboxMessage
from forsyn.orders.choices import TRANSITIONS, OrderKind, OrderStatus
from forsyn.orders.lifecycle import may_transition, order_transition, orders_transition
from forsyn.orders.models import Order, OrderEvent
from tests import factories as f

pytestmark = pytest.mark.django_db

ALL = list(OrderStatus)
ALLOWED = {
    (OrderStatus.SUBMITTED, OrderStatus.AWAITING_APPROVAL),
    (OrderStatus.SUBMITTED, OrderStatus.APPROVED),
    (OrderStatus.SUBMITTED, OrderStatus.CANCELLED),
    (OrderStatus.AWAITING_APPROVAL, OrderStatus.APPROVED),
    (OrderStatus.AWAITING_APPROVAL, OrderStatus.REJECTED),
    (OrderStatus.AWAITING_APPROVAL, OrderStatus.CANCELLED),
    (OrderStatus.APPROVED, OrderStatus.ALLOCATED),
    (OrderStatus.APPROVED, OrderStatus.BACK_ORDERED),
    (OrderStatus.APPROVED, OrderStatus.CANCELLED),
    (OrderStatus.BACK_ORDERED, OrderStatus.ALLOCATED),
    (OrderStatus.BACK_ORDERED, OrderStatus.CANCELLED),
    (OrderStatus.ALLOCATED, OrderStatus.PICKED),
    (OrderStatus.ALLOCATED, OrderStatus.BACK_ORDERED),  # stock withdrawn: a recall, a count
    (OrderStatus.ALLOCATED, OrderStatus.CANCELLED),
    (OrderStatus.ALLOCATED, OrderStatus.BACK_ORDERED),  # a short pick
    (OrderStatus.PICKED, OrderStatus.PACKED),
    (OrderStatus.PACKED, OrderStatus.SHIPPED),
    (OrderStatus.SHIPPED, OrderStatus.DELIVERED),
    (OrderStatus.SHIPPED, OrderStatus.CANCELLED),  # the carrier brought the parcel back
}


@pytest.mark.parametrize(("from_status", "to_status"), list(itertools.product(ALL, ALL)))
def test_may_transition_is_the_table(from_status: OrderStatus, to_status: OrderStatus) -> None:
    assert may_transition(from_status, to_status) is ((from_status, to_status) in ALLOWED)


def test_table_matches_the_declared_transitions() -> None:
    declared = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
    assert declared == ALLOWED


def _ward_order(status: str) -> Order:
    unit = f.hospital_unit()
    return Order.objects.create(
        kind=OrderKind.WARD,
        ordering_organisation=unit,
        status=status,
        placed_at=timezone.now(),
    )


@pytest.mark.parametrize(("from_status", "to_status"), sorted(ALLOWED))
def test_allowed_move_writes_status_and_one_event(
    from_status: OrderStatus, to_status: OrderStatus
) -> None:
    order = _ward_order(from_status)
    user = f.make_user("hospital_orderer", order.ordering_organisation)
    event = order_transition(order, to_status, actor=user, message="fordi")
    order.refresh_from_db()
    assert order.status == to_status
    assert list(OrderEvent.objects.values_list("from_status", "to_status", "actor", "message")) == [
        (from_status, to_status, user.pk, "fordi")
    ]
    assert event.pk is not None


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [(a, b) for a, b in itertools.product(ALL, ALL) if (a, b) not in ALLOWED],
)
def test_refused_move_changes_nothing(from_status: OrderStatus, to_status: OrderStatus) -> None:
    order = _ward_order(from_status)
    with pytest.raises(DomainError) as refused:
        order_transition(order, to_status, actor=None)
    assert refused.value.code == "order_transition"
    with translation.override("en"):
        labels = (str(OrderStatus(from_status).label), str(OrderStatus(to_status).label))
    assert refused.value.english_fields() == {
        "status": f"an order that is {labels[0]} cannot become {labels[1]}"
    }
    assert refused.value.fields["status"].code == "order_transition"
    order.refresh_from_db()
    assert order.status == from_status
    assert OrderEvent.objects.count() == 0


def test_batch_is_all_or_nothing() -> None:
    a, b = _ward_order(OrderStatus.ALLOCATED), _ward_order(OrderStatus.APPROVED)
    with pytest.raises(DomainError):
        orders_transition([a, b], OrderStatus.PICKED, actor=None)
    assert sorted(Order.objects.values_list("status", flat=True)) == ["allocated", "approved"]
    assert OrderEvent.objects.count() == 0


def test_batch_costs_three_statements_whatever_its_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbox, "_HANDLERS", {})
    seen: list[Mapping[str, Any]] = []
    outbox.register("order.shipped", name="notify")(seen.append)
    small = [_ward_order(OrderStatus.PACKED) for _ in range(2)]
    large = [_ward_order(OrderStatus.PACKED) for _ in range(20)]
    counts = []
    for batch in (small, large):
        with CaptureQueriesContext(connection) as ctx:
            orders_transition(batch, OrderStatus.SHIPPED, actor=None)
        counts.append(len(ctx.captured_queries))
    assert counts == [3, 3]  # UPDATE orders, INSERT events, INSERT outbox
    assert OrderEvent.objects.filter(to_status="shipped").count() == 22
    assert sorted(_shipped_keys()) == sorted(f"order-{o.pk}" for o in small + large)


def _shipped_keys() -> list[str]:  # noqa: N802
    return list(OutboxMessage.objects.filter(topic="order.shipped").values_list("key", flat=True))
