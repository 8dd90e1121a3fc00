"""Ordering in a real browser: a citizen logs in through the (real SAML) test IdP and orders; an
over-quota order lands in the caseworker's queue and is approved; a service agent orders by
phone. axe-core checks every citizen page for WCAG 2.1 A/AA violations."""

from typing import Any

import pytest

from forsyn.orders.models import Order
from tests import builders as b
from tests import factories as f
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(settings: Any) -> dict[str, Any]:
    settings.FORSYN_TEST_IDP = True
    world = b.build_world(
        last_name="Mortensen", email="karen@example.dk", bag_name="SenSura Mio lukket pose midi"
    )
    b.add_staff("caseworker", world.municipality, username="cw")
    b.add_staff("service_agent", f.service_centre(), username="agent")
    return {"citizen": world.citizen}


def citizen_login(page: Any, base: str, cpr: str = "0101551234") -> None:
    page.goto(f"{base}/borger/")
    assert_accessible(page)
    page.get_by_role("link", name="Log ind med MitID").click()
    page.get_by_label("CPR-nummer").fill(cpr)
    page.get_by_label("Navn").fill("Karen Mortensen")
    page.get_by_role("button", name="Log ind").click()
    page.get_by_role("heading", name="Mine produkter", level=1).wait_for()


def order_packs(page: Any, packs: int, confirm: str = "Bekræft din bestilling") -> None:
    """Order `packs` packs of the only product; staff confirm "Bekræft bestillingen"."""
    page.get_by_label("Antal pakninger").fill(str(packs))
    page.get_by_role("button", name="Fortsæt").click()
    page.get_by_role("heading", name=confirm).wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Bestil", exact=True).click()
    page.get_by_role("heading", name="Kvittering").wait_for()


def staff_login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill("pw-for-tests-1")
    page.get_by_role("button", name="Log ind").click()


def test_citizen_logs_in_orders_and_sees_history(live_server: Any, page: Any, world: dict) -> None:
    citizen_login(page, live_server.url)
    assert page.get_by_text("Du kan bestille 90 stk. nu").is_visible()
    assert_accessible(page)
    page.get_by_label("Antal pakninger").fill("1")
    page.get_by_role("button", name="Fortsæt").click()
    page.get_by_role("heading", name="Bekræft din bestilling").wait_for()
    final = page.locator("form", has=page.get_by_role("button", name="Bestil", exact=True))
    action, body = final.evaluate(
        "f => [f.action, new URLSearchParams(new FormData(f)).toString()]"
    )
    page.get_by_role("button", name="Bestil", exact=True).click()
    page.get_by_role("heading", name="Kvittering").wait_for()
    assert page.get_by_text("er modtaget").is_visible()
    assert_accessible(page)
    # The confirmation posted again (a double click; the page itself is no-store, so the back
    # button cannot show it again) never makes a second order: same idempotency key.
    again = page.request.post(
        action,
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": action},
    )
    assert again.ok
    assert Order.objects.count() == 1
    page.get_by_role("link", name="Mine bestillinger").first.click()
    assert page.get_by_role("heading", name=f"Bestilling {Order.objects.get().pk}").is_visible()
    assert page.get_by_text("Godkendt").first.is_visible()
    assert_accessible(page)
    order = Order.objects.get()
    assert (order.status, order.channel, order.citizen_id) == (
        "approved",
        "web",
        world["citizen"].pk,
    )


def test_over_quota_order_is_approved_by_the_caseworker(
    live_server: Any, browser: Any, page: Any, world: dict
) -> None:
    citizen_login(page, live_server.url)
    order_packs(page, 4)
    assert page.get_by_text("en sagsbehandler ser på bestillingen").is_visible()
    order = Order.objects.get()
    assert order.status == "awaiting_approval"

    staff = browser.new_context(
        viewport={"width": 1200, "height": 900},
        bypass_csp=True,  # axe is injected inline
    ).new_page()
    staff_login(staff, live_server.url, "cw")
    staff.get_by_role("link", name="Godkendelser").click()
    assert staff.get_by_text(
        "120 stk. i én bestilling er mere end 3 måneders forbrug (90 stk.)"
    ).is_visible()
    assert_accessible(staff)
    staff.get_by_label("Besked til borgeren").fill("Godkendt: ekstra forbrug efter operation")
    staff.get_by_role("button", name=f"Godkend bestilling {order.pk}").click()
    # htmx swaps the card in place (no page load); without JavaScript the page reloads.
    staff.get_by_text(f"Bestilling {order.pk} er godkendt.").wait_for()
    assert staff.url.endswith("/godkendelser/")
    assert_accessible(staff)
    order.refresh_from_db()
    assert (order.status, order.decision_message) == (
        "approved",
        "Godkendt: ekstra forbrug efter operation",
    )

    page.get_by_role("link", name="Mine bestillinger").first.click()
    assert page.get_by_text("Godkendt: ekstra forbrug efter operation").is_visible()


def test_agent_orders_by_phone(live_server: Any, page: Any, world: dict) -> None:
    page.set_viewport_size({"width": 1200, "height": 900})
    staff_login(page, live_server.url, "agent")
    page.get_by_label("CPR-nummer").fill("010155-1234")
    page.get_by_label("Formål").fill("Borger ringer for at bestille")
    page.get_by_role("button", name="Søg").click()
    page.get_by_role("link", name="Karen Mortensen").click()
    page.get_by_role("link", name="Bestil på borgerens vegne").click()
    assert page.get_by_text("Du bestiller på vegne af Karen Mortensen.").is_visible()
    # Staff see wording about the citizen, never the citizen's own "Mine produkter".
    assert page.get_by_role("link", name="Borgerens produkter").is_visible()
    assert page.get_by_role("link", name="Mine produkter").count() == 0
    page.get_by_label("Pakkeboks", exact=True).check()
    # Required when a parcel locker is chosen: the label says so, never "(valgfri)".
    page.get_by_label("Pakkeboks (skal vælges ved pakkeboks)").select_option(index=1)
    order_packs(page, 2, confirm="Bekræft bestillingen")
    order = Order.objects.get()
    assert (order.channel, order.status, order.parcel_locker) == (
        "phone",
        "approved",
        "Pakkeboks Føtex Frederiks Allé, 8000 Aarhus C",
    )


def test_hospital_orders_ward_stock(live_server: Any, page: Any, world: dict) -> None:
    f.make_user("hospital_orderer", f.hospital_unit(), username="ward")
    staff_login(page, live_server.url, "ward")
    # On a phone the main menu is in the DKFDS drawer behind "Menu" (docs/adr/0016).
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("dialog", name="Menu").get_by_role("link", name="Afdelingslager").click()
    page.get_by_role("heading", name="Afdelingslager", level=1).wait_for()
    assert_accessible(page)
    page.get_by_label("Produkt, linje 1").select_option("5700000000011")
    page.get_by_label("Pakninger, linje 1").fill("5")
    page.get_by_label("Pakninger, linje 2").fill("1")  # forgot the product: an error
    page.get_by_role("button", name="Bestil til afdelingen").click()
    page.get_by_text("Vælg produktet.").wait_for()
    assert_accessible(page)
    assert Order.objects.count() == 0
    page.get_by_label("Pakninger, linje 2").fill("")
    page.get_by_role("button", name="Bestil til afdelingen").click()
    page.get_by_text("er afgivet").wait_for()
    order = Order.objects.get()
    assert (order.kind, order.status, order.citizen_id) == ("ward", "approved", None)
    assert list(order.lines.values_list("order_units", "pieces")) == [(5, 150)]
