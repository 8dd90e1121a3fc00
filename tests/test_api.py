"""The JSON API: status codes, shapes, policy, query counts."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from forsyn.audit.models import AccessLogEntry
from forsyn.grants.models import Grant, GrantEvent, GrantLine
from forsyn.organisations.services import token_create
from tests import builders as b
from tests import factories as f
from tests.querycount import assert_queries_constant

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, user: Any | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token_create(user=user)}"} if user else {}

    def get(self, path: str, purpose: str | None = None, **params: Any) -> Any:
        headers = {**self.headers, **({"X-Purpose": purpose} if purpose else {})}
        return self.client.get(f"/api/v1{path}", params, headers=headers)

    def post(self, path: str, body: Any, purpose: str | None = None) -> Any:
        headers = {**self.headers, **({"X-Purpose": purpose} if purpose else {})}
        return self.client.post(
            f"/api/v1{path}", body, content_type="application/json", headers=headers
        )

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(
            f"/api/v1{path}", body, content_type="application/json", headers=self.headers
        )


@pytest.fixture
def w() -> dict[str, Any]:
    aarhus = f.municipality(b.AARHUS)
    users = {
        "cw": b.add_staff("caseworker", aarhus),
        "other_cw": b.add_staff("caseworker", f.municipality(b.ODENSE)),
        "agent": b.add_staff("service_agent", f.service_centre()),
        "analyst": b.add_staff("analyst", f.service_centre()),
    }
    world = b.build_world(participating=False, pieces_per_month=60, grant_from=b.GRANTED_ON)
    plate = b.add_base_plate()
    b.add_contract(
        (world.bag, "27.5000", b.GO_LIVE, dt.date(2025, 6, 1)),
        (world.bag, "28.3250", dt.date(2025, 6, 1), None),
    )
    return {
        **users,
        "citizen": world.citizen,
        "grant": world.grant,
        "line": world.line,
        "bag": world.bag,
        "plate": plate,
    }


def test_no_token_is_401(w: dict) -> None:
    for path in ("/organisations", "/citizens", f"/citizens/{w['citizen'].pk}/grants", "/products"):
        response = Api(None).get(path)
        assert (response.status_code, response.json()) == (401, {"detail": "Unauthorized"})
    assert (
        Api(None)
        .client.get("/api/v1/citizens", headers={"Authorization": "Bearer nope"})
        .status_code
        == 401
    )


def test_organisations_by_kind(w: dict) -> None:
    body = Api(w["cw"]).get("/organisations", kind="region").json()
    assert body["count"] == 5
    assert [o["code"] for o in body["items"]] == ["1081", "1082", "1083", "1084", "1085"]
    munis = Api(w["cw"]).get("/organisations", kind="municipality", limit=2, offset=96).json()
    assert (munis["count"], [o["code"] for o in munis["items"]]) == (98, ["851", "860"])
    assert Api(w["cw"]).get("/organisations", kind="planet").status_code == 422


def test_citizen_search_and_masking(w: dict) -> None:
    body = Api(w["cw"]).post("/citizens/search", {"cpr": "010155-1234"}).json()
    assert body["count"] == 1
    assert body["items"][0]["cpr"] == "010155-1234"
    other = Api(w["other_cw"]).post("/citizens/search", {"cpr": "0101551234"})
    assert other.json() == {"items": [], "count": 0}
    bad = Api(w["cw"]).post("/citizens/search", {"cpr": "999999-9999"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "cpr"]


def test_citizen_detail_policy_and_log(w: dict) -> None:
    cid = w["citizen"].pk
    ok = Api(w["cw"]).get(f"/citizens/{cid}")
    assert ok.status_code == 200
    assert ok.json()["municipality"] == "751"
    assert Api(w["other_cw"]).get(f"/citizens/{cid}").status_code == 404
    assert Api(w["cw"]).get("/citizens/999999").status_code == 404
    assert Api(w["analyst"]).get(f"/citizens/{cid}").status_code == 404
    needs = Api(w["agent"]).get(f"/citizens/{cid}")
    assert needs.status_code == 422
    assert needs.json()["detail"][0]["loc"] == ["body", "purpose"]
    masked = Api(w["agent"]).get(f"/citizens/{cid}", purpose="Borger ringer")
    assert masked.json()["cpr"] == "010155-1234"
    entries = list(
        AccessLogEntry.objects.filter(citizen_id=cid).values_list("actor_username", "purpose")
    )
    assert entries == [
        (w["cw"].username, "Sagsbehandling efter serviceloven §112"),
        (w["agent"].username, "Borger ringer"),
    ]


def test_citizen_grants_shape_and_remaining(w: dict) -> None:
    f.order_pieces(w["line"], 30)
    f.order_pieces(w["line"], 30, status="cancelled")
    body = Api(w["cw"]).get(f"/citizens/{w['citizen'].pk}/grants").json()
    assert body["count"] == 1
    grant = body["items"][0]
    assert {k: grant[k] for k in ("id", "status", "product_area", "valid_from", "valid_until")} == {
        "id": w["grant"].pk,
        "status": "active",
        "product_area": "stoma",
        "valid_from": "2025-01-15",
        "valid_until": None,
    }
    assert grant["lines"] == [
        {
            "id": w["line"].pk,
            "gtin": "5700000000011",
            "category": None,
            "pieces_per_month": 60,
            "remaining_pieces": 30,
            "hole_size_mm": None,
            "free_choice": False,
            "free_choice_product": "",
            "free_choice_price_difference": None,
        }
    ]


def test_citizen_grants_query_count_is_constant(w: dict) -> None:
    """Warm and exact (tests/querycount.py): 8 statements for one grant line or for thirteen."""
    api = Api(w["cw"])
    path = f"/citizens/{w['citizen'].pk}/grants"

    def read() -> Any:
        response = api.get(path)
        assert response.status_code == 200
        return response.json()

    def more() -> None:
        for _ in range(4):
            grant = f.GrantFactory(citizen=w["citizen"], product_area=f.area("urology"))
            for _ in range(3):
                line = f.GrantLineFactory(grant=grant)
                f.order_pieces(line, 10)

    body = assert_queries_constant(8, read, more, label="GET /citizens/{id}/grants")
    assert body["count"] == 5


def test_products_and_price(w: dict) -> None:
    api = Api(w["cw"])
    listing = api.get("/products", area="stoma", q="5700000000011").json()
    assert listing["count"] == 1
    assert listing["items"][0] | {} == {
        "gtin": "5700000000011",
        "name": w["bag"].name,
        "category": "stoma-1p-closed",
        "product_area": "stoma",
        "manufacturer": "Coloplast",
        "order_unit": "box",
        "pieces_per_unit": 30,
        "size": "",
        "cut_min_mm": None,
        "cut_max_mm": None,
        "convexity": "",
        "outlet": "",
        "status": "active",
        "successor": None,
    }
    assert api.get("/products/5700000000011").json()["pieces_per_unit"] == 30
    assert api.get("/products/5700000000099").status_code == 404
    price = api.get("/products/5700000000011/price", date="2025-05-31").json()
    assert (price["price"], price["valid_until"]) == ("27.5000", "2025-06-01")
    assert api.get("/products/5700000000011/price", date="2025-06-01").json()["price"] == "28.3250"
    assert api.get("/products/5700000000011/price", date="2020-01-01").status_code == 404
    assert api.get("/products/5700000000011/price", date="31-12").status_code == 422
    supplier = f.make_user("supplier_viewer", f.OrganisationFactory(code="hollister"))
    assert Api(supplier).get("/products/5700000000011").status_code == 404


def _new_grant(w: dict, **extra: Any) -> dict[str, Any]:
    return {
        "citizen": w["citizen"].pk,
        "product_area": "stoma",
        "legal_basis": "sel_112",
        "valid_from": "2026-01-01",
        "status": "active",
        "lines": [
            {"gtin": "5700000000028", "pieces_per_month": 10, "hole_size_mm": 25},
            {"category": "stoma-1p-closed", "pieces_per_month": 30},
        ],
        **extra,
    }


def _counts() -> tuple[int, int, int, int]:
    return (
        Grant.objects.count(),
        GrantLine.objects.count(),
        GrantEvent.objects.count(),
        AccessLogEntry.objects.count(),
    )


def test_create_grant(w: dict) -> None:
    response = Api(w["cw"]).post("/grants", _new_grant(w, case_number="27.27.08-G01-1-26"))
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["granting_organisation"], body["case_number"]) == (
        "active",
        "751",
        "27.27.08-G01-1-26",
    )
    assert [(ln["gtin"], ln["category"], ln["hole_size_mm"]) for ln in body["lines"]] == [
        ("5700000000028", None, 25),
        (None, "stoma-1p-closed", None),
    ]
    assert GrantEvent.objects.get(grant_id=body["id"]).kind == "created"


@pytest.mark.parametrize(
    ("change", "loc", "msg", "code", "params"),
    [
        (
            {"valid_until": "2025-01-01"},
            ["body", "valid_until"],
            "must be after valid from",
            "valid_until_before_from",
            {},
        ),
        (
            {"product_area": "space"},
            ["body", "product_area"],
            "no product area 'space'",
            "product_area_unknown",
            {"area": "space"},
        ),
        (
            {"legal_basis": "hospital_temporary"},
            ["body", "legal_basis"],
            "a temporary hospital grant is given by a hospital unit",
            "hospital_grant_by_hospital",
            {},
        ),
        (
            {"lines": [{"gtin": "5700000000028", "pieces_per_month": 10, "hole_size_mm": 60}]},
            ["body", "lines", "0", "hole_size_mm"],
            "the product can be cut from 10 to 45 mm",
            "hole_size_outside_product",
            {"low": 10, "high": 45},
        ),
        (
            {"lines": [{"gtin": "5700000000011", "pieces_per_month": 10, "hole_size_mm": 20}]},
            ["body", "lines", "0", "hole_size_mm"],
            "the product is not cut to fit",
            "not_cut_to_fit",
            {},
        ),
        (
            {"lines": [{"gtin": "5700000000011", "pieces_per_month": 10, "free_choice": True}]},
            ["body", "lines", "0", "free_choice_product"],
            "name the product chosen",
            "free_choice_product_missing",
            {},
        ),
        (
            {"lines": []},
            ["body", "lines"],
            "an active grant has at least one line",
            "active_without_lines",
            {},
        ),
    ],
)
def test_create_grant_rejected_changes_nothing(
    w: dict, change: dict, loc: list, msg: str, code: str, params: dict
) -> None:
    before = _counts()
    response = Api(w["cw"]).post("/grants", _new_grant(w, **change))
    assert response.status_code == 422
    item = {"loc": loc, "msg": msg, "type": code, "code": code, "params": params}
    assert item in response.json()["detail"]
    assert _counts() == before


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"citizen": "abc"}, ["body", "citizen"]),
        ({"valid_from": "not a date"}, ["body", "valid_from"]),
        ({"unknown": 1}, ["body", "unknown"]),
        (
            {"lines": [{"pieces_per_month": 0, "gtin": "x"}]},
            ["body", "lines", 0, "pieces_per_month"],
        ),
    ],
)
def test_schema_errors_are_422(w: dict, body: dict, loc: list) -> None:
    before = _counts()
    response = Api(w["cw"]).post("/grants", _new_grant(w, **body))
    assert response.status_code == 422
    assert loc in [d["loc"] for d in response.json()["detail"]]
    assert _counts() == before


def test_create_grant_for_invisible_citizen_is_404(w: dict) -> None:
    before = _counts()
    assert Api(w["other_cw"]).post("/grants", _new_grant(w)).status_code == 404
    assert (
        Api(w["agent"]).post("/grants", _new_grant(w, purpose="Borger ringer")).status_code == 422
    )
    assert _counts() == before


def test_patch_grant(w: dict) -> None:
    api = Api(w["cw"])
    gid = w["grant"].pk
    response = api.patch(f"/grants/{gid}", {"status": "suspended", "status_reason": "Indlagt"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["status_reason"]) == ("suspended", "Indlagt")
    lines = api.patch(
        f"/grants/{gid}",
        {
            "lines": [
                {"id": w["line"].pk, "gtin": "5700000000011", "pieces_per_month": 90},
                {"category": "stoma-2p-plate", "pieces_per_month": 10},
            ]
        },
    ).json()["lines"]
    assert [(ln["gtin"], ln["category"], ln["pieces_per_month"]) for ln in lines] == [
        ("5700000000011", None, 90),
        (None, "stoma-2p-plate", 10),
    ]
    kinds = list(
        GrantEvent.objects.filter(grant_id=gid).order_by("pk").values_list("kind", flat=True)
    )
    assert kinds == ["status", "line_changed", "line_added"]
    assert (
        api.patch(f"/grants/{gid}", {"valid_until": None, "follow_up_on": "2027-01-15"}).json()[
            "follow_up_on"
        ]
        == "2027-01-15"
    )


def test_patch_grant_rejections(w: dict) -> None:
    gid = w["grant"].pk
    before = _counts()
    bad = Api(w["cw"]).patch(f"/grants/{gid}", {"status": "ended"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "status_reason"]
    assert (
        Api(w["cw"]).patch(f"/grants/{gid}", {"status": "draft"}).json()["detail"][0]["msg"]
        == "a grant that is Active cannot become Draft"
    )
    assert Api(w["other_cw"]).patch(f"/grants/{gid}", {"note": "x"}).status_code == 404
    assert Api(w["cw"]).patch("/grants/999999", {"note": "x"}).status_code == 404
    assert _counts() == before
    assert Grant.objects.get(pk=gid).status == "active"


def test_openapi_lists_the_endpoints(w: dict) -> None:
    spec = Client().get("/api/v1/openapi.json").json()
    assert {
        "/api/v1/organisations",
        "/api/v1/citizens",
        "/api/v1/citizens/{citizen_id}",
        "/api/v1/citizens/{citizen_id}/grants",
        "/api/v1/grants",
        "/api/v1/grants/{grant_id}",
        "/api/v1/products",
        "/api/v1/products/{gtin}",
        "/api/v1/products/{gtin}/price",
    } <= set(spec["paths"])


@pytest.mark.parametrize("path", ["/organisations", "/citizens", "/products"])
def test_huge_offset_is_422_not_500(w: dict, path: str) -> None:
    response = Api(w["cw"]).get(path, offset=210533436528837502435328, limit=5)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "offset"]
