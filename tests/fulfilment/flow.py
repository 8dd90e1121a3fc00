"""Set-up for the wave, picking, packing and shipping tests: the fulfilment world of
helpers.world() with bins, citizens, a hospital unit with a delivery address, stock, and
approved orders made directly."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from forsyn.catalogue.models import Product
from forsyn.citizens.models import Citizen
from forsyn.fulfilment.models import Location, StockLot, UnitDeliveryAddress
from forsyn.fulfilment.services import stock_receive
from forsyn.orders.models import Order, OrderLine
from forsyn.organisations.models import Organisation
from tests import factories as f
from tests.contexts import ctx
from tests.fulfilment.helpers import World, scan, world

NOW = dt.datetime(2026, 3, 3, 15, 0, tzinfo=dt.UTC)  # a Tuesday, after the 14:00 cut-off
CUTOFF = dt.datetime(2026, 3, 3, 13, 0, tzinfo=dt.UTC)  # 14:00 in Copenhagen
BAG_LOT = ("B1", "270930")  # expires 2027-09-30
PLATE_LOT = ("P1", "280229")


@dataclass
class Flow:
    w: World
    karen: Citizen
    bo: Citizen
    unit: Organisation

    @property
    def operator(self) -> Any:
        return self.w.operator


def flow_world() -> Flow:
    w = world()
    Location.objects.create(warehouse=w.warehouse, code="A-01", route_order=10)
    Location.objects.create(warehouse=w.warehouse, code="B-07", route_order=20)
    karen = f.CitizenFactory(
        first_name="Karen", last_name="Mortensen", email="karen@example.dk", cpr="0101551234"
    )
    bo = f.CitizenFactory(first_name="Bo", last_name="Hansen", street="Vestergade 3")
    unit = f.hospital_unit()
    UnitDeliveryAddress.objects.create(
        organisation=unit,
        name="AUH Urologi, varemodtagelsen",
        street="Palle Juul-Jensens Boulevard 99",
        postcode="8200",
        city="Aarhus N",
    )
    return Flow(w, karen, bo, unit)


def stock(
    fl: Flow, *lines: tuple[Product, str, str, int], bins: dict[str, str] | None = None
) -> None:
    """Receive lots (product, lot, expiry YYMMDD, pieces) and put them in bins by lot number."""
    stock_receive(
        ctx=ctx(fl.operator),
        warehouse_code="FSC",
        lines=[(scan(p.gtin, lot, exp), n) for p, lot, exp, n in lines],
        at=NOW - dt.timedelta(days=1),
    )
    for lot_number, code in (bins or {}).items():
        StockLot.objects.filter(lot_number=lot_number).update(
            location=Location.objects.get(code=code)
        )


def order(
    fl: Flow,
    citizen: Citizen | None,
    pieces: dict[Product, int],
    *,
    hole: int | None = None,
    placed: dt.datetime = NOW - dt.timedelta(days=1),
    status: str = "approved",
    **delivery: str,
) -> Order:
    """An approved order, made directly; `citizen=None` is a ward order of the unit. `hole` is
    the hole size of every line (as copied from the grant line at placement)."""
    if citizen is None:
        made = Order.objects.create(
            kind="ward",
            ordering_organisation=fl.unit,
            status=status,
            placed_at=placed,
            delivery_name=fl.unit.name,
            channel="hospital",
        )
    else:
        address = {
            "delivery_type": "registered_address",
            "delivery_name": citizen.name,
            "delivery_street": citizen.street,
            "delivery_postcode": citizen.postcode,
            "delivery_city": citizen.city,
            **delivery,
        }
        made = Order.objects.create(
            citizen=citizen,
            ordering_organisation=citizen.municipality,
            status=status,
            placed_at=placed,
            **address,
        )
    for product, n in pieces.items():
        OrderLine.objects.create(
            order=made,
            product=product,
            order_units=max(1, n // product.pieces_per_unit),
            pieces=n,
            hole_size_mm=hole,
        )
    return made


def scan_of(lot: StockLot) -> str:
    return scan(lot.product.gtin, lot.lot_number, lot.expires_on.strftime("%y%m%d"))
