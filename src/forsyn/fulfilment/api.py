import datetime as dt
import logging
from typing import Annotated, Any, Literal

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone, translation
from ninja import Query, Router, Schema, Status
from ninja.security import APIKeyHeader
from pydantic import Field, StringConstraints

from forsyn.access.context import api_context
from forsyn.core.api import MAX_LIMIT, MAX_OFFSET, ErrorOut, StrictSchema
from forsyn.core.models import JobRun, JobStatus
from forsyn.fulfilment.carrier import SIGNATURE_HEADER, TIMESTAMP_HEADER, check_signature
from forsyn.fulfilment.errors import ReceiptRefused
from forsyn.fulfilment.models import Parcel, Wave
from forsyn.fulfilment.packing import wave_pack
from forsyn.fulfilment.picking import hole_cut_confirm, pick_line_confirm
from forsyn.fulfilment.recalls import recall_create, recall_get
from forsyn.fulfilment.selectors import stock_list, warehouses_list
from forsyn.fulfilment.services import MAX_LINE_QUANTITY, MAX_RECEIPT_LINES, stock_receive
from forsyn.fulfilment.shipping import (
    CarrierEvent,
    carrier_events_apply,
    parcel_return_receive,
    parcel_ship,
)
from forsyn.fulfilment.wave_selectors import (
    wave_back_ordered,
    wave_get,
    wave_orders,
    wave_pick_lines,
)
from forsyn.fulfilment.waves import wave_start

router = Router(tags=["fulfilment"])
log = logging.getLogger(__name__)
WAREHOUSE_CODE = r"^[-a-zA-Z0-9_]+$"


class WarehouseOut(Schema):
    code: str
    name: str
    kind: str


class WarehouseList(Schema):
    items: list[WarehouseOut]
    count: int


class ReceiptLineIn(StrictSchema):
    scan: str = Field(min_length=1, max_length=300)
    quantity: int = Field(ge=1, le=MAX_LINE_QUANTITY)


class ReceiptIn(StrictSchema):
    warehouse: str = Field(min_length=1, max_length=20, pattern=WAREHOUSE_CODE)
    lines: list[ReceiptLineIn] = Field(min_length=1, max_length=MAX_RECEIPT_LINES)


class ReceiptLineOut(Schema):
    gtin: str
    lot: str
    expiry: str
    quantity: int


class ReceiptOut(Schema):
    id: int
    lines: list[ReceiptLineOut]


class StockOut(Schema):
    gtin: str
    lot: str
    expiry: str
    on_hand: int
    allocated: int
    available: int
    status: str


class StockList(Schema):
    items: list[StockOut]
    count: int


@router.get("/warehouses", response=WarehouseList, summary="Warehouses you work in")
def warehouses(request: HttpRequest) -> dict[str, Any]:
    items = warehouses_list(ctx=api_context(request))
    return {
        "items": [{"code": w.code, "name": w.name, "kind": w.kind} for w in items],
        "count": len(items),
    }


@router.post(
    "/receipts",
    response={201: ReceiptOut, 422: ErrorOut},
    summary="Receive scanned goods (all lines or none)",
)
def create_receipt(request: HttpRequest, payload: ReceiptIn) -> Status[dict[str, Any]]:
    try:
        done = stock_receive(
            ctx=api_context(request),
            warehouse_code=payload.warehouse,
            lines=[(ln.scan, ln.quantity) for ln in payload.lines],
        )
    except ReceiptRefused as exc:
        with translation.override("en"):  # API messages are English; the codes are stable
            detail = [
                {
                    "loc": ["body", "lines", e.index, e.field],
                    "msg": e.message,
                    "type": e.code,
                    "code": e.code,
                    "params": {},
                }
                for e in exc.errors
            ]
        return Status(422, {"detail": detail})
    return Status(
        201,
        {
            "id": done.receipt.pk,
            "lines": [
                {
                    "gtin": ln.gtin,
                    "lot": ln.lot,
                    "expiry": ln.expiry.isoformat(),
                    "quantity": ln.quantity,
                }
                for ln in done.lines
            ],
        },
    )


class StockFilter(Schema):
    gtin: str | None = Field(None, pattern=r"^[0-9]{8,14}$")
    warehouse: str | None = Field(None, max_length=20, pattern=WAREHOUSE_CODE)
    limit: int = Field(100, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


@router.get("/stock", response=StockList, summary="Stock by lot, earliest expiry first")
def stock(request: HttpRequest, filters: Query[StockFilter]) -> dict[str, Any]:
    lots, count = stock_list(
        ctx=api_context(request),
        gtin=filters.gtin,
        warehouse_code=filters.warehouse,
        limit=filters.limit,
        offset=filters.offset,
    )
    return {
        "items": [
            {
                "gtin": lot.product.gtin,
                "lot": lot.lot_number,
                "expiry": lot.expires_on.isoformat(),
                "on_hand": lot.on_hand_quantity,
                "allocated": lot.allocated_quantity,
                "available": lot.available_quantity,
                "status": lot.status,
            }
            for lot in lots
        ],
        "count": count,
    }


# -- Waves, picking, hole-cutting, packing, shipping, carrier events (issue #10 §4–5) ---------


class WaveIn(StrictSchema):
    warehouse: str = Field(min_length=1, max_length=20, pattern=WAREHOUSE_CODE)
    cutoff: dt.datetime | None = Field(
        None, description="Orders placed before it (default 14:00 on the pick day)"
    )


class PickLineOut(Schema):
    id: int
    order: int
    gtin: str
    lot: str
    location: str | None
    quantity: int
    hole_size_mm: int | None


class WaveOut(Schema):
    id: int
    orders: list[int]
    back_ordered: list[int]
    pick_lines: list[PickLineOut]


def _wave_out(wave: Wave) -> dict[str, Any]:
    return {
        "id": wave.pk,
        "orders": wave_orders(wave),
        "back_ordered": wave_back_ordered(wave),
        "pick_lines": [
            {
                "id": pl.pk,
                "order": pl.order_id,
                "gtin": pl.lot.product.gtin,
                "lot": pl.lot.lot_number,
                "location": pl.location.code if pl.location else None,
                "quantity": pl.quantity,
                "hole_size_mm": pl.hole_size_mm,
            }
            for pl in wave_pick_lines(wave)
        ],
    }


def _job_errors(run: JobRun) -> dict[str, Any]:
    """A failed job run's DomainError as a 422 body (the run keeps code and English texts)."""
    detail = []
    for error in run.errors:
        code = str(error.get("code", ""))
        for name, msg in error.items():
            if name != "code":
                detail.append(
                    {"loc": ["body", name], "msg": msg, "type": code, "code": code, "params": {}}
                )
    return {"detail": detail}


@router.post(
    "/waves",
    response={201: WaveOut, 422: ErrorOut},
    summary="Start a wave: allocate, consolidate into parcels, pick list in route order",
)
def create_wave(request: HttpRequest, payload: WaveIn) -> Status[dict[str, Any]]:
    run = wave_start(
        ctx=api_context(request),
        warehouse_code=payload.warehouse,
        cutoff=payload.cutoff,
    )
    if run.status != JobStatus.SUCCEEDED:
        if any(e.get("code") == "internal" for e in run.errors):
            raise RuntimeError(f"wave job run {run.pk} failed")
        return Status(422, _job_errors(run))
    return Status(201, _wave_out(wave_get(ctx=api_context(request), wave_id=run.result["wave"])))


@router.get("/waves/{int:wave_id}", response=WaveOut, summary="A wave and its pick list")
def get_wave(request: HttpRequest, wave_id: int) -> dict[str, Any]:
    return _wave_out(wave_get(ctx=api_context(request), wave_id=wave_id))


class PickConfirmIn(StrictSchema):
    scan: str = Field(min_length=1, max_length=300)
    quantity: int = Field(ge=0, le=100_000)


class PickConfirmOut(Schema):
    id: int
    order: int
    lot: str
    quantity: int
    picked_quantity: int
    reallocated: bool
    order_status: str


@router.post(
    "/pick-lines/{int:pick_line_id}/confirm",
    response=PickConfirmOut,
    summary="Confirm a pick line with the scanned GS1 string and the pieces found",
)
def confirm_pick_line(
    request: HttpRequest, pick_line_id: int, payload: PickConfirmIn
) -> dict[str, Any]:
    done = pick_line_confirm(
        ctx=api_context(request),
        pick_line_id=pick_line_id,
        scan=payload.scan,
        quantity=payload.quantity,
    )
    return {
        "id": done.line.pk,
        "order": done.line.order_id,
        "lot": done.line.lot.lot_number,
        "quantity": done.line.quantity,
        "picked_quantity": done.line.picked_quantity,
        "reallocated": done.reallocated,
        "order_status": done.order_status,
    }


class HoleCutIn(StrictSchema):
    pieces: int = Field(ge=1, le=100_000)


class HoleCutOut(Schema):
    id: int
    order: int
    hole_size_mm: int
    quantity: int
    cut_quantity: int
    status: str


@router.post(
    "/hole-cut-tasks/{int:task_id}/confirm",
    response=HoleCutOut,
    summary="Confirm base plates cut to the hole size",
)
def confirm_hole_cut(request: HttpRequest, task_id: int, payload: HoleCutIn) -> dict[str, Any]:
    task = hole_cut_confirm(
        ctx=api_context(request),
        task_id=task_id,
        pieces=payload.pieces,
    )
    return {
        "id": task.pk,
        "order": task.order_id,
        "hole_size_mm": task.hole_size_mm,
        "quantity": task.quantity,
        "cut_quantity": task.cut_quantity,
        "status": task.status,
    }


class PackedParcelOut(Schema):
    id: int
    sscc: str
    orders: list[int]


class WaitingParcelOut(Schema):
    id: int
    code: str
    msg: str


class PackOut(Schema):
    parcels: list[PackedParcelOut]
    waiting: list[WaitingParcelOut]


@router.post(
    "/waves/{int:wave_id}/pack",
    response=PackOut,
    summary="Pack the wave's ready parcels (SSCC each); the wave's packed parcels",
)
def pack_wave(request: HttpRequest, wave_id: int) -> dict[str, Any]:
    result = wave_pack(ctx=api_context(request), wave_id=wave_id)
    packed = (
        Parcel.objects.filter(wave_id=wave_id)
        .exclude(sscc="")
        .prefetch_related("orders")
        .order_by("number", "pk")
    )
    return {
        "parcels": [
            {"id": p.pk, "sscc": p.sscc, "orders": sorted(o.pk for o in p.orders.all())}
            for p in packed
        ],
        "waiting": [
            {"id": p.pk, "code": err.code, "msg": err.english()} for p, err in result.waiting
        ],
    }


class ShipOut(Schema):
    tracking_number: str
    carrier: str


@router.post(
    "/parcels/{int:parcel_id}/ship",
    response=ShipOut,
    summary="Book a packed parcel with the carrier and send it",
)
def ship_parcel(request: HttpRequest, parcel_id: int) -> dict[str, Any]:
    parcel = parcel_ship(ctx=api_context(request), parcel_id=parcel_id)
    return {"tracking_number": parcel.tracking_number, "carrier": parcel.carrier}


class ReturnIn(StrictSchema):
    disposition: Literal["stock", "quarantine"]


class ReturnOut(Schema):
    id: int
    status: str
    return_disposition: str


@router.post(
    "/parcels/{int:parcel_id}/return",
    response=ReturnOut,
    summary="Receive a returned parcel back: to stock or to quarantine",
)
def receive_return(request: HttpRequest, parcel_id: int, payload: ReturnIn) -> dict[str, Any]:
    parcel = parcel_return_receive(
        ctx=api_context(request),
        parcel_id=parcel_id,
        disposition=payload.disposition,
    )
    return {
        "id": parcel.pk,
        "status": parcel.status,
        "return_disposition": parcel.return_disposition,
    }


class CarrierEventIn(StrictSchema):
    id: str = Field(min_length=1, max_length=100)
    tracking_number: str = Field(min_length=1, max_length=40)
    status: Literal["shipped", "in_transit", "delivered", "failed", "returned"]
    at: dt.datetime


class CarrierEventsIn(StrictSchema):
    events: list[CarrierEventIn] = Field(min_length=1, max_length=500)


class CarrierEventsOut(Schema):
    applied: int
    recorded: int
    repeated: int


class CarrierSignature(APIKeyHeader):
    """The carrier webhook's "authentication": the request is signed with the shared secret
    (`X-Carrier-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`, with
    `X-Carrier-Timestamp` in Unix seconds, at most FORSYN_CARRIER_WEBHOOK_TOLERANCE_SECONDS
    old). Checked before the body is read: a missing, bad or stale signature is 401."""

    param_name = SIGNATURE_HEADER

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        problem = check_signature(
            secret=settings.FORSYN_CARRIER_WEBHOOK_SECRET,
            timestamp=request.headers.get(TIMESTAMP_HEADER, ""),
            signature=key or "",
            body=request.body,
            now=timezone.now(),
            tolerance_seconds=settings.FORSYN_CARRIER_WEBHOOK_TOLERANCE_SECONDS,
        )
        if problem:
            log.info("carrier webhook refused: %s", problem)
            return None
        return "carrier"


@router.post(
    "/carrier/events",
    auth=CarrierSignature(),
    response=CarrierEventsOut,
    summary="The carrier's status events (HMAC-SHA256 signed; no bearer token)",
)
def carrier_events(request: HttpRequest, payload: CarrierEventsIn) -> dict[str, Any]:
    """A batch of status events (shipped, in_transit, delivered, failed, returned) for parcels
    by tracking number, all or none; an event id seen before changes nothing."""
    done = carrier_events_apply(
        events=[
            CarrierEvent(
                e.id,
                e.tracking_number,
                e.status,
                e.at if timezone.is_aware(e.at) else timezone.make_aware(e.at),
            )
            for e in payload.events
        ]
    )
    return {"applied": done.applied, "recorded": done.recorded, "repeated": done.repeated}


# -- Recalls (issue #10 §6) ------------------------------------------------------------------


class RecallIn(StrictSchema):
    gtin: str = Field(pattern=r"^[0-9]{8,14}$")
    lots: list[Annotated[str, StringConstraints(min_length=1, max_length=20)]] = Field(
        min_length=1, max_length=50
    )
    reason: str = Field(min_length=1, max_length=500)


class RecipientOut(Schema):
    kind: str
    id: int
    order: int
    quantity: int


class RecallOut(Schema):
    id: int
    blocked_lots: list[str]
    recipients: list[RecipientOut]


@router.post(
    "/recalls",
    response={201: RecallOut, 422: ErrorOut},
    summary="Recall lots of a product: block them and list who received them",
)
def create_recall(request: HttpRequest, payload: RecallIn) -> Status[dict[str, Any]]:
    recall = recall_create(
        ctx=api_context(request),
        gtin=payload.gtin,
        lots=payload.lots,
        reason=payload.reason,
    )
    view = recall_get(ctx=api_context(request), recall_id=recall.pk)
    return Status(
        201,
        {
            "id": recall.pk,
            "blocked_lots": view.blocked_lots,
            "recipients": [
                {
                    "kind": row.recipient.kind,
                    "id": row.recipient.citizen_id
                    if row.recipient.kind == "citizen"
                    else row.recipient.organisation_id,
                    "order": row.recipient.order_id,
                    "quantity": row.recipient.quantity,
                }
                for row in view.rows
            ],
        },
    )
