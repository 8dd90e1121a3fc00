"""FEFO allocation and shelf life: pure rules, no database."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forsyn.fulfilment.rules import (
    Allocation,
    AllocationPlan,
    LineDemand,
    LotSupply,
    Shortfall,
    allocate_fefo,
    has_shelf_life,
    is_eligible,
)

TODAY = dt.date(2026, 3, 2)


def d(days: int) -> dt.date:
    return TODAY + dt.timedelta(days=days)


@pytest.mark.parametrize(
    ("expires_in", "min_days", "ok"),
    [
        (-1, 0, False),  # expired yesterday
        (0, 0, True),  # expires today: still usable today
        (179, 180, False),
        (180, 180, True),
        (400, 180, True),
    ],
)
def test_shelf_life(expires_in: int, min_days: int, ok: bool) -> None:
    assert has_shelf_life(d(expires_in), TODAY, min_days) is ok


@pytest.mark.parametrize(
    ("lot", "ok"),
    [
        (LotSupply(1, 7, d(300), 5), True),
        (LotSupply(1, 7, d(300), 5, "quarantined"), False),
        (LotSupply(1, 7, d(300), 5, "recalled"), False),
        (LotSupply(1, 7, d(300), 0), False),
        (LotSupply(1, 7, d(100), 5), False),
        (LotSupply(1, 7, d(-3), 5), False),
    ],
)
def test_eligible(lot: LotSupply, ok: bool) -> None:
    assert is_eligible(lot, today=TODAY, min_days=180) is ok


CASES = [
    pytest.param(
        [LineDemand(1, 7, 10)],
        [LotSupply(20, 7, d(400), 50), LotSupply(10, 7, d(300), 4)],
        [Allocation(1, 10, 4), Allocation(1, 20, 6)],
        [],
        id="earliest expiry first, then the next",
    ),
    pytest.param(
        [LineDemand(1, 7, 5)],
        [LotSupply(30, 7, d(300), 50), LotSupply(10, 7, d(300), 2)],
        [Allocation(1, 10, 2), Allocation(1, 30, 3)],
        [],
        id="ties by lot id",
    ),
    pytest.param(
        [LineDemand(1, 7, 5)],
        [
            LotSupply(10, 7, d(-1), 50),
            LotSupply(11, 7, d(100), 50),
            LotSupply(12, 7, d(200), 50, "quarantined"),
            LotSupply(13, 7, d(200), 50, "recalled"),
            LotSupply(14, 7, d(500), 50),
        ],
        [Allocation(1, 14, 5)],
        [],
        id="never expired, short-dated, quarantined or recalled",
    ),
    pytest.param(
        [LineDemand(1, 7, 8), LineDemand(2, 7, 8)],
        [LotSupply(10, 7, d(300), 10)],
        [Allocation(1, 10, 8), Allocation(2, 10, 2)],
        [Shortfall(2, 7, 6)],
        id="the first line (oldest order) first; the rest short",
    ),
    pytest.param(
        [LineDemand(1, 7, 3), LineDemand(2, 8, 3)],
        [LotSupply(10, 8, d(300), 10)],
        [Allocation(2, 10, 3)],
        [Shortfall(1, 7, 3)],
        id="only lots of the line's product",
    ),
]


@pytest.mark.parametrize(("lines", "lots", "allocations", "shortfalls"), CASES)
def test_fefo_table(
    lines: list[LineDemand],
    lots: list[LotSupply],
    allocations: list[Allocation],
    shortfalls: list[Shortfall],
) -> None:
    plan = allocate_fefo(lines, lots, today=TODAY, min_shelf_life_days=180)
    assert plan == AllocationPlan(tuple(allocations), tuple(shortfalls))


def test_shelf_life_per_product() -> None:
    lots = [LotSupply(10, 7, d(100), 5), LotSupply(11, 8, d(100), 5)]
    plan = allocate_fefo(
        [LineDemand(1, 7, 5), LineDemand(2, 8, 5)],
        lots,
        today=TODAY,
        min_shelf_life_days={7: 90, 8: 180},
    )
    assert plan == AllocationPlan((Allocation(1, 10, 5),), (Shortfall(2, 8, 5),))


statuses = st.sampled_from(["available", "available", "available", "quarantined", "recalled"])
lots_st = st.lists(
    st.builds(
        LotSupply,
        lot_id=st.integers(1, 10_000),
        product_id=st.integers(1, 3),
        expires_on=st.integers(-30, 900).map(d),
        available=st.integers(0, 40),
        status=statuses,
    ),
    max_size=12,
    unique_by=lambda lot: lot.lot_id,
)
lines_st = st.lists(
    st.builds(
        LineDemand,
        line_id=st.integers(1, 10_000),
        product_id=st.integers(1, 3),
        pieces=st.integers(1, 60),
    ),
    max_size=8,
    unique_by=lambda line: line.line_id,
)
MIN = 180


@settings(max_examples=300)
@given(lines=lines_st, lots=lots_st)
def test_fefo_properties(lines: list[LineDemand], lots: list[LotSupply]) -> None:
    plan = allocate_fefo(lines, lots, today=TODAY, min_shelf_life_days=MIN)
    by_id = {lot.lot_id: lot for lot in lots}
    used: dict[int, int] = {}
    for a in plan.allocations:
        assert a.quantity > 0
        used[a.lot_id] = used.get(a.lot_id, 0) + a.quantity
    # never more than available, and only from eligible lots of the line's product
    product_of_line = {line.line_id: line.product_id for line in lines}
    for a in plan.allocations:
        lot = by_id[a.lot_id]
        assert lot.product_id == product_of_line[a.line_id]
        assert is_eligible(lot, today=TODAY, min_days=MIN)
    for lot_id, qty in used.items():
        assert qty <= by_id[lot_id].available
    # allocated + shortfall == requested, line by line
    for line in lines:
        got = sum(a.quantity for a in plan.allocations if a.line_id == line.line_id)
        short = sum(s.quantity for s in plan.shortfalls if s.line_id == line.line_id)
        assert got + short == line.pieces
    # never a later expiry while an earlier eligible lot of the product has stock left
    for a in plan.allocations:
        lot = by_id[a.lot_id]
        for other in lots:
            earlier = (other.expires_on, other.lot_id) < (lot.expires_on, lot.lot_id)
            if (
                other.product_id == lot.product_id
                and earlier
                and is_eligible(other, today=TODAY, min_days=MIN)
            ):
                assert used.get(other.lot_id, 0) == other.available
    # a shortfall only when the product's eligible stock is used up
    for s in plan.shortfalls:
        for lot in lots:
            if lot.product_id == s.product_id and is_eligible(lot, today=TODAY, min_days=MIN):
                assert used.get(lot.lot_id, 0) == lot.available


@given(lines=lines_st, lots=lots_st, seed=st.randoms())
def test_fefo_is_deterministic(lines: list[LineDemand], lots: list[LotSupply], seed) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(lots)
    seed.shuffle(shuffled)
    first = allocate_fefo(lines, lots, today=TODAY, min_shelf_life_days=MIN)
    assert allocate_fefo(lines, shuffled, today=TODAY, min_shelf_life_days=MIN) == first
    assert allocate_fefo(lines, lots, today=TODAY, min_shelf_life_days=MIN) == first
