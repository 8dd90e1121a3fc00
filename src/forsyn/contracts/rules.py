"""Pure rules for price lists: which price applies on a date, and how an import is planned."""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from forsyn.core.dates import DateRange


@dataclass(frozen=True)
class PriceSpan:
    """A price entry with its contract's period: enough to answer "price on date D"."""

    entry_id: int
    contract_id: int
    price: Decimal
    valid_from: dt.date
    valid_until: dt.date | None
    contract_starts_on: dt.date
    contract_ends_on: dt.date  # effective end, extensions included

    def applies_on(self, day: dt.date) -> bool:
        return DateRange(self.valid_from, self.valid_until).contains(day) and (
            self.contract_starts_on <= day < self.contract_ends_on
        )


def price_on(spans: Sequence[PriceSpan], day: dt.date) -> PriceSpan | None:
    """The span whose price applies on `day`, or None. The latest-starting wins if the data
    ever overlap (they may not; the constraint forbids it)."""
    matching = [s for s in spans if s.applies_on(day)]
    return max(matching, key=lambda s: s.valid_from) if matching else None


@dataclass(frozen=True)
class ImportRow:
    row_number: int
    product_id: int
    gtin: str
    price: Decimal
    valid_from: dt.date
    valid_until: dt.date | None


@dataclass(frozen=True)
class ExistingEntry:
    entry_id: int
    product_id: int
    contract_id: int
    price: Decimal
    valid_from: dt.date
    valid_until: dt.date | None


@dataclass(frozen=True)
class ImportPlan:
    create: list[ImportRow]
    close: dict[int, dt.date]  # existing entry id -> new valid_until
    unchanged: list[ImportRow]
    errors: list[tuple[int, str, str]]  # (row number, column, reason)


def plan_price_import(
    *,
    contract_id: int,
    contract_period: DateRange,
    rows: Sequence[ImportRow],
    existing: Sequence[ExistingEntry],
) -> ImportPlan:
    """Plan a price list import. A later price for a product closes the open price before it
    (a price change); the same file imported twice plans nothing the second time."""
    errors: list[tuple[int, str, str]] = []
    by_product: dict[int, list[ImportRow]] = defaultdict(list)
    for row in rows:
        by_product[row.product_id].append(row)

    normalized: list[ImportRow] = []
    for product_rows in by_product.values():
        product_rows.sort(key=lambda r: r.valid_from)
        for current, nxt in zip(product_rows, [*product_rows[1:], None], strict=True):
            if nxt is not None and nxt.valid_from == current.valid_from:
                errors.append((nxt.row_number, "valid_from", "the same product and date twice"))
                continue
            if nxt is not None:
                if current.valid_until is None:
                    current = replace(current, valid_until=nxt.valid_from)
                elif current.valid_until > nxt.valid_from:
                    errors.append(
                        (nxt.row_number, "valid_from", f"overlaps row {current.row_number}")
                    )
            normalized.append(current)

    existing_by_product: dict[int, list[ExistingEntry]] = defaultdict(list)
    for entry in existing:
        existing_by_product[entry.product_id].append(entry)

    create: list[ImportRow] = []
    unchanged: list[ImportRow] = []
    close: dict[int, dt.date] = {}
    for row in normalized:
        if not contract_period.contains(row.valid_from):
            errors.append((row.row_number, "valid_from", "lies outside the contract's period"))
            continue
        row_range = DateRange(row.valid_from, row.valid_until)
        identical = False
        conflict: str | None = None
        for entry in existing_by_product[row.product_id]:
            same = (
                entry.contract_id == contract_id
                and entry.price == row.price
                and entry.valid_from == row.valid_from
                and entry.valid_until == row.valid_until
            )
            if same:
                identical = True
                continue
            entry_range = DateRange(entry.valid_from, entry.valid_until)
            if not entry_range.overlaps(row_range):
                continue
            if entry.contract_id == contract_id and entry.valid_from < row.valid_from:
                # A price change: the earlier price now ends where the new one starts.
                close[entry.entry_id] = row.valid_from
                continue
            if entry.contract_id == contract_id and entry.valid_from == row.valid_from:
                conflict = f"a different price from {row.valid_from.isoformat()} is on the list"
            elif entry.contract_id == contract_id:
                conflict = f"overlaps the price from {entry.valid_from.isoformat()}"
            else:
                conflict = (
                    f"the product has a price under another contract from "
                    f"{entry.valid_from.isoformat()}"
                )
            break
        if conflict:
            errors.append((row.row_number, "valid_from", conflict))
        elif identical:
            unchanged.append(row)
        else:
            create.append(row)
    errors.sort()
    return ImportPlan(create=create, close=close, unchanged=unchanged, errors=errors)
