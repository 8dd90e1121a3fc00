"""The API of waves, picking, hole-cutting, packing, shipping and carrier events (issue #10
§7): exact answers, roles, refusals that save nothing, the signed webhook, and the order's
parcels."""

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from forsyn.core.models import JobRun
from forsyn.fulfilment.carrier import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from forsyn.fulfilment.models import HoleCutTask, Parcel, ParcelEvent, PickLine, StockMove, Wave
from forsyn.orders.models import Order
from tests import factories as f
from tests.fulfilment.flow import CUTOFF, Flow, flow_world, order, scan_of, stock
from tests.fulfilment.helpers import scan
from tests.test_api import Api

pytestmark = pytest.mark.django_db
SECRET = "test-carrier-secret"


@pytest.fixture
def fl(settings: Any) -> Flow:
    settings.FORSYN_CARRIER_WEBHOOK_SECRET = SECRET
    return flow_world()


def ready(fl: Flow) -> tuple[Order, Order]:
    w = fl.w
    stock(
        fl,
        (w.bag, "B1", "270930", 300),
        (w.plate, "P1", "280229", 100),
        bins={"B1": "B-07", "P1": "A-01"},
    )
    return order(fl, fl.karen, {w.bag: 60}), order(fl, fl.karen, {w.plate: 10}, hole=25)


def carrier_post(
    body: Any, *, secret: str = SECRET, at: dt.datetime | None = None, **over: str
) -> Any:
    raw = json.dumps(body).encode()
    stamp = str(int((at or timezone.now()).timestamp()))
    headers = {TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: sign(secret, stamp, raw), **over}
    return Client().post(
        "/api/v1/carrier/events", raw, content_type="application/json", headers=headers
    )


def test_wave_pick_cut_pack_ship_deliver_through_the_api(fl: Flow) -> None:
    bags, plates = ready(fl)
    api = Api(fl.operator)
    created = api.post("/waves", {"warehouse": "FSC", "cutoff": CUTOFF.isoformat()})
    assert created.status_code == 201, created.json()
    wave = Wave.objects.get()
    lines = list(PickLine.objects.order_by("sequence"))
    assert created.json() == {
        "id": wave.pk,
        "orders": [bags.pk, plates.pk],
        "back_ordered": [],
        "pick_lines": [
            {
                "id": lines[0].pk,
                "order": plates.pk,
                "gtin": "5700000000028",
                "lot": "P1",
                "location": "A-01",
                "quantity": 10,
                "hole_size_mm": 25,
            },
            {
                "id": lines[1].pk,
                "order": bags.pk,
                "gtin": "5700000000011",
                "lot": "B1",
                "location": "B-07",
                "quantity": 60,
                "hole_size_mm": None,
            },
        ],
    }
    assert JobRun.objects.get().result["wave"] == wave.pk
    assert api.get(f"/waves/{wave.pk}").json() == created.json()

    wrong = api.post(
        f"/pick-lines/{lines[1].pk}/confirm",
        {"scan": scan(fl.w.bag.gtin, "OTHER", "270930"), "quantity": 60},
    )
    assert (wrong.status_code, wrong.json()) == (
        422,
        {
            "detail": [
                {
                    "loc": ["body", "scan"],
                    "msg": "The scanned lot is not in stock here: pick lot B1.",
                    "type": "lot_not_in_stock",
                    "code": "lot_not_in_stock",
                    "params": {"lot": "B1"},
                }
            ]
        },
    )
    for line in lines:
        confirmed = api.post(
            f"/pick-lines/{line.pk}/confirm", {"scan": scan_of(line.lot), "quantity": line.quantity}
        )
        assert confirmed.status_code == 200, confirmed.json()
    assert confirmed.json() == {
        "id": lines[1].pk,
        "order": bags.pk,
        "lot": "B1",
        "quantity": 60,
        "picked_quantity": 60,
        "reallocated": False,
        "order_status": "picked",
    }
    packed = api.post(f"/waves/{wave.pk}/pack", {})
    parcel = Parcel.objects.get()
    assert packed.json() == {
        "parcels": [],
        "waiting": [
            {
                "id": parcel.pk,
                "code": "parcel_not_cut",
                "msg": "The parcel's base plates are not all cut.",
            }
        ],
    }
    task = HoleCutTask.objects.get()
    cut = api.post(f"/hole-cut-tasks/{task.pk}/confirm", {"pieces": 10})
    assert cut.json() == {
        "id": task.pk,
        "order": plates.pk,
        "hole_size_mm": 25,
        "quantity": 10,
        "cut_quantity": 10,
        "status": "done",
    }
    packed = api.post(f"/waves/{wave.pk}/pack", {})
    parcel.refresh_from_db()
    assert packed.json() == {
        "parcels": [{"id": parcel.pk, "sscc": parcel.sscc, "orders": [bags.pk, plates.pk]}],
        "waiting": [],
    }
    shipped = api.post(f"/parcels/{parcel.pk}/ship", {})
    tracking = f"LC{parcel.sscc[-10:]}DK"
    assert shipped.json() == {"tracking_number": tracking, "carrier": "local"}

    delivered = carrier_post(
        {
            "events": [
                {
                    "id": "ev-1",
                    "tracking_number": tracking,
                    "status": "in_transit",
                    "at": "2026-03-04T08:00:00+01:00",
                },
                {
                    "id": "ev-2",
                    "tracking_number": tracking,
                    "status": "delivered",
                    "at": "2026-03-04T13:10:00+01:00",
                },
            ]
        }
    )
    assert (delivered.status_code, delivered.json()) == (
        200,
        {"applied": 2, "recorded": 2, "repeated": 0},
    )
    # The citizen's caseworker reads the order: its parcel, delivered, with tracking.
    cw = f.make_user("caseworker", fl.karen.municipality)
    got = Api(cw).get(f"/orders/{bags.pk}").json()
    assert (got["status"], got["parcels"]) == (
        "delivered",
        [{"sscc": parcel.sscc, "tracking_number": tracking, "status": "delivered"}],
    )


def test_an_order_without_parcels_answers_an_empty_list(fl: Flow) -> None:
    bags, _ = ready(fl)
    cw = f.make_user("caseworker", fl.karen.municipality)
    assert Api(cw).get(f"/orders/{bags.pk}").json()["parcels"] == []


def test_wave_refusals(fl: Flow) -> None:
    api = Api(fl.operator)
    empty = api.post("/waves", {"warehouse": "FSC", "cutoff": CUTOFF.isoformat()})
    assert (empty.status_code, empty.json()) == (
        422,
        {
            "detail": [
                {
                    "loc": ["body", "cutoff"],
                    "msg": "There are no allocated orders to pick before the cut-off.",
                    "type": "wave_empty",
                    "code": "wave_empty",
                    "params": {},
                }
            ]
        },
    )
    unknown = api.post("/waves", {"warehouse": "NOPE"})
    assert (unknown.status_code, unknown.json()["detail"][0]["code"]) == (422, "unknown_warehouse")
    extra = api.post("/waves", {"warehouse": "FSC", "orders": [1]})
    assert (extra.status_code, extra.json()["detail"][0]["code"]) == (422, "extra_forbidden")
    assert Wave.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "kind"),
    [
        ("caseworker", "municipality"),
        ("service_agent", "service_centre"),
        ("hospital_orderer", "hospital_unit"),
        (None, None),
    ],
)
def test_only_warehouse_staff_make_waves_pick_pack_and_ship(
    fl: Flow, role: str | None, kind: str | None
) -> None:
    bags, _ = ready(fl)
    Api(fl.operator).post("/waves", {"warehouse": "FSC", "cutoff": CUTOFF.isoformat()})
    line = PickLine.objects.order_by("pk").first()
    assert line is not None
    org = {
        "municipality": lambda: f.municipality("751"),
        "service_centre": f.service_centre,
        "hospital_unit": f.hospital_unit,
    }
    user = f.make_user(role, org[kind]()) if role and kind else None
    api = Api(user)
    before = (StockMove.objects.count(), list(Order.objects.values_list("status", flat=True)))
    wave = Wave.objects.get()
    parcel = Parcel.objects.get()
    task = HoleCutTask.objects.get()
    answers = [
        api.post("/waves", {"warehouse": "FSC"}),
        api.get(f"/waves/{wave.pk}"),
        api.post(f"/pick-lines/{line.pk}/confirm", {"scan": scan_of(line.lot), "quantity": 1}),
        api.post(f"/hole-cut-tasks/{task.pk}/confirm", {"pieces": 1}),
        api.post(f"/waves/{wave.pk}/pack", {}),
        api.post(f"/parcels/{parcel.pk}/ship", {}),
        api.post(f"/parcels/{parcel.pk}/return", {"disposition": "stock"}),
    ]
    expected = 401 if user is None else 403
    assert [a.status_code for a in answers] == [expected] * len(answers)
    assert (
        StockMove.objects.count(),
        list(Order.objects.values_list("status", flat=True)),
    ) == before


def test_another_warehouse_s_wave_is_not_found(fl: Flow) -> None:
    ready(fl)
    Api(fl.operator).post("/waves", {"warehouse": "FSC", "cutoff": CUTOFF.isoformat()})
    stranger = f.make_user(
        "warehouse_operator", f.OrganisationFactory(kind="logistics_provider", code="X")
    )
    api = Api(stranger)
    wave, line = Wave.objects.get(), PickLine.objects.first()
    assert line is not None
    assert api.get(f"/waves/{wave.pk}").status_code == 404
    assert (
        api.post(f"/pick-lines/{line.pk}/confirm", {"scan": "x", "quantity": 1}).status_code == 404
    )
    assert api.post(f"/parcels/{Parcel.objects.get().pk}/ship", {}).status_code == 404


# -- The carrier's signed webhook ---------------------------------------------------------------


def shipped_tracking(fl: Flow) -> tuple[str, Order]:
    bags, plates = ready(fl)
    api = Api(fl.operator)
    api.post("/waves", {"warehouse": "FSC", "cutoff": CUTOFF.isoformat()})
    for line in PickLine.objects.order_by("sequence"):
        api.post(
            f"/pick-lines/{line.pk}/confirm", {"scan": scan_of(line.lot), "quantity": line.quantity}
        )
    api.post(f"/hole-cut-tasks/{HoleCutTask.objects.get().pk}/confirm", {"pieces": 10})
    api.post(f"/waves/{Wave.objects.get().pk}/pack", {})
    return api.post(f"/parcels/{Parcel.objects.get().pk}/ship", {}).json()["tracking_number"], bags


def delivered_event(tracking: str, event_id: str = "ev-1") -> dict[str, Any]:
    return {
        "events": [
            {
                "id": event_id,
                "tracking_number": tracking,
                "status": "delivered",
                "at": "2026-03-04T13:10:00Z",
            }
        ]
    }


@pytest.mark.parametrize(
    "case", ["unsigned", "wrong secret", "body changed", "stale", "bearer token only", "bad body"]
)
def test_a_bad_signature_is_401_and_saves_nothing(fl: Flow, case: str) -> None:
    tracking, bags = shipped_tracking(fl)
    body = delivered_event(tracking)
    if case == "unsigned":
        answer = Client().post("/api/v1/carrier/events", body, content_type="application/json")
    elif case == "wrong secret":
        answer = carrier_post(body, secret="guessed")
    elif case == "body changed":
        raw = json.dumps(body).encode()
        stamp = str(int(timezone.now().timestamp()))
        answer = Client().post(
            "/api/v1/carrier/events",
            raw.replace(b"delivered", b"returned"),
            content_type="application/json",
            headers={TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: sign(SECRET, stamp, raw)},
        )
    elif case == "stale":
        answer = carrier_post(body, at=timezone.now() - dt.timedelta(minutes=6))
    elif case == "bad body":  # unsigned and not even valid: still 401, the body is not read
        answer = Client().post("/api/v1/carrier/events", "{", content_type="application/json")
    else:
        answer = Api(fl.operator).post("/carrier/events", body)
    assert (answer.status_code, answer.json()) == (401, {"detail": "Unauthorized"})
    assert ParcelEvent.objects.filter(source="carrier").count() == 0
    bags.refresh_from_db()
    assert bags.status == "shipped"


def test_a_replayed_event_changes_nothing(fl: Flow) -> None:
    tracking, bags = shipped_tracking(fl)
    first = carrier_post(delivered_event(tracking))
    again = carrier_post(delivered_event(tracking))
    assert (first.json(), again.json()) == (
        {"applied": 1, "recorded": 1, "repeated": 0},
        {"applied": 0, "recorded": 0, "repeated": 1},
    )
    assert ParcelEvent.objects.filter(source="carrier").count() == 1


def test_carrier_event_refusals(fl: Flow) -> None:
    tracking, bags = shipped_tracking(fl)
    unknown = carrier_post(delivered_event("LC0000000099DK"))
    assert (unknown.status_code, unknown.json()["detail"][0]) == (
        422,
        {
            "loc": ["body", "events", "0", "tracking_number"],
            "msg": "No parcel has this tracking number.",
            "type": "unknown_tracking_number",
            "code": "unknown_tracking_number",
            "params": {},
        },
    )
    bad_status = carrier_post(
        {
            "events": [
                {
                    "id": "x",
                    "tracking_number": tracking,
                    "status": "lost",
                    "at": "2026-03-04T13:10:00Z",
                }
            ]
        }
    )
    assert (bad_status.status_code, bad_status.json()["detail"][0]["loc"]) == (
        422,
        ["body", "events", 0, "status"],
    )
    not_json = carrier_post("not json")  # a JSON string, not an object
    assert not_json.status_code == 422
    assert ParcelEvent.objects.filter(source="carrier").count() == 0
    bags.refresh_from_db()
    assert bags.status == "shipped"


def test_a_returned_parcel_is_received_back_through_the_api(fl: Flow) -> None:
    tracking, bags = shipped_tracking(fl)
    returned = carrier_post(
        {
            "events": [
                {
                    "id": "r",
                    "tracking_number": tracking,
                    "status": "returned",
                    "at": "2026-03-06T10:00:00Z",
                }
            ]
        }
    )
    assert returned.json() == {"applied": 1, "recorded": 1, "repeated": 0}
    parcel = Parcel.objects.get()
    answer = Api(fl.operator).post(f"/parcels/{parcel.pk}/return", {"disposition": "quarantine"})
    assert answer.json() == {
        "id": parcel.pk,
        "status": "returned",
        "return_disposition": "quarantine",
    }
    again = Api(fl.operator).post(f"/parcels/{parcel.pk}/return", {"disposition": "stock"})
    assert (again.status_code, again.json()["detail"][0]["code"]) == (422, "return_not_expected")
