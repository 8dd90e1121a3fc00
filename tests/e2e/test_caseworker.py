"""A caseworker logs in, finds a citizen and edits a grant — in a real browser, on a phone-sized
screen, with axe-core checking every page for WCAG 2.1 A/AA violations."""

from typing import Any

import pytest

from forsyn.grants.models import GrantEvent, GrantLine
from tests import factories as f
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_caseworker_finds_citizen_and_edits_grant(live_server: Any, page: Any) -> None:
    aarhus = f.municipality("751")
    f.make_user("caseworker", aarhus, username="cw")
    citizen = f.CitizenFactory(municipality=aarhus, first_name="Grethe", last_name="Mortensen")
    bag = f.ProductFactory(gtin="5700000000011", name="SenSura Mio lukket pose midi")
    line = f.GrantLineFactory(
        grant=f.GrantFactory(citizen=citizen), product=bag, pieces_per_month=60
    )

    page.goto(f"{live_server.url}/login/")
    assert_accessible(page)
    page.get_by_label("Brugernavn").fill("cw")
    page.get_by_label("Adgangskode").fill("pw-for-tests-1")
    page.get_by_role("button", name="Log ind").click()

    page.get_by_label("Navn eller adresse").fill("Mortensen")
    page.get_by_role("button", name="Søg").click()
    # is_visible() does not wait: on a loaded machine the answer to the POST may come later.
    page.get_by_role("heading", name="1 borger fundet").wait_for()
    assert page.get_by_role("heading", name="1 borger fundet").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Grethe Mortensen").click()
    assert page.get_by_role("heading", name="Grethe Mortensen", level=1).is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Stomi · Aarhus Kommune").click()
    page.get_by_role("link", name="Ret bevilling og linjer").click()
    assert_accessible(page)
    page.locator("#id_lines-0-pieces_per_month").fill("90")
    page.get_by_role("button", name="Gem bevilling").click()

    assert page.get_by_text("Bevillingen er gemt.").is_visible()
    assert page.get_by_text("Linje ændret: 5700000000011").is_visible()
    assert_accessible(page)
    line.refresh_from_db()
    assert line.pieces_per_month == 90
    assert GrantEvent.objects.filter(grant=line.grant, kind="line_changed").count() == 1


def test_validation_errors_are_shown_in_the_browser(live_server: Any, page: Any) -> None:
    aarhus = f.municipality("751")
    f.make_user("caseworker", aarhus, username="cw2")
    citizen = f.CitizenFactory(municipality=aarhus, first_name="Bent", last_name="Holm")
    f.ProductFactory(gtin="5700000000028", name="Brava plasterfjerner")
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Brugernavn").fill("cw2")
    page.get_by_label("Adgangskode").fill("pw-for-tests-1")
    page.get_by_role("button", name="Log ind").click()
    page.goto(f"{live_server.url}/borgere/{citizen.pk}/bevillinger/ny/")
    page.get_by_label("Produktområde").select_option("stoma")
    page.get_by_label("Status").select_option("active")
    page.get_by_label("Gyldig fra").fill("2026-12-01")
    page.locator("#id_valid_until").fill("2026-01-01")
    page.get_by_role("button", name="Gem bevilling").click()
    assert page.get_by_text("Ret venligst fejlene nedenfor.").is_visible()
    assert page.get_by_text("skal ligge efter startdatoen").is_visible()
    assert page.get_by_text("en aktiv bevilling har mindst én linje").is_visible()
    assert_accessible(page)
    assert GrantLine.objects.filter(grant__citizen=citizen).count() == 0
