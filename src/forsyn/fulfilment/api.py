from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import translation
from ninja import Query, Router, Schema, Status
from pydantic import Field, StringConstraints

from forsyn.core.api import MAX_LIMIT, MAX_OFFSET, ErrorOut, StrictSchema
from forsyn.fulfilment.errors import ReceiptRefused
from forsyn.fulfilment.recalls import recall_create, recall_get
from forsyn.fulfilment.selectors import stock_list, warehouses_list
from forsyn.fulfilment.services import MAX_LINE_QUANTITY, MAX_RECEIPT_LINES, stock_receive

router = Router(tags=["fulfilment"])
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
    items = warehouses_list(user=request.user)
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
            actor=request.user,  # type: ignore[arg-type]
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
        user=request.user,
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
        actor=request.user,  # type: ignore[arg-type]
        gtin=payload.gtin,
        lots=payload.lots,
        reason=payload.reason,
    )
    view = recall_get(user=request.user, recall_id=recall.pk, channel="api")  # type: ignore[arg-type]
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
