"""Demo data: deterministic, with the logins the README promises."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Sum
from django.db.models.functions import Coalesce

from forsyn.catalogue.models import Participation, Product
from forsyn.citizens.models import Citizen
from forsyn.demo.generate import demo_citizen_logins
from forsyn.grants.models import Grant
from forsyn.orders.models import Order
from forsyn.organisations.models import Organisation

pytestmark = pytest.mark.django_db

# What the demo's warehouse holds at DEMO_NOW with seed 3 (tests below).
NEAR_EXPIRY = 35  # lots with stock and under the citizens' 180 days
BACK_ORDERED = 2  # last week's orders of the product out of stock
WAITING = 14  # approved or allocated: today's wave
DELIVERED_NEXT_DAY = 13  # simulate-day: the 14 less one more order of the product out of stock
SIMULATED_DAY = (
    "2026-11-25, lager FSC: 13 ordrer i bølgen (3 i restordre), 13 plukkelinjer plukket, "
    "5 basisplader tilskåret, 13 pakker pakket, 13 afsendt, 13 leveret (13 ordrer).\n"
)


def test_loaddemo_small(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("loaddemo", "--scale", "small", "--seed", "3")
    out = capsys.readouterr().out
    assert "Demo logins (password for all: forsyn-demo-2026):" in out
    assert Organisation.objects.filter(kind="region").count() == 5
    assert Organisation.objects.filter(kind="municipality").count() == 98
    assert Organisation.objects.filter(kind="supplier").count() == 5
    assert Citizen.objects.count() == 500
    stoma = Product.objects.filter(category__product_area__code="stoma").count()
    assert 190 <= stoma <= 220
    assert (
        Product.objects.filter(category__product_area__code="urology")
        .values("category")
        .distinct()
        .count()
        == 33
    )
    municipal = Participation.objects.filter(
        organisation__kind="municipality", product_area__code="stoma"
    )
    assert municipal.count() == 31
    assert str(municipal.get(organisation__code="751").go_live_on) == "2023-06-01"
    first = list(Citizen.objects.order_by("pk").values_list("cpr", "last_name")[:5])
    grants = Grant.objects.count()
    call_command("demo-logins", "--json")
    logins = json.loads(capsys.readouterr().out)
    pairs = {(row["role"], row["organisation_code"]) for row in logins}
    assert {("caseworker", "751"), ("caseworker", "461"), ("nurse", "751")} <= pairs
    assert {
        "caseworker",
        "nurse",
        "hospital_orderer",
        "service_agent",
        "advisor",
        "warehouse_operator",
        "finance",
        "contract_manager",
        "analyst",
        "supplier_viewer",
        "admin",
    } <= {r["role"] for r in logins}
    assert set(logins[0]) == {"username", "password", "role", "organisation_code"}
    # Citizens for the test IdP: Aarhus first, so caseworker-751 can approve their orders.
    citizens = demo_citizen_logins()
    assert [(c["kind"], c["municipality"]) for c in citizens] == [
        ("citizen", "751"),
        ("citizen", "751"),
        ("citizen", "751"),
        ("citizen", "751"),
        ("representative", "751"),
    ]
    assert [bool(c["represents"]) for c in citizens] == [False, False, False, False, True]
    assert all(Citizen.objects.filter(cpr=c["cpr"]).exists() for c in citizens[:4])
    # Same seed, same data. The warehouse's tables are emptied as a whole first (TRUNCATE on
    # PostgreSQL, whose ledger refuses DELETE row by row).
    tables = [m._meta.db_table for m in apps.get_app_config("fulfilment").get_models()]
    connection.check_constraints()  # PostgreSQL: no pending foreign-key checks before TRUNCATE
    with connection.cursor() as cursor:
        for sql in connection.ops.sql_flush(no_style(), tables, allow_cascade=True):
            cursor.execute(sql)
    Order.objects.all().delete()
    Grant.objects.all().delete()
    Citizen.objects.all().delete()
    call_command("loaddemo", "--scale", "small", "--seed", "3")
    assert list(Citizen.objects.order_by("pk").values_list("cpr", "last_name")[:5]) == first
    assert Grant.objects.count() == grants


# A fixed clock (a Tuesday morning in Copenhagen), so the history and the day after are exact.
DEMO_NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=ZoneInfo("Europe/Copenhagen"))


def _ledger_matches_lots() -> None:
    """Every lot's running totals are the sums of its ledger moves."""
    from forsyn.fulfilment.models import StockLot

    lots = list(
        StockLot.objects.annotate(
            moved_on_hand=Coalesce(Sum("moves__on_hand_delta"), 0),
            moved_allocated=Coalesce(Sum("moves__allocated_delta"), 0),
        ).order_by("pk")
    )
    assert lots
    for lot in lots:
        assert (lot.on_hand_quantity, lot.allocated_quantity) == (
            lot.moved_on_hand,
            lot.moved_allocated,
        ), lot.pk


def _orders_match_their_parcels() -> None:
    from forsyn.fulfilment.models import Parcel

    for order in Order.objects.filter(status__in=["shipped", "delivered"]).order_by("pk"):
        parcels = list(Parcel.objects.filter(orders=order))
        assert len(parcels) == 1, order.pk
        parcel = parcels[0]
        assert len(parcel.sscc) == 18, order.pk
        assert parcel.tracking_number, order.pk
        assert parcel.status == order.status, order.pk


def test_demo_orders_have_the_history_of_their_status(capsys: pytest.CaptureFixture[str]) -> None:
    """Every demo order went through the ordering service and the lifecycle: its events run
    from placement to its status without a gap, and it has its access-log entry. The warehouse
    did the delivering: every shipped or delivered order has its parcel with an SSCC and a
    tracking number, the ledger sums to every lot's totals, one lot is recalled and one
    product's orders wait as back orders. `forsyn fulfilment simulate-day` then moves the
    waiting orders along, to delivered."""
    from forsyn.audit.models import AccessLogEntry
    from forsyn.fulfilment.models import Recall, StockLot
    from forsyn.orders.choices import TRANSITIONS
    from forsyn.orders.models import OrderEvent

    with time_machine.travel(DEMO_NOW):
        call_command("loaddemo", "--scale", "small", "--seed", "3")
    orders = list(Order.objects.prefetch_related("events").order_by("pk"))
    statuses = {o.status for o in orders}
    assert statuses >= {"approved", "delivered"}
    assert len(orders) > 200
    for order in orders:
        events = sorted(order.events.all(), key=lambda e: (e.at, e.pk))
        chain = [(e.from_status, e.to_status) for e in events]
        assert chain[0] == ("", "submitted"), order.pk
        for (_, to), (nxt_from, nxt_to) in zip(chain, chain[1:], strict=False):
            assert nxt_from == to, (order.pk, chain)
            assert nxt_to in TRANSITIONS[nxt_from], (order.pk, chain)
        assert chain[-1][1] == order.status, (order.pk, chain)
        assert events[0].at == order.placed_at
    created = AccessLogEntry.objects.filter(action="create", resource__startswith="order ")
    assert created.count() == len(orders)
    assert OrderEvent.objects.filter(to_status="delivered").count() == sum(
        o.status == "delivered" for o in orders
    )
    out = capsys.readouterr().out
    assert "orders placed through the ordering service" in out
    _orders_match_their_parcels()
    _ledger_matches_lots()
    assert StockLot.objects.filter(status="recalled").count() == 1
    assert Recall.objects.count() == 1
    assert Recall.objects.get().recipients.count() > 0
    assert StockLot.objects.filter(warehouse__code="FSC").values("product").distinct().count() == (
        Product.objects.filter(status="active").count()
    )
    # Near expiry: lots with stock and less than the citizens' 180 days left.
    near = StockLot.objects.filter(
        on_hand_quantity__gt=0, expires_on__lt=DEMO_NOW.date() + dt.timedelta(days=180)
    )
    assert near.count() == NEAR_EXPIRY
    assert Order.objects.filter(status="back_ordered").count() == BACK_ORDERED
    waiting = Order.objects.filter(status__in=["approved", "allocated"]).count()
    assert waiting == WAITING
    delivered = Order.objects.filter(status="delivered").count()

    # The next morning: one warehouse day.
    with time_machine.travel(DEMO_NOW + dt.timedelta(days=1)):
        call_command("fulfilment", "simulate-day")
    out = capsys.readouterr().out
    assert out == SIMULATED_DAY
    assert Order.objects.filter(status="delivered").count() == delivered + DELIVERED_NEXT_DAY
    assert Order.objects.filter(status__in=["approved", "allocated"]).count() == 0
    assert Order.objects.filter(status="back_ordered").count() == BACK_ORDERED + 1
    _orders_match_their_parcels()
    _ledger_matches_lots()
    # A second day finds nothing to do.
    with time_machine.travel(DEMO_NOW + dt.timedelta(days=2)):
        call_command("fulfilment", "simulate-day")
    assert Order.objects.filter(status="delivered").count() == delivered + DELIVERED_NEXT_DAY
