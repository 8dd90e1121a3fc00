"""The access-log walk (issue #8 §1): every API endpoint and every page is classified, called as
a user who is allowed to, and the access-log entries it writes are asserted exactly: how many,
for which citizens, with which action, through which channel and for which purpose.

The routes are enumerated from the OpenAPI document and from Django's URL resolver, so a new
endpoint or page without a row in API_ROUTES / PAGE_ROUTES fails `test_every_*_is_classified`.
A route that shows no personal data is still called and must write no entry.
"""

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from forsyn.api import api
from forsyn.audit.models import AccessLogEntry
from forsyn.citizens.models import Representative
from forsyn.core.models import JobRun
from forsyn.fulfilment.asn import asn_import
from forsyn.fulfilment.counts import stock_count_start
from forsyn.fulfilment.documents import WAREHOUSE_PURPOSE
from forsyn.fulfilment.models import (
    AdvanceShippingNotice,
    Recall,
    StockCount,
    StockLot,
    StockMove,
    Warehouse,
)
from forsyn.fulfilment.recalls import RECALL_PURPOSE, recall_create
from forsyn.fulfilment.services import orders_allocate
from forsyn.orders.models import Order
from forsyn.orders.services import DeliveryInput, LineInput, order_place, ward_order_place
from forsyn.organisations.models import User
from forsyn.organisations.services import token_create
from tests import builders as b
from tests import factories as f
from tests.contexts import ctx
from tests.fulfilment.walk import carrier_events_post, warehouse_flow, warehouse_stocked

pytestmark = pytest.mark.django_db

BAG = "5700000000011"
CASEWORK = "Sagsbehandling efter serviceloven §112"
OWN = "Borgerens egen bestilling"
CALL = "Borger ringer om sin bestilling"


class World:
    """Two citizens of Aarhus with a stoma grant each, a held order each, an approved order for
    Ann, and one user of every kind the walk needs."""

    def __init__(self) -> None:
        world = b.build_world(first_name="Ann", last_name="Andersen")
        aarhus = world.municipality
        self.bag, self.ann, self.grant = world.bag, world.citizen, world.grant
        self.bo = b.add_citizen(aarhus, cpr="0202602345", first_name="Bo", last_name="Andersen")
        b.add_line(b.add_grant(self.bo, valid_from=b.a_year_ago()), self.bag)
        self.users: dict[str, User] = {
            "cw": f.make_user("caseworker", aarhus, username="cw"),
            "agent": f.make_user("service_agent", f.service_centre(), username="agent"),
            "analyst": f.make_user("analyst", f.service_centre(), username="analyst"),
            "ward": f.make_user("hospital_orderer", f.hospital_unit(), username="ward"),
            "wh": f.make_user(
                "warehouse_operator",
                f.OrganisationFactory(kind="logistics_provider", code="LOGI"),
                username="wh",
            ),
            "ann": User.objects.create_user(username="borger-ann", cpr="0101551234"),
            "rep": User.objects.create_user(username="borger-rep", cpr="0303703456"),
        }
        for citizen in (self.ann, self.bo):
            Representative.objects.create(
                citizen=citizen,
                cpr="0303703456",
                name="Rasmus Andersen",
                valid_from=timezone.localdate() - dt.timedelta(days=10),
            )
        self.approved = self._order(self.ann, units=1)
        self.held = self._order(self.ann, units=3)
        self.held_bo = self._order(self.bo, units=4)
        assert (self.approved.status, self.held.status, self.held_bo.status) == (
            "approved",
            "awaiting_approval",
            "awaiting_approval",
        )

    def _order(self, citizen: Any, units: int) -> Order:
        order, _ = order_place(
            ctx=ctx(self.users["cw"]),
            citizen_id=citizen.pk,
            lines=[LineInput(BAG, units)],
            delivery=DeliveryInput(),
        )
        return order

    def citizen(self, key: str) -> int:
        return int({"ann": self.ann.pk, "bo": self.bo.pk}[key])

    def api(self, user: str) -> "ApiClient":
        return ApiClient(self.users[user])

    def page(self, user: str) -> Client:
        client = Client()
        client.force_login(self.users[user])
        return client

    def stated(self, user: str, citizen_id: int, purpose: str) -> Client:
        """A staff client that has posted its purpose for `citizen_id` (kept in the session)."""
        client = self.page(user)
        assert client.post(f"/borger/{citizen_id}/", {"purpose": purpose}).status_code == 302
        return client


class ApiClient:
    def __init__(self, user: User) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token_create(user=user)}"}

    def get(self, path: str, purpose: str | None = None, **params: Any) -> Any:
        # The purpose travels in a header, never in the URL (issue #8 §3).
        headers = {**self.headers, **({"X-Purpose": purpose} if purpose else {})}
        return self.client.get(f"/api/v1{path}", params, headers=headers)

    def post(self, path: str, body: Any, **headers: str) -> Any:
        return self.client.post(
            f"/api/v1{path}",
            body,
            content_type="application/json",
            headers={**self.headers, **headers},
        )

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(
            f"/api/v1{path}", body, content_type="application/json", headers=self.headers
        )


Call = Callable[[World], Any]


def _twice(w: World) -> Any:
    body = {
        "citizen": w.bo.pk,
        "lines": [{"gtin": BAG, "order_units": 1}],
        "delivery": {"type": "registered_address"},
    }
    first = w.api("cw").post("/orders", body, **{"Idempotency-Key": "walk-1"})
    assert first.status_code == 201
    return w.api("cw").post("/orders", body, **{"Idempotency-Key": "walk-1"})


def _ward_order(w: World) -> int:
    order, _ = ward_order_place(ctx=ctx(w.users["ward"]), lines=[LineInput(BAG, 2)])
    return int(order.pk)


# -- The warehouse's stock pages (issue #10 §7): a warehouse of the operator's organisation,
# Ann's approved order allocated from lot R1, and (each made once) a recall of R1, a count and
# a shipping notice.


def _warehouse(w: World) -> Warehouse:
    warehouse, _ = Warehouse.objects.get_or_create(
        code="WALK",
        defaults={
            "name": "Lageret",
            "kind": "consignment",
            "organisation": w.users["wh"].organisation,
        },
    )
    return warehouse


def _stocked(w: World) -> None:
    lot, created = StockLot.objects.get_or_create(
        warehouse=_warehouse(w),
        product=w.bag,
        lot_number="R1",
        defaults={
            "expires_on": dt.date(2030, 1, 1),
            "owner": w.bag.supplier,
            "on_hand_quantity": 100,
        },
    )
    if created:
        StockMove.objects.create(kind="receipt", lot=lot, on_hand_delta=100, at=timezone.now())
    orders_allocate(order_ids=[w.approved.pk])


def _recall(w: World) -> int:
    _stocked(w)
    recall = Recall.objects.first() or recall_create(
        ctx=ctx(w.users["wh"]), gtin=BAG, lots=["R1"], reason="Utæt klæbeflade"
    )
    return int(recall.pk)


def _count(w: World) -> int:
    count = StockCount.objects.first() or stock_count_start(
        ctx=ctx(w.users["wh"]), warehouse_code=_warehouse(w).code
    )
    return int(count.pk)


def _notice(w: World) -> int:
    notice = AdvanceShippingNotice.objects.first() or asn_import(
        ctx=ctx(w.users["wh"]),
        warehouse_code=_warehouse(w).code,
        reference="ASN-1",
        file_name="advis.csv",
        data=f"gtin;batch;udløbsdato;antal\n{BAG};R1;2030-01-01;100\n".encode(),
    )
    return int(notice.pk)


def _stock_page(path: str, reason: str, prepare: Callable[[World], object] = _warehouse) -> Any:
    def call(w: World) -> Any:
        prepare(w)
        return w.page("wh").get(path)

    return NoPersonalData(reason, call, 200)


@dataclass(frozen=True)
class Logs:
    """The route shows personal data: called as `call` does, it answers `status` and writes
    exactly `entries` (citizen key, action), each with `purpose`."""

    call: Call
    status: int
    entries: list[tuple[str, str]]
    purpose: str = CASEWORK


@dataclass(frozen=True)
class NoPersonalData:
    """The route shows no citizen's data (`reason`); called, it writes no entry."""

    reason: str
    call: Call
    status: int


Expectation = Logs | NoPersonalData | list[Logs]

# -- The API: (method, path under /api/v1) -> expectation ----------------------------------------
API_ROUTES: dict[tuple[str, str], Expectation] = {
    ("GET", "/organisations"): NoPersonalData(
        "organisations are public reference data",
        lambda w: w.api("cw").get("/organisations", kind="region"),
        200,
    ),
    ("GET", "/warehouses"): NoPersonalData(
        "warehouses: codes and names", lambda w: w.api("wh").get("/warehouses"), 200
    ),
    ("GET", "/stock"): NoPersonalData(
        "stock lots: products, lots, quantities", lambda w: w.api("wh").get("/stock"), 200
    ),
    # Waves, picking, hole-cutting, packing, shipping (issue #10 §4–5): order numbers,
    # products, lots, bins, SSCCs and tracking numbers; no names (tests/fulfilment/walk.py).
    ("POST", "/waves"): NoPersonalData(
        "a wave: order numbers, products, lots, bins",
        lambda w: (
            warehouse_stocked(w),
            w.api("wh").post(
                "/waves",
                {
                    "warehouse": "FSC",
                    "cutoff": (timezone.now() + dt.timedelta(minutes=1)).isoformat(),
                },
            ),
        )[1],
        201,
    ),
    ("GET", "/waves/{wave_id}"): NoPersonalData(
        "a wave's pick list",
        lambda w: w.api("wh").get(f"/waves/{warehouse_flow(w).wave.pk}"),
        200,
    ),
    ("POST", "/pick-lines/{pick_line_id}/confirm"): NoPersonalData(
        "a pick line: product, lot, pieces",
        lambda w: w.api("wh").post(
            f"/pick-lines/{warehouse_flow(w).line.pk}/confirm",
            {"scan": f"(01)0{BAG}(17)290630(10)WALK1", "quantity": 30},
        ),
        200,
    ),
    ("POST", "/hole-cut-tasks/{task_id}/confirm"): NoPersonalData(
        "a hole size and a count",
        lambda w: w.api("wh").post(
            f"/hole-cut-tasks/{warehouse_flow(w, 'picked').task.pk}/confirm", {"pieces": 30}
        ),
        200,
    ),
    ("POST", "/waves/{wave_id}/pack"): NoPersonalData(
        "parcel ids, SSCCs and order numbers",
        lambda w: w.api("wh").post(f"/waves/{warehouse_flow(w, 'cut').wave.pk}/pack", {}),
        200,
    ),
    ("POST", "/parcels/{parcel_id}/ship"): NoPersonalData(
        "a tracking number",
        lambda w: w.api("wh").post(f"/parcels/{warehouse_flow(w, 'packed').parcel.pk}/ship", {}),
        200,
    ),
    ("POST", "/parcels/{parcel_id}/return"): NoPersonalData(
        "a parcel's status",
        lambda w: w.api("wh").post(
            f"/parcels/{warehouse_flow(w, 'returned').parcel.pk}/return",
            {"disposition": "stock"},
        ),
        200,
    ),
    ("POST", "/carrier/events"): NoPersonalData(
        "the carrier's events: tracking numbers and statuses", carrier_events_post, 200
    ),
    ("POST", "/receipts"): NoPersonalData(
        "goods received: products and lots (refused here: no such warehouse)",
        lambda w: w.api("wh").post(
            "/receipts", {"warehouse": "NONE", "lines": [{"scan": "x", "quantity": 1}]}
        ),
        422,
    ),
    ("GET", "/products"): NoPersonalData(
        "the assortment", lambda w: w.api("cw").get("/products"), 200
    ),
    ("GET", "/products/{gtin}"): NoPersonalData(
        "one product", lambda w: w.api("cw").get(f"/products/{BAG}"), 200
    ),
    ("GET", "/products/{gtin}/price"): NoPersonalData(
        "a contract price", lambda w: w.api("cw").get(f"/products/{BAG}/price"), 404
    ),
    ("POST", "/ward-orders"): NoPersonalData(
        "ward stock belongs to a hospital unit, not to a citizen",
        lambda w: w.api("ward").post("/ward-orders", {"lines": [{"gtin": BAG, "order_units": 2}]}),
        201,
    ),
    ("GET", "/citizens"): Logs(
        lambda w: w.api("cw").get("/citizens", q="Andersen"),
        200,
        [("ann", "search"), ("bo", "search")],
    ),
    ("POST", "/citizens/search"): [
        Logs(
            lambda w: w.api("cw").post("/citizens/search", {"cpr": "0101551234"}),
            200,
            [("ann", "search")],
        ),
        Logs(
            lambda w: w.api("agent").post("/citizens/search", {"q": "Andersen", "purpose": CALL}),
            200,
            [("ann", "search"), ("bo", "search")],
            CALL,
        ),
    ],
    ("GET", "/citizens/{citizen_id}"): [
        Logs(lambda w: w.api("cw").get(f"/citizens/{w.ann.pk}"), 200, [("ann", "view")]),
        Logs(
            lambda w: w.api("agent").get(f"/citizens/{w.ann.pk}", purpose=CALL),
            200,
            [("ann", "view")],
            CALL,
        ),
    ],
    ("GET", "/citizens/{citizen_id}/grants"): Logs(
        lambda w: w.api("cw").get(f"/citizens/{w.ann.pk}/grants"), 200, [("ann", "view")]
    ),
    ("GET", "/citizens/{citizen_id}/orders"): Logs(
        lambda w: w.api("cw").get(f"/citizens/{w.ann.pk}/orders"), 200, [("ann", "view")]
    ),
    ("POST", "/grants"): Logs(
        lambda w: w.api("cw").post(
            "/grants",
            {
                "citizen": w.ann.pk,
                "product_area": "urology",
                "legal_basis": "sel_112",
                "valid_from": "2026-01-01",
            },
        ),
        201,
        [("ann", "create"), ("ann", "view")],
    ),
    ("GET", "/grants/{grant_id}"): Logs(
        lambda w: w.api("cw").get(f"/grants/{w.grant.pk}"), 200, [("ann", "view")]
    ),
    ("PATCH", "/grants/{grant_id}"): Logs(
        lambda w: w.api("cw").patch(f"/grants/{w.grant.pk}", {"case_number": "27.27.08-G01"}),
        200,
        [("ann", "change"), ("ann", "view")],
    ),
    ("POST", "/orders"): [
        Logs(
            lambda w: w.api("cw").post(
                "/orders",
                {
                    "citizen": w.bo.pk,
                    "lines": [{"gtin": BAG, "order_units": 1}],
                    "delivery": {"type": "registered_address"},
                },
            ),
            201,
            [("bo", "create")],
        ),
        Logs(
            lambda w: w.api("agent").post(
                "/orders",
                {
                    "citizen": w.bo.pk,
                    "lines": [{"gtin": BAG, "order_units": 1}],
                    "delivery": {"type": "registered_address"},
                },
                **{"X-Purpose": CALL},
            ),
            201,
            [("bo", "create")],
            CALL,
        ),
        # A retry with the same Idempotency-Key answers the first order, read back: a view.
        Logs(lambda w: _twice(w), 200, [("bo", "create"), ("bo", "view")]),
    ],
    ("GET", "/orders/{order_id}"): [
        Logs(lambda w: w.api("cw").get(f"/orders/{w.held.pk}"), 200, [("ann", "view")]),
        Logs(
            lambda w: w.api("agent").get(f"/orders/{w.held.pk}", purpose=CALL),
            200,
            [("ann", "view")],
            CALL,
        ),
        # A service agent who states no purpose is refused, and nothing is logged.
        Logs(lambda w: w.api("agent").get(f"/orders/{w.held.pk}"), 422, []),
        # A ward order belongs to no citizen.
        Logs(lambda w: w.api("ward").get(f"/orders/{_ward_order(w)}"), 200, []),
    ],
    ("POST", "/orders/{order_id}/cancel"): Logs(
        lambda w: w.api("cw").post(f"/orders/{w.approved.pk}/cancel", {}),
        200,
        [("ann", "change"), ("ann", "view")],
    ),
    ("GET", "/approvals"): Logs(
        lambda w: w.api("cw").get("/approvals"), 200, [("ann", "view"), ("bo", "view")]
    ),
    ("POST", "/orders/{order_id}/approve"): Logs(
        lambda w: w.api("cw").post(f"/orders/{w.held.pk}/approve", {"message": "OK"}),
        200,
        [("ann", "change"), ("ann", "view")],
    ),
    ("POST", "/orders/{order_id}/reject"): Logs(
        lambda w: w.api("cw").post(f"/orders/{w.held.pk}/reject", {"message": "For mange"}),
        200,
        [("ann", "change"), ("ann", "view")],
    ),
    # A recall answers with its recipients: each citizen is a read, with the recall's purpose.
    ("POST", "/recalls"): Logs(
        lambda w: (
            _stocked(w),
            w.api("wh").post("/recalls", {"gtin": BAG, "lots": ["R1"], "reason": "Utæt pose"}),
        )[1],
        201,
        [("ann", "view")],
        RECALL_PURPOSE,
    ),
}


def _no_lines() -> dict[str, str]:
    return {
        "lines-TOTAL_FORMS": "0",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "100",
    }


def _one_line(w: World) -> dict[str, str]:
    line = w.grant.lines.get()
    return {
        **_no_lines(),
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "1",
        "lines-0-line_id": str(line.pk),
        "lines-0-product": BAG,
        "lines-0-pieces_per_month": "30",
    }


def _units(w: World) -> dict[str, str]:
    return {"delivery_type": "registered_address", f"units-{BAG}": "1"}


# -- Pages: (URL pattern, as Django's resolver spells it) -> expectation -------------------------
PAGE_ROUTES: dict[str, Expectation] = {
    "": NoPersonalData("redirects to the user's start page", lambda w: w.page("cw").get("/"), 302),
    "api/v1/": NoPersonalData(
        "the API's root: nothing but a 404 in JSON", lambda w: w.api("cw").get("/"), 404
    ),
    "api/v1/docs": NoPersonalData(
        "the API's documentation page", lambda w: w.page("cw").get("/api/v1/docs"), 200
    ),
    "api/v1/openapi.json": NoPersonalData(
        "the OpenAPI document", lambda w: w.page("cw").get("/api/v1/openapi.json"), 200
    ),
    "login/": NoPersonalData("the staff log-in form", lambda w: Client().get("/login/"), 200),
    "logout/": NoPersonalData("logs out", lambda w: w.page("cw").post("/logout/"), 302),
    "favicon.ico": NoPersonalData(
        "the site's icon (a redirect to the static file)",
        lambda w: Client().get("/favicon.ico"),
        301,
    ),
    "tilgaengelighed/": NoPersonalData(
        "the accessibility statement", lambda w: Client().get("/tilgaengelighed/"), 200
    ),
    "i18n/setlang/": NoPersonalData(
        "switches the language",
        lambda w: w.page("cw").post("/i18n/setlang/", {"language": "en", "next": "/"}),
        302,
    ),
    "produkter/": NoPersonalData("the assortment", lambda w: w.page("cw").get("/produkter/"), 200),
    "koersler/": NoPersonalData(
        "job runs: kinds, counts and periods", lambda w: w.page("cw").get("/koersler/"), 200
    ),
    "koersler/<int:run_id>/": NoPersonalData(
        "one job run (none exists here)", lambda w: w.page("cw").get("/koersler/1/"), 404
    ),
    # The warehouse (issue #10 §7): bins, products, lots, order numbers; names and addresses
    # where it packs and ships (logged with the warehouse's purpose).
    "lager/": NoPersonalData(
        "today's wave: waves and counts", lambda w: w.page("wh").get("/lager/"), 200
    ),
    "lager/koersel/<int:run_id>/": NoPersonalData(
        "a wave job's status",
        lambda w: w.page("wh").get(
            "/lager/koersel/"
            f"{JobRun.objects.create(kind='fulfilment.wave', started_by=w.users['wh']).pk}/"
        ),
        200,
    ),
    "lager/modtag/": NoPersonalData(
        "the receiving form", lambda w: w.page("wh").get("/lager/modtag/"), 200
    ),
    "lager/boelger/<int:wave_id>/": NoPersonalData(
        "the pick list",
        lambda w: w.page("wh").get(f"/lager/boelger/{warehouse_flow(w).wave.pk}/"),
        200,
    ),
    "lager/boelger/<int:wave_id>/pluk/": NoPersonalData(
        "the next line to pick",
        lambda w: w.page("wh").get(f"/lager/boelger/{warehouse_flow(w).wave.pk}/pluk/"),
        200,
    ),
    "lager/boelger/<int:wave_id>/hulklip/": NoPersonalData(
        "hole sizes and order numbers",
        lambda w: w.page("wh").get(f"/lager/boelger/{warehouse_flow(w).wave.pk}/hulklip/"),
        200,
    ),
    "lager/boelger/<int:wave_id>/pak/": Logs(
        lambda w: w.page("wh").get(f"/lager/boelger/{warehouse_flow(w).wave.pk}/pak/"),
        200,
        [("ann", "view")],
        WAREHOUSE_PURPOSE,
    ),
    "lager/boelger/<int:wave_id>/send/": Logs(
        lambda w: w.page("wh").get(f"/lager/boelger/{warehouse_flow(w, 'packed').wave.pk}/send/"),
        200,
        [("ann", "view")],
        WAREHOUSE_PURPOSE,
    ),
    "lager/pakker/<int:parcel_id>/foelgeseddel.pdf": Logs(
        lambda w: w.page("wh").get(
            f"/lager/pakker/{warehouse_flow(w, 'packed').parcel.pk}/foelgeseddel.pdf"
        ),
        200,
        [("ann", "view")],
        WAREHOUSE_PURPOSE,
    ),
    "lager/pakker/<int:parcel_id>/label.pdf": Logs(
        lambda w: w.page("wh").get(
            f"/lager/pakker/{warehouse_flow(w, 'packed').parcel.pk}/label.pdf"
        ),
        200,
        [("ann", "view")],
        WAREHOUSE_PURPOSE,
    ),
    "lager/retur/": Logs(
        lambda w: (warehouse_flow(w, "returned"), w.page("wh").get("/lager/retur/"))[1],
        200,
        [("ann", "view")],
        WAREHOUSE_PURPOSE,
    ),
    "ordrer/<int:order_id>/forloeb/": Logs(
        lambda w: w.page("cw").get(f"/ordrer/{warehouse_flow(w, 'shipped').order_id}/forloeb/"),
        200,
        [("ann", "view")],
    ),
    "afdelingslager/": NoPersonalData(
        "ward stock: a hospital unit's own orders, no citizen",
        lambda w: w.page("ward").get("/afdelingslager/"),
        200,
    ),
    "analyse/": NoPersonalData(
        "economics: aggregates per organisation", lambda w: w.page("analyst").get("/analyse/"), 200
    ),
    "analyse/forbrug/": NoPersonalData(
        "consumption data per organisation and product",
        lambda w: w.page("analyst").get("/analyse/forbrug/"),
        200,
    ),
    "analyse/forbrug/fil/<int:upload_id>/": NoPersonalData(
        "an upload's import status (none exists here)",
        lambda w: w.page("analyst").get("/analyse/forbrug/fil/1/"),
        404,
    ),
    "analyse/gevinster/": NoPersonalData(
        "realised gains per organisation",
        lambda w: w.page("analyst").get("/analyse/gevinster/"),
        200,
    ),
    "analyse/<slug:slug>/": NoPersonalData(
        "a calculation over figures the analyst enters",
        lambda w: w.page("analyst").get("/analyse/business-case/"),
        200,
    ),
    "saml/login/": NoPersonalData(
        "starts the MitID log-in (not configured in tests)",
        lambda w: Client().get("/saml/login/"),
        503,
    ),
    "saml/acs/": NoPersonalData(
        "receives the IdP's answer; shows nothing", lambda w: Client().post("/saml/acs/"), 404
    ),
    "saml/metadata/": NoPersonalData(
        "the service provider's metadata", lambda w: Client().get("/saml/metadata/"), 404
    ),
    "saml/logout/": NoPersonalData("logs out", lambda w: w.page("ann").post("/saml/logout/"), 302),
    "testidp/metadata/": NoPersonalData(
        "the demo's stand-in for NemLog-in (off in production)",
        lambda w: Client().get("/testidp/metadata/"),
        404,
    ),
    "testidp/sso/": NoPersonalData(
        "the demo's stand-in for NemLog-in (off in production); it is the identity provider, "
        "not forsyn, that shows the demo identities",
        lambda w: Client().get("/testidp/sso/"),
        404,
    ),
    "borgere/": [
        Logs(
            lambda w: w.page("cw").post("/borgere/", {"q": "Andersen"}),
            200,
            [("ann", "search"), ("bo", "search")],
        ),
        Logs(
            lambda w: w.page("agent").post("/borgere/", {"q": "Andersen", "purpose": CALL}),
            200,
            [("ann", "search"), ("bo", "search")],
            CALL,
        ),
    ],
    "borgere/<int:citizen_id>/": Logs(
        lambda w: w.page("cw").get(f"/borgere/{w.ann.pk}/"), 200, [("ann", "view")]
    ),
    "borgere/<int:citizen_id>/adgangslog/": Logs(
        lambda w: w.page("cw").get(f"/borgere/{w.ann.pk}/adgangslog/"), 200, [("ann", "view")]
    ),
    "borgere/<int:citizen_id>/bevillinger/ny/": [
        Logs(
            lambda w: w.page("cw").get(f"/borgere/{w.ann.pk}/bevillinger/ny/"),
            200,
            [("ann", "view")],
        ),
        Logs(
            lambda w: w.page("cw").post(
                f"/borgere/{w.ann.pk}/bevillinger/ny/",
                {
                    "product_area": "urology",
                    "legal_basis": "sel_112",
                    "status": "draft",
                    "valid_from": "2026-12-01",
                    **_no_lines(),
                },
            ),
            302,
            [("ann", "view"), ("ann", "create")],
        ),
    ],
    "bevillinger/<int:grant_id>/": Logs(
        lambda w: w.page("cw").get(f"/bevillinger/{w.grant.pk}/"), 200, [("ann", "view")]
    ),
    "bevillinger/<int:grant_id>/rediger/": [
        Logs(
            lambda w: w.page("cw").get(f"/bevillinger/{w.grant.pk}/rediger/"),
            200,
            [("ann", "view")],
        ),
        Logs(
            lambda w: w.page("cw").post(
                f"/bevillinger/{w.grant.pk}/rediger/",
                {
                    "valid_from": w.grant.valid_from.isoformat(),
                    "case_number": "S-1",
                    **_one_line(w),
                },
            ),
            302,
            [("ann", "view"), ("ann", "change")],
        ),
    ],
    "bevillinger/<int:grant_id>/status/": [
        Logs(
            lambda w: w.page("cw").get(f"/bevillinger/{w.grant.pk}/status/"),
            200,
            [("ann", "view")],
        ),
        Logs(
            lambda w: w.page("cw").post(
                f"/bevillinger/{w.grant.pk}/status/",
                {"status": "suspended", "status_reason": "Indlagt"},
            ),
            302,
            [("ann", "view"), ("ann", "change")],
        ),
    ],
    # The citizen portal and ordering on a citizen's behalf.
    "borger/": [
        Logs(
            lambda w: w.page("rep").get("/borger/"),
            200,
            [("ann", "search"), ("bo", "search")],
            OWN,
        ),
        Logs(lambda w: w.page("ann").get("/borger/"), 302, [], OWN),
    ],
    "borger/<int:citizen_id>/": [
        Logs(lambda w: w.page("ann").get(f"/borger/{w.ann.pk}/"), 200, [("ann", "view")], OWN),
        Logs(
            lambda w: w.stated("agent", w.ann.pk, CALL).get(f"/borger/{w.ann.pk}/"),
            200,
            [("ann", "view")],
            CALL,
        ),
    ],
    "borger/<int:citizen_id>/bekraeft/": Logs(
        lambda w: w.page("ann").post(f"/borger/{w.ann.pk}/bekraeft/", _units(w)),
        200,
        [("ann", "view")],
        OWN,
    ),
    "borger/<int:citizen_id>/bestil/": Logs(
        lambda w: w.page("ann").post(
            f"/borger/{w.ann.pk}/bestil/",
            {"delivery_type": "registered_address", "gtin": BAG, "units": "1"},
        ),
        302,
        [("ann", "create")],
        OWN,
    ),
    "borger/<int:citizen_id>/bestillinger/": Logs(
        lambda w: w.page("ann").get(f"/borger/{w.ann.pk}/bestillinger/"),
        200,
        [("ann", "view")],
        OWN,
    ),
    "borger/<int:citizen_id>/bestillinger/<int:order_id>/": [
        Logs(
            lambda w: w.page("ann").get(f"/borger/{w.ann.pk}/bestillinger/{w.held.pk}/"),
            200,
            [("ann", "view")],
            OWN,
        ),
        Logs(
            lambda w: w.stated("agent", w.ann.pk, CALL).get(
                f"/borger/{w.ann.pk}/bestillinger/{w.held.pk}/"
            ),
            200,
            [("ann", "view")],
            CALL,
        ),
        # A service agent is asked for a purpose first.
        Logs(
            lambda w: w.page("agent").get(f"/borger/{w.ann.pk}/bestillinger/{w.held.pk}/"),
            200,
            [],
        ),
        # Bo's order under Ann's address is not found, and nothing is logged.
        Logs(
            lambda w: w.page("cw").get(f"/borger/{w.ann.pk}/bestillinger/{w.held_bo.pk}/"),
            404,
            [],
        ),
    ],
    "borger/<int:citizen_id>/bestillinger/<int:order_id>/annuller/": Logs(
        lambda w: w.page("ann").post(f"/borger/{w.ann.pk}/bestillinger/{w.approved.pk}/annuller/"),
        302,
        [("ann", "change")],
        OWN,
    ),
    # The caseworker's approval queue and its decisions (plain form and htmx card).
    "godkendelser/": Logs(
        lambda w: w.page("cw").get("/godkendelser/"), 200, [("ann", "view"), ("bo", "view")]
    ),
    "godkendelser/<int:order_id>/": [
        Logs(
            lambda w: w.page("cw").post(
                f"/godkendelser/{w.held.pk}/", {"decision": "approve", "message": "OK"}
            ),
            302,
            [("ann", "change")],
        ),
        Logs(
            # A refused decision (no reason given) answers the order's card again.
            lambda w: w.page("cw").post(
                f"/godkendelser/{w.held.pk}/",
                {"decision": "reject"},
                headers={"HX-Request": "true"},
            ),
            200,
            [("ann", "view")],
        ),
    ],
    # The warehouse's stock pages: products, lots, quantities, no citizen.
    "lager/oversigt/": _stock_page("/lager/oversigt/", "the stock pages' start page: links"),
    "lager/modtagelse/": _stock_page("/lager/modtagelse/", "receiving: products and lots"),
    "lager/advis/": _stock_page("/lager/advis/", "suppliers' shipping notices", _notice),
    "lager/advis/<int:notice_id>/": NoPersonalData(
        "one shipping notice against what was scanned",
        lambda w: w.page("wh").get(f"/lager/advis/{_notice(w)}/"),
        200,
    ),
    "lager/beholdning/": _stock_page("/lager/beholdning/", "stock lots", _stocked),
    "lager/optaelling/": _stock_page("/lager/optaelling/", "stock counts", _count),
    "lager/optaelling/<int:count_id>/": NoPersonalData(
        "one count: lots and quantities",
        lambda w: w.page("wh").get(f"/lager/optaelling/{_count(w)}/"),
        200,
    ),
    "lager/tilbagekaldelser/": _stock_page(
        "/lager/tilbagekaldelser/", "recalls: products, lots, numbers of recipients", _recall
    ),
    "lager/genbestilling/": _stock_page(
        "/lager/genbestilling/", "days of cover and call-off lists per product", _stocked
    ),
    # A recall's recipients are citizens' deliveries: each one listed is a read.
    "lager/tilbagekaldelser/<int:recall_id>/": Logs(
        lambda w: w.page("wh").get(f"/lager/tilbagekaldelser/{_recall(w)}/"),
        200,
        [("ann", "view")],
        RECALL_PURPOSE,
    ),
    # A citizen's delivery pauses (staff).
    "borgere/<int:citizen_id>/pauser/": [
        Logs(lambda w: w.page("cw").get(f"/borgere/{w.ann.pk}/pauser/"), 200, [("ann", "view")]),
        Logs(
            lambda w: w.page("cw").post(
                f"/borgere/{w.ann.pk}/pauser/",
                {
                    "action": "start",
                    "starts_on": timezone.localdate().isoformat(),
                    "reason": "staff",
                },
            ),
            302,
            [("ann", "change")],
        ),
    ],
}

ADMIN_REASON = (
    "Django admin: staff users and reference data only; no model with a citizen's data is "
    "registered (asserted in test_admin_holds_no_personal_data)"
)
PERSONAL_DATA_APPS = {"citizens", "grants", "orders", "audit"}


def _api_routes() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return sorted(
        (method.upper(), path.removeprefix("/api/v1"))
        for path, operations in schema["paths"].items()
        for method in operations
    )


def _patterns(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def _as_openapi_path(pattern: str) -> str:
    """'api/v1/orders/<int:order_id>' -> '/orders/{order_id}'."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", pattern.removeprefix("api/v1/"))


def _page_routes() -> list[str]:
    """Every URL pattern of the site except the API's operations (walked above) and Django
    admin (test_admin_holds_no_personal_data); the API's own pages (root, docs, OpenAPI
    document) are pages here."""
    operations = {path for _, path in _api_routes()}
    return sorted(
        {
            pattern
            for pattern in _patterns(get_resolver())
            if not pattern.startswith("admin/")
            and not (pattern.startswith("api/v1/") and _as_openapi_path(pattern) in operations)
        }
    )


def _cases(expectation: Expectation) -> list[Logs | NoPersonalData]:
    return list(expectation) if isinstance(expectation, list) else [expectation]


def test_every_api_route_is_classified() -> None:
    routes = _api_routes()
    assert len(routes) >= 18
    unclassified = [r for r in routes if r not in API_ROUTES]
    stale = [r for r in API_ROUTES if r not in routes]
    assert (unclassified, stale) == ([], [])


def test_every_page_is_classified() -> None:
    routes = _page_routes()
    assert len(routes) >= 36
    unclassified = [r for r in routes if r not in PAGE_ROUTES]
    stale = [r for r in PAGE_ROUTES if r not in routes]
    assert (unclassified, stale) == ([], [])


def test_admin_holds_no_personal_data() -> None:
    registered = {model._meta.app_label for model in admin.site._registry}
    assert registered & PERSONAL_DATA_APPS == set(), ADMIN_REASON


def _check(case: Logs | NoPersonalData, channel: str) -> None:
    world = World()
    before = AccessLogEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    response = case.call(world)
    assert response.status_code == case.status, response.content.decode()[:500]
    new = list(AccessLogEntry.objects.filter(seq__gt=before).order_by("seq"))
    got = sorted((e.citizen_id, e.action, e.channel, e.purpose) for e in new)
    if isinstance(case, NoPersonalData):
        assert got == [], case.reason
        return
    want = sorted(
        (world.citizen(who), action, channel, case.purpose) for who, action in case.entries
    )
    assert got == want
    for entry in new:
        assert entry.resource
        assert "0101551234" not in entry.resource
        assert "010155-1234" not in entry.resource


def _params(routes: list[Any], table: dict[Any, Expectation]) -> list[Any]:
    """One test per case; a route missing from the table still gets one (failing) test."""
    return [
        pytest.param(route, i, id=f"{' '.join(route) if isinstance(route, tuple) else route}#{i}")
        for route in routes
        for i in range(len(_cases(table[route])) if route in table else 1)
    ]


@pytest.mark.parametrize(("route", "case"), _params(_api_routes(), API_ROUTES))
def test_api_route_writes_the_access_log(route: tuple[str, str], case: int) -> None:
    assert route in API_ROUTES, f"classify {route} in API_ROUTES"
    _check(_cases(API_ROUTES[route])[case], "api")


@pytest.mark.parametrize(("pattern", "case"), _params(_page_routes(), PAGE_ROUTES))
def test_page_writes_the_access_log(pattern: str, case: int) -> None:
    assert pattern in PAGE_ROUTES, f"classify {pattern!r} in PAGE_ROUTES"
    _check(_cases(PAGE_ROUTES[pattern])[case], "page")
