"""The Content-Security-Policy holds in a real browser: no page forsyn serves needs inline
script or style (issue #8 §3). The context here does not bypass the CSP (unlike the `page`
fixture, which must inject axe-core), and every `securitypolicyviolation` is collected."""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.test_ordering import staff_login, world  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

COLLECT = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@pytest.fixture
def strict_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="da-DK")
    context.add_init_script(COLLECT)
    page = context.new_page()
    page.set_default_timeout(15_000)
    console: list[str] = []
    page.on(
        "console",
        lambda msg: (
            console.append(page.url + " " + msg.text[:90])
            if "Content Security Policy" in msg.text
            else None
        ),
    )
    page.csp_console = console
    yield page
    context.close()


def violations(page: Any) -> list[str]:
    return [*page.evaluate("window.__cspViolations"), *page.csp_console]


def test_pages_run_under_the_csp_without_violations(
    live_server: Any,
    strict_page: Any,
    world: dict,  # noqa: F811
) -> None:
    page, base = strict_page, live_server.url
    seen: dict[str, list[str]] = {}
    page.goto(f"{base}/login/")
    seen["login"] = violations(page)
    staff_login(page, base, "cw")
    page.goto(f"{base}/borgere/")
    page.get_by_label("Navn eller adresse").fill("Mortensen")
    page.get_by_role("button", name="Søg").click()
    page.get_by_text("1 borger fundet").wait_for()
    seen["citizen search"] = violations(page)
    page.goto(f"{base}/api/v1/docs")
    page.locator(".swagger-ui .information-container").wait_for()
    seen["api docs"] = violations(page)
    page.context.clear_cookies()
    # The citizen portal through the SAML test IdP, whose POST-binding page submits itself.
    page.goto(f"{base}/borger/")
    page.get_by_role("link", name="Log ind med MitID").click()
    page.get_by_label("CPR-nummer").fill("0101551234")
    page.get_by_label("Navn").fill("Karen Mortensen")
    page.get_by_role("button", name="Log ind").click()
    page.get_by_role("heading", name="Mine produkter", level=1).wait_for()
    seen["portal"] = violations(page)
    assert seen == {"login": [], "citizen search": [], "api docs": [], "portal": []}
