"""Pure rules of fulfilment: shelf life and first-expiry-first-out allocation. No database."""

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

AVAILABLE = "available"


def days_left(expires_on: dt.date, today: dt.date) -> int:
    """Days of use left: a lot expiring today has 0 left and may still be used today."""
    return (expires_on - today).days


def is_expired(expires_on: dt.date, today: dt.date) -> bool:
    return expires_on < today


def has_shelf_life(expires_on: dt.date, today: dt.date, min_days: int) -> bool:
    return not is_expired(expires_on, today) and days_left(expires_on, today) >= min_days


@dataclass(frozen=True)
class LineDemand:
    line_id: int
    product_id: int
    pieces: int
    # The line's own minimum remaining shelf life (a citizen's delivery needs more than a ward's
    # bulk order); None: the product's minimum given to allocate_fefo.
    min_days: int | None = None


@dataclass(frozen=True)
class LotSupply:
    lot_id: int
    product_id: int
    expires_on: dt.date
    available: int
    status: str = AVAILABLE


@dataclass(frozen=True)
class Allocation:
    line_id: int
    lot_id: int
    quantity: int


@dataclass(frozen=True)
class Shortfall:
    line_id: int
    product_id: int
    quantity: int


@dataclass(frozen=True)
class AllocationPlan:
    allocations: tuple[Allocation, ...]
    shortfalls: tuple[Shortfall, ...]


def is_eligible(lot: LotSupply, *, today: dt.date, min_days: int) -> bool:
    """Never an expired, quarantined or recalled lot, nor one with too little shelf life."""
    return (
        lot.status == AVAILABLE
        and lot.available > 0
        and has_shelf_life(lot.expires_on, today, min_days)
    )


def allocate_fefo(
    lines: Sequence[LineDemand],
    lots: Sequence[LotSupply],
    *,
    today: dt.date,
    min_shelf_life_days: int | Mapping[int, int],
) -> AllocationPlan:
    """Allocate `lines` in the order given (the caller puts the oldest order first) to the
    eligible lots of their product, earliest expiry first, ties by lot id. What cannot be
    covered is a shortfall. `min_shelf_life_days` is one number or a number per product id."""

    def min_days(product_id: int) -> int:
        if isinstance(min_shelf_life_days, int):
            return min_shelf_life_days
        return min_shelf_life_days[product_id]

    queues: dict[int, list[LotSupply]] = defaultdict(list)
    for lot in lots:
        if is_eligible(lot, today=today, min_days=min_days(lot.product_id)):
            queues[lot.product_id].append(lot)
    for queue in queues.values():
        queue.sort(key=lambda lot: (lot.expires_on, lot.lot_id))
    left = {lot.lot_id: lot.available for queue in queues.values() for lot in queue}

    allocations: list[Allocation] = []
    shortfalls: list[Shortfall] = []
    for line in lines:
        wanted = line.pieces
        for lot in queues.get(line.product_id, ()):
            if wanted <= 0:
                break
            if line.min_days is not None and not has_shelf_life(
                lot.expires_on, today, line.min_days
            ):
                continue
            take = min(wanted, left[lot.lot_id])
            if take > 0:
                allocations.append(Allocation(line.line_id, lot.lot_id, take))
                left[lot.lot_id] -= take
                wanted -= take
        if wanted > 0:
            shortfalls.append(Shortfall(line.line_id, line.product_id, wanted))
    return AllocationPlan(tuple(allocations), tuple(shortfalls))
