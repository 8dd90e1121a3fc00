"""Staff pages: a caseworker finds a citizen and edits a grant (Danish by default)."""

import datetime as dt

import pytest
from django.test import Client

from forsyn.audit.models import AccessLogEntry
from forsyn.grants.models import Grant, GrantEvent, GrantLine
from tests import builders as b
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def w() -> dict:
    cw = b.add_staff("caseworker", f.municipality(b.AARHUS), username="cw")
    world = b.build_world(
        participating=False,
        cpr=None,
        first_name="Grethe",
        last_name="Mortensen",
        bag_name="SenSura Mio lukket pose",
        pieces_per_month=60,
        grant_from=b.GRANTED_ON,
    )
    return {
        "cw": cw,
        "citizen": world.citizen,
        "grant": world.grant,
        "line": world.line,
        "client": b.logged_in(cw),
        "bag": world.bag,
    }


def test_login_page_is_danish_and_anonymous_is_redirected() -> None:
    client = Client()
    assert client.get("/borgere/").status_code == 302
    page = client.get("/login/").content.decode()
    assert '<html lang="da">' in page
    assert "Log ind for medarbejdere" in page
    assert 'href="/tilgaengelighed/"' in page
    # The browser's language does not switch it; the user's choice does.
    assert "Log ind" in Client(headers={"Accept-Language": "en"}).get("/login/").content.decode()
    chooser = Client()
    assert chooser.post("/i18n/setlang/", {"language": "en", "next": "/login/"}).status_code == 302
    english = chooser.get("/login/").content.decode()
    assert '<html lang="en">' in english
    assert "Log in for staff" in english


def test_wrong_password_message() -> None:
    page = Client().post("/login/", {"username": "x", "password": "y"}).content.decode()
    assert "Brugernavn eller adgangskode er forkert." in page


def test_search_and_detail(w: dict) -> None:
    page = w["client"].post("/borgere/", {"q": "Mortensen"}).content.decode()
    assert "1 borger fundet" in page
    assert f"/borgere/{w['citizen'].pk}/" in page
    detail = w["client"].get(f"/borgere/{w['citizen'].pk}/").content.decode()
    assert "Grethe Mortensen" in detail
    assert "SenSura Mio lukket pose" in detail
    assert AccessLogEntry.objects.filter(citizen_id=w["citizen"].pk).count() == 2
    bad = w["client"].post("/borgere/", {"cpr": "123"}).content.decode()
    assert "er ikke et gyldigt CPR-nummer (ddmmåå-xxxx)" in bad
    assert "is not a valid CPR number" not in bad


def test_other_municipality_citizen_is_404(w: dict) -> None:
    other = f.CitizenFactory(municipality=f.municipality("461"))
    assert w["client"].get(f"/borgere/{other.pk}/").status_code == 404
    assert w["client"].get(f"/borgere/{other.pk}/bevillinger/ny/").status_code == 404


def _line_post(prefix_rows: list[dict], total: int | None = None) -> dict:
    data = {
        "lines-TOTAL_FORMS": str(total or len(prefix_rows)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "100",
    }
    for i, row in enumerate(prefix_rows):
        for key, value in row.items():
            data[f"lines-{i}-{key}"] = value
    return data


def test_create_grant_through_the_form(w: dict) -> None:
    data = {
        "product_area": "stoma",
        "legal_basis": "sel_112",
        "status": "active",
        "valid_from": "2026-12-01",
        "case_number": "27.27.08-G01-7-26",
        "valid_until": "",
        "follow_up_on": "2027-12-01",
        "note": "",
    }
    data |= _line_post(
        [
            {"product": "5700000000011", "pieces_per_month": "30"},
            {"product": "", "category": "", "pieces_per_month": ""},
        ]
    )
    response = w["client"].post(f"/borgere/{w['citizen'].pk}/bevillinger/ny/", data)
    grant = Grant.objects.exclude(pk=w["grant"].pk).get()
    assert response.status_code == 302
    assert response["Location"] == f"/bevillinger/{grant.pk}/"
    assert (grant.status, grant.case_number, grant.follow_up_on) == (
        "active",
        "27.27.08-G01-7-26",
        dt.date(2027, 12, 1),
    )
    assert list(grant.lines.values_list("product__gtin", "pieces_per_month")) == [
        ("5700000000011", 30)
    ]


def test_create_grant_errors_are_shown_and_nothing_saved(w: dict) -> None:
    data = {
        "product_area": "stoma",
        "legal_basis": "sel_112",
        "status": "active",
        "valid_from": "2026-12-01",
        "valid_until": "2026-01-01",
    }
    data |= _line_post(
        [{"product": "5700000000011", "pieces_per_month": "30", "hole_size_mm": "20"}]
    )
    before = (Grant.objects.count(), GrantLine.objects.count())
    page = w["client"].post(f"/borgere/{w['citizen'].pk}/bevillinger/ny/", data).content.decode()
    assert "Ret venligst fejlene nedenfor." in page
    assert "skal ligge efter startdatoen" in page
    assert "produktet kan ikke tilklippes" in page
    assert "must be after valid from" not in page
    assert (Grant.objects.count(), GrantLine.objects.count()) == before


def test_edit_grant_lines_and_history(w: dict) -> None:
    grant, line = w["grant"], w["line"]
    data = {
        "valid_from": "2025-01-15",
        "valid_until": "",
        "follow_up_on": "",
        "case_number": "S-1",
        "note": "",
    }
    data |= _line_post(
        [{"line_id": str(line.pk), "product": "5700000000011", "pieces_per_month": "90"}]
    )
    data["lines-INITIAL_FORMS"] = "1"
    response = w["client"].post(f"/bevillinger/{grant.pk}/rediger/", data)
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.pieces_per_month == 90
    page = w["client"].get(f"/bevillinger/{grant.pk}/").content.decode()
    assert "Linje ændret: 5700000000011" in page
    assert "Ændret: sagsnummer" in page
    assert "case_number" not in page


def test_suspend_needs_a_reason(w: dict) -> None:
    url = f"/bevillinger/{w['grant'].pk}/status/"
    page = w["client"].post(url, {"status": "suspended", "status_reason": ""}).content.decode()
    assert "angiv en begrundelse for at sætte bevillingen i bero eller afslutte den" in page
    assert "give a reason" not in page
    assert (
        w["client"].post(url, {"status": "suspended", "status_reason": "Indlagt"}).status_code
        == 302
    )
    w["grant"].refresh_from_db()
    assert (w["grant"].status, w["grant"].status_reason) == ("suspended", "Indlagt")
    assert GrantEvent.objects.filter(grant=w["grant"], kind="status").count() == 1


def test_caseworker_sees_access_log(w: dict) -> None:
    w["client"].get(f"/borgere/{w['citizen'].pk}/")
    page = w["client"].get(f"/borgere/{w['citizen'].pk}/adgangslog/").content.decode()
    assert "Hvem har set oplysninger om Grethe Mortensen" in page
    assert "cw" in page


def test_service_agent_must_state_purpose() -> None:
    agent = f.make_user("service_agent", f.service_centre(), username="agent")
    citizen = f.CitizenFactory()
    client = Client()
    client.force_login(agent)
    page = client.get(f"/borgere/{citizen.pk}/").content.decode()
    assert "Angiv et formål" in page
    assert AccessLogEntry.objects.count() == 0
    stated = client.post(f"/borgere/{citizen.pk}/", {"purpose": "Telefonopkald"})
    assert (stated.status_code, stated["Location"]) == (302, f"/borgere/{citizen.pk}/")
    assert AccessLogEntry.objects.count() == 0
    # The purpose is kept in the session for this citizen: later pages need no ?purpose=.
    assert client.get(f"/borgere/{citizen.pk}/").status_code == 200
    assert AccessLogEntry.objects.get().purpose == "Telefonopkald"
    assert "Angiv et formål" in client.get(f"/borgere/{citizen.pk + 1}/").content.decode()
    del agent


def test_service_agent_search_asks_for_the_purpose_as_a_required_field() -> None:
    agent = f.make_user("service_agent", f.service_centre(), username="agent")
    f.CitizenFactory(last_name="Mortensen")
    client = Client()
    client.force_login(agent)
    form = client.get("/borgere/").content.decode()
    assert '<label class="form-label" for="id_purpose">Formål</label>' in form
    assert "Det skrives i adgangsloggen." in form
    refused = client.post("/borgere/", {"q": "Mortensen"})
    assert refused.context["form"].errors == {"purpose": ["Dette felt er påkrævet."]}
    assert "Mortensen" not in refused.content.decode().split("</form>")[-1]
    assert AccessLogEntry.objects.count() == 0
    # A caseworker has a default purpose: the field is not there at all.
    caseworker = f.make_user("caseworker", f.municipality("751"), username="cw")
    client.force_login(caseworker)
    assert 'id="id_purpose"' not in client.get("/borgere/").content.decode()


def test_accessibility_statement() -> None:
    page = Client().get("/tilgaengelighed/").content.decode()
    assert "Tilgængelighedserklæring" in page
    assert "WCAG 2.1" in page
