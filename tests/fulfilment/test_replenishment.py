"""Replenishment (issue #10 §6): days of cover from recent picks against on hand, and the
call-off list per supplier, with exact figures."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from forsyn.fulfilment.models import StockLot
from forsyn.fulfilment.replenishment import call_off_table, cover, replenishment
from forsyn.fulfilment.services import orders_allocate
from tests.contexts import ctx
from tests.fulfilment.helpers import world
from tests.fulfilment.stock_helpers import approved_order, pick, stock

WINDOW, REORDER, TARGET = 28, 21, 42


@pytest.mark.parametrize(
    ("on_hand", "picked", "back", "ppu", "days", "call_off", "pieces", "units"),
    [
        (300, 280, 0, 30, 30, False, 0, 0),  # 10 a day: 30 days
        (150, 280, 0, 30, 15, True, 270, 9),  # 420 for 42 days - 150 = 270 = 9 boxes
        (140, 280, 0, 30, 14, True, 300, 10),  # 280 short: rounded up to 10 boxes
        (210, 280, 0, 30, 21, False, 0, 0),  # exactly 21 days: not below
        (209, 280, 0, 30, 20, True, 240, 8),  # just below (20.9 days)
        (0, 0, 45, 30, None, True, 60, 2),  # no use, but orders wait
        (100, 0, 0, 30, None, False, 0, 0),  # no use, nothing waits
        (500, 0, 20, 30, None, False, 0, 0),  # orders wait, stock covers them (allocation)
        (10, 7, 0, 10, 40, False, 0, 0),  # 0.25 a day
        (0, 1, 0, 10, 0, True, 10, 1),  # ceil(42/28) = 2 pieces: one pack of 10
        (50, 280, 100, 1, 5, True, 470, 470),  # 420 + 100 waiting - 50
    ],
)
def test_cover(
    on_hand: int,
    picked: int,
    back: int,
    ppu: int,
    days: int | None,
    call_off: bool,
    pieces: int,
    units: int,
) -> None:
    result = cover(
        on_hand=on_hand,
        picked=picked,
        back_ordered=back,
        pieces_per_unit=ppu,
        window_days=WINDOW,
        reorder_days=REORDER,
        target_days=TARGET,
    )
    assert (result.days_of_cover, result.call_off, result.suggested_pieces) == (
        days,
        call_off,
        pieces,
    )
    assert result.suggested_units == units


@given(
    on_hand=st.integers(0, 10_000),
    picked=st.integers(0, 10_000),
    back=st.integers(0, 1_000),
    ppu=st.integers(1, 100),
)
def test_cover_properties(on_hand: int, picked: int, back: int, ppu: int) -> None:
    result = cover(
        on_hand=on_hand,
        picked=picked,
        back_ordered=back,
        pieces_per_unit=ppu,
        window_days=WINDOW,
        reorder_days=REORDER,
        target_days=TARGET,
    )
    assert result.suggested_pieces == result.suggested_units * ppu
    if result.call_off:
        # enough for the target (and what waits), by less than one pack more
        need = on_hand + result.suggested_pieces - back
        assert need * WINDOW >= TARGET * picked
        assert (need - ppu) * WINDOW < TARGET * picked or need - ppu < 0 or back > 0
    else:
        assert result.suggested_pieces == 0


def test_daily_use_is_shown_to_two_decimals() -> None:
    result = cover(on_hand=1, picked=10, window_days=28, reorder_days=21, target_days=42)
    assert result.daily_use == Decimal("0.36")


@pytest.mark.django_db
def test_replenishment_figures_and_call_off_lists() -> None:
    w = world()
    now = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    today = dt.date(2026, 3, 2)
    stock(w, w.bag, "B1", 300)
    stock(w, w.plate, "P1", 100)
    recalled = stock(w, w.plate, "P-OLD", 40)
    StockLot.objects.filter(pk=recalled.pk).update(status="recalled")
    # Picks: 150 bags and 60 plates in the window, 90 bags before it, 30 bags today.
    for pieces, product, days_ago in [
        (100, w.bag, 3),
        (50, w.bag, 28),
        (60, w.plate, 10),
        (90, w.bag, 29),
        (30, w.bag, 0),
    ]:
        at = now - dt.timedelta(days=days_ago)
        order = approved_order({product: pieces}, placed=at)
        orders_allocate(order_ids=[order.pk], at=at)
        pick(order, at=at)
    # A back order of plates: 100 available, 130 wanted, 30 wait.
    waiting = approved_order({w.plate: 130}, placed=now)
    orders_allocate(order_ids=[waiting.pk], at=now)
    report = replenishment(ctx=ctx(w.operator), warehouse_code="FSC", on=today)
    rows = {r.product.gtin: r.cover for r in report.rows}
    # Bags: 300 - 270 picked = 30 on hand; 150 in the window: 5.36 a day, 5 days of cover.
    bag = rows[w.bag.gtin]
    assert (bag.on_hand, bag.picked, bag.back_ordered, bag.days_of_cover) == (30, 150, 0, 5)
    assert (bag.daily_use, bag.call_off, bag.suggested_pieces, bag.suggested_units) == (
        Decimal("5.36"),
        True,
        210,  # 225 for 42 days - 30 = 195, rounded up to 7 packs of 30
        7,
    )
    # Plates: 100 - 60 = 40 on hand (the recalled lot does not count), all allocated to the
    # back order; 60 in the window; 90 pieces wait.
    plate = rows[w.plate.gtin]
    assert (plate.on_hand, plate.picked, plate.back_ordered, plate.days_of_cover) == (
        40,
        60,
        90,
        18,
    )
    assert (plate.call_off, plate.suggested_pieces, plate.suggested_units) == (True, 140, 28)
    assert [(s.code, [r.product.gtin for r in rs]) for s, rs in report.suppliers()] == [
        ("coloplast", [w.bag.gtin, w.plate.gtin])  # shortest cover first
    ]
    supplier, supplier_rows = report.suppliers()[0]
    with translation.override("da"):
        header, table = call_off_table(supplier_rows, supplier)
    assert header[:4] == ["Leverandør", "Leverandørens varenummer", "GTIN", "Produkt"]
    assert table[1][2:] == [
        w.plate.gtin,
        w.plate.name,
        40,
        Decimal("2.14"),
        18,
        90,
        28,
        "pakke",
        140,
    ]
