"""The fulfilment API: warehouses, receipts, stock; roles; a refused call saves nothing."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from forsyn.fulfilment.models import Receipt, StockLot, StockMove
from tests import factories as f
from tests.fulfilment.helpers import World, scan, world
from tests.querycount import assert_queries
from tests.test_api import Api

pytestmark = pytest.mark.django_db
STOCK_QUERIES = 4  # token, roles, count, lots: whatever the number of lots
GOOD = (timezone.localdate() + dt.timedelta(days=600)).strftime("%y%m%d")


@pytest.fixture
def w() -> World:
    return world()


def counts() -> tuple[int, int, int]:
    return (Receipt.objects.count(), StockLot.objects.count(), StockMove.objects.count())


def test_receive_and_read_stock(w: World) -> None:
    api = Api(w.operator)
    assert api.get("/warehouses").json() == {
        "items": [{"code": "FSC", "name": "FSC-lageret", "kind": "consignment"}],
        "count": 1,
    }
    body = {
        "warehouse": "FSC",
        "lines": [
            {"scan": scan(w.bag.gtin, "B1", GOOD), "quantity": 60},
            {"scan": f"(01)0{w.plate.gtin}(17){GOOD}(10)P1", "quantity": 10},
        ],
    }
    created = api.post("/receipts", body)
    assert created.status_code == 201, created.json()
    expiry = (timezone.localdate() + dt.timedelta(days=600)).isoformat()
    assert created.json() == {
        "id": Receipt.objects.get().pk,
        "lines": [
            {"gtin": "5700000000011", "lot": "B1", "expiry": expiry, "quantity": 60},
            {"gtin": "5700000000028", "lot": "P1", "expiry": expiry, "quantity": 10},
        ],
    }
    StockLot.objects.filter(lot_number="B1").update(allocated_quantity=15)
    stock = api.get("/stock", gtin="05700000000011", warehouse="FSC")
    assert stock.json() == {
        "items": [
            {
                "gtin": "5700000000011",
                "lot": "B1",
                "expiry": expiry,
                "on_hand": 60,
                "allocated": 15,
                "available": 45,
                "status": "available",
            }
        ],
        "count": 1,
    }
    assert api.get("/stock", warehouse="OTHER").json() == {"items": [], "count": 0}

    def stock_count() -> int:
        return int(api.get("/stock").json()["count"])

    # Warm and exact (tests/querycount.py), with 2 lots and with 7.
    assert assert_queries(STOCK_QUERIES, stock_count, label="GET /stock") == 2
    api.post(
        "/receipts",
        {
            **body,
            "lines": [{"scan": scan(w.bag.gtin, f"X{i}", GOOD), "quantity": 1} for i in range(5)],
        },
    )
    assert assert_queries(STOCK_QUERIES, stock_count, label="GET /stock") == 7


def test_refused_lines_are_422_per_line_and_save_nothing(w: World) -> None:
    api = Api(w.operator)
    body = {
        "warehouse": "FSC",
        "lines": [
            {"scan": scan(w.bag.gtin, "B1", GOOD), "quantity": 5},
            {"scan": "(01)05700000000012(17)270930(10)X", "quantity": 5},
            {"scan": scan(w.loose.gtin, "L", GOOD), "quantity": 5},
            {"scan": f"(01)0{w.bag.gtin}(10)X", "quantity": 5},
        ],
    }
    refused = api.post("/receipts", body)
    assert refused.status_code == 422
    assert refused.json() == {
        "detail": [
            {
                "loc": ["body", "lines", 1, "scan"],
                "msg": "The GTIN's check digit is wrong.",
                "type": "bad_check_digit",
                "code": "bad_check_digit",
                "params": {},
            },
            {
                "loc": ["body", "lines", 2, "scan"],
                "msg": "The product is not on an active contract.",
                "type": "no_active_contract",
                "code": "no_active_contract",
                "params": {},
            },
            {
                "loc": ["body", "lines", 3, "scan"],
                "msg": "The barcode holds no expiry date (17).",
                "type": "missing_expiry",
                "code": "missing_expiry",
                "params": {},
            },
        ]
    }
    assert counts() == (0, 0, 0)
    unknown = api.post("/receipts", {**body, "warehouse": "NOPE", "lines": body["lines"][:1]})
    assert unknown.status_code == 422
    assert [d["loc"] for d in unknown.json()["detail"]] == [["body", "warehouse"]]
    bad = api.post("/receipts", {"warehouse": "FSC", "lines": [{"scan": "x", "quantity": 0}]})
    assert bad.status_code == 422
    assert [d["loc"] for d in bad.json()["detail"]] == [["body", "lines", 0, "quantity"]]
    assert api.post("/receipts", {"warehouse": "FSC", "lines": []}).status_code == 422
    nul = api.post("/receipts", {"warehouse": "F\x00", "lines": body["lines"][:1]})
    assert [d["loc"] for d in nul.json()["detail"]] == [["body", "warehouse"]]
    bad_gtin = api.get("/stock", gtin="57\x00")
    assert bad_gtin.status_code == 422
    assert [d["loc"] for d in bad_gtin.json()["detail"]] == [["query", "gtin"]]
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize("role", ["caseworker", "supplier_viewer", "analyst", "citizen", "none"])
def test_other_roles_are_forbidden_and_change_nothing(w: World, role: str) -> None:
    user: Any
    if role == "caseworker":
        user = f.make_user("caseworker", f.municipality("751"))
    elif role == "supplier_viewer":
        user = f.make_user("supplier_viewer", w.bag.supplier)
    elif role == "analyst":
        user = f.make_user("analyst", f.service_centre())
    elif role == "citizen":
        from forsyn.organisations.models import User

        user = User.objects.create_user(username="borger", cpr="0101551234")
    else:
        user = None
    api = Api(user)
    expected = 401 if user is None else 403
    body = {"warehouse": "FSC", "lines": [{"scan": scan(w.bag.gtin, "B1", GOOD), "quantity": 5}]}
    assert api.post("/receipts", body).status_code == expected
    assert api.get("/warehouses").status_code == expected
    assert api.get("/stock").status_code == expected
    assert counts() == (0, 0, 0)


def test_admin_sees_every_warehouse(w: World) -> None:
    from forsyn.fulfilment.models import Warehouse

    Warehouse.objects.create(
        code="RH", name="Regionslager", kind="region", organisation=f.region("1082")
    )
    admin = Api(f.make_user("admin", f.service_centre()))
    assert [x["code"] for x in admin.get("/warehouses").json()["items"]] == ["FSC", "RH"]
    assert [x["code"] for x in Api(w.operator).get("/warehouses").json()["items"]] == ["FSC"]
