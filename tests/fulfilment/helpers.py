"""Shared set-up for the fulfilment tests: the FSC consignment warehouse, its operator and a
product on contract."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from forsyn.catalogue.models import Product
from forsyn.fulfilment.models import StockLot, StockMove, Warehouse
from forsyn.organisations.models import Organisation, User
from tests import factories as f

TODAY = dt.date(2026, 3, 2)


@dataclass
class World:
    provider: Organisation
    operator: User
    warehouse: Warehouse
    bag: Product  # on contract
    plate: Product  # on contract
    loose: Product  # in the catalogue, no contract


def world() -> World:
    provider = f.OrganisationFactory(kind="logistics_provider", code="LOGI", name="Lagerhuset")
    operator = f.make_user("warehouse_operator", provider)
    warehouse = Warehouse.objects.create(
        code="FSC", name="FSC-lageret", kind="consignment", organisation=provider
    )
    bag = f.ProductFactory(gtin="5700000000011", pieces_per_unit=30)
    plate = f.ProductFactory(gtin="5700000000028", pieces_per_unit=5)
    loose = f.ProductFactory(gtin="5700000000035", pieces_per_unit=10)
    contract = f.ContractFactory()
    f.price(contract, bag, "27.5000", dt.date(2023, 6, 1))
    f.price(contract, plate, "41.0000", dt.date(2023, 6, 1))
    return World(provider, operator, warehouse, bag, plate, loose)


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
