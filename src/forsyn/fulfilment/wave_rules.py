"""Pure rules of waves, picking, parcels and returns (issue #10 §4–5). No database.

- `wave_cutoff`: the moment up to which a wave takes orders.
- `consolidate`: which orders travel together in one parcel.
- `check_pick`: whether a scan confirms a pick line, and whether it re-allocates.
- `parcel_next_status`: what a carrier's event does to a parcel.
- `return_disposition`: whether a returned parcel's goods go back to stock or to quarantine.
"""

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from forsyn.core.calendar import next_working_day
from forsyn.fulfilment.rules import has_shelf_life

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
DEFAULT_CUTOFF = dt.time(14, 0)


# -- The cut-off ------------------------------------------------------------------------------


def pick_day(now: dt.datetime) -> dt.date:
    """The working day a wave run at `now` picks for: today when the warehouse works today,
    else its next working day (Danish holidays and the customary closing days excluded)."""
    return next_working_day(now.astimezone(COPENHAGEN).date())


def wave_cutoff(now: dt.datetime, *, at: dt.time = DEFAULT_CUTOFF) -> dt.datetime:
    """The default cut-off of a wave run at `now`: `at` (14:00) on the pick day. Orders placed
    before it go in the wave; later ones wait for the next working day's wave. On a closed day
    the cut-off is the next working day's, so a wave then takes every order placed so far."""
    return dt.datetime.combine(pick_day(now), at, tzinfo=COPENHAGEN)


# -- Consolidation ----------------------------------------------------------------------------

CITIZEN = "citizen"
WARD = "ward"
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class OrderToShip:
    order_id: int
    kind: str  # "citizen" or "ward"
    citizen_id: int | None
    organisation_id: int  # the paying organisation; the hospital unit of a ward order
    delivery_type: str
    name: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    parcel_locker: str = ""


@dataclass(frozen=True)
class ParcelPlan:
    key: tuple[str, ...]
    order_ids: tuple[int, ...]


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip().casefold()


def consolidation_key(order: OrderToShip) -> tuple[str, ...]:
    """Orders with the same key travel in one parcel: one citizen to one delivery address
    (name, street, postcode and city, or the parcel locker), compared without case and extra
    spaces; or all of one hospital unit's ward orders, in bulk."""
    if order.kind == WARD:
        return (WARD, str(order.organisation_id))
    if order.parcel_locker.strip():
        where: tuple[str, ...] = ("locker", _norm(order.parcel_locker))
    else:
        where = ("address", _norm(order.street), order.postcode.strip(), _norm(order.city))
    return (CITIZEN, str(order.citizen_id), _norm(order.name), *where)


def consolidate(orders: Sequence[OrderToShip]) -> list[ParcelPlan]:
    """One parcel per key, its orders by id; parcels in the order of their first order."""
    groups: dict[tuple[str, ...], list[int]] = {}
    for order in sorted(orders, key=lambda o: o.order_id):
        groups.setdefault(consolidation_key(order), []).append(order.order_id)
    return [ParcelPlan(key, tuple(ids)) for key, ids in groups.items()]


# -- Picking ----------------------------------------------------------------------------------


class PickProblem:
    WRONG_PRODUCT = "wrong_product"
    WRONG_LOT = "wrong_lot"
    LOT_NOT_IN_STOCK = "lot_not_in_stock"
    LOT_BLOCKED = "lot_blocked"
    LOT_SHORT = "lot_short"
    SCAN_EXPIRY_MISMATCH = "scan_expiry_mismatch"
    BAD_PICK_QUANTITY = "bad_pick_quantity"


@dataclass(frozen=True)
class PickTarget:
    """What the pick line asks for."""

    gtin: str  # the product's GTIN as stored
    lot_id: int
    lot_number: str
    expires_on: dt.date
    quantity: int


@dataclass(frozen=True)
class LotSeen:
    """The warehouse's lot with the scanned product and lot number, if any."""

    lot_id: int
    expires_on: dt.date
    status: str
    available: int  # on hand − allocated


@dataclass(frozen=True)
class PickDecision:
    problem: str | None = None
    field: str = "scan"
    reallocate_to: int | None = None  # the scanned lot, when it replaces the allocated one

    @property
    def ok(self) -> bool:
        return self.problem is None


def check_pick(
    target: PickTarget,
    *,
    scanned_gtins: Sequence[str],
    scanned_lot: str,
    scanned_expiry: dt.date,
    quantity: int,
    seen: LotSeen | None,
    today: dt.date,
    min_days: int,
) -> PickDecision:
    """A scan confirms a pick line when it names the line's product and lot. Another lot of
    the product is taken instead only when it is FEFO-equal (same expiry date), available, in
    date with the minimum shelf life, and has the pieces free; otherwise the scan is refused and
    the picker is told which lot to take. `scanned_gtins` are the forms of the scanned GTIN."""
    if not 0 <= quantity <= target.quantity:
        return PickDecision(PickProblem.BAD_PICK_QUANTITY, field="quantity")
    if target.gtin not in scanned_gtins:
        return PickDecision(PickProblem.WRONG_PRODUCT)
    if scanned_lot == target.lot_number:
        if scanned_expiry != target.expires_on:
            return PickDecision(PickProblem.SCAN_EXPIRY_MISMATCH)
        return PickDecision()
    if seen is None:
        return PickDecision(PickProblem.LOT_NOT_IN_STOCK)
    if seen.expires_on != scanned_expiry:
        return PickDecision(PickProblem.SCAN_EXPIRY_MISMATCH)
    if seen.expires_on != target.expires_on:
        return PickDecision(PickProblem.WRONG_LOT)
    if seen.status != "available" or not has_shelf_life(seen.expires_on, today, min_days):
        return PickDecision(PickProblem.LOT_BLOCKED)
    if seen.available < quantity:
        return PickDecision(PickProblem.LOT_SHORT)
    return PickDecision(reallocate_to=seen.lot_id)


# -- Parcels ----------------------------------------------------------------------------------

PLANNED, PACKED, SHIPPED = "planned", "packed", "shipped"
IN_TRANSIT, DELIVERED, FAILED, RETURNED, CANCELLED = (
    "in_transit",
    "delivered",
    "failed",
    "returned",
    "cancelled",
)
CARRIER_STATUSES = (SHIPPED, IN_TRANSIT, DELIVERED, FAILED, RETURNED)
ON_THE_WAY = frozenset({SHIPPED, IN_TRANSIT, FAILED})

# The moves of a parcel. The warehouse plans, packs and ships it (or cancels a planned parcel
# whose orders all left it); after that only the carrier's events move it.
PARCEL_TRANSITIONS: dict[str, frozenset[str]] = {
    PLANNED: frozenset({PACKED, CANCELLED}),
    PACKED: frozenset({SHIPPED}),
    SHIPPED: frozenset({IN_TRANSIT, DELIVERED, FAILED, RETURNED}),
    IN_TRANSIT: frozenset({DELIVERED, FAILED, RETURNED}),
    FAILED: frozenset({IN_TRANSIT, DELIVERED, FAILED, RETURNED}),
    DELIVERED: frozenset(),
    RETURNED: frozenset(),
    CANCELLED: frozenset(),
}


def parcel_next_status(current: str, reported: str) -> str | None:
    """The parcel's status after a carrier reports `reported`, or None when the report changes
    nothing: a repeat ("in transit" twice), a late report after delivery or return, or the
    carrier's own "shipped" for a parcel we shipped. A failed attempt may be reported again."""
    if reported in PARCEL_TRANSITIONS.get(current, frozenset()) and reported != SHIPPED:
        return reported
    return None


def return_disposition(
    requested: str, *, lot_status: str, expires_on: dt.date, today: dt.date, min_days: int
) -> str:
    """Goods of a returned parcel go back to stock only when the operator says they are fit and
    their lot is still available with the minimum shelf life for receiving; else quarantine."""
    if (
        requested == "stock"
        and lot_status == "available"
        and has_shelf_life(expires_on, today, min_days)
    ):
        return "stock"
    return "quarantine"
