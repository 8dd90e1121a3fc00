"""Receiving and allocation services, the ledger and its totals, locks and constraints."""

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forsyn.access import policy
from forsyn.core.errors import DomainError, PermissionDenied
from forsyn.core.models import OutboxMessage
from forsyn.core.outbox import outbox_dispatch
from forsyn.fulfilment.choices import LotStatus, MoveKind, WarehouseKind
from forsyn.fulfilment.errors import RECEIVING_MESSAGES, ReceiptRefused
from forsyn.fulfilment.models import AppendOnly, Receipt, StockLot, StockMove
from forsyn.fulfilment.services import order_release, orders_allocate, stock_receive
from forsyn.orders.choices import OrderStatus
from forsyn.orders.lifecycle import order_transition
from forsyn.orders.models import Order, OrderEvent, OrderLine
from tests import factories as f
from tests.contexts import ctx
from tests.fulfilment.helpers import World, ledger_matches_totals, scan, world
from tests.querycount import statements

pytestmark = pytest.mark.django_db
ALLOCATE_QUERIES = 11  # a batch of approved orders, whatever its size

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
GOOD = "270930"  # 2027-09-30: ~19 months left on 2026-03-02


@pytest.fixture
def w() -> World:
    return world()


def receive(w: World, *lines: tuple[str, int], at: dt.datetime = NOW) -> Any:
    return stock_receive(ctx=ctx(w.operator), warehouse_code="FSC", lines=list(lines), at=at)


def test_receive_creates_lots_moves_and_event(w: World) -> None:
    done = receive(
        w,
        (scan(w.bag.gtin, "B1", GOOD, serial="S1"), 60),
        (scan(w.bag.gtin, "B1", GOOD), 30),
        (f"(01)0{w.plate.gtin}(17)280200(10)P-7", 10),
    )
    lots = {lot.lot_number: lot for lot in StockLot.objects.all()}
    assert sorted(lots) == ["B1", "P-7"]
    b1, p7 = lots["B1"], lots["P-7"]
    assert (b1.product, b1.on_hand_quantity, b1.allocated_quantity) == (w.bag, 90, 0)
    assert (b1.expires_on, b1.status, b1.warehouse) == (
        dt.date(2027, 9, 30),
        "available",
        w.warehouse,
    )
    assert b1.owner == w.bag.supplier  # consignment: the supplier owns it
    assert (p7.expires_on, p7.on_hand_quantity) == (dt.date(2028, 2, 29), 10)
    moves = list(
        StockMove.objects.order_by("pk").values_list(
            "kind", "lot__lot_number", "on_hand_delta", "allocated_delta", "receipt_id", "actor_id"
        )
    )
    assert moves == [
        ("receipt", "B1", 60, 0, done.receipt.pk, w.operator.pk),
        ("receipt", "B1", 30, 0, done.receipt.pk, w.operator.pk),
        ("receipt", "P-7", 10, 0, done.receipt.pk, w.operator.pk),
    ]
    assert [(ln.gtin, ln.lot, ln.expiry, ln.quantity) for ln in done.lines] == [
        ("5700000000011", "B1", dt.date(2027, 9, 30), 60),
        ("5700000000011", "B1", dt.date(2027, 9, 30), 30),
        ("5700000000028", "P-7", dt.date(2028, 2, 29), 10),
    ]
    event = OutboxMessage.objects.get(topic="stock.received")
    assert event.key == f"receipt-{done.receipt.pk}"
    assert event.payload == {"receipt": done.receipt.pk, "lots": sorted([b1.pk, p7.pk])}
    # a second receipt of the same lot adds to it
    receive(w, (scan(w.bag.gtin, "B1", GOOD), 5))
    b1.refresh_from_db()
    assert b1.on_hand_quantity == 95
    assert ledger_matches_totals() == []


def test_non_consignment_stock_is_the_warehouse_organisations(w: World) -> None:
    w.warehouse.kind = "region"
    w.warehouse.save()
    receive(w, (scan(w.bag.gtin, "B1", GOOD), 1))
    assert StockLot.objects.get().owner == w.provider


@pytest.mark.parametrize(
    ("line", "loc", "code", "danish"),
    [
        (
            lambda w: (scan("5700000000042", "X", GOOD), 5),
            "scan",
            "unknown_gtin",
            "GTIN-nummeret findes ikke i sortimentet.",
        ),
        (
            lambda w: (scan(w.loose.gtin, "X", GOOD), 5),
            "scan",
            "no_active_contract",
            "Produktet er ikke på en gældende kontrakt.",
        ),
        (lambda w: (scan(w.bag.gtin, "X", "260301"), 5), "scan", "expired", "Batchen er udløbet."),
        (
            lambda w: (scan(w.bag.gtin, "X", "260828"), 5),
            "scan",
            "short_shelf_life",
            "Batchen har kortere restholdbarhed end minimum.",
        ),
        (
            lambda w: ("(01)05700000000012(17)270930(10)X", 5),
            "scan",
            "bad_check_digit",
            "GTIN-nummerets kontrolciffer er forkert.",
        ),
        (
            lambda w: (f"(01)0{w.bag.gtin}(17)270930", 5),
            "scan",
            "missing_lot",
            "Stregkoden indeholder intet batchnummer (10).",
        ),
        (
            lambda w: (f"(01)0{w.bag.gtin}(10)X", 5),
            "scan",
            "missing_expiry",
            "Stregkoden indeholder ingen udløbsdato (17).",
        ),
        (
            lambda w: (scan(w.bag.gtin, "X", GOOD), 0),
            "quantity",
            "bad_quantity",
            "Antallet skal være et helt tal fra 1 til 100.000.",
        ),
        (
            lambda w: (scan(w.bag.gtin, "X", GOOD), 100_001),
            "quantity",
            "bad_quantity",
            "Antallet skal være et helt tal fra 1 til 100.000.",
        ),
    ],
)
def test_receive_refuses_and_saves_nothing(
    w: World, line: Any, loc: str, code: str, danish: str
) -> None:
    with pytest.raises(ReceiptRefused) as caught:
        receive(w, (scan(w.bag.gtin, "OK1", GOOD), 10), line(w))
    assert [(e.index, e.field, e.code) for e in caught.value.errors] == [(1, loc, code)]
    with translation.override("da"):
        assert caught.value.errors[0].message == danish
    assert (Receipt.objects.count(), StockLot.objects.count(), StockMove.objects.count()) == (
        0,
        0,
        0,
    )
    assert OutboxMessage.objects.count() == 0


def test_shelf_life_boundary_at_receiving(w: World, settings: Any) -> None:
    settings.FORSYN_MIN_RECEIVING_SHELF_LIFE_DAYS = 180
    receive(w, (scan(w.bag.gtin, "EDGE", "260829"), 1))  # exactly 180 days left
    settings.FORSYN_MIN_RECEIVING_SHELF_LIFE_DAYS = 181
    with pytest.raises(ReceiptRefused):
        receive(w, (scan(w.bag.gtin, "EDGE2", "260829"), 1))


def test_receive_refuses_a_lot_with_another_expiry(w: World) -> None:
    receive(w, (scan(w.bag.gtin, "B1", GOOD), 5))
    with pytest.raises(ReceiptRefused) as caught:
        receive(w, (scan(w.plate.gtin, "P1", GOOD), 5), (scan(w.bag.gtin, "B1", "271031"), 5))
    assert [(e.index, e.code) for e in caught.value.errors] == [(1, "lot_expiry_mismatch")]
    assert (StockLot.objects.count(), StockMove.objects.count()) == (1, 1)


def test_receive_needs_an_operator_of_the_warehouse(w: World) -> None:
    caseworker = f.make_user("caseworker", f.municipality("751"))
    with pytest.raises(PermissionDenied):
        stock_receive(
            ctx=ctx(caseworker), warehouse_code="FSC", lines=[(scan(w.bag.gtin, "B", GOOD), 1)]
        )
    other = f.OrganisationFactory(kind="logistics_provider", code="OTHER")
    stranger = f.make_user("warehouse_operator", other)
    with pytest.raises(DomainError) as caught:
        stock_receive(
            ctx=ctx(stranger), warehouse_code="FSC", lines=[(scan(w.bag.gtin, "B", GOOD), 1)]
        )
    assert (caught.value.code, list(caught.value.fields)) == ("unknown_warehouse", ["warehouse"])
    admin = f.make_user("admin", f.service_centre())
    stock_receive(
        ctx=ctx(admin), warehouse_code="FSC", lines=[(scan(w.bag.gtin, "B", GOOD), 1)], at=NOW
    )
    assert StockLot.objects.get().on_hand_quantity == 1


def test_database_refuses_bad_totals(w: World) -> None:
    receive(w, (scan(w.bag.gtin, "B1", GOOD), 5))
    lot = StockLot.objects.get()
    for update in (
        {"on_hand_quantity": -1, "allocated_quantity": 0},
        {"allocated_quantity": -1},
        {"allocated_quantity": 6},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            StockLot.objects.filter(pk=lot.pk).update(**update)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockMove.objects.create(kind="receipt", lot=lot, on_hand_delta=-1, at=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockMove.objects.create(
            kind="allocation", lot=lot, on_hand_delta=2, allocated_delta=2, at=NOW
        )


def test_ledger_is_append_only(w: World) -> None:
    receive(w, (scan(w.bag.gtin, "B1", GOOD), 5))
    move = StockMove.objects.get()
    with pytest.raises(AppendOnly):
        move.save()
    with pytest.raises(AppendOnly):
        move.delete()


def test_ledger_trigger_on_postgres(w: World, on_postgres: None) -> None:
    receive(w, (scan(w.bag.gtin, "B1", GOOD), 5))
    from django.db import InternalError, ProgrammingError

    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
        StockMove.objects.update(reason="changed")
    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
        StockMove.objects.all()._raw_delete(StockMove.objects.db)


@pytest.mark.parametrize(
    ("role", "kind", "allowed"),
    [
        ("warehouse_operator", "logistics_provider", True),
        ("admin", "service_centre", True),
        ("service_agent", "service_centre", False),
        ("caseworker", "municipality", False),
        ("supplier_viewer", "supplier", False),
        ("analyst", "service_centre", False),
    ],
)
def test_may_operate_warehouse(role: str, kind: str, allowed: bool) -> None:
    org = {
        "municipality": lambda: f.municipality("751"),
        "service_centre": f.service_centre,
    }.get(kind, lambda: f.OrganisationFactory(kind=kind, code=f"{kind[:6]}-x"))()
    assert policy.may_operate_warehouse(ctx(f.make_user(role, org))) is allowed


def test_every_fulfilment_message_and_label_is_danish() -> None:
    texts = [
        *RECEIVING_MESSAGES.values(),
        *(label for c in (WarehouseKind, LotStatus, MoveKind) for label in c.labels),
    ]
    with translation.override("en"):
        english = [str(t) for t in texts]
    with translation.override("da"):
        danish = [str(t) for t in texts]
    untranslated = [e for e, d in zip(english, danish, strict=True) if e == d]
    assert untranslated == []
    with translation.override("da"):
        assert str(MoveKind.RECEIPT.label) == "Varemodtagelse"
        assert str(StockLot._meta.get_field("lot_number").verbose_name) == "batchnummer"


# -- Allocation ----------------------------------------------------------------------------


def approved_order(w: World, pieces: dict[Any, int], *, placed: dt.datetime = NOW) -> Order:
    citizen = f.CitizenFactory()
    order = Order.objects.create(
        citizen=citizen,
        ordering_organisation=citizen.municipality,
        status="approved",
        placed_at=placed,
    )
    for product, n in pieces.items():
        OrderLine.objects.create(order=order, product=product, order_units=1, pieces=n)
    return order


def allocated_by_lot(order: Order) -> list[tuple[str, int]]:
    return list(
        StockMove.objects.filter(order=order, kind="allocation")
        .order_by("pk")
        .values_list("lot__lot_number", "allocated_delta")
    )


def test_allocate_fefo_oldest_first_and_back_order(w: World) -> None:
    receive(
        w,
        (scan(w.bag.gtin, "LATE", "281231"), 100),
        (scan(w.bag.gtin, "EARLY", "270630"), 40),
        (scan(w.plate.gtin, "P1", GOOD), 10),
    )
    newer = approved_order(w, {w.bag: 60, w.plate: 5}, placed=NOW - dt.timedelta(hours=1))
    older = approved_order(w, {w.bag: 50}, placed=NOW - dt.timedelta(days=1))
    short = approved_order(w, {w.plate: 20}, placed=NOW)
    result = orders_allocate(order_ids=[newer.pk, older.pk, short.pk], at=NOW)
    assert (result.allocated, result.back_ordered) == (sorted([newer.pk, older.pk]), [short.pk])
    assert allocated_by_lot(older) == [("EARLY", 40), ("LATE", 10)]
    assert allocated_by_lot(newer) == [("LATE", 60), ("P1", 5)]
    assert allocated_by_lot(short) == [("P1", 5)]  # partly allocated, kept
    statuses = dict(Order.objects.values_list("pk", "status"))
    assert statuses == {older.pk: "allocated", newer.pk: "allocated", short.pk: "back_ordered"}
    assert OrderEvent.objects.get(order=short).to_status == "back_ordered"
    totals = dict(StockLot.objects.values_list("lot_number", "allocated_quantity"))
    assert totals == {"EARLY": 40, "LATE": 70, "P1": 10}
    assert ledger_matches_totals() == []

    # Stock arrives: the back order gets the rest through the outbox, and only the rest.
    receive(w, (scan(w.plate.gtin, "P2", "280131"), 30))
    outbox_dispatch(now=timezone.now() + dt.timedelta(seconds=1))
    short.refresh_from_db()
    assert short.status == "allocated"
    assert allocated_by_lot(short) == [("P1", 5), ("P2", 15)]
    assert ledger_matches_totals() == []
    # Nothing more happens when asked again.
    assert orders_allocate(order_ids=[short.pk, older.pk]).allocated == []


def test_allocation_skips_blocked_and_short_dated_lots(w: World, settings: Any) -> None:
    settings.FORSYN_MIN_SHELF_LIFE_DAYS = 400
    receive(
        w,
        (scan(w.bag.gtin, "Q", "270101"), 50),
        (scan(w.bag.gtin, "R", "270102"), 50),
        (scan(w.bag.gtin, "SHORT", "270301"), 50),  # 364 days left
        (scan(w.bag.gtin, "OK", "280101"), 50),
    )
    StockLot.objects.filter(lot_number="Q").update(status="quarantined")
    StockLot.objects.filter(lot_number="R").update(status="recalled")
    order = approved_order(w, {w.bag: 60})
    orders_allocate(order_ids=[order.pk], at=NOW)
    assert allocated_by_lot(order) == [("OK", 50)]
    settings.FORSYN_MIN_SHELF_LIFE_DAYS_BY_AREA = {"stoma": 300}
    orders_allocate(order_ids=[order.pk], at=NOW)
    assert allocated_by_lot(order) == [("OK", 50), ("SHORT", 10)]


def test_allocation_statement_count_does_not_grow(w: World) -> None:
    receive(w, (scan(w.bag.gtin, "B1", GOOD), 10_000), (scan(w.plate.gtin, "P1", GOOD), 10_000))
    warm = [approved_order(w, {w.bag: 30, w.plate: 10}) for _ in range(2)]
    orders_allocate(order_ids=[o.pk for o in warm], at=NOW)
    for n in (2, 20):  # warmed up above; exact (tests/querycount.py)
        ids = [approved_order(w, {w.bag: 30, w.plate: 10}).pk for _ in range(n)]
        result, sql = statements(lambda ids=ids: orders_allocate(order_ids=ids, at=NOW))
        assert len(result.allocated) == n
        assert len(sql) == ALLOCATE_QUERIES, "\n".join(sql)
    assert ledger_matches_totals() == []


def test_cancelling_an_allocated_order_releases_its_stock(w: World) -> None:
    receive(w, (scan(w.bag.gtin, "B1", "270630"), 20), (scan(w.bag.gtin, "B2", GOOD), 50))
    order = approved_order(w, {w.bag: 30, w.plate: 1})
    other = approved_order(w, {w.bag: 5})
    orders_allocate(order_ids=[order.pk, other.pk], at=NOW)
    assert allocated_by_lot(order) == [("B1", 20), ("B2", 10)]
    with pytest.raises(DomainError) as caught:
        order_release(order_id=order.pk)
    assert caught.value.code == "order_not_cancelled"
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        order_transition(locked, OrderStatus.CANCELLED, actor=None)
    assert OutboxMessage.objects.filter(topic="order.cancelled").count() == 1
    outbox_dispatch(now=timezone.now() + dt.timedelta(seconds=1))
    releases = list(
        StockMove.objects.filter(order=order, kind="release")
        .order_by("lot__lot_number")
        .values_list("lot__lot_number", "allocated_delta", "on_hand_delta", "reason")
    )
    assert releases == [("B1", -20, 0, "order cancelled"), ("B2", -10, 0, "order cancelled")]
    totals = dict(StockLot.objects.values_list("lot_number", "allocated_quantity"))
    assert totals == {"B1": 0, "B2": 5}  # the other order keeps its 5
    assert order_release(order_id=order.pk) == 0  # a second delivery changes nothing
    assert StockMove.objects.filter(kind="release").count() == 2
    assert ledger_matches_totals() == []


# -- The ledger always sums to the totals ----------------------------------------------------

actions = st.lists(
    st.one_of(
        st.tuples(st.just("receive"), st.sampled_from(["A", "B"]), st.integers(1, 40)),
        st.tuples(st.just("order"), st.sampled_from(["bag", "plate"]), st.integers(1, 60)),
    ),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=actions)
def test_ledger_sums_to_totals(w: World, steps: list[tuple[str, str, int]]) -> None:
    with transaction.atomic():
        sid = transaction.savepoint()
        for action, what, n in steps:
            if action == "receive":
                product = w.bag if what == "A" else w.plate
                receive(w, (scan(product.gtin, f"L{what}", GOOD), n))
            else:
                order = approved_order(w, {w.bag if what == "bag" else w.plate: n})
                orders_allocate(order_ids=[order.pk], at=NOW)
            assert ledger_matches_totals() == []
            for lot in StockLot.objects.all():
                assert 0 <= lot.allocated_quantity <= lot.on_hand_quantity
        transaction.savepoint_rollback(sid)


@pytest.mark.django_db(transaction=True)
def test_concurrent_receipts_of_a_new_lot_add_up(on_postgres: None) -> None:
    from tests.conftest import ensure_reference_data

    ensure_reference_data()
    w = world()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def take_in(quantity: int) -> None:
        barrier.wait()
        try:
            receive(w, (scan(w.bag.gtin, "NEW", GOOD), quantity))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take_in, args=(q,)) for q in (30, 12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    lot = StockLot.objects.get()
    assert (lot.lot_number, lot.on_hand_quantity) == ("NEW", 42)
    assert StockMove.objects.count() == 2
    assert ledger_matches_totals() == []


# -- PostgreSQL: two allocations of one scarce lot at once ------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_allocations_never_over_allocate(on_postgres: None) -> None:
    from tests.conftest import ensure_reference_data

    ensure_reference_data()
    w = world()
    receive(w, (scan(w.bag.gtin, "SCARCE", GOOD), 50))
    orders = [approved_order(w, {w.bag: 40}) for _ in range(2)]
    barrier = threading.Barrier(2)
    results: list[Any] = []

    def allocate(order: Order) -> None:
        barrier.wait()
        try:
            results.append(orders_allocate(order_ids=[order.pk], at=NOW))
        finally:
            connection.close()

    threads = [threading.Thread(target=allocate, args=(o,)) for o in orders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2
    lot = StockLot.objects.get()
    assert (lot.on_hand_quantity, lot.allocated_quantity) == (50, 50)
    statuses = sorted(Order.objects.values_list("status", flat=True))
    assert statuses == ["allocated", "back_ordered"]
    per_order = sorted(sum(q for _, q in allocated_by_lot(o)) for o in orders)
    assert per_order == [10, 40]
    assert ledger_matches_totals() == []
