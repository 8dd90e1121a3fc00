"""The warehouse's stock pages in a real browser (issue #10 §7), on a phone-sized screen, with
axe-core checking each page: an operator receives by typing a GS1 string and Enter as a
handheld scanner does, counts a shelf and posts the difference with a reason, recalls a lot and
places the replacement order; a caseworker pauses a citizen's deliveries."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from forsyn.fulfilment.models import DeliveryPause, Recall, StockLot, StockMove, Warehouse
from forsyn.fulfilment.services import orders_allocate
from forsyn.orders.models import Order
from tests import factories as f
from tests.e2e.conftest import assert_accessible
from tests.fulfilment.stock_helpers import approved_order, pick

pytestmark = pytest.mark.django_db(transaction=True)


def login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill("pw-for-tests-1")
    page.get_by_role("button", name="Log ind").click()


@pytest.fixture
def world() -> dict[str, Any]:
    provider = f.OrganisationFactory(kind="logistics_provider", code="LOGI", name="Lagerhuset")
    f.make_user("warehouse_operator", provider, username="lager")
    Warehouse.objects.create(
        code="FSC", name="FSC-lageret", kind="consignment", organisation=provider
    )
    bag = f.ProductFactory(gtin="5700000000011", name="SenSura Mio lukket pose", pieces_per_unit=30)
    contract = f.ContractFactory(ends_on=timezone.localdate() + dt.timedelta(days=365))
    f.price(contract, bag, "27.5000", dt.date(2023, 6, 1))
    return {"bag": bag}


def test_receive_count_and_recall(live_server: Any, page: Any, world: dict) -> None:
    expiry = (timezone.localdate() + dt.timedelta(days=500)).strftime("%y%m%d")
    login(page, live_server.url, "lager")  # the operator's start page: today's wave
    page.get_by_role("heading", name="Dagens bølge", level=1).wait_for()
    page.goto(f"{live_server.url}/lager/oversigt/")  # the stock pages' start page
    page.get_by_role("heading", name="Lager", level=1).wait_for()
    assert_accessible(page)

    # Receive: the number of pieces, then the scanner types the code and Enter.
    page.get_by_role("link", name="Modtag").first.click()
    page.get_by_role("heading", name="Modtag", level=1).wait_for()
    assert_accessible(page)
    page.get_by_label("Stk.").fill("90")
    page.get_by_label("Scan GS1-stregkoden").fill(f"(01)05700000000011(17){expiry}(10)R1")
    page.get_by_label("Scan GS1-stregkoden").press("Enter")
    page.get_by_text("Modtaget 90 stk. af GTIN 5700000000011, batch R1").wait_for()
    assert page.get_by_label("Scan GS1-stregkoden").evaluate("e => e === document.activeElement")
    page.get_by_label("Scan GS1-stregkoden").fill("(01)05700000000012(17)270930(10)X")
    page.get_by_label("Scan GS1-stregkoden").press("Enter")
    page.get_by_text("GTIN-nummerets kontrolciffer er forkert.").wait_for()
    assert_accessible(page)

    # Count the shelf: 87 found, three are missing.
    page.get_by_role("link", name="Optællinger").first.click()
    page.get_by_role("button", name="Start optælling").click()
    page.get_by_role("heading", name="Optælling", level=1).wait_for()
    assert_accessible(page)
    page.get_by_label("Optalt antal stk.").first.fill("87")
    page.get_by_label("Scan GS1-stregkoden").fill(f"(01)05700000000011(17){expiry}(10)R1")
    page.get_by_label("Scan GS1-stregkoden").press("Enter")
    page.get_by_role("cell", name="-3").wait_for()
    page.get_by_role("button", name="Bogfør optælling").click()
    page.get_by_text("Linje 1 (batch R1): vælg en årsag til differencen på -3.").wait_for()
    assert_accessible(page)
    page.get_by_label("Årsag, linje 1").select_option("missing")
    page.get_by_role("button", name="Bogfør optælling").click()
    page.get_by_text("Optællingen er bogført: 1 reguleringer.").wait_for()
    assert_accessible(page)
    lot = StockLot.objects.get(lot_number="R1")
    assert lot.on_hand_quantity == 87
    assert StockMove.objects.get(kind="adjustment").on_hand_delta == -3

    # A citizen got 15 pieces of R1; then the lot is recalled.
    citizen = f.CitizenFactory(first_name="Ann", last_name="Andersen")
    order = approved_order({world["bag"]: 15}, citizen=citizen)
    orders_allocate(order_ids=[order.pk])
    pick(order)
    page.get_by_role("link", name="Tilbagekaldelser").first.click()
    page.get_by_role("heading", name="Tilbagekaldelser", level=1).wait_for()
    assert_accessible(page)
    page.get_by_label("GTIN").fill("5700000000011")
    page.get_by_label("Batchnumre").fill("R1")
    page.get_by_label("Begrundelse").fill("Utæt klæbeflade")
    page.get_by_role("button", name="Tilbagekald og spær batchene").click()
    recall = Recall.objects.get()
    page.get_by_text(f"Tilbagekaldelse {recall.pk}: batchene er spærret.").wait_for()
    assert page.get_by_role("cell", name="Ann Andersen").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Opret 1 erstatningsordre").click()
    page.get_by_text("1 erstatningsordrer er oprettet.").wait_for()
    assert_accessible(page)
    assert Order.objects.get(replaces=order).channel == "recall"
    assert StockLot.objects.get(lot_number="R1").status == "recalled"


def test_caseworker_pauses_deliveries(live_server: Any, page: Any, world: dict) -> None:
    aarhus = f.municipality("751")
    f.make_user("caseworker", aarhus, username="cw")
    citizen = f.CitizenFactory(municipality=aarhus, first_name="Bo", last_name="Berg")
    login(page, live_server.url, "cw")
    page.goto(f"{live_server.url}/borgere/{citizen.pk}/")
    page.get_by_role("link", name="Sæt leveringer på pause eller genoptag dem").click()
    page.get_by_role("heading", name="Pauser i leveringen", level=1).wait_for()
    assert_accessible(page)
    page.get_by_label("Pausens første dag").fill(timezone.localdate().isoformat())
    page.get_by_label("Begrundelse").select_option("hospital_admission")
    page.get_by_role("button", name="Sæt leveringer på pause").click()
    page.get_by_text("Leveringerne er sat på pause.").wait_for()
    assert_accessible(page)
    assert DeliveryPause.objects.get().reason == "hospital_admission"
    page.get_by_role("link", name="Bo Berg").click()
    page.get_by_text("Leveringerne er sat på pause", exact=True).wait_for()
    assert_accessible(page)
