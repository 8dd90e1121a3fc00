"""Stock counts (cycle counting, issue #10 §1): differences posted as adjustment moves with a
reason; the ledger always sums to the totals."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone, translation

from forsyn.core.errors import DomainError, NotFound, PermissionDenied
from forsyn.core.outbox import outbox_dispatch
from forsyn.fulfilment.counts import (
    count_get,
    stock_count_cancel,
    stock_count_post,
    stock_count_record,
    stock_count_start,
)
from forsyn.fulfilment.models import Location, StockCount, StockCountLine, StockLot, StockMove
from forsyn.fulfilment.services import orders_allocate
from forsyn.orders.models import Order, OrderEvent
from tests import factories as f
from tests.contexts import ctx
from tests.fulfilment.helpers import World, ledger_matches_totals, scan, world
from tests.fulfilment.stock_helpers import GOOD, NOW, approved_order, pick, stock

pytestmark = pytest.mark.django_db
LATER = NOW + dt.timedelta(hours=1)


@pytest.fixture
def w() -> World:
    return world()


def totals() -> dict[str, tuple[int, int]]:
    return {
        lot.lot_number: (lot.on_hand_quantity, lot.allocated_quantity)
        for lot in StockLot.objects.all()
    }


def test_count_posts_adjustments_with_reasons_and_the_ledger_sums_to_on_hand(w: World) -> None:
    a = stock(w, w.bag, "A", 100)
    b = stock(w, w.bag, "B", 20)
    stock(w, w.plate, "C", 10)
    count = stock_count_start(ctx=ctx(w.operator), warehouse_code="FSC", at=NOW)
    stock_count_record(
        ctx=ctx(w.operator),
        count_id=count.pk,
        scan=scan(w.bag.gtin, "A", GOOD),
        quantity=97,
        at=NOW,
    )
    stock_count_record(ctx=ctx(w.operator), count_id=count.pk, lot_id=b.pk, quantity=22, at=NOW)
    stock_count_record(
        ctx=ctx(w.operator), count_id=count.pk, scan=scan(w.plate.gtin, "C", GOOD), quantity=10
    )
    # A lot on the shelf the books do not know: found.
    stock_count_record(
        ctx=ctx(w.operator), count_id=count.pk, scan=scan(w.plate.gtin, "D", "280131"), quantity=5
    )
    lines = {ln.lot.lot_number: ln for ln in StockCountLine.objects.select_related("lot")}
    assert {k: (ln.book_quantity, ln.counted_quantity) for k, ln in lines.items()} == {
        "A": (100, 97),
        "B": (20, 22),
        "C": (10, 10),
        "D": (0, 5),
    }
    done = stock_count_post(
        ctx=ctx(w.operator),
        count_id=count.pk,
        reasons={
            lines["A"].pk: ("missing", ""),
            lines["B"].pk: ("earlier_miscount", ""),
            lines["D"].pk: ("other", "Lå bag reolen"),
        },
        at=LATER,
    )
    assert done.adjustments == 3
    assert done.orders_back_ordered == []
    moves = list(
        StockMove.objects.filter(kind="adjustment")
        .order_by("lot__lot_number")
        .values_list("lot__lot_number", "on_hand_delta", "allocated_delta", "reason", "actor_id")
    )
    assert moves == [
        ("A", -3, 0, f"count {count.pk}: missing", w.operator.pk),
        ("B", 2, 0, f"count {count.pk}: earlier_miscount", w.operator.pk),
        ("D", 5, 0, f"count {count.pk}: other (Lå bag reolen)", w.operator.pk),
    ]
    assert totals() == {"A": (97, 0), "B": (22, 0), "C": (10, 0), "D": (5, 0)}
    assert ledger_matches_totals() == []
    count.refresh_from_db()
    assert (count.status, count.posted_by, count.posted_at) == ("posted", w.operator, LATER)
    linked = dict(StockCountLine.objects.values_list("lot__lot_number", "move__on_hand_delta"))
    assert linked == {"A": -3, "B": 2, "C": None, "D": 5}
    assert a.pk != b.pk
    # A posted count is closed.
    with pytest.raises(DomainError) as caught:
        stock_count_record(ctx=ctx(w.operator), count_id=count.pk, lot_id=a.pk, quantity=1)
    assert caught.value.code == "count_refused"
    with translation.override("da"):
        assert caught.value.texts() == [
            "Optællingen har status Bogført og kan ikke længere ændres."
        ]


def test_a_difference_without_a_reason_refuses_the_count_and_saves_nothing(w: World) -> None:
    stock(w, w.bag, "A", 100)
    b = stock(w, w.bag, "B", 20)
    count = stock_count_start(ctx=ctx(w.operator), warehouse_code="FSC")
    stock_count_record(
        ctx=ctx(w.operator), count_id=count.pk, scan=scan(w.bag.gtin, "A", GOOD), quantity=97
    )
    stock_count_record(ctx=ctx(w.operator), count_id=count.pk, lot_id=b.pk, quantity=21)
    line_b = StockCountLine.objects.get(lot=b)
    with pytest.raises(DomainError) as caught:
        stock_count_post(
            ctx=ctx(w.operator), count_id=count.pk, reasons={line_b.pk: ("other", "  ")}
        )
    assert [name for name, _ in caught.value.problems] == ["lines[0].reason", "lines[1].note"]
    with translation.override("da"):
        assert caught.value.texts() == [
            "Linje 1 (batch A): vælg en årsag til differencen på -3.",
            "Linje 2 (batch B): beskriv den anden årsag i bemærkningen.",
        ]
    assert StockMove.objects.filter(kind="adjustment").count() == 0
    assert StockCount.objects.get().status == "open"
    assert totals() == {"A": (100, 0), "B": (20, 0)}
    assert list(StockCountLine.objects.values_list("reason", flat=True)) == ["", ""]


def test_moves_between_counting_and_posting_are_kept(w: World) -> None:
    """The difference is counted against the books when the lot was counted: a pick after the
    count is not undone by posting it."""
    stock(w, w.bag, "A", 100)
    count = stock_count_start(ctx=ctx(w.operator), warehouse_code="FSC")
    stock_count_record(
        ctx=ctx(w.operator), count_id=count.pk, scan=scan(w.bag.gtin, "A", GOOD), quantity=98
    )
    order = approved_order({w.bag: 30})
    orders_allocate(order_ids=[order.pk], at=NOW)
    pick(order)
    assert totals() == {"A": (70, 0)}
    line = StockCountLine.objects.get()
    stock_count_post(ctx=ctx(w.operator), count_id=count.pk, reasons={line.pk: ("missing", "")})
    assert StockMove.objects.get(kind="adjustment").on_hand_delta == -2
    assert totals() == {"A": (68, 0)}
    assert ledger_matches_totals() == []


def test_counting_a_lot_again_replaces_its_line(w: World) -> None:
    lot = stock(w, w.bag, "A", 10)
    count = stock_count_start(ctx=ctx(w.operator), warehouse_code="FSC")
    stock_count_record(ctx=ctx(w.operator), count_id=count.pk, lot_id=lot.pk, quantity=3)
    stock_count_record(ctx=ctx(w.operator), count_id=count.pk, lot_id=lot.pk, quantity=8)
    line = StockCountLine.objects.get()
    assert (line.counted_quantity, line.book_quantity) == (8, 10)
    stock_count_post(ctx=ctx(w.operator), count_id=count.pk, reasons={line.pk: ("damaged", "")})
    assert StockMove.objects.get(kind="adjustment").on_hand_delta == -2
    assert totals() == {"A": (8, 0)}


def test_counting_less_than_is_allocated_takes_it_back_from_the_newest_order(w: World) -> None:
    short_lot = stock(w, w.bag, "A", 50, "270630")
    older = approved_order({w.bag: 25}, placed=NOW - dt.timedelta(days=2))
    newer = approved_order({w.bag: 15}, placed=NOW - dt.timedelta(days=1))
    orders_allocate(order_ids=[older.pk, newer.pk], at=NOW)
    assert totals() == {"A": (50, 40)}
    stock(w, w.bag, "B", 100, "280630")  # another lot to allocate from afterwards
    outbox_dispatch(now=timezone.now() + dt.timedelta(seconds=1))  # stock.received: nothing waits
    count = stock_count_start(ctx=ctx(w.operator), warehouse_code="FSC")
    stock_count_record(ctx=ctx(w.operator), count_id=count.pk, lot_id=short_lot.pk, quantity=30)
    line = StockCountLine.objects.get()
    done = stock_count_post(
        ctx=ctx(w.operator), count_id=count.pk, reasons={line.pk: ("missing", "")}, at=LATER
    )
    assert done.orders_back_ordered == [newer.pk]
    assert totals() == {"A": (30, 30), "B": (100, 0)}
    release = StockMove.objects.get(kind="release")
    assert (release.order_id, release.allocated_delta, release.reason) == (
        newer.pk,
        -10,
        f"count {count.pk}",
    )
    assert dict(Order.objects.values_list("pk", "status")) == {
        older.pk: "allocated",
        newer.pk: "back_ordered",
    }
    assert OrderEvent.objects.filter(order=newer, to_status="back_ordered").count() == 1
    assert ledger_matches_totals() == []
    # After commit the newer order is allocated again, from the other lot.
    outbox_dispatch(now=timezone.now() + dt.timedelta(seconds=1))
    newer.refresh_from_db()
    assert newer.status == "allocated"
    assert totals() == {"A": (30, 30), "B": (100, 10)}
    assert ledger_matches_totals() == []


def test_count_of_one_bin_lists_its_lots_not_counted_yet_without_quantities(w: World) -> None:
    bin_a = Location.objects.create(warehouse=w.warehouse, code="A-01", route_order=1)
    bin_b = Location.objects.create(warehouse=w.warehouse, code="B-01", route_order=2)
    a = stock(w, w.bag, "A", 10)
    b = stock(w, w.plate, "B", 10)
    c = stock(w, w.plate, "C", 10)
    StockLot.objects.filter(pk__in=[a.pk, b.pk]).update(location=bin_a)
    StockLot.objects.filter(pk=c.pk).update(location=bin_b)
    count = stock_count_start(ctx=ctx(w.operator), warehouse_code="FSC", location_code="A-01")
    stock_count_record(ctx=ctx(w.operator), count_id=count.pk, lot_id=a.pk, quantity=10)
    view = count_get(ctx=ctx(w.operator), count_id=count.pk)
    assert [ln.lot.lot_number for ln in view.lines] == ["A"]
    assert [lot.lot_number for lot in view.not_counted] == ["B"]
    with pytest.raises(DomainError) as caught:
        stock_count_start(ctx=ctx(w.operator), warehouse_code="FSC", location_code="Z-99")
    assert [name for name, _ in caught.value.problems] == ["location"]


@pytest.mark.parametrize("quantity", [-1, 100_001, "7", True, None])
def test_a_bad_quantity_is_refused(w: World, quantity: Any) -> None:
    lot = stock(w, w.bag, "A", 10)
    count = stock_count_start(ctx=ctx(w.operator), warehouse_code="FSC")
    with pytest.raises(DomainError) as caught:
        stock_count_record(ctx=ctx(w.operator), count_id=count.pk, lot_id=lot.pk, quantity=quantity)
    assert [(n, e.code) for n, e in caught.value.problems] == [("quantity", "count_quantity")]
    assert StockCountLine.objects.count() == 0


def test_a_bad_scan_is_refused_naming_the_scan(w: World) -> None:
    count = stock_count_start(ctx=ctx(w.operator), warehouse_code="FSC")
    for text, code in [
        ("(01)05700000000012(17)270930(10)X", "bad_check_digit"),
        (scan("5700000000042", "X", GOOD), "unknown_gtin"),
        ("", "empty"),
    ]:
        with pytest.raises(DomainError) as caught:
            stock_count_record(ctx=ctx(w.operator), count_id=count.pk, scan=text, quantity=1)
        assert [(n, e.code) for n, e in caught.value.problems] == [("scan", code)]
    assert StockLot.objects.count() == 0


def test_empty_and_cancelled_counts(w: World) -> None:
    count = stock_count_start(ctx=ctx(w.operator), warehouse_code="FSC")
    with pytest.raises(DomainError) as caught:
        stock_count_post(ctx=ctx(w.operator), count_id=count.pk)
    assert caught.value.fields["lines"].code == "count_empty"
    stock_count_cancel(ctx=ctx(w.operator), count_id=count.pk)
    with pytest.raises(DomainError) as caught:
        stock_count_post(ctx=ctx(w.operator), count_id=count.pk)
    assert caught.value.fields["count"].code == "count_not_open"


def test_only_the_warehouses_operators_count(w: World) -> None:
    count = stock_count_start(ctx=ctx(w.operator), warehouse_code="FSC")
    caseworker = f.make_user("caseworker", f.municipality("751"))
    with pytest.raises(PermissionDenied):
        stock_count_start(ctx=ctx(caseworker), warehouse_code="FSC")
    other = f.make_user(
        "warehouse_operator", f.OrganisationFactory(kind="logistics_provider", code="OTHER")
    )
    with pytest.raises(NotFound):
        stock_count_post(ctx=ctx(other), count_id=count.pk)
    with pytest.raises(NotFound):
        count_get(ctx=ctx(other), count_id=count.pk)
    with pytest.raises(DomainError) as caught:
        stock_count_start(ctx=ctx(other), warehouse_code="FSC")
    assert caught.value.code == "unknown_warehouse"
    assert StockCount.objects.count() == 1
