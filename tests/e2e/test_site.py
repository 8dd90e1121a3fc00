"""The site shell in a real browser (issue #9 §6): the main pages of several roles on a 390 px phone
and a 1280 px screen, each with 0 axe-core WCAG 2.1 A/AA violations, no page wider than the
phone, the language switch visible and focusable, and the DKFDS header, menu and footer in place.
Screenshots go to /tmp/forsyn-site/ for a person to look at."""

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.e2e.conftest import assert_accessible
from tests.test_access_log_walk import World

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(tempfile.gettempdir()) / "forsyn-site"
PHONE, DESKTOP = 390, 1280


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture
def as_user(browser: Any, live_server: Any, world: World) -> Iterator[Any]:
    """`as_user("cw", width)`: a browser page logged in as one of the walk's users."""
    contexts: list[Any] = []

    def open_page(who: str, width: int) -> Any:
        client = Client()
        client.force_login(world.users[who])
        context = browser.new_context(
            viewport={"width": width, "height": 844}, locale="da-DK", bypass_csp=True
        )
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def check_page(page: Any, url: str, name: str, width: int, status: int = 200) -> None:
    response = page.goto(url)
    assert response.status == status, url
    assert "{#" not in page.content(), name
    assert "{%" not in page.content(), name
    page.wait_for_load_state("load")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    assert_accessible(page)
    # Nothing makes the page wider than the screen: wide tables scroll inside their region.
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    switch = page.get_by_role("button", name="English")
    assert switch.is_visible(), name
    switch.focus()
    assert page.evaluate("document.activeElement.textContent.trim()") == "English"
    # The header's logo and the footer's accessibility statement are on every page.
    assert page.get_by_role("link", name="forsyn, Fælles Service Center: til forsiden").is_visible()
    footer_link = page.get_by_role("contentinfo").get_by_role(
        "link", name="Tilgængelighedserklæring"
    )
    assert footer_link.get_attribute("href") == "/tilgaengelighed/"


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_caseworker_pages(live_server: Any, as_user: Any, world: World, width: int) -> None:
    page, base = as_user("cw", width), live_server.url
    check_page(page, f"{base}/borgere/", "cw-search", width)
    page.get_by_label("Navn eller adresse").fill("Andersen")
    page.get_by_role("button", name="Søg").click()
    page.get_by_role("heading", name="2 borgere fundet").wait_for()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(SHOTS / f"cw-search-results-{width}.png"), full_page=True)

    check_page(page, f"{base}/borgere/{world.ann.pk}/", "cw-citizen", width)
    orders = page.get_by_role("region", name="Bestillinger")
    assert orders.get_by_text("Afventer godkendelse").is_visible()
    assert orders.get_by_text("Godkendt").first.is_visible()
    check_page(page, f"{base}/bevillinger/{world.grant.pk}/", "cw-grant", width)
    check_page(page, f"{base}/godkendelser/", "cw-approvals", width)
    check_page(page, f"{base}/produkter/", "cw-products", width)
    check_page(page, f"{base}/koersler/", "cw-jobs", width)
    check_page(page, f"{base}/analyse/", "cw-403", width, status=403)
    assert page.get_by_role("heading", name="Du har ikke adgang", level=1).is_visible()

    page.goto(f"{base}/borgere/")
    if width == PHONE:
        # The main menu is in the DKFDS drawer behind the "Menu" button.
        assert not page.get_by_role("navigation", name="Hovedmenu").first.is_visible()
        page.get_by_role("button", name="Menu").click()
        drawer = page.get_by_role("dialog", name="Menu")
        drawer.get_by_role("link", name="Godkendelser").wait_for()
        drawer.evaluate("el => Promise.all(el.getAnimations().map(a => a.finished))")
        page.screenshot(path=str(SHOTS / f"cw-menu-{width}.png"))
        assert_accessible(page)
        assert drawer.get_by_role("button", name="Log af").is_visible()
        drawer.get_by_role("button", name="Luk").click()
        assert not drawer.is_visible()
    else:
        menu = page.locator(".navigation-menu").get_by_role("navigation", name="Hovedmenu")
        assert menu.get_by_role("link", name="Borgere").get_attribute("aria-current") == "page"
        assert menu.get_by_role("link", name="Godkendelser").get_attribute("aria-current") is None
        # The menu starts where the content starts (both in the DKFDS container).
        menu_left = menu.get_by_role("link", name="Borgere").bounding_box()["x"]
        heading_left = page.get_by_role("heading", level=1).bounding_box()["x"]
        assert abs(menu_left - heading_left) <= 16


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_analyst_and_citizen_pages(
    live_server: Any, as_user: Any, world: World, width: int
) -> None:
    base = live_server.url
    analyst = as_user("analyst", width)
    check_page(analyst, f"{base}/analyse/", "analyst-index", width)
    check_page(analyst, f"{base}/analyse/forbrug/", "analyst-consumption", width)
    check_page(analyst, f"{base}/borgere/", "analyst-403", width, status=403)

    citizen = as_user("ann", width)
    check_page(citizen, f"{base}/borger/{world.ann.pk}/", "citizen-products", width)
    check_page(citizen, f"{base}/borger/{world.ann.pk}/bestillinger/", "citizen-history", width)
    check_page(citizen, f"{base}/godkendelser/", "citizen-403", width, status=403)

    ward = as_user("ward", width)
    check_page(ward, f"{base}/afdelingslager/", "ward-order", width)
    check_page(ward, f"{base}/finnes-ikke/", "ward-404", width, status=404)


def test_without_javascript_the_phone_menu_shows_inline(
    browser: Any, live_server: Any, world: World
) -> None:
    client = Client()
    client.force_login(world.users["cw"])
    context = browser.new_context(
        viewport={"width": PHONE, "height": 844},
        locale="da-DK",
        bypass_csp=True,
        java_script_enabled=False,
    )
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/borgere/")
    page.screenshot(path=str(SHOTS / "cw-nojs-390.png"), full_page=True)
    menu = page.locator(".navigation-menu").get_by_role("navigation", name="Hovedmenu")
    assert menu.get_by_role("link", name="Godkendelser").is_visible()
    assert page.locator(".portal-info").get_by_role("button", name="Log af").is_visible()
    assert not page.get_by_role("button", name="Menu").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    context.close()
