"""The order rules, in one place (DOMAIN.md §3, issue #3). Pure functions over plain data.

- Only active lines of an active grant, in a product area the granting organisation takes part
  in on the order date. A suspended or ended grant, a citizen who has died or moved away, and a
  phased-out product (its successor is offered) each refuse the order with a clear message.
- Window: during the first `first_period_months` (6) of a grant one order may hold at most
  `early_max_months` (1) month of supply, afterwards `later_max_months` (3). Configurable per
  municipality and product area.
- Quota: the pieces ordered on a grant line in the rolling window of the last M months (M as
  above), this order included, may not exceed M × pieces per month.
- Orders over the quota or the window are not refused: they are held for the caseworker's
  approval with the reason.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from forsyn.core.calendar import is_working_day
from forsyn.core.dates import DateRange, add_months
from forsyn.grants.choices import GrantStatus


@dataclass(frozen=True)
class WindowPolicy:
    first_period_months: int = 6
    early_max_months: int = 1
    later_max_months: int = 3


DEFAULT_POLICY = WindowPolicy()


class Refusal:
    GRANT_NOT_ACTIVE = "grant_not_active"
    CITIZEN_DECEASED = "citizen_deceased"
    CITIZEN_MOVED = "citizen_moved"
    PRODUCT_PHASED_OUT = "product_phased_out"
    NOT_GRANTED = "not_granted"
    NOT_PARTICIPATING = "not_participating"
    GRANT_NOT_VALID = "grant_not_valid"


class Hold:
    OVER_QUOTA = "over_quota"
    OVER_WINDOW = "over_window"


@dataclass(frozen=True)
class LineRequest:
    """One requested product against the grant line it falls under."""

    gtin: str
    pieces: int
    pieces_per_month: int
    ordered_in_window: int  # pieces already ordered on the grant line in the window


@dataclass(frozen=True)
class GrantFacts:
    status: str
    valid_from: dt.date
    valid_until: dt.date | None
    participating: bool


@dataclass(frozen=True)
class HoldReason:
    """Why an order waits for approval: a Hold code, an English message (API, logs) and the
    numbers, so pages can say it in the reader's language."""

    code: str
    message: str
    gtin: str
    pieces: int
    allowed: int
    months: int


@dataclass(frozen=True)
class Decision:
    refusals: list[tuple[str, str]] = field(default_factory=list)  # (code, message)
    holds: list[HoldReason] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return bool(self.refusals)

    @property
    def needs_approval(self) -> bool:
        return not self.refused and bool(self.holds)


def months_allowed(grant_valid_from: dt.date, on: dt.date, policy: WindowPolicy) -> int:
    """Months of supply one order may hold on `on`."""
    early = on < add_months(grant_valid_from, policy.first_period_months)
    return policy.early_max_months if early else policy.later_max_months


def quota_window(on: dt.date, months: int) -> DateRange:
    """The rolling window whose orders count against the quota: the last `months` months."""
    return DateRange(add_months(on, -months) + dt.timedelta(days=1), on + dt.timedelta(days=1))


def check_grant(grant: GrantFacts, on: dt.date) -> list[tuple[str, str]]:
    refusals = []
    if grant.status != GrantStatus.ACTIVE:
        refusals.append(
            (Refusal.GRANT_NOT_ACTIVE, f"the grant is {grant.status}: products cannot be ordered")
        )
    elif not DateRange(grant.valid_from, grant.valid_until).contains(on):
        refusals.append((Refusal.GRANT_NOT_VALID, "the grant is not valid on this date"))
    if not grant.participating:
        refusals.append(
            (
                Refusal.NOT_PARTICIPATING,
                "the granting organisation does not take part in this product area on this date",
            )
        )
    return refusals


def check_citizen(
    *, deceased_on: dt.date | None, moved_away_on: dt.date | None, on: dt.date
) -> list[tuple[str, str]]:
    if deceased_on is not None and deceased_on <= on:
        return [(Refusal.CITIZEN_DECEASED, "the citizen is registered as deceased")]
    if moved_away_on is not None and moved_away_on <= on:
        return [
            (
                Refusal.CITIZEN_MOVED,
                "the citizen has moved away from the granting municipality; a new grant is needed",
            )
        ]
    return []


def check_lines(lines: Sequence[LineRequest], *, months: int) -> list[HoldReason]:
    """Holds for lines over the window or the quota (the order is then awaiting approval)."""
    holds: list[HoldReason] = []
    for line in lines:
        allowed = line.pieces_per_month * months
        if line.pieces > allowed:
            holds.append(
                HoldReason(
                    Hold.OVER_WINDOW,
                    f"{line.gtin}: {line.pieces} pieces is more than {months} month(s) of supply "
                    f"({allowed}) in one order",
                    line.gtin,
                    line.pieces,
                    allowed,
                    months,
                )
            )
        elif line.ordered_in_window + line.pieces > allowed:
            total = line.ordered_in_window + line.pieces
            holds.append(
                HoldReason(
                    Hold.OVER_QUOTA,
                    f"{line.gtin}: {total} pieces in the last {months} month(s) is more than "
                    f"the granted {allowed}",
                    line.gtin,
                    total,
                    allowed,
                    months,
                )
            )
    return holds


def decide(
    *,
    grant: GrantFacts,
    lines: Sequence[LineRequest],
    on: dt.date,
    policy: WindowPolicy = DEFAULT_POLICY,
) -> Decision:
    """The grant's refusals, else the holds for the lines under the order window. The citizen
    (`check_citizen`) and each product (phased out, not granted) are checked before, each
    refusal naming its own field."""
    refusals = check_grant(grant, on)
    if refusals:
        return Decision(refusals=refusals)
    months = months_allowed(grant.valid_from, on, policy)
    return Decision(holds=check_lines(lines, months=months))


def remaining_in_window(*, pieces_per_month: int, ordered_in_window: int, months: int) -> int:
    """Pieces the citizen can order now without approval."""
    return max(pieces_per_month * months - ordered_in_window, 0)


def next_order_date(
    *,
    pieces_per_month: int,
    months: int,
    on: dt.date,
    orders_in_window: Sequence[tuple[dt.date, int]],
) -> dt.date:
    """The first date a full order of one month's supply fits the quota again: when enough of
    the window's orders have dropped out of it."""
    allowed = pieces_per_month * months
    total = sum(p for _, p in orders_in_window)
    if allowed - total >= pieces_per_month:
        return on
    for day, pieces in sorted(orders_in_window):
        total -= pieces
        if allowed - total >= pieces_per_month:
            return add_months(day, months)
    return on


def is_delivery_day(day: dt.date) -> bool:
    return is_working_day(day)


def first_delivery_date(
    placed: dt.datetime, *, cutoff_hour: int = 14, working_days: int = 2
) -> dt.date:
    """Orders placed before the cut-off (local time) on a delivery day are picked that day and
    delivered `working_days` delivery days later; later orders a day after that."""
    day = placed.date()
    if not is_delivery_day(day) or placed.hour >= cutoff_hour:
        day += dt.timedelta(days=1)
        while not is_delivery_day(day):
            day += dt.timedelta(days=1)
    remaining = working_days
    while remaining:
        day += dt.timedelta(days=1)
        if is_delivery_day(day):
            remaining -= 1
    return day


# -- Ward orders (issue #8 §4, docs/adr/0014) --


class WardHold:
    LINE_ABOVE_USUAL = "ward_line_above_usual"
    TOTAL_ABOVE_LIMIT = "ward_total_above_limit"


@dataclass(frozen=True)
class WardLimits:
    """Bounds of one ward stock order. Above `max_pieces` in all the order is refused (a typing
    slip or abuse, never a real ward's need); a line above `line_factor` × the product's usual
    ward line (or above `first_line_pieces` for a product the wards have not ordered in the last
    year), or an order above `hold_total_pieces` in all, waits for approval by a colleague."""

    max_pieces: int = 20_000
    hold_total_pieces: int = 5_000
    line_factor: int = 10
    first_line_pieces: int = 1_000


DEFAULT_WARD_LIMITS = WardLimits()


@dataclass(frozen=True)
class WardLineRequest:
    gtin: str
    pieces: int
    usual_pieces: int | None  # median pieces of the product's ward lines in the last year


def check_ward_order(
    lines: Sequence[WardLineRequest], limits: WardLimits = DEFAULT_WARD_LIMITS
) -> Decision:
    total = sum(line.pieces for line in lines)
    if total > limits.max_pieces:
        return Decision(
            refusals=[
                (
                    "ward_order_too_large",
                    f"{total} pieces in one ward order is more than the limit of "
                    f"{limits.max_pieces}",
                )
            ]
        )
    holds: list[HoldReason] = []
    for line in lines:
        allowed = (
            line.usual_pieces * limits.line_factor
            if line.usual_pieces
            else limits.first_line_pieces
        )
        if line.pieces > allowed:
            usual = (
                f"{limits.line_factor} times the wards' usual {line.usual_pieces}"
                if line.usual_pieces
                else "the first-order limit for a product not ordered by the wards this year"
            )
            holds.append(
                HoldReason(
                    WardHold.LINE_ABOVE_USUAL,
                    f"{line.gtin}: {line.pieces} pieces is more than {allowed} ({usual})",
                    line.gtin,
                    line.pieces,
                    allowed,
                    0,
                )
            )
    if total > limits.hold_total_pieces:
        holds.append(
            HoldReason(
                WardHold.TOTAL_ABOVE_LIMIT,
                f"{total} pieces in one ward order is more than {limits.hold_total_pieces}",
                "",
                total,
                limits.hold_total_pieces,
                0,
            )
        )
    return Decision(holds=holds)
