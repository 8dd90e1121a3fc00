"""Issue #8 §3: no personal data where it does not belong (URLs, logs, caches, CDNs)."""

import re
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.test import Client, override_settings

from forsyn.audit.models import AccessLogEntry
from forsyn.organisations.services import token_create
from tests import builders as b
from tests import factories as f
from tests.conftest import LogLines, cpr_numbers_in

pytestmark = pytest.mark.django_db

CPR = "0101551234"
STATIC_DIR = Path(settings.BASE_DIR) / "static"


@pytest.fixture
def w() -> dict[str, Any]:
    aarhus = f.municipality(b.AARHUS)
    cw = b.add_staff("caseworker", aarhus, username="cw")
    citizen = b.add_citizen(aarhus, cpr=CPR, last_name="Mortensen")
    return {"cw": cw, "citizen": citizen, "client": b.logged_in(cw)}


def test_cpr_search_by_api_and_page_leaves_no_cpr_in_logs_or_urls(
    w: dict[str, Any], no_cpr_in_logs: LogLines
) -> None:
    auth = {"Authorization": f"Bearer {token_create(user=w['cw'])}"}
    api = Client()
    found = api.post(
        "/api/v1/citizens/search",
        {"cpr": "010155-1234"},
        content_type="application/json",
        headers=auth,
    )
    assert [c["id"] for c in found.json()["items"]] == [w["citizen"].pk]
    page = w["client"].post("/borgere/", {"cpr": "010155-1234"})
    assert "1 borger fundet" in page.content.decode()
    # Every URL the pages send the browser to is free of CPR numbers.
    hrefs = re.findall(r'(?:href|action)="([^"]*)"', page.content.decode())
    assert f"/borgere/{w['citizen'].pk}/" in hrefs
    assert [h for h in hrefs if cpr_numbers_in(h) or "purpose=" in h or "cpr=" in h] == []
    # The old URL forms are refused instead of silently listing every citizen.
    refused = api.get("/api/v1/citizens", {"cpr": CPR}, headers=auth)
    assert (refused.status_code, refused.json()["detail"][0]["loc"]) == (422, ["query", "cpr"])
    # The guard sees the requests' log lines (here django.request's line for the 422) ...
    assert [line for line in no_cpr_in_logs.lines if line.startswith("django.request")] == [
        "django.request WARNING Unprocessable Entity: /api/v1/citizens"
    ]
    # ... and none of them holds a CPR number, nor does any redirect.
    assert [line for line in no_cpr_in_logs.lines if cpr_numbers_in(line)] == []
    assert all(not cpr_numbers_in(r.get("Location", "")) for r in (found, page, refused))


def test_search_pages_by_post(w: dict[str, Any]) -> None:
    for i in range(26):
        f.CitizenFactory(
            municipality=w["citizen"].municipality, last_name="Jensen", first_name=f"A{i:02d}"
        )
    first = w["client"].post("/borgere/", {"q": "Jensen"}).content.decode()
    assert "Side 1 af 2" in first
    assert '<button type="submit" class="button button-tertiary" name="page" value="2">' in first
    assert '<input type="hidden" name="q" value="Jensen">' in first
    second = w["client"].post("/borgere/", {"q": "Jensen", "page": "2"}).content.decode()
    assert "Side 2 af 2" in second
    assert "A25 Jensen" in second
    # A GET with search parameters (an old bookmark) searches nothing.
    assert "borger fundet" not in w["client"].get("/borgere/", {"q": "Jensen"}).content.decode()


def test_stated_purpose_expires(w: dict[str, Any]) -> None:
    agent = f.make_user("service_agent", f.service_centre(), username="agent")
    client = Client()
    client.force_login(agent)
    cid = w["citizen"].pk
    client.post(f"/borgere/{cid}/", {"purpose": "Borger ringer"})
    assert "Angiv et formål" not in client.get(f"/borgere/{cid}/").content.decode()
    session = client.session
    text, expires = session["forsyn_purposes"][str(cid)]
    assert (text, round(expires - time.time())) == ("Borger ringer", 30 * 60)
    session["forsyn_purposes"] = {str(cid): [text, time.time() - 1]}
    session.save()
    assert "Angiv et formål" in client.get(f"/borgere/{cid}/").content.decode()


def test_the_guard_recognises_cpr_numbers() -> None:
    assert cpr_numbers_in('"GET /api/v1/citizens?cpr=010155-1234 HTTP/1.1" 200') == [CPR]
    assert cpr_numbers_in("cpr=0101551234&q=x") == [CPR]
    # Not a date: not a CPR number; GTINs (13 digits) are not CPR runs.
    assert cpr_numbers_in("order 9999991234 gtin 5700000000011") == []


def test_purpose_travels_in_header_not_query(w: dict[str, Any]) -> None:
    agent = f.make_user("service_agent", f.service_centre(), username="agent")
    auth = {"Authorization": f"Bearer {token_create(user=agent)}"}
    cid = w["citizen"].pk
    in_url = Client().get(f"/api/v1/citizens/{cid}", {"purpose": "Opkald"}, headers=auth)
    assert (in_url.status_code, in_url.json()["detail"][0]["loc"]) == (422, ["query", "purpose"])
    assert AccessLogEntry.objects.count() == 0
    ok = Client().get(f"/api/v1/citizens/{cid}", headers={**auth, "X-Purpose": "Opkald"})
    assert ok.status_code == 200
    # Header bytes reach Django decoded as Latin-1: UTF-8 "ø" (C3 B8) and Latin-1 "ø" (F8).
    utf8 = "Opfølgning".encode().decode("latin-1")
    for sent in (utf8, "Opfølgning"):
        Client().get(f"/api/v1/citizens/{cid}", headers={**auth, "X-Purpose": sent})
    assert list(AccessLogEntry.objects.order_by("seq").values_list("purpose", flat=True)) == [
        "Opkald",
        "Opfølgning",
        "Opfølgning",
    ]


def test_stated_purpose_is_kept_in_session_not_url(w: dict[str, Any]) -> None:
    agent = f.make_user("service_agent", f.service_centre(), username="agent")
    client = Client()
    client.force_login(agent)
    cid = w["citizen"].pk
    page = client.post("/borgere/", {"cpr": CPR, "purpose": "Borger ringer"}).content.decode()
    assert f'href="/borgere/{cid}/"' in page
    detail = client.get(f"/borgere/{cid}/")
    assert detail.status_code == 200
    assert "purpose=" not in detail.content.decode()
    assert list(AccessLogEntry.objects.values_list("action", "purpose")) == [
        ("search", "Borger ringer"),
        ("view", "Borger ringer"),
    ]


def test_no_store_on_pages_and_api(w: dict[str, Any]) -> None:
    page = w["client"].get(f"/borgere/{w['citizen'].pk}/")
    auth = {"Authorization": f"Bearer {token_create(user=w['cw'])}"}
    api_ok = Client().get(f"/api/v1/citizens/{w['citizen'].pk}", headers=auth)
    api_error = Client().get("/api/v1/citizens/999999", headers=auth)
    unauthenticated = Client().get("/api/v1/citizens")
    for response, status in [(page, 200), (api_ok, 200), (api_error, 404), (unauthenticated, 401)]:
        assert response.status_code == status
        assert (response["Cache-Control"], response["Pragma"]) == ("no-store, private", "no-cache")
    # A public page to an anonymous visitor may be cached; no personal data is on it.
    assert "Cache-Control" not in Client().get("/tilgaengelighed/")


def _csp(response: Any) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (d.split() for d in response["Content-Security-Policy"].split(";"))
    }


def test_content_security_policy_header(w: dict[str, Any]) -> None:
    assert _csp(w["client"].get("/borgere/")) == {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }


def test_no_inline_script_or_style_in_templates() -> None:
    inline = re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*application/json)|<style|\sstyle=|\son[a-z]+="
    )
    # *_pdf.html (report_pdf.html, a parcel's delivery note and label) are rendered to PDF by
    # WeasyPrint, never served to a browser.
    offenders = [
        str(p.relative_to(settings.BASE_DIR))
        for p in Path(settings.BASE_DIR).rglob("templates/**/*.html")
        if inline.search(p.read_text(encoding="utf-8")) and not p.name.endswith("_pdf.html")
    ]
    assert offenders == []


def test_api_docs_use_only_local_static_files() -> None:
    docs = Client().get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert re.findall(r"https?://", html) == []
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls == [
        "/static/vendor/swagger-ui/swagger-ui.css",
        "/static/vendor/swagger-ui/swagger-ui-bundle.js",
        "/static/forsyn-swagger.js",
    ]
    for url in urls:
        assert (STATIC_DIR / url.removeprefix("/static/")).is_file(), url


def test_mail_goes_to_files_by_default_and_production_needs_a_backend() -> None:
    assert settings.EMAIL_FILE_PATH == settings.VAR_DIR / "mail"
    with override_settings(FORSYN_PRODUCTION=True, EMAIL_BACKEND_CONFIGURED=False):
        ids = [m.id for m in run_checks(include_deployment_checks=True)]
        assert "forsyn.E310" in ids
    with override_settings(FORSYN_PRODUCTION=True, EMAIL_BACKEND_CONFIGURED=True):
        assert "forsyn.E310" not in [m.id for m in run_checks(include_deployment_checks=True)]


def test_every_log_handler_masks_cpr_numbers() -> None:
    """A client may put a CPR number in a URL forsyn refuses (422); the request log repeats the
    URL. Every configured handler masks valid CPR numbers and leaves other numbers alone."""
    import logging

    from forsyn.core.logfilters import mask_cpr

    assert mask_cpr("GET /api/v1/citizens?cpr=2001843124 x 200184-3124") == (
        "GET /api/v1/citizens?cpr=<CPR> x <CPR>"
    )
    assert mask_cpr("order 1234567890, GTIN 5700000000011") == (
        "order 1234567890, GTIN 5700000000011"
    )
    handlers = [
        *logging.getLogger().handlers,
        *logging.getLogger("django.server").handlers,
    ]
    configured = [h for h in handlers if type(h) is logging.StreamHandler]
    assert len(configured) == 2
    for handler in configured:
        record = logging.LogRecord(
            "django.server",
            logging.INFO,
            __file__,
            1,
            '"GET /?cpr=%s HTTP/1.1" 422',
            ("2001843124",),
            None,
        )
        record.server_time = "25/Nov/2026 18:40:00"
        assert all(f.filter(record) for f in handler.filters)
        assert "2001843124" not in handler.format(record)
        assert "<CPR>" in handler.format(record)


@pytest.mark.parametrize(
    ("purpose", "ok"), [(".", False), ("x", False), ("1234", False), ("Ring", True)]
)
def test_a_purpose_must_say_something(w: dict[str, Any], purpose: str, ok: bool) -> None:
    from forsyn.audit.models import AccessLogEntry
    from forsyn.organisations.services import token_create

    agent = f.make_user("service_agent", f.service_centre(), username="agent")
    response = Client().get(
        f"/api/v1/citizens/{w['citizen'].pk}",
        headers={"Authorization": f"Bearer {token_create(user=agent)}", "X-Purpose": purpose},
    )
    if ok:
        assert response.status_code == 200
        assert AccessLogEntry.objects.get().purpose == "Ring"
        return
    assert (response.status_code, response.json()["detail"][0]["code"]) == (
        422,
        "purpose_too_short",
    )
    assert response.json()["detail"][0]["params"] == {"min": 4}
    assert AccessLogEntry.objects.count() == 0


def test_demo_mail_files_are_readable_by_their_owner_only(tmp_path: Any) -> None:
    """Receipts name a citizen's health products: var/mail/ and its files are not
    world-readable."""
    import stat

    from django.core.mail import get_connection, send_mail

    folder = tmp_path / "mail"
    connection = get_connection("forsyn.core.mail.PrivateFileBackend", file_path=str(folder))
    send_mail("Kvittering", "2 × stomipose", None, ["borger@example.dk"], connection=connection)
    (written,) = list(folder.iterdir())
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert "2 × stomipose" in written.read_text()
