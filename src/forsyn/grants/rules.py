"""Pure rules for grants: status changes and the remaining quantity of a grant line."""

import datetime as dt
from dataclasses import dataclass

from forsyn.core.dates import DateRange, add_months, month_start
from forsyn.grants.choices import STATUS_TRANSITIONS

# Orders in these statuses do not count against a grant's quota (defined by the orders app's
# lifecycle; named here by value so grants stays below orders in the layers).
# Values of orders.choices.OrderStatus (orders sit above grants in the layers).
NON_COUNTING_ORDER_STATUSES = ("rejected", "cancelled")


def may_change_status(current: str, new: str) -> bool:
    return new in STATUS_TRANSITIONS.get(current, frozenset())


def months_granted(grant_validity: DateRange, period: DateRange) -> int:
    """Calendar months of `period` in which the grant is valid on at least one day.

    A citizen granted from the 15th gets that month's supply: products are needed from the day
    of the grant, and a half month cannot be ordered.
    """
    if period.end is None:
        raise ValueError("a quota period has an end")
    count = 0
    month = month_start(period.start)
    while month < period.end:
        month_range = DateRange(max(month, period.start), min(add_months(month, 1), period.end))
        if grant_validity.overlaps(month_range):
            count += 1
        month = add_months(month, 1)
    return count


@dataclass(frozen=True)
class Quota:
    granted_pieces: int
    ordered_pieces: int

    @property
    def remaining_pieces(self) -> int:
        return max(self.granted_pieces - self.ordered_pieces, 0)


def remaining_quantity(
    *, pieces_per_month: int, grant_validity: DateRange, period: DateRange, ordered_pieces: int
) -> Quota:
    """Pieces granted in `period` less pieces ordered in it (never below zero)."""
    granted = pieces_per_month * months_granted(grant_validity, period)
    return Quota(granted_pieces=granted, ordered_pieces=ordered_pieces)


def current_period(today: dt.date) -> DateRange:
    """The default quota period: the calendar month of `today` (Copenhagen time)."""
    start = month_start(today)
    return DateRange(start, add_months(start, 1))
