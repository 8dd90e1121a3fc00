"""PostgreSQL: waves, cancellations and picks at the same moment (row locks, pk order)."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction

from forsyn.core.errors import DomainError
from forsyn.fulfilment.models import ParcelOrder, PickLine, StockLot, StockMove
from forsyn.fulfilment.picking import pick_line_confirm
from forsyn.fulfilment.services import orders_allocate
from forsyn.fulfilment.waves import wave_create
from forsyn.orders.choices import OrderStatus
from forsyn.orders.lifecycle import order_transition
from forsyn.orders.models import Order
from tests.conftest import ensure_reference_data
from tests.contexts import ctx
from tests.fulfilment.flow import CUTOFF, NOW, Flow, flow_world, order, scan_of, stock
from tests.fulfilment.helpers import ledger_matches_totals

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; each answer or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the test looks at it
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def world_with_orders(n: int) -> tuple[Flow, list[Order]]:
    ensure_reference_data()
    fl = flow_world()
    stock(fl, (fl.w.bag, "B1", "270930", 1000))
    orders = [order(fl, fl.karen if i % 2 else fl.bo, {fl.w.bag: 30}) for i in range(n)]
    orders_allocate(order_ids=[o.pk for o in orders], at=NOW)
    return fl, orders


def make_wave(fl: Flow) -> Callable[[], Any]:
    return lambda: wave_create(ctx=ctx(fl.operator), warehouse_code="FSC", cutoff=CUTOFF, at=NOW)


def test_two_waves_at_once_never_take_one_order_twice(on_postgres: None) -> None:
    fl, orders = world_with_orders(6)
    first, second = at_once(make_wave(fl), make_wave(fl))
    made = [r for r in (first, second) if not isinstance(r, Exception)]
    refused = [r for r in (first, second) if isinstance(r, Exception)]
    # The second waited for the first's locks, then found every order in an open parcel.
    assert len(made) == 1
    assert [(type(e), e.code) for e in refused] == [(DomainError, "wave_empty")]  # type: ignore[attr-defined]
    assert sorted(made[0].orders) == sorted(o.pk for o in orders)
    links = list(ParcelOrder.objects.filter(is_open=True).values_list("order_id", flat=True))
    assert sorted(links) == sorted(o.pk for o in orders)
    assert PickLine.objects.count() == 6
    assert ledger_matches_totals() == []


def test_a_wave_and_a_cancel_at_once_never_over_allocate_or_lose_stock(on_postgres: None) -> None:
    fl, orders = world_with_orders(4)
    victim = orders[1]

    def cancel() -> Any:
        with transaction.atomic():
            locked = Order.objects.select_for_update().get(pk=victim.pk)
            return order_transition(locked, OrderStatus.CANCELLED, actor=None)

    wave, cancelled = at_once(make_wave(fl), cancel)
    assert not isinstance(cancelled, Exception), cancelled
    assert not isinstance(wave, Exception), wave
    victim.refresh_from_db()
    assert victim.status == "cancelled"
    lot = StockLot.objects.get()
    # Whoever came first, the cancelled order's 30 pieces are free again and nothing else.
    assert (lot.on_hand_quantity, lot.allocated_quantity) == (1000, 90)
    assert ledger_matches_totals() == []
    # Picking the wave: the cancelled order's line (if the wave took it) is refused, the
    # others are picked; the stock adds up.
    refused = []
    for line in PickLine.objects.order_by("sequence"):
        try:
            pick_line_confirm(
                ctx=ctx(fl.operator), pick_line_id=line.pk, scan=scan_of(line.lot), quantity=30
            )
        except DomainError as exc:
            refused.append((line.order_id, exc.code))
    assert refused in ([], [(victim.pk, "order_not_pickable")])
    lot.refresh_from_db()
    assert (lot.on_hand_quantity, lot.allocated_quantity) == (910, 0)
    assert StockMove.objects.filter(kind="pick").count() == 3
    assert ledger_matches_totals() == []


def test_two_pickers_of_one_scarce_lot_never_over_allocate(on_postgres: None) -> None:
    """Two pickers re-allocate to the same FEFO-equal lot at once: its free pieces go to one."""
    ensure_reference_data()
    fl = flow_world()
    stock(fl, (fl.w.bag, "A1", "270930", 60), (fl.w.bag, "A2", "270930", 30))
    first, second = order(fl, fl.karen, {fl.w.bag: 30}), order(fl, fl.bo, {fl.w.bag: 30})
    orders_allocate(order_ids=[first.pk, second.pk], at=NOW)
    wave_create(ctx=ctx(fl.operator), warehouse_code="FSC", cutoff=CUTOFF, at=NOW)
    a2 = StockLot.objects.get(lot_number="A2")
    lines = list(PickLine.objects.order_by("pk"))
    assert {ln.lot.lot_number for ln in lines} == {"A1"}

    def pick_a2(line: PickLine) -> Callable[[], Any]:
        return lambda: pick_line_confirm(
            ctx=ctx(fl.operator), pick_line_id=line.pk, scan=scan_of(a2), quantity=30
        )

    results = at_once(pick_a2(lines[0]), pick_a2(lines[1]))
    done = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert [d.reallocated for d in done] == [True]
    assert [e.code for e in refused] == ["lot_short"]  # type: ignore[attr-defined]
    totals = dict(StockLot.objects.values_list("lot_number", "on_hand_quantity"))
    assert totals == {"A1": 60, "A2": 0}
    assert ledger_matches_totals() == []
