"""Recalls (issue #10 §6): lots blocked at once, recipients from the ledger through the policy and
the access log, a formula-safe export for letters, one-click replacement orders, the API, and on
PostgreSQL a recall and an allocation at once."""

import csv
import datetime as dt
import io
import threading
from typing import Any

import pytest
from django.db import connection
from django.db.models import Sum
from django.utils import timezone, translation

from forsyn.access.context import Channel
from forsyn.audit.models import AccessLogEntry
from forsyn.core.dates import DateRange
from forsyn.core.errors import DomainError, PermissionDenied
from forsyn.core.outbox import outbox_dispatch
from forsyn.fulfilment.errors import ReceiptRefused
from forsyn.fulfilment.exports import to_csv, to_xlsx
from forsyn.fulfilment.models import (
    Recall,
    RecallLot,
    RecallRecipient,
    RecallRecipientLine,
    StockLot,
    StockMove,
)
from forsyn.fulfilment.recalls import (
    RECALL_PURPOSE,
    recall_create,
    recall_get,
    recall_letter_table,
    recall_replacement_place,
    recall_replacements_place,
    recalls_list,
)
from forsyn.fulfilment.services import orders_allocate
from forsyn.grants.selectors import ordered_pieces_by_line
from forsyn.orders.models import Order, OrderEvent, OrderLine
from tests import factories as f
from tests.contexts import ctx
from tests.fulfilment.helpers import World, ledger_matches_totals, scan, world
from tests.fulfilment.stock_helpers import GOOD, NOW, approved_order, pick, receive, stock
from tests.test_api import Api

pytestmark = pytest.mark.django_db


@pytest.fixture
def w() -> World:
    return world()


def dispatch() -> None:
    """Deliver the outbox until it is empty (a handler may record further events, which after
    commit would be dispatched at once; a test's transaction never commits)."""
    for _ in range(5):
        if not outbox_dispatch(now=timezone.now() + dt.timedelta(seconds=1)).delivered:
            return


def lot_totals() -> dict[str, tuple[str, int, int]]:
    return {
        lot.lot_number: (lot.status, lot.on_hand_quantity, lot.allocated_quantity)
        for lot in StockLot.objects.all()
    }


class Scene:
    """R1 (to be recalled, earliest expiry) and R2 of the bag; Ann got 15 pieces of R1 (picked),
    Bo's 10 are allocated from R1, the ward got 20 picked, Cy's order is for the plate only."""

    def __init__(self, w: World) -> None:
        self.r1 = stock(w, w.bag, "R1", 100, "270630")
        self.r2 = stock(w, w.bag, "R2", 100, "280630")
        stock(w, w.plate, "P1", 50)
        self.unit = f.hospital_unit()
        self.ann = f.CitizenFactory(first_name="Ann", last_name="Andersen")
        self.bo = f.CitizenFactory(first_name="Bo", last_name="Berg")
        line = f.GrantLineFactory(grant=f.GrantFactory(citizen=self.ann), product=w.bag)
        self.grant_line = line
        self.a = approved_order({w.bag: 15}, citizen=self.ann, placed=NOW - dt.timedelta(days=3))
        OrderLine.objects.filter(order=self.a).update(grant_line=line, hole_size_mm=32)
        self.ward = approved_order({w.bag: 20}, ward_unit=self.unit, placed=NOW - dt.timedelta(2))
        self.b = approved_order({w.bag: 10}, citizen=self.bo, placed=NOW - dt.timedelta(days=1))
        self.c = approved_order({w.plate: 5}, placed=NOW)
        orders_allocate(order_ids=[self.a.pk, self.ward.pk, self.b.pk, self.c.pk], at=NOW)
        pick(self.a)
        pick(self.ward)
        assert lot_totals() == {
            "R1": ("available", 65, 10),
            "R2": ("available", 100, 0),
            "P1": ("available", 50, 5),
        }


def test_a_recall_blocks_the_lots_and_lists_who_received_them(w: World) -> None:
    s = Scene(w)
    recall = recall_create(
        ctx=ctx(w.operator), gtin=w.bag.gtin, lots=[" R1 ", "R1"], reason="Utæt klæbeflade", at=NOW
    )
    assert (recall.product, recall.reason, recall.created_by) == (
        w.bag,
        "Utæt klæbeflade",
        w.operator,
    )
    assert list(
        RecallLot.objects.values_list("lot__lot_number", "previous_status", "on_hand_quantity")
    ) == [("R1", "available", 65)]
    assert lot_totals()["R1"] == ("recalled", 65, 10)  # blocked at once
    recipients = list(
        RecallRecipient.objects.order_by("order_id").values_list(
            "order_id", "kind", "citizen_id", "organisation_id", "quantity"
        )
    )
    assert recipients == [
        (s.a.pk, "citizen", s.ann.pk, None, 15),
        (s.ward.pk, "hospital_unit", None, s.unit.pk, 20),
        (s.b.pk, "citizen", s.bo.pk, None, 10),
    ]
    assert sorted(
        RecallRecipientLine.objects.values_list("recipient__order_id", "quantity", "stage")
    ) == sorted([(s.a.pk, 15, "picked"), (s.ward.pk, 20, "picked"), (s.b.pk, 10, "allocated")])

    # After commit: Bo's order gives R1 back and is allocated from R2.
    dispatch()
    assert lot_totals() == {
        "R1": ("recalled", 65, 0),
        "R2": ("available", 100, 10),
        "P1": ("available", 50, 5),
    }
    s.b.refresh_from_db()
    assert s.b.status == "allocated"
    assert list(
        OrderEvent.objects.filter(order=s.b).order_by("pk").values_list("to_status", "message")
    ) == [("allocated", ""), ("back_ordered", f"recall {recall.pk}"), ("allocated", "")]
    assert ledger_matches_totals() == []

    # Allocation never uses a recalled lot again; receiving refuses more of it.
    later = approved_order({w.bag: 95}, placed=NOW)  # R2 has 90 left
    result = orders_allocate(order_ids=[later.pk], at=NOW)
    assert result.back_ordered == [later.pk]
    assert set(StockMove.objects.filter(order=later).values_list("lot__lot_number", flat=True)) == {
        "R2"
    }
    with pytest.raises(ReceiptRefused) as refused:
        receive(w, (scan(w.bag.gtin, "R1", "270630"), 5))
    assert [(e.field, e.code) for e in refused.value.errors] == [("scan", "lot_recalled")]
    assert StockLot.objects.get(lot_number="R1").on_hand_quantity == 65


def test_reading_the_recipients_is_access_logged_and_addresses_follow_the_policy(
    w: World,
) -> None:
    s = Scene(w)
    s.bo.is_address_protected = True
    s.bo.save()
    recall = recall_create(ctx=ctx(w.operator), gtin=w.bag.gtin, lots=["R1"], reason="Utæt pose")
    assert AccessLogEntry.objects.count() == 0  # making the recall shows no one
    view = recall_get(ctx=ctx(w.operator), recall_id=recall.pk)
    assert view.blocked_lots == ["R1"]
    entries = list(
        AccessLogEntry.objects.order_by("seq").values_list(
            "citizen_id", "action", "channel", "resource", "purpose", "actor_id"
        )
    )
    assert entries == [
        (s.ann.pk, "view", "page", f"recall {recall.pk}", RECALL_PURPOSE, w.operator.pk),
        (s.bo.pk, "view", "page", f"recall {recall.pk}", RECALL_PURPOSE, w.operator.pk),
    ]
    # The warehouse prints labels: it sees the delivery address, protected or not.
    by_order = {row.recipient.order_id: row for row in view.rows}
    assert (by_order[s.b.pk].street, by_order[s.b.pk].address_protected) == ("Algade 1", False)
    assert by_order[s.ward.pk].name == s.unit.name
    # FSC's service agent writes the letters: no protected address.
    agent = f.make_user("service_agent", f.service_centre())
    view = recall_get(ctx=ctx(agent, channel=Channel.EXPORT), recall_id=recall.pk, action="export")
    by_order = {row.recipient.order_id: row for row in view.rows}
    assert (by_order[s.b.pk].street, by_order[s.b.pk].address_protected) == ("", True)
    assert (by_order[s.a.pk].street, by_order[s.a.pk].postcode) == ("Algade 1", "8000")
    assert list(
        AccessLogEntry.objects.filter(actor_id=agent.pk).values_list("action", "channel")
    ) == [("export", "export"), ("export", "export")]
    # Nobody else sees recalls.
    caseworker = f.make_user("caseworker", f.municipality("751"))
    with pytest.raises(PermissionDenied):
        recall_get(ctx=ctx(caseworker), recall_id=recall.pk)
    other = f.make_user(
        "warehouse_operator", f.OrganisationFactory(kind="logistics_provider", code="OTHER")
    )
    assert recalls_list(ctx=ctx(other)) == ([], 0)


def test_the_letters_export_is_formula_safe(w: World) -> None:
    s = Scene(w)
    Order.objects.filter(pk=s.a.pk).update(
        delivery_name='=HYPERLINK("http://x","klik")', delivery_street="+45 Vej 1"
    )
    recall = recall_create(ctx=ctx(w.operator), gtin=w.bag.gtin, lots=["R1"], reason="Utæt pose")
    with translation.override("da"):
        header, rows = recall_letter_table(recall_get(ctx=ctx(w.operator), recall_id=recall.pk))
        assert header == [
            "Modtager",
            "Navn",
            "Adresse",
            "Postnummer",
            "By",
            "Pakkeboks",
            "Bestilling",
            "Produkt",
            "GTIN",
            "Batch",
            "Stk.",
            "Trin",
            "Erstatningsordre",
        ]
        assert rows[0] == [
            "Borger",
            '=HYPERLINK("http://x","klik")',
            "+45 Vej 1",
            "8000",
            "Aarhus C",
            "",
            s.a.pk,
            w.bag.name,
            w.bag.gtin,
            "R1",
            15,
            "Plukket eller afsendt",
            "",
        ]
        data = to_csv(header, rows)
    assert data.startswith(b"\xef\xbb\xbf")
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert parsed[1][1:3] == ['\'=HYPERLINK("http://x","klik")', "'+45 Vej 1"]
    assert len(parsed) == 4

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(to_xlsx("Modtagere", header, rows))).active
    cell = sheet.cell(row=2, column=2)
    assert (cell.value, cell.data_type) == ('\'=HYPERLINK("http://x","klik")', "s")
    assert sheet.cell(row=2, column=11).value == 15


def test_one_click_replacement_orders(w: World) -> None:
    s = Scene(w)
    recall = recall_create(ctx=ctx(w.operator), gtin=w.bag.gtin, lots=["R1"], reason="Utæt pose")
    dispatch()
    ann = RecallRecipient.objects.get(recall=recall, order=s.a)
    order = recall_replacement_place(ctx=ctx(w.operator), recipient_id=ann.pk, at=NOW)
    assert (order.kind, order.citizen, order.replaces, order.channel, order.status) == (
        "citizen",
        s.ann,
        s.a,
        "recall",
        "allocated",
    )
    assert (order.delivery_name, order.delivery_street, order.ordering_organisation) == (
        s.a.delivery_name,
        "Algade 1",
        s.a.ordering_organisation,
    )
    assert list(
        order.lines.values_list("product", "pieces", "order_units", "grant_line", "hole_size_mm")
    ) == [(w.bag.pk, 15, 1, s.grant_line.pk, 32)]
    assert list(
        StockMove.objects.filter(order=order).values_list("lot__lot_number", "allocated_delta")
    ) == [("R2", 15)]
    assert OrderEvent.objects.filter(order=order).values_list("message", flat=True)[1] == (
        f"Erstatning efter tilbagekaldelse {recall.pk}"
    )
    # A second click gives the same order.
    assert recall_replacement_place(ctx=ctx(w.operator), recipient_id=ann.pk) == order
    # The replacement does not count against the grant's quota: Ann ordered 15 once.
    window = DateRange(dt.date(2026, 1, 1), dt.date(2027, 1, 1))
    assert ordered_pieces_by_line([s.grant_line.pk], window) == {s.grant_line.pk: 15}
    # Bo's goods were only allocated: nothing to replace.
    bo = RecallRecipient.objects.get(recall=recall, order=s.b)
    with pytest.raises(DomainError) as caught:
        recall_replacement_place(ctx=ctx(w.operator), recipient_id=bo.pk)
    with translation.override("da"):
        assert caught.value.texts() == [
            "Der er ikke plukket noget til bestillingen fra de tilbagekaldte batches: den får "
            "andre batches."
        ]
    # One click for all who still need one: the ward.
    placed = recall_replacements_place(ctx=ctx(w.operator), recall_id=recall.pk)
    assert [(o.kind, o.replaces_id, o.ordering_organisation) for o in placed] == [
        ("ward", s.ward.pk, s.unit)
    ]
    assert recall_replacements_place(ctx=ctx(w.operator), recall_id=recall.pk) == []
    assert Order.objects.filter(replaces__isnull=False).count() == 2
    assert ledger_matches_totals() == []


def test_a_refused_recall_names_each_field_and_blocks_nothing(w: World) -> None:
    Scene(w)
    cases = [
        ({"gtin": "5700000000012"}, [("gtin", "bad_check_digit")]),
        ({"gtin": "5700000000042"}, [("gtin", "unknown_gtin")]),
        (
            {"lots": ["R1", "NOPE"], "reason": "ok"},
            [
                ("reason", "recall_reason_required"),
                ("lots[1]", "recall_unknown_lot"),
            ],
        ),
        ({"lots": [" "]}, [("lots", "recall_no_lots")]),
    ]
    for change, problems in cases:
        body = {"gtin": w.bag.gtin, "lots": ["R1"], "reason": "Utæt klæbeflade", **change}
        with pytest.raises(DomainError) as caught:
            recall_create(ctx=ctx(w.operator), **body)
        assert [(n, e.code) for n, e in caught.value.problems] == problems
    assert (Recall.objects.count(), lot_totals()["R1"][0]) == (0, "available")
    recall_create(ctx=ctx(w.operator), gtin=w.bag.gtin, lots=["R1"], reason="Utæt klæbeflade")
    with pytest.raises(DomainError) as caught:
        recall_create(ctx=ctx(w.operator), gtin=w.bag.gtin, lots=["R2", "R1"], reason="Igen igen")
    with translation.override("da"):
        assert caught.value.texts() == [
            f"Batch R1 er allerede tilbagekaldt (tilbagekaldelse {Recall.objects.get().pk})."
        ]
    assert lot_totals()["R2"][0] == "available"
    with pytest.raises(PermissionDenied):
        recall_create(
            ctx=ctx(f.make_user("caseworker", f.municipality("751"))),
            gtin=w.bag.gtin,
            lots=["R2"],
            reason="Utæt klæbeflade",
        )


# -- The API -----------------------------------------------------------------------------------


def test_post_recalls(w: World) -> None:
    s = Scene(w)
    response = Api(w.operator).post(
        "/recalls", {"gtin": w.bag.gtin, "lots": ["R1"], "reason": "Utæt klæbeflade"}
    )
    assert response.status_code == 201, response.json()
    assert response.json() == {
        "id": Recall.objects.get().pk,
        "blocked_lots": ["R1"],
        "recipients": [
            {"kind": "citizen", "id": s.ann.pk, "order": s.a.pk, "quantity": 15},
            {"kind": "hospital_unit", "id": s.unit.pk, "order": s.ward.pk, "quantity": 20},
            {"kind": "citizen", "id": s.bo.pk, "order": s.b.pk, "quantity": 10},
        ],
    }
    assert list(AccessLogEntry.objects.values_list("citizen_id", "channel", "action")) == [
        (s.ann.pk, "api", "view"),
        (s.bo.pk, "api", "view"),
    ]


def test_post_recalls_refused(w: World) -> None:
    Scene(w)
    api = Api(w.operator)
    response = api.post("/recalls", {"gtin": w.bag.gtin, "lots": ["NOPE"], "reason": "Utæt"})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", "lots", "0"],
            "msg": "Lot NOPE of this product is not in any warehouse you work in.",
            "type": "recall_unknown_lot",
            "code": "recall_unknown_lot",
            "params": {"lot": "NOPE"},
        }
    ]
    response = api.post("/recalls", {"gtin": "x", "lots": [], "reason": ""})
    assert response.status_code == 422
    assert [d["loc"] for d in response.json()["detail"]] == [
        ["body", "gtin"],
        ["body", "lots"],
        ["body", "reason"],
    ]
    assert (
        Api(f.make_user("analyst", f.service_centre()))
        .post("/recalls", {"gtin": w.bag.gtin, "lots": ["R1"], "reason": "Utæt"})
        .status_code
        == 403
    )
    assert Api(None).post("/recalls", {}).status_code == 401
    assert (Recall.objects.count(), lot_totals()["R1"][0]) == (0, "available")


# -- PostgreSQL: a recall and an allocation at once ------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("rounds", range(3))
def test_a_recall_and_an_allocation_at_once_never_allocate_a_recalled_lot(
    on_postgres: None, rounds: int
) -> None:
    from tests.conftest import ensure_reference_data

    ensure_reference_data()
    w = world()
    stock(w, w.bag, "R1", 50, "270630")
    stock(w, w.bag, "R2", 50, GOOD)
    order = approved_order({w.bag: 30})
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(call: Any) -> None:
        barrier.wait()
        try:
            call()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=run,
            args=(
                lambda: recall_create(
                    ctx=ctx(w.operator), gtin=w.bag.gtin, lots=["R1"], reason="Utæt pose"
                ),
            ),
        ),
        threading.Thread(target=run, args=(lambda: orders_allocate(order_ids=[order.pk]),)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    # Whichever came first, no allocation of R1 happened after the recall blocked it: every
    # allocation of R1 is one the recall found (and recorded) in the ledger.
    allocated_r1 = StockMove.objects.filter(lot__lot_number="R1", kind="allocation").aggregate(
        total=Sum("allocated_delta")
    )["total"]
    recorded = RecallRecipientLine.objects.filter(lot__lot_number="R1", stage="allocated")
    assert (allocated_r1 or 0) == sum(line.quantity for line in recorded)
    # Once the recall is committed and the outbox has run, R1 holds nothing for anyone and the
    # order is covered from R2 only.
    dispatch()
    r1, r2 = StockLot.objects.get(lot_number="R1"), StockLot.objects.get(lot_number="R2")
    assert (r1.status, r1.on_hand_quantity, r1.allocated_quantity) == ("recalled", 50, 0)
    assert (r2.on_hand_quantity, r2.allocated_quantity) == (50, 30)
    order.refresh_from_db()
    assert order.status == "allocated"
    held = {
        lot: total
        for lot, total in StockMove.objects.filter(order=order)
        .values_list("lot__lot_number")
        .annotate(total=Sum("allocated_delta"))
    }
    assert held.get("R1", 0) == 0
    assert held["R2"] == 30
    assert ledger_matches_totals() == []
