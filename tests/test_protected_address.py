"""Protected addresses (issue #8 §3, docs/adr/0011): shown only to the citizen themself, the
caseworkers of the municipality that decides their grants, and (later) the warehouse's shipping
step; "Beskyttet adresse" on pages and `address: null` in the API for everyone else. For a masked
user the street must not appear anywhere in the response, nor find the citizen in a search."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from forsyn.access import policy
from forsyn.citizens.models import Citizen, Representative
from forsyn.orders.models import Order
from forsyn.orders.services import DeliveryInput, LineInput, order_place
from forsyn.organisations.models import User
from forsyn.organisations.services import token_create
from tests import builders as b
from tests import factories as f
from tests.contexts import ctx

pytestmark = pytest.mark.django_db

BAG = "5700000000011"
STREET = "Skjultvej 7"
ADDRESS = "Skjultvej 7, 8210 Aarhus V"
MASK = "Beskyttet adresse"
CALL = "Borger ringer"

# Staff roles that see Pia: may they see her protected address?
STAFF_SEES = {
    "cw": True,  # caseworker of her municipality (Aarhus)
    "odense_cw": True,  # caseworker of another municipality that granted her something
    "nurse": False,  # municipal nurse of Aarhus: recommends, does not decide
    "agent": False,  # FSC service agent
    "admin": False,  # FSC administrator
    "hospital": False,  # hospital orderer with an active temporary grant for her
}
NEEDS_PURPOSE = {"agent", "admin"}


@pytest.fixture
def w() -> dict[str, Any]:
    world = b.build_world(
        first_name="Pia",
        last_name="Skov",
        street=STREET,
        postcode="8210",
        city="Aarhus V",
        is_address_protected=True,
    )
    aarhus, odense, pia = world.municipality, f.municipality(b.ODENSE), world.citizen
    unit = f.hospital_unit()
    # Ole (unprotected) is seen by the same staff as Pia: grants from Aarhus, Odense and the
    # hospital each.
    open_ = b.add_citizen(aarhus, first_name="Ole", last_name="Skov", street="Åbenvej 3")
    b.add_grant(open_, valid_from=b.a_year_ago())
    for citizen in (pia, open_):
        b.add_grant(citizen, granted_by=odense, area="wound_care")
        b.add_grant(citizen, granted_by=unit, area="urology", legal_basis="hospital_temporary")
    fsc = f.service_centre()
    users = {
        "cw": f.make_user("caseworker", aarhus, username="cw"),
        "odense_cw": f.make_user("caseworker", odense, username="odense-cw"),
        "nurse": f.make_user("nurse", aarhus, username="nurse"),
        "agent": f.make_user("service_agent", fsc, username="agent"),
        "admin": f.make_user("admin", fsc, username="fsc-admin"),
        "hospital": f.make_user("hospital_orderer", unit, username="ward"),
        "pia": User.objects.create_user(username="borger-pia", cpr="0101551234"),
        "rep": User.objects.create_user(username="borger-rep", cpr="0303703456"),
        "warehouse": f.make_user(
            "warehouse_operator",
            f.OrganisationFactory(kind="logistics_provider", code="LOG1"),
            username="warehouse",
        ),
    }
    Representative.objects.create(
        citizen=pia,
        cpr="0303703456",
        name="Rasmus Skov",
        valid_from=timezone.localdate() - dt.timedelta(days=10),
    )
    order, _ = order_place(
        ctx=ctx(users["pia"]),
        citizen_id=pia.pk,
        lines=[LineInput(BAG, 4)],
        delivery=DeliveryInput(),
    )
    assert (order.status, order.delivery_street) == ("awaiting_approval", STREET)
    return {"pia": pia, "open": open_, "order": order, "users": users}


def _api(w: dict, role: str, path: str, **params: Any) -> Any:
    headers = {"Authorization": f"Bearer {token_create(user=w['users'][role])}"}
    if role in NEEDS_PURPOSE:
        headers["X-Purpose"] = CALL  # never in the URL (issue #8 §3)
    return Client().get(f"/api/v1{path}", params, headers=headers)


def _page(w: dict, role: str, path: str, **params: Any) -> Any:
    client = Client()
    client.force_login(w["users"][role])
    if path == "/borgere/":  # the search form posts (no CPR or name in a URL)
        if role in NEEDS_PURPOSE:
            params["purpose"] = CALL
        return client.post(path, params)
    if role in NEEDS_PURPOSE:
        # State the purpose once for the citizen, as the purpose page does; kept in the session.
        stated = client.post(f"/borger/{w['pia'].pk}/", {"purpose": CALL})
        assert stated.status_code == 302
    return client.get(path, params)


def _assert_masked(body: str) -> None:
    assert STREET not in body
    assert "Skjultvej" not in body
    assert "8210" not in body


# -- API ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "sees"), STAFF_SEES.items())
def test_api_detail(w: dict, role: str, sees: bool) -> None:
    response = _api(w, role, f"/citizens/{w['pia'].pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["is_address_protected"] is True
    if sees:
        assert body["address"] == {"street": STREET, "postcode": "8210", "city": "Aarhus V"}
    else:
        assert body["address"] is None
        _assert_masked(response.content.decode())


@pytest.mark.parametrize(("role", "sees"), STAFF_SEES.items())
def test_api_list(w: dict, role: str, sees: bool) -> None:
    response = _api(w, role, "/citizens", q="Skov")
    assert response.status_code == 200
    items = {c["id"]: c for c in response.json()["items"]}
    # Ole's address is not protected: everyone who sees him sees it.
    assert items[w["open"].pk]["address"]["street"] == "Åbenvej 3"
    pia = items[w["pia"].pk]
    assert pia["is_address_protected"] is True
    if sees:
        assert pia["address"] == {"street": STREET, "postcode": "8210", "city": "Aarhus V"}
    else:
        assert pia["address"] is None
        _assert_masked(response.content.decode())


@pytest.mark.parametrize(("role", "sees"), STAFF_SEES.items())
def test_search_by_street_finds_only_for_those_who_see_it(w: dict, role: str, sees: bool) -> None:
    api = _api(w, role, "/citizens", q="Skjultvej").json()
    page = _page(w, role, "/borgere/", q="Skjultvej").content.decode()
    if sees:
        assert [c["id"] for c in api["items"]] == [w["pia"].pk]
        assert "1 borger fundet" in page
        assert ADDRESS in page
    else:
        assert api == {"items": [], "count": 0}
        assert "borger fundet" not in page
        assert "Pia Skov" not in page
        assert "8210" not in page  # (the page repeats the search words the user typed)


# -- Staff pages --------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "sees"), STAFF_SEES.items())
def test_search_page(w: dict, role: str, sees: bool) -> None:
    response = _page(w, role, "/borgere/", q="Skov")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Åbenvej 3" in body
    if sees:
        assert ADDRESS in body
    else:
        assert f"<td>{MASK}</td>" in body
        _assert_masked(body)


@pytest.mark.parametrize(("role", "sees"), STAFF_SEES.items())
def test_citizen_page(w: dict, role: str, sees: bool) -> None:
    response = _page(w, role, f"/borgere/{w['pia'].pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    if sees:
        assert f'<dd>{ADDRESS} <strong class="badge badge-error">{MASK}</strong></dd>' in body
    else:
        assert f"<dd>{MASK}</dd>" in body
        _assert_masked(body)


# The ordering screen on a citizen's behalf (staff who may order for a citizen).
ORDERING_STAFF = {r: s for r, s in STAFF_SEES.items() if r not in {"admin"}}


@pytest.mark.parametrize(("role", "sees"), ORDERING_STAFF.items())
def test_ordering_screen(w: dict, role: str, sees: bool) -> None:
    response = _page(w, role, f"/borger/{w['pia'].pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    if sees:
        assert f"Folkeregisteradresse: {ADDRESS}</label>" in body
    else:
        assert f"Folkeregisteradresse: {MASK}</label>" in body
        _assert_masked(body)


@pytest.mark.parametrize(("role", "sees"), [("cw", True), ("agent", False), ("nurse", False)])
def test_order_receipt_and_history(w: dict, role: str, sees: bool) -> None:
    pia, order = w["pia"], w["order"]
    for path in (f"/borger/{pia.pk}/bestillinger/{order.pk}/", f"/borger/{pia.pk}/bestillinger/"):
        response = _page(w, role, path)
        body = response.content.decode()
        assert response.status_code == 200
        if sees:
            assert f"Pia Skov, {ADDRESS}" in body
        else:
            assert f"<dd>{MASK} · " in body
            _assert_masked(body)


def test_approval_queue_shows_the_deciding_caseworker_the_address(w: dict) -> None:
    body = _page(w, "cw", "/godkendelser/").content.decode()
    assert f"Pia Skov, {ADDRESS}" in body


# -- The citizen portal -------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "sees"), [("pia", True), ("rep", False)])
def test_portal(w: dict, role: str, sees: bool) -> None:
    pia, order = w["pia"], w["order"]
    for path in (
        f"/borger/{pia.pk}/",
        f"/borger/{pia.pk}/bestillinger/",
        f"/borger/{pia.pk}/bestillinger/{order.pk}/",
    ):
        response = _page(w, role, path)
        body = response.content.decode()
        assert response.status_code == 200
        if sees:
            assert ADDRESS in body
        else:
            assert MASK in body
            _assert_masked(body)


# -- Every delivery of a protected citizen is hidden, not just the registered address -----------


def test_parcel_locker_and_other_address_are_hidden_too(w: dict) -> None:
    pia = w["pia"]
    Order.objects.filter(pk=w["order"].pk).update(
        delivery_type="parcel_locker",
        delivery_street="",
        parcel_locker="Pakkeboks Føtex Frederiks Allé, 8000 Aarhus C",
    )
    agent = _page(w, "agent", f"/borger/{pia.pk}/bestillinger/").content.decode()
    assert "Frederiks Allé" not in agent
    assert f"<dd>{MASK} · " in agent
    cw = _page(w, "cw", f"/borger/{pia.pk}/bestillinger/").content.decode()
    assert "Pakkeboks Føtex Frederiks Allé, 8000 Aarhus C" in cw


# -- The predicates -----------------------------------------------------------------------------


def test_predicates_per_role(w: dict) -> None:
    pia, users = w["pia"], w["users"]
    got = {role: policy.may_see_protected_address(ctx(user), pia) for role, user in users.items()}
    assert got == {**STAFF_SEES, "pia": True, "rep": False, "warehouse": True}
    # An unprotected address is shown to whoever sees the citizen; a protected one by the rule.
    assert all(policy.shows_address(ctx(user), w["open"]) for user in users.values())
    assert {r: policy.shows_address(ctx(u), pia) for r, u in users.items()} == got
    # The queryset form agrees with the object form.
    visible = {
        role
        for role, user in users.items()
        if policy.protected_addresses_visible(ctx(user), Citizen.objects.filter(pk=pia.pk)).exists()
    }
    assert visible == {role for role, sees in got.items() if sees}


def test_warehouse_sees_delivery_addresses_only(w: dict) -> None:
    warehouse = w["users"]["warehouse"]
    assert policy.sees_delivery_address_only(ctx(warehouse)) is True
    assert policy.may_see_protected_address(ctx(warehouse), w["pia"]) is True
    # ...and no personal data: no citizen, no grant, no health data.
    assert policy.sees_personal_data(ctx(warehouse)) is False
    assert list(policy.citizens_visible(ctx(warehouse), Citizen.objects.all())) == []
    assert not any(
        policy.sees_delivery_address_only(ctx(u)) for r, u in w["users"].items() if r != "warehouse"
    )
