"""The warehouse in a real browser (issue #10 §4–5): receive by typed scans → start today's
wave → pick by typed scans → cut the base plates → pack (delivery note and label) → ship → the
carrier simulator delivers over the signed webhook → the citizen sees "Leveret" with the
tracking number. axe-core checks every page for WCAG 2.1 A/AA violations."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from forsyn.catalogue.models import Participation
from forsyn.fulfilment.carrier_simulator import carrier_simulate
from forsyn.fulfilment.models import Parcel, Warehouse
from forsyn.orders.models import Order
from forsyn.orders.services import DeliveryInput, LineInput, order_place
from tests import factories as f
from tests.contexts import ctx
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_ordering import citizen_login, staff_login

pytestmark = pytest.mark.django_db(transaction=True)
BAG, PLATE = "5700000000011", "5700000000028"


def gs1(gtin: str, lot: str, expiry: dt.date) -> str:
    """What a handheld scanner types for a GS1 DataMatrix, in its bracketed form."""
    return f"(01)0{gtin}(17){expiry:%y%m%d}(10){lot}"


@pytest.fixture
def world(settings: Any) -> dict[str, Any]:
    settings.FORSYN_TEST_IDP = True
    aarhus = f.municipality("751")
    Participation.objects.create(
        organisation=aarhus, product_area=f.area(), go_live_on=dt.date(2023, 6, 1)
    )
    citizen = f.CitizenFactory(
        municipality=aarhus, cpr="0101551234", first_name="Karen", last_name="Mortensen"
    )
    bag = f.ProductFactory(gtin=BAG, name="SenSura Mio lukket pose midi", pieces_per_unit=30)
    plate = f.ProductFactory(
        gtin=PLATE, name="SenSura Mio basisplade", pieces_per_unit=10, cut_min_mm=10, cut_max_mm=60
    )
    contract = f.ContractFactory(ends_on=timezone.localdate() + dt.timedelta(days=800))
    f.price(contract, bag, "27.5000", dt.date(2023, 6, 1))
    f.price(contract, plate, "41.0000", dt.date(2023, 6, 1))
    grant = f.GrantFactory(
        citizen=citizen, valid_from=timezone.localdate() - dt.timedelta(days=400)
    )
    f.GrantLineFactory(grant=grant, product=bag, pieces_per_month=30)
    f.GrantLineFactory(grant=grant, product=plate, pieces_per_month=10, hole_size_mm=25)
    caseworker = f.make_user("caseworker", aarhus, username="cw")
    order, _ = order_place(
        ctx=ctx(caseworker),
        citizen_id=citizen.pk,
        lines=[LineInput(BAG, 1), LineInput(PLATE, 1)],
        delivery=DeliveryInput(),
    )
    assert order.status == "approved"
    # Placed yesterday: before any cut-off today's wave can have.
    Order.objects.filter(pk=order.pk).update(placed_at=timezone.now() - dt.timedelta(days=1))
    provider = f.OrganisationFactory(kind="logistics_provider", code="LOGI", name="Lagerhuset")
    Warehouse.objects.create(
        code="FSC", name="FSC-lageret", kind="consignment", organisation=provider
    )
    f.make_user("warehouse_operator", provider, username="lager")
    return {"order": order}


def test_receive_wave_pick_cut_pack_ship_deliver(
    live_server: Any, browser: Any, page: Any, world: dict
) -> None:
    expiry = timezone.localdate() + dt.timedelta(days=700)
    staff = browser.new_context(
        viewport={"width": 1200, "height": 900}, locale="da-DK", bypass_csp=True
    ).new_page()
    staff_login(staff, live_server.url, "lager")
    staff.get_by_role("heading", name="Dagens bølge", level=1).wait_for()
    assert_accessible(staff)

    # Receive: the scan field has the focus; a scanner types the string and Enter.
    staff.get_by_role("link", name="Varemodtagelse").click()
    assert_accessible(staff)
    for gtin, lot, pieces in ((BAG, "B1", "90"), (PLATE, "P1", "40")):
        staff.get_by_label("Stk.", exact=True).fill(pieces)
        staff.get_by_label("Scan").fill(gs1(gtin, lot, expiry))
        staff.get_by_label("Scan").press("Enter")
        staff.get_by_text(f"Modtaget {pieces} stk. af GTIN {gtin}, batch {lot}").wait_for()

    # Today's wave: a job run; without a broker it has run when the page answers.
    staff.goto(f"{live_server.url}/lager/")
    staff.get_by_role("button", name="Start bølge").click()
    staff.get_by_text("Bølgen er klar: begynd at plukke.").wait_for()
    assert_accessible(staff)

    # Pick by typed scans; a wrong lot is refused in Danish first.
    staff.get_by_role("link", name="Pluk", exact=True).click()
    staff.get_by_label("Scan").fill(gs1(BAG, "NOPE", expiry))
    staff.get_by_label("Scan").press("Enter")
    staff.get_by_text("Den scannede batch findes ikke på lageret").wait_for()
    assert_accessible(staff)
    for _ in range(2):
        lot = staff.locator(".pick-facts dd.pick-big").nth(1).inner_text().split(" ")[0]
        gtin = PLATE if lot == "P1" else BAG
        staff.get_by_label("Scan").fill(gs1(gtin, lot, expiry))
        staff.get_by_label("Scan").press("Enter")
        staff.get_by_text(f"fra batch {lot}").wait_for()
    staff.get_by_text("Alt i denne bølge er plukket.").wait_for()
    assert_accessible(staff)

    # Hole-cutting: the base plates to 25 mm.
    staff.get_by_role("link", name="Videre til hulklip").click()
    assert staff.get_by_text("25 mm").first.is_visible()
    assert_accessible(staff)
    staff.get_by_role("button", name="Bekræft klip").click()
    staff.get_by_text("Klippet 10 af 10 basisplader til 25 mm.").wait_for()

    # Pack: an SSCC, the delivery note and the label.
    staff.get_by_role("link", name="Pak", exact=True).click()
    staff.get_by_role("button", name="Pak pakke 1").click()
    staff.get_by_text("Pakke 1 er pakket: SSCC").wait_for()
    assert_accessible(staff)
    parcel = Parcel.objects.get()
    for name in ("Følgeseddel, pakke 1 (PDF)", "Etiket, pakke 1 (PDF)"):
        href = staff.get_by_role("link", name=name).get_attribute("href")
        pdf = staff.request.get(f"{live_server.url}{href}")
        assert (pdf.status, pdf.headers["content-type"], pdf.body()[:5]) == (
            200,
            "application/pdf",
            b"%PDF-",
        )

    # Ship: the carrier books it.
    staff.get_by_role("link", name="Send", exact=True).click()
    staff.get_by_role("button", name="Send pakke 1").click()
    parcel.refresh_from_db()
    staff.get_by_text(f"Pakke 1 er sendt: sporingsnummer {parcel.tracking_number}.").wait_for()
    assert_accessible(staff)

    # The carrier simulator reports the delivery to the signed webhook, over HTTP.
    done = carrier_simulate(status="delivered", url=f"{live_server.url}/api/v1/carrier/events")
    assert (done.status, done.tracking_numbers) == (200, [parcel.tracking_number])
    order = Order.objects.get()
    assert order.status == "delivered"

    # The citizen sees the parcel delivered, with its tracking number.
    citizen_login(page, live_server.url)
    page.get_by_role("link", name="Mine bestillinger").first.click()
    assert page.get_by_text("Leveret").first.is_visible()
    assert page.get_by_text(parcel.tracking_number).is_visible()
    assert_accessible(page)
