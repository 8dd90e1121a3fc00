"""Exact SQL statement counts on every API endpoint and every page (issue #9 §7).

Each row calls a route as a user who may, in the access-log walk's world
(tests/test_access_log_walk.py), warm, and asserts the exact number of statements
(tests/querycount.py). A list (`grows=True`) is counted again after `grow` has added citizens,
grant lines, orders, ward orders, products, job runs, organisations and stock: the count must
not change. Routes are enumerated as the walk enumerates them, so a new GET endpoint or a new
page without a row fails `test_every_*_has_a_row`.

Counts include the SAVEPOINT/RELEASE statements Django logs. A count that changes is a
decision: look at the statements the failure prints before changing the number.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from forsyn.citizens.models import Representative
from forsyn.core.identifiers import with_check_digit
from forsyn.core.models import JobRun
from forsyn.fulfilment.models import StockLot, Warehouse
from forsyn.orders.services import DeliveryInput, LineInput, order_place, ward_order_place
from forsyn.organisations.models import Organisation
from tests import factories as f
from tests.contexts import ctx
from tests.fulfilment.walk import warehouse_flow
from tests.querycount import assert_queries, assert_queries_constant
from tests.test_access_log_walk import (
    BAG,
    CALL,
    ApiClient,
    World,
    _api_routes,
    _count,
    _no_lines,
    _notice,
    _page_routes,
    _recall,
    _stocked,
    _warehouse,
)

pytestmark = pytest.mark.django_db


class CountWorld(World):
    """The walk's world with one client per user, kept across calls (the warm-up logs in,
    writes the token's "last used" time and fills the session; the counted call does not)."""

    def __init__(self) -> None:
        super().__init__()
        self._api: dict[str, ApiClient] = {}
        self._page: dict[str, Client] = {}
        self._stated: dict[tuple[str, int, str], Client] = {}
        self.anon = Client()
        # One row of each list below, so the small world already runs every query a list
        # needs (a prefetch over no rows runs none) and growing it adds rows only.
        ward_order_place(ctx=ctx(self.users["ward"]), lines=[LineInput(BAG, 1)])
        JobRun.objects.create(kind="test.count", started_by=self.users["cw"])
        self.stock(1, lots=1)

    def stock(self, number: int, lots: int) -> None:
        logi = Organisation.objects.get(code="LOGI")
        warehouse = Warehouse.objects.create(
            code=f"LOGI-{number}", name="Lager", kind="consignment", organisation=logi
        )
        for i in range(lots):
            StockLot.objects.create(
                warehouse=warehouse,
                product=self.bag,
                lot_number=f"L{i}",
                expires_on=dt.date(2030, 1, 1 + i),
                owner=logi,
                on_hand_quantity=10,
            )

    def api(self, user: str) -> ApiClient:
        if user not in self._api:
            self._api[user] = ApiClient(self.users[user])
        return self._api[user]

    def page(self, user: str) -> Client:
        if user not in self._page:
            self._page[user] = super().page(user)
        return self._page[user]

    def stated(self, user: str, citizen_id: int, purpose: str) -> Client:
        key = (user, citizen_id, purpose)
        if key not in self._stated:
            self._stated[key] = super().stated(user, citizen_id, purpose)
        return self._stated[key]


def grow(w: CountWorld) -> None:
    """More of everything a list shows: four more Andersens of Aarhus (grant line, held order,
    the same representative), three more grant lines and orders for Ann, ward orders,
    organisations, job runs, a warehouse with stock lots."""
    aarhus = w.ann.municipality
    since = timezone.localdate() - dt.timedelta(days=400)
    for i in range(4):
        citizen = f.CitizenFactory(
            municipality=aarhus, cpr=f"05056{i}4567", first_name=f"Eva{i}", last_name="Andersen"
        )
        grant = f.GrantFactory(citizen=citizen, valid_from=since)
        f.GrantLineFactory(grant=grant, product=w.bag, pieces_per_month=30)
        Representative.objects.create(
            citizen=citizen,
            cpr="0303703456",
            name="Rasmus Andersen",
            valid_from=timezone.localdate() - dt.timedelta(days=10),
        )
        order_place(
            ctx=ctx(w.users["cw"]),
            citizen_id=citizen.pk,
            lines=[LineInput(BAG, 4)],
            delivery=DeliveryInput(),
        )
    for i in range(3):
        product = f.ProductFactory(gtin=with_check_digit(f"57000000001{i}"), pieces_per_unit=10)
        f.GrantLineFactory(grant=w.grant, product=product, pieces_per_month=10)
        order_place(
            ctx=ctx(w.users["cw"]),
            citizen_id=w.ann.pk,
            lines=[LineInput(product.gtin, 1)],
            delivery=DeliveryInput(),
        )
        ward_order_place(ctx=ctx(w.users["ward"]), lines=[LineInput(BAG, 1 + i)])
        f.OrganisationFactory(kind="region", code=f"10{i}9")
        JobRun.objects.create(kind="test.count", started_by=w.users["cw"])
    w.stock(2, lots=4)


Call = Callable[[CountWorld], Any]


@dataclass(frozen=True)
class Count:
    """Called as `call` does (after `warmup`, default `call` itself), the route answers
    `status` in exactly `queries` statements; with `grows`, also after `grow`."""

    call: Call
    status: int
    queries: int
    grows: bool = False
    warmup: Call | None = None


@dataclass(frozen=True)
class NotCounted:
    """A route not counted here, and why."""

    reason: str


Row = Count | NotCounted | list[Count]


def _order_body(w: CountWorld) -> dict[str, Any]:
    return {
        "citizen": w.bo.pk,
        "lines": [{"gtin": BAG, "order_units": 1}],
        "delivery": {"type": "registered_address"},
    }


def _grant_body(w: CountWorld, month: int) -> dict[str, Any]:
    return {
        "citizen": w.ann.pk,
        "product_area": "urology",
        "legal_basis": "sel_112",
        "valid_from": f"2026-{month:02}-01",
        "valid_until": f"2026-{month:02}-15",
    }


def _id(w: CountWorld, make: Callable[[Any], int]) -> int:
    """The id `make` returns, made once per world (a counted call then makes nothing)."""
    made: dict[Any, int] = w.__dict__.setdefault("_made", {})
    if make not in made:
        made[make] = make(w)
    return made[make]


def _made(make: Callable[[Any], object], path: str) -> Call:
    """A warm-up that makes the page's data, then opens the page as the row does."""

    def warmup(w: CountWorld) -> Any:
        make(w)
        return w.page("wh").get(path)

    return warmup


ACTION = "an action on one object (POST/PATCH), not a list or a detail read"


def _wave_run(w: CountWorld) -> int:
    run, _ = JobRun.objects.get_or_create(kind="fulfilment.wave", started_by=w.users["wh"])
    return int(run.pk)


def _waved(w: CountWorld) -> Any:
    warehouse_flow(w)
    return w.page("wh").get("/lager/")


# -- The API: (method, path under /api/v1) -> row --------------------------------------------------
API_COUNTS: dict[tuple[str, str], Row] = {
    ("GET", "/organisations"): Count(
        lambda w: w.api("cw").get("/organisations", kind="region"), 200, 4, grows=True
    ),
    ("GET", "/warehouses"): Count(lambda w: w.api("wh").get("/warehouses"), 200, 3, grows=True),
    ("GET", "/stock"): Count(lambda w: w.api("wh").get("/stock"), 200, 4, grows=True),
    ("GET", "/products"): Count(lambda w: w.api("cw").get("/products"), 200, 4, grows=True),
    ("GET", "/products/{gtin}"): Count(lambda w: w.api("cw").get(f"/products/{BAG}"), 200, 3),
    ("GET", "/products/{gtin}/price"): Count(
        lambda w: w.api("cw").get(f"/products/{BAG}/price"), 404, 4
    ),
    ("GET", "/citizens"): Count(
        lambda w: w.api("cw").get("/citizens", q="Andersen"), 200, 7, grows=True
    ),
    ("POST", "/citizens/search"): [
        Count(lambda w: w.api("cw").post("/citizens/search", {"cpr": "0101551234"}), 200, 7),
        Count(
            lambda w: w.api("agent").post("/citizens/search", {"q": "Andersen", "purpose": CALL}),
            200,
            7,
            grows=True,
        ),
    ],
    ("GET", "/citizens/{citizen_id}"): [
        Count(lambda w: w.api("cw").get(f"/citizens/{w.ann.pk}"), 200, 7),
        Count(lambda w: w.api("agent").get(f"/citizens/{w.ann.pk}", purpose=CALL), 200, 7),
    ],
    ("GET", "/citizens/{citizen_id}/grants"): Count(
        lambda w: w.api("cw").get(f"/citizens/{w.ann.pk}/grants"), 200, 8, grows=True
    ),
    ("GET", "/citizens/{citizen_id}/orders"): Count(
        lambda w: w.api("cw").get(f"/citizens/{w.ann.pk}/orders"), 200, 9, grows=True
    ),
    ("POST", "/grants"): Count(
        lambda w: w.api("cw").post("/grants", _grant_body(w, 3)),
        201,
        18,
        warmup=lambda w: w.api("cw").post("/grants", _grant_body(w, 1)),
    ),
    ("GET", "/grants/{grant_id}"): Count(
        lambda w: w.api("cw").get(f"/grants/{w.grant.pk}"), 200, 9, grows=True
    ),
    ("PATCH", "/grants/{grant_id}"): NotCounted(ACTION),
    ("POST", "/orders"): [
        # No idempotency look-up and no savepoint on the way (the unique key finds a retry).
        Count(lambda w: w.api("cw").post("/orders", _order_body(w)), 201, 14),
        Count(
            lambda w: w.api("agent").post("/orders", _order_body(w), **{"X-Purpose": CALL}),
            201,
            14,
        ),
    ],
    ("GET", "/orders/{order_id}"): [
        Count(lambda w: w.api("cw").get(f"/orders/{w.held.pk}"), 200, 8, grows=True),
        Count(lambda w: w.api("agent").get(f"/orders/{w.held.pk}", purpose=CALL), 200, 8),
    ],
    ("POST", "/orders/{order_id}/cancel"): NotCounted(ACTION),
    ("POST", "/orders/{order_id}/approve"): NotCounted(ACTION),
    ("POST", "/orders/{order_id}/reject"): NotCounted(ACTION),
    ("GET", "/approvals"): Count(lambda w: w.api("cw").get("/approvals"), 200, 8, grows=True),
    ("POST", "/ward-orders"): Count(
        lambda w: w.api("ward").post("/ward-orders", {"lines": [{"gtin": BAG, "order_units": 2}]}),
        201,
        9,  # no idempotency look-up or savepoint; + the usual ward pieces (ward limits)
    ),
    ("POST", "/receipts"): NotCounted(ACTION),
    # Waves, picking, packing, shipping (issue #10 §4–5; tests/fulfilment/walk.py). The wave's
    # own statement count is pinned for 3 and 30 orders in tests/fulfilment/test_waves.py.
    ("POST", "/waves"): NotCounted(ACTION),
    ("GET", "/waves/{wave_id}"): Count(
        lambda w: w.api("wh").get(f"/waves/{warehouse_flow(w).wave.pk}"), 200, 7
    ),
    ("POST", "/pick-lines/{pick_line_id}/confirm"): NotCounted(ACTION),
    ("POST", "/hole-cut-tasks/{task_id}/confirm"): NotCounted(ACTION),
    ("POST", "/waves/{wave_id}/pack"): NotCounted(ACTION),
    ("POST", "/parcels/{parcel_id}/ship"): NotCounted(ACTION),
    ("POST", "/parcels/{parcel_id}/return"): NotCounted(ACTION),
    ("POST", "/carrier/events"): NotCounted(ACTION),
    ("POST", "/recalls"): NotCounted(ACTION),
}

FORM_ACTION = "a form's action (POST): it redirects; the page it answers with is counted"

# -- Pages: (URL pattern, as Django's resolver spells it) -> row ---------------------------------
PAGE_COUNTS: dict[str, Row] = {
    "": Count(lambda w: w.page("cw").get("/"), 302, 4),
    "api/v1/": Count(lambda w: w.api("cw").get("/"), 404, 0),
    "api/v1/docs": Count(lambda w: w.page("cw").get("/api/v1/docs"), 200, 4),
    "api/v1/openapi.json": Count(lambda w: w.page("cw").get("/api/v1/openapi.json"), 200, 0),
    "login/": Count(lambda w: w.anon.get("/login/"), 200, 0),
    "logout/": NotCounted(FORM_ACTION),
    "tilgaengelighed/": Count(lambda w: w.anon.get("/tilgaengelighed/"), 200, 0),
    "i18n/setlang/": NotCounted(FORM_ACTION),
    "produkter/": Count(lambda w: w.page("cw").get("/produkter/"), 200, 6, grows=True),
    "koersler/": Count(lambda w: w.page("cw").get("/koersler/"), 200, 6, grows=True),
    "koersler/<int:run_id>/": Count(
        lambda w: w.page("cw").get(
            f"/koersler/{JobRun.objects.get_or_create(kind='t', started_by=w.users['cw'])[0].pk}/"
        ),
        200,
        6,
    ),
    "lager/": Count(lambda w: w.page("wh").get("/lager/"), 200, 10, warmup=_waved),
    "lager/koersel/<int:run_id>/": Count(
        lambda w: w.page("wh").get(f"/lager/koersel/{_wave_run(w)}/"),
        200,
        6,
    ),
    "lager/modtag/": Count(lambda w: w.page("wh").get("/lager/modtag/"), 200, 5),
    "lager/retur/": Count(
        lambda w: w.page("wh").get("/lager/retur/"),
        200,
        8,
        warmup=lambda w: (warehouse_flow(w, "returned"), w.page("wh").get("/lager/retur/")),
    ),
    "lager/boelger/<int:wave_id>/": Count(
        lambda w: w.page("wh").get(f"/lager/boelger/{warehouse_flow(w).wave.pk}/"), 200, 7
    ),
    "lager/boelger/<int:wave_id>/pluk/": Count(
        lambda w: w.page("wh").get(f"/lager/boelger/{warehouse_flow(w).wave.pk}/pluk/"), 200, 8
    ),
    "lager/boelger/<int:wave_id>/hulklip/": Count(
        lambda w: w.page("wh").get(f"/lager/boelger/{warehouse_flow(w).wave.pk}/hulklip/"), 200, 7
    ),
    "lager/boelger/<int:wave_id>/pak/": Count(
        lambda w: w.page("wh").get(f"/lager/boelger/{warehouse_flow(w).wave.pk}/pak/"), 200, 13
    ),
    "lager/boelger/<int:wave_id>/send/": Count(
        lambda w: w.page("wh").get(f"/lager/boelger/{warehouse_flow(w, 'packed').wave.pk}/send/"),
        200,
        13,
    ),
    "lager/pakker/<int:parcel_id>/foelgeseddel.pdf": Count(
        lambda w: w.page("wh").get(
            f"/lager/pakker/{warehouse_flow(w, 'packed').parcel.pk}/foelgeseddel.pdf"
        ),
        200,
        10,
    ),
    "lager/pakker/<int:parcel_id>/label.pdf": Count(
        lambda w: w.page("wh").get(
            f"/lager/pakker/{warehouse_flow(w, 'packed').parcel.pk}/label.pdf"
        ),
        200,
        10,
    ),
    "ordrer/<int:order_id>/forloeb/": Count(
        lambda w: w.page("cw").get(f"/ordrer/{warehouse_flow(w, 'shipped').order_id}/forloeb/"),
        200,
        15,
    ),
    "afdelingslager/": Count(lambda w: w.page("ward").get("/afdelingslager/"), 200, 8, grows=True),
    "analyse/": Count(lambda w: w.page("analyst").get("/analyse/"), 200, 4),
    "analyse/forbrug/": Count(lambda w: w.page("analyst").get("/analyse/forbrug/"), 200, 6),
    "analyse/forbrug/fil/<int:upload_id>/": Count(
        lambda w: w.page("analyst").get("/analyse/forbrug/fil/1/"), 404, 5
    ),
    "favicon.ico": Count(lambda w: w.anon.get("/favicon.ico"), 301, 0),
    "analyse/gevinster/": Count(lambda w: w.page("analyst").get("/analyse/gevinster/"), 200, 4),
    "analyse/<slug:slug>/": Count(
        lambda w: w.page("analyst").get("/analyse/business-case/"), 200, 4
    ),
    "saml/login/": Count(lambda w: w.anon.get("/saml/login/"), 503, 0),
    "saml/acs/": NotCounted("receives the IdP's answer (POST); not configured in tests"),
    "saml/metadata/": Count(lambda w: w.anon.get("/saml/metadata/"), 404, 0),
    "saml/logout/": NotCounted(FORM_ACTION),
    "testidp/metadata/": Count(lambda w: w.anon.get("/testidp/metadata/"), 404, 0),
    "testidp/sso/": Count(lambda w: w.anon.get("/testidp/sso/"), 404, 0),
    "borgere/": [
        Count(lambda w: w.page("cw").get("/borgere/"), 200, 4),
        Count(lambda w: w.page("cw").post("/borgere/", {"q": "Andersen"}), 200, 9, grows=True),
    ],
    "borgere/<int:citizen_id>/": Count(
        # + the citizen's delivery pause and why waiting orders wait (issue #10 §3)
        lambda w: w.page("cw").get(f"/borgere/{w.ann.pk}/"),
        200,
        18,
        grows=True,
    ),
    "borgere/<int:citizen_id>/adgangslog/": Count(
        lambda w: w.page("cw").get(f"/borgere/{w.ann.pk}/adgangslog/"), 200, 11, grows=True
    ),
    "borgere/<int:citizen_id>/bevillinger/ny/": [
        Count(lambda w: w.page("cw").get(f"/borgere/{w.ann.pk}/bevillinger/ny/"), 200, 11),
        Count(
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
            18,
        ),
    ],
    "bevillinger/<int:grant_id>/": Count(
        lambda w: w.page("cw").get(f"/bevillinger/{w.grant.pk}/"), 200, 13, grows=True
    ),
    "bevillinger/<int:grant_id>/rediger/": Count(
        lambda w: w.page("cw").get(f"/bevillinger/{w.grant.pk}/rediger/"), 200, 14, grows=True
    ),
    "bevillinger/<int:grant_id>/status/": Count(
        lambda w: w.page("cw").get(f"/bevillinger/{w.grant.pk}/status/"), 200, 12
    ),
    # Portal pages: a citizen has no roles, so the access context reads none (one query less).
    "borger/": Count(lambda w: w.page("rep").get("/borger/"), 200, 6, grows=True),
    "borger/<int:citizen_id>/": [
        Count(lambda w: w.page("ann").get(f"/borger/{w.ann.pk}/"), 200, 10, grows=True),
        Count(
            lambda w: w.stated("agent", w.ann.pk, CALL).get(f"/borger/{w.ann.pk}/"),
            200,
            12,
            grows=True,
        ),
    ],
    "borger/<int:citizen_id>/bekraeft/": Count(
        lambda w: w.page("ann").post(
            f"/borger/{w.ann.pk}/bekraeft/",
            {"delivery_type": "registered_address", f"units-{BAG}": "1"},
        ),
        200,
        10,
    ),
    "borger/<int:citizen_id>/bestil/": Count(
        lambda w: w.page("ann").post(
            f"/borger/{w.ann.pk}/bestil/",
            {"delivery_type": "registered_address", "gtin": BAG, "units": "1"},
        ),
        302,
        14,  # no idempotency look-up or savepoint on the way; the policy read with the lines
    ),
    "borger/<int:citizen_id>/bestillinger/": Count(
        lambda w: w.page("ann").get(f"/borger/{w.ann.pk}/bestillinger/"), 200, 9, grows=True
    ),
    "borger/<int:citizen_id>/bestillinger/<int:order_id>/": Count(
        lambda w: w.page("ann").get(f"/borger/{w.ann.pk}/bestillinger/{w.held.pk}/"), 200, 8
    ),
    "borger/<int:citizen_id>/bestillinger/<int:order_id>/annuller/": NotCounted(FORM_ACTION),
    "godkendelser/": Count(lambda w: w.page("cw").get("/godkendelser/"), 200, 10, grows=True),
    "godkendelser/<int:order_id>/": NotCounted(FORM_ACTION),
    # The warehouse's stock pages (issue #10 §7), counted without making their data (made by
    # the warm-up, or once by `_id`); tests/fulfilment/test_stock_pages.py counts them again as
    # their own lists grow. Each: session, user, roles, organisation, then the page's own.
    "lager/oversigt/": Count(
        lambda w: w.page("wh").get("/lager/oversigt/"),
        200,
        4,
    ),
    "lager/modtagelse/": Count(
        lambda w: w.page("wh").get("/lager/modtagelse/"),
        200,
        7,
        warmup=_made(_warehouse, "/lager/modtagelse/"),
    ),
    "lager/advis/": Count(
        lambda w: w.page("wh").get("/lager/advis/"),
        200,
        7,
        grows=True,
        warmup=_made(_notice, "/lager/advis/"),
    ),
    "lager/advis/<int:notice_id>/": Count(
        lambda w: w.page("wh").get(f"/lager/advis/{_id(w, _notice)}/"),
        200,
        7,
    ),
    "lager/beholdning/": Count(
        lambda w: w.page("wh").get("/lager/beholdning/"),
        200,
        6,
        grows=True,
        warmup=_made(_stocked, "/lager/beholdning/"),
    ),
    "lager/optaelling/": Count(
        lambda w: w.page("wh").get("/lager/optaelling/"),
        200,
        7,
        grows=True,
        warmup=_made(_count, "/lager/optaelling/"),
    ),
    "lager/optaelling/<int:count_id>/": Count(
        lambda w: w.page("wh").get(f"/lager/optaelling/{_id(w, _count)}/"),
        200,
        7,
        grows=True,
    ),
    "lager/tilbagekaldelser/": Count(
        lambda w: w.page("wh").get("/lager/tilbagekaldelser/"),
        200,
        6,
        grows=True,
        warmup=_made(_recall, "/lager/tilbagekaldelser/"),
    ),
    "lager/tilbagekaldelser/<int:recall_id>/": Count(
        lambda w: w.page("wh").get(f"/lager/tilbagekaldelser/{_id(w, _recall)}/"),
        200,
        11,
    ),
    "lager/genbestilling/": Count(
        lambda w: w.page("wh").get("/lager/genbestilling/"),
        200,
        10,
        grows=True,
        warmup=_made(_stocked, "/lager/genbestilling/"),
    ),
    "borgere/<int:citizen_id>/pauser/": [
        Count(lambda w: w.page("cw").get(f"/borgere/{w.ann.pk}/pauser/"), 200, 10),
        Count(
            lambda w: w.page("cw").post(
                f"/borgere/{w.ann.pk}/pauser/",
                {
                    "action": "start",
                    "starts_on": timezone.localdate().isoformat(),
                    "reason": "staff",
                },
            ),
            302,
            11,
        ),
    ],
}


def _cases(row: Row) -> list[Count | NotCounted]:
    return list(row) if isinstance(row, list) else [row]


def _get_routes() -> list[tuple[str, str]]:
    return [r for r in _api_routes() if r[0] == "GET"]


def test_every_api_route_has_a_row() -> None:
    """Every API operation has a row; every GET is counted."""
    routes = _api_routes()
    assert len(routes) >= 22
    missing = [r for r in routes if r not in API_COUNTS]
    stale = [r for r in API_COUNTS if r not in routes]
    uncounted_gets = [r for r in _get_routes() if isinstance(API_COUNTS.get(r), NotCounted)]
    assert (missing, stale, uncounted_gets) == ([], [], [])


def test_every_page_has_a_row() -> None:
    routes = _page_routes()
    assert len(routes) >= 36
    missing = [r for r in routes if r not in PAGE_COUNTS]
    stale = [r for r in PAGE_COUNTS if r not in routes]
    assert (missing, stale) == ([], [])


def _check(case: Count | NotCounted, label: str) -> None:
    if isinstance(case, NotCounted):
        pytest.skip(case.reason)
    w = CountWorld()

    def call() -> None:
        response = case.call(w)
        assert response.status_code == case.status, response.content.decode()[:500]

    warmup = (lambda: case.warmup(w)) if case.warmup else None
    if case.grows:
        assert_queries_constant(case.queries, call, lambda: grow(w), warmup=warmup, label=label)
    else:
        assert_queries(case.queries, call, warmup=warmup, label=label)


def _params(routes: list[Any], table: dict[Any, Row]) -> list[Any]:
    return [
        pytest.param(route, i, id=f"{' '.join(route) if isinstance(route, tuple) else route}#{i}")
        for route in routes
        for i in range(len(_cases(table[route])) if route in table else 1)
    ]


@pytest.mark.parametrize(("route", "case"), _params(_api_routes(), API_COUNTS))
def test_api_route_query_count(route: tuple[str, str], case: int) -> None:
    assert route in API_COUNTS, f"add {route} to API_COUNTS"
    _check(_cases(API_COUNTS[route])[case], " ".join(route))


@pytest.mark.parametrize(("pattern", "case"), _params(_page_routes(), PAGE_COUNTS))
def test_page_query_count(pattern: str, case: int) -> None:
    assert pattern in PAGE_COUNTS, f"add {pattern!r} to PAGE_COUNTS"
    _check(_cases(PAGE_COUNTS[pattern])[case], pattern or "/")


def test_grant_edit_lines_share_their_choices_and_keep_their_selection() -> None:
    """The edit formset reads products and categories once (above), and each line still shows
    its own product selected, the empty forms none."""
    w = CountWorld()
    grow(w)
    html = w.page("cw").get(f"/bevillinger/{w.grant.pk}/rediger/").content.decode()
    gtins = list(w.grant.lines.order_by("pk").values_list("product__gtin", flat=True))
    assert len(gtins) == 4
    selected = re.findall(r'<option value="(\d+)" selected>', html)
    assert selected == gtins
