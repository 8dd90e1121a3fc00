"""Browser tests: Playwright for Python driving Debian's Chromium, axe-core from npm.

Without /usr/bin/chromium the tests skip, unless FORSYN_REQUIRE_SYSTEM_DEPS=1 (.ci/run sets it),
where a missing browser is a failure.
"""

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ensure_reference_data

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Playwright's sync API runs an event loop in this thread; the Django ORM calls the tests make
# to set up data are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("FORSYN_REQUIRE_SYSTEM_DEPS") == "1":
            pytest.fail("Chromium is required (apt-get install chromium)")
        pytest.skip("no /usr/bin/chromium: browser tests skipped (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    # bypass_csp: axe-core is injected as an inline script; tests/e2e/test_csp.py checks the
    # CSP itself with a context that does not bypass it.
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="da-DK", bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core in the page; return WCAG 2.1 A/AA violations (id, impact, targets)."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_TAGS,
    )
    return [
        {"id": v["id"], "impact": v["impact"], "targets": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
    ]


def assert_accessible(page: Any) -> None:
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=2, ensure_ascii=False)


@pytest.fixture(autouse=True)
def reference_data(transactional_db: Any) -> None:
    ensure_reference_data()
