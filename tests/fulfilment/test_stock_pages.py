"""The warehouse's stock pages and the staff page of a citizen's delivery pauses (issue #10 §7):
Danish, a scan typed and posted, errors named, roles, downloads, and statement counts that do
not grow with the lists."""

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from forsyn.audit.models import AccessLogEntry
from forsyn.core.status import MEANINGS
from forsyn.fulfilment.asn import asn_import
from forsyn.fulfilment.choices import AsnStatus, CountStatus, LotStatus
from forsyn.fulfilment.counts import stock_count_record, stock_count_start
from forsyn.fulfilment.models import (
    AdvanceShippingNotice,
    DeliveryPause,
    Recall,
    StockCount,
    StockLot,
    StockMove,
)
from forsyn.fulfilment.recalls import recall_create
from forsyn.fulfilment.services import orders_allocate
from forsyn.orders.models import Order
from tests import factories as f
from tests.contexts import ctx
from tests.fulfilment.helpers import World, scan, world
from tests.fulfilment.stock_helpers import approved_order, pick, stock
from tests.querycount import assert_queries, assert_queries_constant

pytestmark = pytest.mark.django_db
LATER = (timezone.localdate() + dt.timedelta(days=600)).strftime("%y%m%d")


@pytest.fixture
def w() -> World:
    return world()


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return str(response.content.decode())


def test_stock_status_values_have_a_meaning() -> None:
    for choices in (CountStatus, AsnStatus, LotStatus):
        assert [v for v in choices.values if v not in MEANINGS] == []


def test_receive_a_typed_scan(w: World) -> None:
    client = client_for(w.operator)
    page = client.get("/lager/modtagelse/")
    assert page.status_code == 200
    body = text(page)
    assert "<h1>Modtag</h1>" in body
    assert "Scan GS1-stregkoden" in body
    assert "autofocus" in body
    # A handheld scanner types the bracketed form and Enter: the form posts.
    response = client.post(
        "/lager/modtagelse/",
        {"warehouse": "FSC", "quantity": "60", "scan": f"(01)0{w.bag.gtin}(17){LATER}(10)B1\r\n"},
        follow=True,
    )
    assert response.redirect_chain == [("/lager/modtagelse/", 302)]
    assert "Modtaget 60 stk. af GTIN 5700000000011, batch B1" in text(response)
    assert StockLot.objects.get().on_hand_quantity == 60
    refused = client.post(
        "/lager/modtagelse/",
        {"warehouse": "FSC", "quantity": "5", "scan": "(01)05700000000012(17)270930(10)X"},
    )
    assert refused.status_code == 422
    assert "GTIN-nummerets kontrolciffer er forkert." in text(refused)
    assert StockMove.objects.count() == 1


def test_import_a_notice_and_receive_against_it(w: World) -> None:
    client = client_for(w.operator)
    bad = client.post(
        "/lager/advis/",
        {
            "warehouse": "FSC",
            "reference": "ASN-9",
            "file": SimpleUploadedFile("advis.csv", b"gtin;batch;antal\n1;2;3\n"),
        },
    )
    assert bad.status_code == 422
    assert "Række 1: kolonnen udløbsdato mangler." in text(bad)
    assert AdvanceShippingNotice.objects.count() == 0
    good = client.post(
        "/lager/advis/",
        {
            "warehouse": "FSC",
            "reference": "ASN-9",
            "file": SimpleUploadedFile(
                "advis.csv",
                f"gtin;batch;udløbsdato;antal\n{w.bag.gtin};B1;2027-09-30;60\n".encode("utf-8-sig"),
            ),
        },
    )
    notice = AdvanceShippingNotice.objects.get()
    assert good["Location"] == f"/lager/advis/{notice.pk}/"
    body = text(client.get(f"/lager/advis/{notice.pk}/"))
    assert "Advis ASN-9" in body
    assert "Ikke scannet" in body
    received = client.post(
        f"/lager/modtagelse/?advis={notice.pk}",
        {"quantity": "40", "scan": scan(w.bag.gtin, "B1", "270930")},
        follow=True,
    )
    body = text(received)
    assert "Varemodtagelse til advis ASN-9" in body
    assert "Færre end adviseret" in body
    assert notice.receipts.count() == 1


def test_stock_page_shows_expiry_warnings(w: World, settings: Any) -> None:
    settings.FORSYN_MIN_RECEIVING_SHELF_LIFE_DAYS = 10
    today = timezone.localdate()
    stock(w, w.bag, "SOON", 10, (today + dt.timedelta(days=20)).strftime("%y%m%d"))
    stock(w, w.bag, "LATER", 10, LATER)
    client = client_for(w.operator)
    body = text(client.get("/lager/beholdning/"))
    assert "2 batches med beholdning." in body
    assert "20 dage tilbage" in body
    assert "For kort holdbarhed til borgere" in body
    body = text(client.get("/lager/beholdning/", {"expiry": "30"}))
    assert "1 batch med beholdning." in body
    assert "SOON" in body
    assert "LATER" not in body


def test_count_page_scan_and_post(w: World) -> None:
    lot = stock(w, w.bag, "A", 10)
    client = client_for(w.operator)
    started = client.post("/lager/optaelling/", {"warehouse": "FSC", "location": "", "note": ""})
    count = StockCount.objects.get()
    assert started["Location"] == f"/lager/optaelling/{count.pk}/"
    page = client.get(f"/lager/optaelling/{count.pk}/")
    assert "Batches i bøgerne, der ikke er optalt endnu" in text(page)
    client.post(
        f"/lager/optaelling/{count.pk}/",
        {"action": "scan", "quantity": "8", "scan": scan(w.bag.gtin, "A", "270930")},
    )
    line = count.lines.get()
    refused = client.post(f"/lager/optaelling/{count.pk}/", {"action": "post"})
    assert refused.status_code == 422
    assert "Linje 1 (batch A): vælg en årsag til differencen på -2." in text(refused)
    posted = client.post(
        f"/lager/optaelling/{count.pk}/",
        {"action": "post", f"reason-{line.pk}": "damaged", f"note-{line.pk}": ""},
        follow=True,
    )
    assert "Optællingen er bogført: 1 reguleringer." in text(posted)
    lot.refresh_from_db()
    assert lot.on_hand_quantity == 8


def recalled_scene(w: World) -> tuple[Recall, Order]:
    stock(w, w.bag, "R1", 100, "270630")
    stock(w, w.bag, "R2", 100, "280630")
    citizen = f.CitizenFactory(first_name="Ann", last_name="Andersen")
    order = approved_order({w.bag: 15}, citizen=citizen)
    orders_allocate(order_ids=[order.pk])
    pick(order)
    return recall_create(
        ctx=ctx(w.operator), gtin=w.bag.gtin, lots=["R1"], reason="Utæt pose"
    ), order


def test_recall_pages(w: World) -> None:
    client = client_for(w.operator)
    stock(w, w.bag, "R1", 100, "270630")
    created = client.post(
        "/lager/tilbagekaldelser/",
        {"gtin": w.bag.gtin, "lots": "R1, NOPE", "reason": "Utæt klæbeflade"},
    )
    assert created.status_code == 422
    assert "Batch NOPE af dette produkt findes ikke på et lager, du arbejder på." in text(created)
    assert Recall.objects.count() == 0
    created = client.post(
        "/lager/tilbagekaldelser/",
        {"gtin": w.bag.gtin, "lots": "R1", "reason": "Utæt klæbeflade"},
        follow=True,
    )
    recall = Recall.objects.get()
    assert f"Tilbagekaldelse {recall.pk}: batchene er spærret." in text(created)
    assert StockLot.objects.get(lot_number="R1").status == "recalled"


def test_recall_detail_download_and_replacement(w: World) -> None:
    recall, order = recalled_scene(w)
    client = client_for(w.operator)
    body = text(client.get(f"/lager/tilbagekaldelser/{recall.pk}/"))
    assert "Hvem har modtaget batchene" in body
    assert "Ann Andersen" in body
    assert "Opret 1 erstatningsordre" in body
    download = client.get(f"/lager/tilbagekaldelser/{recall.pk}/", {"format": "csv"})
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download["Content-Disposition"] == (
        f'attachment; filename="tilbagekaldelse-{recall.pk}-modtagere.csv"'
    )
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Modtager", "Navn", "Adresse"]
    assert rows[1][:2] == ["Borger", "Ann Andersen"]
    xlsx = client.get(f"/lager/tilbagekaldelser/{recall.pk}/", {"format": "xlsx"})
    assert xlsx.content.startswith(b"PK")
    assert list(AccessLogEntry.objects.values_list("action", "channel")) == [
        ("view", "page"),
        ("export", "export"),
        ("export", "export"),
    ]
    replaced = client.post(
        f"/lager/tilbagekaldelser/{recall.pk}/", {"action": "replace_all"}, follow=True
    )
    assert "1 erstatningsordrer er oprettet." in text(replaced)
    replacement = Order.objects.get(replaces=order)
    assert replacement.status == "allocated"
    assert f"Bestilling {replacement.pk}" in text(replaced)


def test_replenishment_page_and_call_off_download(w: World) -> None:
    stock(w, w.bag, "B1", 40)
    order = approved_order({w.bag: 30}, placed=timezone.now() - dt.timedelta(days=2))
    orders_allocate(order_ids=[order.pk])
    pick(order, at=timezone.now() - dt.timedelta(days=2))
    client = client_for(w.operator)
    body = text(client.get("/lager/genbestilling/"))
    assert "Afkaldslister pr. leverandør" in body
    assert "Afkaldsliste til Org coloplast (CSV)" in body
    supplier = w.bag.supplier
    download = client.get(
        "/lager/genbestilling/", {"lager": "FSC", "leverandoer": supplier.pk, "format": "csv"}
    )
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig")), delimiter=";"))
    # 30 picked in 28 days, 10 on hand: 10 days of cover; 45 for 42 days - 10 = 35 = 2 packs.
    assert rows[1] == [
        "Org coloplast",
        "",
        w.bag.gtin,
        w.bag.name,
        "10",
        "1.07",
        "9",
        "0",
        "2",
        "pakke",
        "60",
    ]
    unknown = client.get("/lager/genbestilling/", {"leverandoer": 999999, "format": "csv"})
    assert unknown.status_code == 404


def test_pause_page_and_the_order_shows_why_it_waits(w: World) -> None:
    citizen = f.CitizenFactory(first_name="Bo", last_name="Berg")
    caseworker = f.make_user("caseworker", f.municipality("751"))
    client = client_for(caseworker)
    page = client.get(f"/borgere/{citizen.pk}/pauser/")
    assert page.status_code == 200
    assert "<h1>Pauser i leveringen</h1>" in text(page)
    refused = client.post(
        f"/borgere/{citizen.pk}/pauser/",
        {"action": "start", "starts_on": "2026-03-10", "ends_on": "2026-03-01", "reason": "staff"},
    )
    assert refused.status_code == 422
    assert DeliveryPause.objects.count() == 0
    today = timezone.localdate().isoformat()
    started = client.post(
        f"/borgere/{citizen.pk}/pauser/",
        {"action": "start", "starts_on": today, "reason": "hospital_admission", "note": ""},
    )
    assert started["Location"] == f"/borgere/{citizen.pk}/pauser/"
    stock(w, w.bag, "B1", 100)
    order = approved_order({w.bag: 10}, citizen=citizen)
    assert orders_allocate(order_ids=[order.pk]).paused == [order.pk]
    detail = text(client.get(f"/borgere/{citizen.pk}/"))
    assert "Leveringerne er sat på pause" in detail
    assert "Venter: leveringer på pause (Indlagt på sygehus)" in detail
    body = text(client.get(f"/borgere/{citizen.pk}/pauser/"))
    assert f"Bestilling {order.pk}: sprunget over ved reservering" in body
    pause = DeliveryPause.objects.get()
    ended = client.post(
        f"/borgere/{citizen.pk}/pauser/", {"action": "end", "pause": pause.pk}, follow=True
    )
    assert "Pausen er afsluttet" in text(ended)


@pytest.mark.parametrize(
    ("role", "kind", "path", "status"),
    [
        ("caseworker", "municipality", "/lager/", 403),
        ("caseworker", "municipality", "/lager/tilbagekaldelser/", 403),
        ("service_agent", "service_centre", "/lager/tilbagekaldelser/", 200),
        ("service_agent", "service_centre", "/lager/beholdning/", 403),
        ("service_agent", "service_centre", "/lager/optaelling/", 403),
        ("analyst", "service_centre", "/lager/genbestilling/", 403),
        ("warehouse_operator", "logistics_provider", "/lager/", 200),
        ("admin", "service_centre", "/lager/modtagelse/", 200),
    ],
)
def test_roles(role: str, kind: str, path: str, status: int) -> None:
    org = {
        "municipality": lambda: f.municipality("751"),
        "service_centre": f.service_centre,
        "logistics_provider": lambda: f.OrganisationFactory(kind=kind, code="LOGI"),
    }[kind]()
    response = client_for(f.make_user(role, org)).get(path)
    assert response.status_code == status
    if status == 403:
        assert "Du har ikke adgang" in text(response)


def test_the_warehouse_cannot_open_a_citizens_pauses(w: World) -> None:
    citizen = f.CitizenFactory()
    assert client_for(w.operator).get(f"/borgere/{citizen.pk}/pauser/").status_code == 403
    agent = client_for(f.make_user("service_agent", f.service_centre()))
    # FSC staff state a purpose on the citizen's page first.
    response = agent.get(f"/borgere/{citizen.pk}/pauser/")
    assert response["Location"] == f"/borgere/{citizen.pk}/"


# -- Statement counts of the lists (warm, exact, constant as the lists grow) -------------------


def test_list_pages_statement_counts_do_not_grow(w: World) -> None:
    client = client_for(w.operator)
    recalled_scene(w)
    count = stock_count_start(ctx=ctx(w.operator), warehouse_code="FSC")
    grown = iter(range(1000))

    def grow() -> None:
        n = next(grown)
        stock(w, w.bag, f"Y{n}", 15)
        for i in range(3):
            lot = stock(w, w.plate, f"G{n}-{i}", 10)
            stock_count_record(ctx=ctx(w.operator), count_id=count.pk, lot_id=lot.pk, quantity=9)
            stock_count_start(ctx=ctx(w.operator), warehouse_code="FSC")
            order = approved_order({w.bag: 5})
            orders_allocate(order_ids=[order.pk])
            pick(order)
            asn_import(
                ctx=ctx(w.operator),
                warehouse_code="FSC",
                reference=f"G{n}-{i}",
                file_name="a.csv",
                data=f"gtin;batch;udløbsdato;antal\n{w.bag.gtin};B;2027-09-30;{i + 1}\n".encode(),
            )
        stock(w, w.bag, f"X{n}", 10)
        recall_create(ctx=ctx(w.operator), gtin=w.bag.gtin, lots=[f"X{n}"], reason="Utæt pose")

    pages = {
        # session, user, roles, organisation, then the page's own
        "/lager/beholdning/": 6,  # count, lots
        "/lager/optaelling/": 7,  # warehouses, count, counts
        f"/lager/optaelling/{count.pk}/": 7,  # count, lines, lots not counted
        "/lager/tilbagekaldelser/": 6,  # count, recalls
        "/lager/advis/": 7,  # warehouses, count, notices
        "/lager/genbestilling/": 10,  # warehouses (2), on hand, picks, back orders, products
        "/lager/modtagelse/": 7,
    }
    for path, n in pages.items():
        assert_queries_constant(n, lambda path=path: client.get(path), grow, label=path)


def test_recall_page_statement_count_does_not_grow_with_its_recipients(w: World) -> None:
    """A recall with one recipient and one with four: the same statements (the access log
    takes all citizens in one insert)."""
    client = client_for(w.operator)
    recalls = []
    for lot, n in (("R1", 1), ("R2", 4)):
        stock(w, w.bag, lot, 100, "270630" if lot == "R1" else "270701")
        orders = [approved_order({w.bag: 5}) for _ in range(n)]
        orders_allocate(order_ids=[o.pk for o in orders])
        for order in orders:
            pick(order)
        recalls.append(
            recall_create(ctx=ctx(w.operator), gtin=w.bag.gtin, lots=[lot], reason="Utæt pose")
        )
    small, large = (f"/lager/tilbagekaldelser/{r.pk}/" for r in recalls)
    # session, user, roles, organisation, the recall, its lots, recipients, their lines, and
    # the access log: its head (locked), the entries, the head again
    assert_queries(11, lambda: client.get(small), label="one recipient")
    assert_queries(11, lambda: client.get(large), label="four recipients")
