"""Shared set-up for the fulfilment tests: the FSC consignment warehouse, its operator and a
product on contract."""

import datetime as dt
from typing import Any

from forsyn.fulfilment.models import StockLot, StockMove
from tests.builders import WarehouseWorld, build_warehouse

TODAY = dt.date(2026, 3, 2)

# The world of the fulfilment tests is the builders' warehouse (tests/builders.py).
World = WarehouseWorld


def world() -> World:
    return build_warehouse()


def scan(gtin: str, lot: str, expiry: str, serial: str | None = None) -> str:
    """A raw DataMatrix scan as a scanner sends it: ]d2, GS after the variable-length lot."""
    text = f"]d201{gtin.zfill(14)}17{expiry}10{lot}"
    return text + (f"\x1d21{serial}" if serial else "")


def ledger_matches_totals() -> list[tuple[int, int, int, int, int]]:
    """Lots whose running totals differ from their ledger: (lot, on hand, ledger, allocated,
    ledger). Empty when all agree."""
    wrong = []
    for lot in StockLot.objects.all():
        moves: Any = StockMove.objects.filter(lot=lot)
        on_hand = sum(m.on_hand_delta for m in moves)
        allocated = sum(m.allocated_delta for m in moves)
        if (on_hand, allocated) != (lot.on_hand_quantity, lot.allocated_quantity):
            wrong.append((lot.pk, lot.on_hand_quantity, on_hand, lot.allocated_quantity, allocated))
    return wrong
