"""Hostile and broken input never gives a 500 (issue #8 §4): NUL bytes, the API's error shape,
the OpenAPI error answers, Idempotency-Key reuse, the caller-chosen channel, ward order bounds
and who may cancel an order."""

import json
from typing import Any

import pytest
from django.test import Client

from forsyn.catalogue.models import Product
from forsyn.orders import rules
from forsyn.orders.models import Order, OrderEvent, OrderLine
from forsyn.orders.services import LineInput, ward_order_place
from forsyn.organisations.models import User
from forsyn.organisations.services import token_create
from tests import builders as b
from tests import factories as f
from tests.contexts import ctx

pytestmark = pytest.mark.django_db

NUL_MSG = "may not contain a NUL character"


def nul_error(*loc: Any) -> dict[str, Any]:
    return {
        "detail": [
            {
                "loc": list(loc),
                "msg": NUL_MSG,
                "type": "string_nul",
                "code": "string_nul",
                "params": {},
            }
        ]
    }


@pytest.fixture
def w() -> dict[str, Any]:
    world = b.build_world()
    unit = f.hospital_unit()
    return {
        "aarhus": world.municipality,
        "citizen": world.citizen,
        "bag": world.bag,
        "unit": unit,
        "cw": b.add_staff("caseworker", world.municipality),
        "agent": b.add_staff("service_agent", f.service_centre()),
        "orderer": b.add_staff("hospital_orderer", unit),
        "colleague": b.add_staff("hospital_orderer", unit),
    }


class Api:
    def __init__(self, user: Any) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token_create(user=user)}"}

    def call(self, method: str, path: str, body: Any = None, **headers: str) -> Any:
        return getattr(self.client, method)(
            f"/api/v1{path}",
            body,
            content_type="application/json",
            headers={**self.headers, **headers},
        )

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)


# -- NUL bytes: every parameter of every operation --


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = Client().get("/api/v1/openapi.json").json()
    return [
        (method, path, op)
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
        if path != "/api/v1/openapi.json"
    ]


def _fill(path: str, w: dict[str, Any]) -> str:
    return (
        path.removeprefix("/api/v1")
        .replace("{citizen_id}", str(w["citizen"].pk))
        .replace("{grant_id}", "1")
        .replace("{order_id}", "1")
        .replace("{gtin}", w["bag"].gtin)
    )


def _body_properties(schema: dict[str, Any], op: dict[str, Any]) -> list[str]:
    if "requestBody" not in op:
        return []
    ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    model = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return list(model["properties"])


def test_a_nul_in_any_query_header_path_or_body_field_is_a_422_naming_it(w: dict) -> None:
    api = Api(w["agent"])
    schema = Client().get("/api/v1/openapi.json").json()
    checked = 0
    for method, path, op in _operations():
        url = _fill(path, w)
        for param in op.get("parameters", []):
            name, where = param["name"], param["in"]
            if where == "query":
                sep = "&" if "?" in url else "?"
                response = api.call(method, f"{url}{sep}{name}=a%00b")
            elif where == "header":
                response = api.call(method, url, {}, **{name: "a\x00b"})
            elif param["schema"].get("type") == "string":  # a path parameter that takes text
                response = api.call(
                    method, path.removeprefix("/api/v1").replace("{" + name + "}", "57%0000")
                )
            else:
                continue
            assert (response.status_code, response.json()) == (422, nul_error(where, name)), (
                method,
                path,
                name,
            )
            checked += 1
        for name in _body_properties(schema, op):
            response = api.call(method, url, {name: "a\x00b"})
            assert (response.status_code, response.json()) == (422, nul_error("body", name)), (
                method,
                path,
                name,
            )
            checked += 1
        # The purpose header every personal-data read takes.
        response = api.call(
            method, url, {} if "requestBody" in op else None, **{"X-Purpose": "Borger\x00ringer"}
        )
        assert (response.status_code, response.json()) == (422, nul_error("header", "X-Purpose"))
        checked += 1
    assert checked >= 60
    assert Order.objects.count() == 0


def test_a_nul_deep_in_a_json_body_names_the_nested_field(w: dict) -> None:
    body = {
        "citizen": w["citizen"].pk,
        "lines": [
            {"gtin": "5700000000011", "order_units": 1},
            {"gtin": "57\x00", "order_units": 1},
        ],
        "delivery": {"type": "registered_address"},
    }
    response = Api(w["agent"]).call("post", "/orders", body, **{"X-Purpose": "Opkald"})
    assert (response.status_code, response.json()) == (
        422,
        nul_error("body", "lines", 1, "gtin"),
    )
    assert Order.objects.count() == 0


def test_a_nul_in_a_body_sent_as_plain_text_is_refused_too(w: dict) -> None:
    api = Api(w["agent"])
    body = json.dumps({**_order_body(w), "purpose": "Opkald\x00"})
    response = api.client.post(
        "/api/v1/orders", body, content_type="text/plain", headers=api.headers
    )
    assert (response.status_code, response.json()) == (422, nul_error("body", "purpose"))
    assert Order.objects.count() == 0


def test_a_nul_in_a_cookie_or_a_token_is_refused_not_looked_up(w: dict) -> None:
    client = Client()
    client.cookies["sessionid"] = "abc\x00def"
    response = client.get("/api/v1/products")
    assert (response.status_code, response.json()) == (422, nul_error("cookie", "sessionid"))
    response = Client().get("/api/v1/products", headers={"Authorization": "Bearer a\x00b"})
    assert (response.status_code, response.json()) == (422, nul_error("header", "Authorization"))


def test_json_nested_100000_deep_is_a_422_not_a_recursion_error(w: dict) -> None:
    response = Api(w["agent"]).client.post(
        "/api/v1/orders",
        "[" * 100_000 + "]" * 100_000,
        content_type="application/json",
        headers=Api(w["agent"]).headers,
    )
    assert (response.status_code, response.json()) == (
        422,
        {
            "detail": [
                {
                    "loc": ["body"],
                    "msg": "is JSON nested deeper than 64 levels",
                    "type": "json_too_deep",
                    "code": "json_too_deep",
                    "params": {},
                }
            ]
        },
    )


def test_pages_refuse_a_nul_with_a_danish_message_naming_the_field(w: dict, client: Client) -> None:
    client.force_login(w["cw"])
    response = client.get("/borgere/", {"q": "Jen\x00sen"})
    assert response.status_code == 400
    assert "Feltet “q” må ikke indeholde et NUL-tegn." in response.content.decode()
    response = client.post("/afdelingslager/", {"r0-product": "57\x00", "idempotency_key": "k"})
    assert response.status_code == 400
    assert "Feltet “r0-product” må ikke indeholde et NUL-tegn." in response.content.decode()
    assert Order.objects.count() == 0


# -- The API's error shape --


def test_unknown_api_paths_and_methods_answer_json(w: dict) -> None:
    client = Client()
    response = client.get("/api/v1/no-such-thing")
    assert (response.status_code, response["Content-Type"], response.json()) == (
        404,
        "application/json",
        {"detail": "Not found"},
    )
    response = client.delete("/api/v1/products")
    assert (response.status_code, response.json(), response["Allow"]) == (
        405,
        {"detail": "Method not allowed"},
        "GET",
    )


def test_too_many_query_parameters_is_a_json_400(w: dict, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    query = "&".join(f"q{i}=x" for i in range(11))
    response = Api(w["cw"]).get(f"/products?{query}")
    assert (response.status_code, response.json()) == (400, {"detail": "Bad request"})


def test_an_unexpected_error_is_json_and_logged_without_its_message(
    w: dict, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # A failure inside the database layer (the one place we cannot reach with real input any
    # more): the error's text quotes a CPR number, as database errors quote the values.
    from forsyn.catalogue import api as catalogue_api

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"duplicate key (cpr)=({w['citizen'].cpr})")

    monkeypatch.setattr(catalogue_api, "product_list", broken)
    response = Api(w["cw"]).get("/products")
    assert (response.status_code, response["Content-Type"], response.json()) == (
        500,
        "application/json; charset=utf-8",
        {"detail": "Internal server error"},
    )
    assert "API GET api/v1/products failed with RuntimeError" in caplog.text
    assert "in products" in caplog.text  # the code path is kept
    assert "0101551234" not in caplog.text


def test_openapi_lists_the_error_answers_of_every_operation() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    ref = {"$ref": "#/components/schemas/ErrorOut"}
    assert set(schema["components"]["schemas"]["ErrorOut"]["properties"]) == {"detail"}
    operations = 0
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            expected = {"401", "422", "500"} | ({"404"} if "{" in path else set())
            for status in expected:
                answer = op["responses"][status]
                assert answer["content"]["application/json"]["schema"] == ref, (
                    method,
                    path,
                    status,
                )
            operations += 1
    assert operations == 31


# -- Idempotency-Key bound to its request --


def _order_body(w: dict, units: int = 1) -> dict[str, Any]:
    return {
        "citizen": w["citizen"].pk,
        "lines": [{"gtin": "5700000000011", "order_units": units}],
        "delivery": {"type": "registered_address"},
        "purpose": "Borger ringer",
    }


def test_same_key_same_body_returns_the_first_order(w: dict) -> None:
    api = Api(w["agent"])
    first = api.call("post", "/orders", _order_body(w), **{"Idempotency-Key": "k-1"})
    again = api.call("post", "/orders", _order_body(w), **{"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Order.objects.count() == 1


def test_same_key_same_lines_in_another_order_is_the_same_request(w: dict) -> None:
    f.GrantLineFactory(
        grant=w["citizen"].grants.get(),
        product=f.ProductFactory(gtin="5700000000028", pieces_per_unit=10),
        pieces_per_month=30,
    )
    lines = [
        {"gtin": "5700000000011", "order_units": 1},
        {"gtin": "5700000000028", "order_units": 1},
    ]
    api = Api(w["agent"])
    first = api.call(
        "post", "/orders", {**_order_body(w), "lines": lines}, **{"Idempotency-Key": "k"}
    )
    again = api.call(
        "post", "/orders", {**_order_body(w), "lines": lines[::-1]}, **{"Idempotency-Key": "k"}
    )
    assert (first.status_code, again.status_code, again.json()["id"]) == (
        201,
        200,
        first.json()["id"],
    )


def test_same_key_different_lines_is_a_422_and_saves_nothing(w: dict) -> None:
    api = Api(w["agent"])
    first = api.call("post", "/orders", _order_body(w), **{"Idempotency-Key": "k-1"})
    events = OrderEvent.objects.count()
    again = api.call("post", "/orders", _order_body(w, units=2), **{"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (201, 422)
    assert again.json() == {
        "detail": [
            {
                "loc": ["header", "Idempotency-Key"],
                "msg": "was used before with a different request: use a new key",
                "type": "idempotency_key_reused",
                "code": "idempotency_key_reused",
                "params": {},
            }
        ]
    }
    assert list(OrderLine.objects.values_list("order_units", flat=True)) == [1]
    assert (Order.objects.count(), OrderEvent.objects.count()) == (1, events)


def test_ward_order_key_reused_for_other_lines_is_refused(w: dict) -> None:
    api = Api(w["orderer"])
    body = {"lines": [{"gtin": "5700000000011", "order_units": 2}]}
    assert api.call("post", "/ward-orders", body, **{"Idempotency-Key": "w"}).status_code == 201
    other = {"lines": [{"gtin": "5700000000011", "order_units": 3}]}
    response = api.call("post", "/ward-orders", other, **{"Idempotency-Key": "w"})
    assert (response.status_code, response.json()["detail"][0]["type"]) == (
        422,
        "idempotency_key_reused",
    )
    assert Order.objects.count() == 1


# -- The caller does not choose the channel --


def test_channel_in_the_body_is_refused_and_the_channel_follows_the_actor(w: dict) -> None:
    api = Api(w["agent"])
    response = api.call("post", "/orders", {**_order_body(w), "channel": "web"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "channel"]
    assert Order.objects.count() == 0
    response = api.call("post", "/orders", _order_body(w))
    assert (response.status_code, response.json()["channel"]) == (201, "phone")


# -- Ward orders: a hard cap and holds for large ones --


LIMITS = rules.WardLimits(
    max_pieces=3000, hold_total_pieces=1500, line_factor=10, first_line_pieces=600
)


@pytest.mark.parametrize(
    ("lines", "refused", "hold_codes"),
    [
        ([rules.WardLineRequest("a", 300, None)], False, []),
        ([rules.WardLineRequest("a", 600, None)], False, []),
        ([rules.WardLineRequest("a", 601, None)], False, ["ward_line_above_usual"]),
        ([rules.WardLineRequest("a", 900, 90)], False, []),
        ([rules.WardLineRequest("a", 901, 90)], False, ["ward_line_above_usual"]),
        (
            [rules.WardLineRequest("a", 600, None), rules.WardLineRequest("b", 901, 100)],
            False,
            ["ward_total_above_limit"],
        ),
        ([rules.WardLineRequest("a", 3001, 1000)], True, []),
    ],
)
def test_ward_rule(lines: list, refused: bool, hold_codes: list[str]) -> None:
    decision = rules.check_ward_order(lines, LIMITS)
    assert (decision.refused, [h.code for h in decision.holds]) == (refused, hold_codes)


def test_ward_order_above_the_cap_is_a_422_and_saves_nothing(w: dict, settings: Any) -> None:
    settings.FORSYN_WARD_ORDER_LIMITS = LIMITS
    response = Api(w["orderer"]).call(
        "post", "/ward-orders", {"lines": [{"gtin": "5700000000011", "order_units": 101}]}
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", "lines"],
            "msg": "3030 pieces in one ward order is more than the limit of 3000",
            "type": "ward_order_too_large",
            "code": "ward_order_too_large",
            "params": {"pieces": 3030, "max": 3000},
        }
    ]
    assert Order.objects.count() == 0


def test_default_cap_refuses_999_cartons(w: dict) -> None:
    carton = f.ProductFactory(gtin="5700000000028", pieces_per_unit=100)
    response = Api(w["orderer"]).call(
        "post", "/ward-orders", {"lines": [{"gtin": carton.gtin, "order_units": 999}]}
    )
    assert response.json()["detail"][0]["msg"] == (
        "99900 pieces in one ward order is more than the limit of 20000"
    )


def test_a_large_ward_order_is_held_and_a_colleague_approves_it(w: dict, settings: Any) -> None:
    settings.FORSYN_WARD_ORDER_LIMITS = LIMITS
    usual, _ = ward_order_place(ctx=ctx(w["colleague"]), lines=[LineInput("5700000000011", 2)])
    assert usual.status == "approved"  # 60 pieces: the first order of the product, under 600
    response = Api(w["orderer"]).call(
        "post", "/ward-orders", {"lines": [{"gtin": "5700000000011", "order_units": 21}]}
    )
    assert (response.status_code, response.json()["status"], response.json()["hold_reasons"]) == (
        201,
        "awaiting_approval",
        ["5700000000011: 630 pieces is more than 600 (10 times the wards' usual 60)"],
    )
    order_id = response.json()["id"]
    own = Api(w["orderer"]).call("post", f"/orders/{order_id}/approve", {"message": ""})
    assert (own.status_code, own.json()["detail"][0]["loc"]) == (422, ["body", "status"])
    assert Order.objects.get(pk=order_id).status == "awaiting_approval"
    queue = Api(w["colleague"]).get("/approvals").json()
    assert [o["id"] for o in queue["items"]] == [order_id]
    approved = Api(w["colleague"]).call("post", f"/orders/{order_id}/approve", {"message": ""})
    assert (approved.status_code, approved.json()["status"]) == (200, "approved")


def test_held_ward_order_reason_is_danish_on_the_approval_page(
    w: dict, settings: Any, client: Client
) -> None:
    settings.FORSYN_WARD_ORDER_LIMITS = LIMITS
    ward_order_place(ctx=ctx(w["orderer"]), lines=[LineInput("5700000000011", 21)])
    client.force_login(w["colleague"])
    page = client.get("/godkendelser/").content.decode()
    name = Product.objects.get(gtin="5700000000011").name
    assert (
        f"{name}: 630 stk. er langt mere, end afdelingerne plejer at bestille "
        "(tilbageholdt over 600 stk.)."
    ) in page


# -- Only the payer's side, FSC or the citizen cancel --


@pytest.mark.parametrize(
    ("who", "may"),
    [
        ("citizen", True),
        ("cw", True),  # the paying municipality's caseworker
        ("nurse", True),  # the paying municipality's nurse
        ("agent", True),  # FSC
        ("orderer", False),  # a hospital orderer who sees the citizen (hospital grant)
        ("other_nurse", False),  # a hospital nurse who sees the citizen
    ],
)
def test_who_may_cancel_a_municipality_paid_order(w: dict, who: str, may: bool) -> None:
    from forsyn.grants.models import Grant

    # The hospital unit holds an active temporary grant for the citizen, so its staff see the
    # citizen and the citizen's orders.
    hospital_grant = f.GrantFactory(citizen=w["citizen"], granting_organisation=w["unit"])
    assert Grant.objects.filter(pk=hospital_grant.pk, status="active").exists()
    actors = {
        "citizen": User.objects.create_user(username="borger-1", cpr="0101551234"),
        "cw": w["cw"],
        "nurse": f.make_user("nurse", w["aarhus"]),
        "agent": w["agent"],
        "orderer": w["orderer"],
        "other_nurse": f.make_user("nurse", w["unit"]),
    }
    created = Api(w["cw"]).call("post", "/orders", _order_body(w))
    order_id = created.json()["id"]
    assert Order.objects.get(pk=order_id).ordering_organisation == w["aarhus"]
    actor = actors[who]
    events = OrderEvent.objects.filter(order_id=order_id).count()
    if who == "citizen":
        client = Client()
        client.force_login(actor)
        client.post(f"/borger/{w['citizen'].pk}/bestillinger/{order_id}/annuller/")
        status = Order.objects.get(pk=order_id).status
    else:
        response = Api(actor).call(
            "post", f"/orders/{order_id}/cancel", None, **{"X-Purpose": "Opkald"}
        )
        status = Order.objects.get(pk=order_id).status
        if not may:
            assert (response.status_code, response.json()["detail"][0]["msg"]) == (
                422,
                "only the paying organisation or Fælles Service Center may cancel this order",
            )
    assert status == ("cancelled" if may else "approved")
    if not may:
        assert OrderEvent.objects.filter(order_id=order_id).count() == events


# -- Numbers typed into pages --


@pytest.mark.parametrize("units", ["²", "9" * 5000])
def test_a_superscript_or_endless_number_of_packs_is_a_danish_error(
    w: dict, client: Client, units: str
) -> None:
    client.force_login(User.objects.create_user(username="borger-1", cpr="0101551234"))
    response = client.post(
        f"/borger/{w['citizen'].pk}/bekraeft/",
        {"units-5700000000011": units, "delivery_type": "registered_address"},
    )
    assert response.status_code == 422
    assert "angiv et helt antal pakninger fra 0 til 99." in response.content.decode()
    assert Order.objects.count() == 0


@pytest.mark.parametrize("year", ["²", "9" * 30])
def test_a_year_that_is_no_year_shows_the_page(client: Client, year: str) -> None:
    client.force_login(f.make_user("analyst", f.service_centre()))
    response = client.get("/analyse/forbrug/", {"year": year, "download": "csv"})
    assert (response.status_code, response["Content-Type"]) == (200, "text/html; charset=utf-8")


def test_ward_page_says_a_large_order_waits_for_a_colleague(
    w: dict, settings: Any, client: Client
) -> None:
    settings.FORSYN_WARD_ORDER_LIMITS = LIMITS
    client.force_login(w["orderer"])
    post = {"idempotency_key": "k", "r0-product": "5700000000011", "r0-order_units": "21"}
    page = client.post("/afdelingslager/", post, follow=True).content.decode()
    order = Order.objects.get(kind="ward")
    assert order.status == "awaiting_approval"
    assert f"Afdelingsbestilling {order.pk} er stor: den afventer en kollegas godkendelse." in page
