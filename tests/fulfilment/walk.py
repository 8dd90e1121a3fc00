"""The warehouse's part of the access-log walk and the statement counts (tests/
test_access_log_walk.py, tests/test_query_counts.py): Ann's approved order taken through a wave
in the walk's world, up to the stage a route needs. Made once per world (the counts' warm-up
and counted call share it), through the real services; none of it writes the access log."""

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.test import Client
from django.utils import timezone

from forsyn.fulfilment.carrier import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from forsyn.fulfilment.models import (
    HoleCutTask,
    Parcel,
    PickLine,
    StockLot,
    StockMove,
    Warehouse,
    Wave,
)
from forsyn.fulfilment.packing import wave_pack
from forsyn.fulfilment.picking import hole_cut_confirm, pick_line_confirm
from forsyn.fulfilment.shipping import CarrierEvent, carrier_events_apply, parcel_ship
from forsyn.fulfilment.waves import wave_create
from forsyn.orders.models import OrderLine
from tests.contexts import ctx
from tests.fulfilment.helpers import scan

STAGES = ("wave", "picked", "cut", "packed", "shipped", "returned")


@dataclass
class WalkFlow:
    wave: Wave
    line: PickLine
    task: HoleCutTask
    parcel: Parcel
    order_id: int
    stage: str = "wave"


def warehouse_stocked(w: Any) -> Warehouse:
    """The FSC warehouse, run by the walk's warehouse operator `wh`, with 1,000 bags; Ann's
    approved order (`w.approved`, 30 bags) to be cut to 20 mm."""
    warehouse: Warehouse | None = getattr(w, "_warehouse", None)
    if warehouse is None:
        operator = w.users["wh"]
        warehouse = Warehouse.objects.create(
            code="FSC", name="FSC-lageret", kind="consignment", organisation=operator.organisation
        )
        lot = StockLot.objects.create(
            warehouse=warehouse,
            product=w.bag,
            lot_number="WALK1",
            expires_on=dt.date(2029, 6, 30),  # before the counts' other lots: FEFO takes it
            owner=operator.organisation,
            on_hand_quantity=1000,
        )
        StockMove.objects.create(kind="receipt", lot=lot, on_hand_delta=1000, at=timezone.now())
        OrderLine.objects.filter(order=w.approved).update(hole_size_mm=20)
        w._warehouse = warehouse
    return warehouse


def warehouse_flow(w: Any, stage: str = "wave") -> WalkFlow:
    """Ann's approved order in a wave of the FSC warehouse, brought up to `stage`."""
    flow: WalkFlow | None = getattr(w, "_warehouse_flow", None)
    operator = w.users["wh"]
    if flow is None:
        warehouse_stocked(w)
        done = wave_create(
            ctx=ctx(operator),
            warehouse_code="FSC",
            cutoff=timezone.now() + dt.timedelta(minutes=1),
        )
        flow = WalkFlow(
            wave=done.wave,
            line=PickLine.objects.get(wave=done.wave, order=w.approved),
            task=HoleCutTask.objects.get(wave=done.wave),
            parcel=Parcel.objects.get(wave=done.wave, citizen=w.ann),
            order_id=w.approved.pk,
        )
        w._warehouse_flow = flow
    steps = {
        "picked": lambda: pick_line_confirm(
            ctx=ctx(operator),
            pick_line_id=flow.line.pk,
            scan=scan(w.bag.gtin, "WALK1", "290630"),
            quantity=flow.line.quantity,
        ),
        "cut": lambda: hole_cut_confirm(
            ctx=ctx(operator), task_id=flow.task.pk, pieces=flow.task.quantity
        ),
        "packed": lambda: wave_pack(ctx=ctx(operator), wave_id=flow.wave.pk),
        "shipped": lambda: parcel_ship(ctx=ctx(operator), parcel_id=flow.parcel.pk),
        "returned": lambda: carrier_events_apply(
            events=[
                CarrierEvent(
                    "walk-returned",
                    Parcel.objects.get(pk=flow.parcel.pk).tracking_number,
                    "returned",
                    timezone.now(),
                )
            ]
        ),
    }
    while STAGES.index(flow.stage) < STAGES.index(stage):
        flow.stage = STAGES[STAGES.index(flow.stage) + 1]
        steps[flow.stage]()
    flow.parcel.refresh_from_db()
    return flow


def carrier_events_post(w: Any) -> Any:
    """A signed "in transit" event for the shipped parcel, as the carrier sends it."""
    parcel = warehouse_flow(w, "shipped").parcel
    body = json.dumps(
        {
            "events": [
                {
                    "id": f"walk-{timezone.now().timestamp()}",
                    "tracking_number": parcel.tracking_number,
                    "status": "in_transit",
                    "at": timezone.now().isoformat(),
                }
            ]
        }
    ).encode()
    stamp = str(int(timezone.now().timestamp()))
    return Client().post(
        "/api/v1/carrier/events",
        body,
        content_type="application/json",
        headers={
            TIMESTAMP_HEADER: stamp,
            SIGNATURE_HEADER: sign(settings.FORSYN_CARRIER_WEBHOOK_SECRET, stamp, body),
        },
    )
