"""The demo's warehouse (issue #10 §8; docs/adr/0029): the FSC consignment warehouse stocked
for the whole catalogue through the real receiving service, and the demo's order history run
through the real fulfilment services week by week (`fulfilment.simulation.day_simulate`).

Per product, received before the first demo order, owned by the product's supplier:
- lot A (expires in 10-18 months): the pieces the order history needs, plus a few boxes;
- lot B (expires in 18-36 months): what this week's orders need, plus some boxes;
- for every seventh product also lot C, expiring within the citizens' shelf-life minimum (2-5
  months left), so the stock page warns; FEFO used it while it still had the shelf life.
One product gets only what its history needs: it is out of stock and this week's orders of it
wait as back orders. One lot that went out in the history is recalled afterwards.
"""

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from django.utils import timezone

from forsyn.access.context import AccessContext, Channel
from forsyn.catalogue.models import Product
from forsyn.contracts.selectors import products_on_contract
from forsyn.fulfilment.choices import MoveKind, WarehouseKind
from forsyn.fulfilment.models import Location, StockLot, StockMove, Warehouse
from forsyn.fulfilment.recalls import recall_create
from forsyn.fulfilment.services import orders_allocate, stock_receive
from forsyn.fulfilment.simulation import day_simulate, pick_scan
from forsyn.orders.choices import OrderStatus
from forsyn.orders.models import Order, OrderLine
from forsyn.organisations.models import Organisation, User

WAREHOUSE = "FSC"
# Orders placed before this many days ago are delivered; later ones wait for the warehouse.
HISTORY_DAYS = 10
# Of those, orders placed before this many days ago are allocated already; the newest stay
# approved for today's wave.
ALLOCATED_DAYS = 4
NEAR_EXPIRY_EVERY = 7
RECALL_REASON = "Leverandøren tilbagekalder lotten: klæbeevnen er for svag (demodata)."


def warehouse_create(logistics: Organisation) -> Warehouse:
    """The consignment warehouse the logistics provider runs, with bins along a route."""
    warehouse, _ = Warehouse.objects.update_or_create(
        code=WAREHOUSE,
        defaults={
            "name": "FSC konsignationslager",
            "kind": WarehouseKind.CONSIGNMENT,
            "organisation": logistics,
        },
    )
    Location.objects.bulk_create(
        [
            Location(warehouse=warehouse, code=f"{aisle}-{shelf:02d}", route_order=n)
            for n, (aisle, shelf) in enumerate(
                ((a, s) for a in "ABCDEF" for s in range(1, 21)), start=1
            )
        ],
        ignore_conflicts=True,
    )
    return warehouse


def _demand(orders: Sequence[Order]) -> dict[int, int]:
    pieces: dict[int, int] = defaultdict(int)
    for product_id, n in OrderLine.objects.filter(order__in=list(orders)).values_list(
        "product_id", "pieces"
    ):
        pieces[product_id] += n
    return pieces


def _lot_number(rng: random.Random, product: Product, made: dt.date, n: int) -> str:
    """A supplier-style lot number: item prefix, production month, line letter, batch."""
    return f"{product.supplier_item_number[:3]}{made:%y%m}{'ABC'[n]}{rng.randint(100, 999)}"


def fulfilment_history(
    *, seed: int, orders: Sequence[Order], now: dt.datetime, out: Callable[[str], None]
) -> dict[str, Any]:
    """Stock the warehouse, then run the demo's orders through it. Returns what was done."""
    rng = random.Random(seed * 211 + 5)
    operator = User.objects.get(username="warehouse-log1")
    ctx = AccessContext.for_user(
        operator, channel=Channel.CLI, purpose="Demodata: lagerets historik"
    )
    history_end = (now - dt.timedelta(days=HISTORY_DAYS)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    approved = [o for o in orders if o.status == OrderStatus.APPROVED]
    if not approved:
        return {}
    old = _demand([o for o in approved if o.placed_at < history_end])
    new = _demand([o for o in approved if o.placed_at >= history_end])
    allocate_before = now - dt.timedelta(days=ALLOCATED_DAYS)
    soon = _demand([o for o in approved if history_end <= o.placed_at < allocate_before])
    first_day = min(o.placed_at for o in approved) - dt.timedelta(days=2)
    received_at = first_day.replace(hour=7, minute=0, second=0, microsecond=0)
    today = timezone.localdate(now)
    on_contract = products_on_contract(
        product_ids=list(Product.objects.filter(status="active").values_list("pk", flat=True)),
        on=timezone.localdate(received_at),
    )
    products = list(
        Product.objects.filter(pk__in=on_contract).select_related("supplier").order_by("gtin")
    )
    # Out of stock: the product last week's orders need most that the history used too.
    short = sorted(
        (p for p in products if old.get(p.pk) and soon.get(p.pk)),
        key=lambda p: (-soon[p.pk], p.gtin),
    )
    out_of_stock = short[0] if short else None
    by_supplier: dict[int, list[tuple[str, int]]] = defaultdict(list)
    near_expiry = 0
    for n, product in enumerate(products):
        box = product.pieces_per_unit
        made = timezone.localdate(received_at) - dt.timedelta(days=rng.randint(20, 90))
        lots: list[tuple[dt.date, int]] = []
        if product == out_of_stock:
            lots.append((today + dt.timedelta(days=rng.randint(300, 540)), old[product.pk]))
        else:
            lots.append(
                (
                    today + dt.timedelta(days=rng.randint(300, 540)),
                    old.get(product.pk, 0) + box * rng.randint(2, 6),
                )
            )
            lots.append(
                (
                    today + dt.timedelta(days=rng.randint(541, 1_095)),
                    new.get(product.pk, 0) + box * rng.randint(4, 12),
                )
            )
            if n % NEAR_EXPIRY_EVERY == 3:
                near_expiry += 1
                lots.append(
                    (
                        today + dt.timedelta(days=rng.randint(60, 150)),
                        old.get(product.pk, 0) + box * rng.randint(3, 8),
                    )
                )
        for i, (expires_on, quantity) in enumerate(lots):
            if quantity > 0:
                number = _lot_number(rng, product, made, i)
                by_supplier[product.supplier_id].append(
                    (pick_scan(product.gtin, number, expires_on), quantity)
                )
    receipts = 0
    for supplier_id in sorted(by_supplier):
        lines = by_supplier[supplier_id]
        for start in range(0, len(lines), 400):
            stock_receive(
                ctx=ctx, warehouse_code=WAREHOUSE, lines=lines[start : start + 400], at=received_at
            )
            receipts += 1
    _bins()
    # The history, a wave a week (Tuesdays, 07:00): everything placed before goes out.
    day = received_at + dt.timedelta(days=(1 - received_at.weekday()) % 7 or 7)
    waves = delivered = 0
    while day < history_end:
        done = day_simulate(
            ctx=ctx,
            warehouse_code=WAREHOUSE,
            at=day,
            step=dt.timedelta(hours=1),
            cutoff=day,
        )
        waves += done.wave is not None
        delivered += done.delivered_orders
        day += dt.timedelta(days=7)
    # A lot that went out is recalled (and the citizens who got it are listed).
    recalled = (
        StockMove.objects.filter(kind=MoveKind.PICK)
        .exclude(lot__product=out_of_stock)
        .values_list("lot__product__gtin", "lot__lot_number")
        .order_by("lot__expires_on", "lot_id")
        .first()
    )
    if recalled is not None:
        recall_create(
            ctx=ctx,
            gtin=recalled[0],
            lots=[recalled[1]],
            reason=RECALL_REASON,
            at=history_end + dt.timedelta(hours=9),
        )
    # Last week's orders are allocated (the out-of-stock product's wait as back orders);
    # the newest stay approved for today's wave in the browser.
    waiting = [o.pk for o in approved if history_end <= o.placed_at < allocate_before]
    result = orders_allocate(order_ids=waiting, actor=ctx, at=allocate_before)
    out(
        f"  warehouse {WAREHOUSE}: {len(products)} products in {receipts} receipts "
        f"({near_expiry} near expiry), {waves} weekly waves, {delivered} orders delivered, "
        f"{len(result.allocated)} allocated, {len(result.back_ordered)} back-ordered"
        + (f", {out_of_stock.gtin} out of stock" if out_of_stock else "")
    )
    return {"out_of_stock": out_of_stock, "recalled": recalled}


def _bins() -> None:
    """Every lot in a bin: a product's lots share it, the products in GTIN order along the
    route (bins are master data, not stock: no ledger move)."""
    bins = list(Location.objects.filter(warehouse__code=WAREHOUSE).order_by("route_order"))
    lots = list(StockLot.objects.filter(warehouse__code=WAREHOUSE).order_by("product__gtin", "pk"))
    rank: dict[int, int] = {}
    for lot in lots:
        rank.setdefault(lot.product_id, len(rank))
    for lot in lots:
        lot.location = bins[rank[lot.product_id] * len(bins) // max(1, len(rank))]
    StockLot.objects.bulk_update(lots, ["location"])
