import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field, model_validator

from forsyn.access.context import api_context
from forsyn.core.api import StrictSchema
from forsyn.core.errors import DomainError
from forsyn.grants.choices import GrantStatus, LegalBasis
from forsyn.grants.error_codes import ErrorCode
from forsyn.grants.models import Grant
from forsyn.grants.selectors import grant_get, grants_for_citizen
from forsyn.grants.services import (
    GrantLineInput,
    grant_create,
    grant_status_change,
    grant_update,
)

router = Router(tags=["grants"])


class GrantLineOut(Schema):
    id: int
    gtin: str | None = None
    category: str | None = None
    pieces_per_month: int
    remaining_pieces: int
    hole_size_mm: int | None
    free_choice: bool
    free_choice_product: str
    free_choice_price_difference: str | None


class GrantOut(Schema):
    id: int
    citizen: int
    status: str
    status_reason: str
    product_area: str
    granting_organisation: str
    legal_basis: str
    case_number: str
    valid_from: dt.date
    valid_until: dt.date | None
    follow_up_on: dt.date | None
    lines: list[GrantLineOut]


class GrantList(Schema):
    items: list[GrantOut]
    count: int


class GrantLineIn(StrictSchema):
    id: int | None = Field(None, description="an existing line's id (PATCH only)")
    gtin: str | None = Field(None, max_length=14)
    category: str | None = Field(None, max_length=60)
    pieces_per_month: int = Field(ge=1, le=10_000)
    hole_size_mm: int | None = Field(None, ge=1, le=200)
    free_choice: bool = False
    free_choice_product: str = Field("", max_length=200)
    free_choice_price_difference: Decimal | None = Field(
        None, ge=0, max_digits=12, decimal_places=4
    )

    @model_validator(mode="after")
    def product_or_category(self) -> "GrantLineIn":
        if bool(self.gtin) == bool(self.category):
            raise ValueError("give either gtin or category")
        return self

    def to_input(self) -> GrantLineInput:
        return GrantLineInput(**self.model_dump())


class GrantIn(StrictSchema):
    citizen: int
    product_area: str = Field(max_length=40)
    legal_basis: LegalBasis
    case_number: str = Field("", max_length=40)
    status: GrantStatus = GrantStatus.DRAFT
    valid_from: dt.date
    valid_until: dt.date | None = None
    follow_up_on: dt.date | None = None
    note: str = Field("", max_length=4000)
    lines: list[GrantLineIn] = Field(default_factory=list, max_length=100)
    purpose: str | None = Field(None, max_length=200)


class GrantPatch(StrictSchema):
    status: GrantStatus | None = None
    status_reason: str | None = Field(None, max_length=300)
    case_number: str | None = Field(None, max_length=40)
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    follow_up_on: dt.date | None = None
    note: str | None = Field(None, max_length=4000)
    lines: list[GrantLineIn] | None = Field(None, max_length=100)
    purpose: str | None = Field(None, max_length=200)


def grant_out(g: Grant) -> dict[str, Any]:
    return {
        "id": g.pk,
        "citizen": g.citizen_id,
        "status": g.status,
        "status_reason": g.status_reason,
        "product_area": g.product_area.code,
        "granting_organisation": g.granting_organisation.code,
        "legal_basis": g.legal_basis,
        "case_number": g.case_number,
        "valid_from": g.valid_from,
        "valid_until": g.valid_until,
        "follow_up_on": g.follow_up_on,
        "lines": [
            {
                "id": line.pk,
                "gtin": line.product.gtin if line.product else None,
                "category": line.category.code if line.category else None,
                "pieces_per_month": line.pieces_per_month,
                "remaining_pieces": getattr(line, "remaining_pieces", 0),
                "hole_size_mm": line.hole_size_mm,
                "free_choice": line.free_choice,
                "free_choice_product": line.free_choice_product,
                "free_choice_price_difference": (
                    f"{line.free_choice_price_difference:.4f}"
                    if line.free_choice_price_difference is not None
                    else None
                ),
            }
            for line in g.active_lines  # type: ignore[attr-defined]
        ],
    }


@router.get("/citizens/{int:citizen_id}/grants", response=GrantList, summary="A citizen's grants")
def citizen_grants(request: HttpRequest, citizen_id: int) -> dict[str, Any]:
    grants = grants_for_citizen(
        ctx=api_context(request), citizen_id=citizen_id, resource="GET /citizens/{id}/grants"
    )
    return {"items": [grant_out(g) for g in grants], "count": len(grants)}


@router.post("/grants", response={201: GrantOut}, summary="Create a grant")
def create_grant(request: HttpRequest, payload: GrantIn) -> Status[dict[str, Any]]:
    ctx = api_context(request, payload.purpose)
    grant = grant_create(
        ctx=ctx,
        citizen_id=payload.citizen,
        product_area_code=payload.product_area,
        legal_basis=payload.legal_basis,
        valid_from=payload.valid_from,
        valid_until=payload.valid_until,
        follow_up_on=payload.follow_up_on,
        case_number=payload.case_number,
        note=payload.note,
        status=payload.status,
        lines=[line.to_input() for line in payload.lines],
    )
    return Status(201, _fresh(request, grant.pk))


@router.get("/grants/{int:grant_id}", response=GrantOut, summary="One grant")
def get_grant(request: HttpRequest, grant_id: int) -> dict[str, Any]:
    return _fresh(request, grant_id)


@router.patch("/grants/{int:grant_id}", response=GrantOut, summary="Change a grant")
def patch_grant(request: HttpRequest, grant_id: int, payload: GrantPatch) -> dict[str, Any]:
    """A status change (`status`, with `status_reason` when suspending or ending) comes alone;
    other fields and `lines` change together."""
    given = payload.model_dump(exclude_unset=True)
    purpose = given.pop("purpose", None)
    ctx = api_context(request, purpose)
    lines = given.pop("lines", None)
    for key in ("status", "status_reason", "case_number", "valid_from", "note"):
        if key in given and given[key] is None:
            given.pop(key)
    if "status" in given:
        others = sorted(set(given) - {"status", "status_reason"} | ({"lines"} if lines else set()))
        if others:
            raise DomainError(
                "change the status on its own",
                code=ErrorCode.STATUS_ALONE,
                fields={name: ErrorCode.STATUS_ALONE.error() for name in others},
            )
        grant_status_change(
            ctx=ctx,
            grant_id=grant_id,
            status=given["status"],
            reason=given.get("status_reason", ""),
        )
    else:
        given.pop("status_reason", None)
        grant_update(
            ctx=ctx,
            grant_id=grant_id,
            lines=[GrantLineInput(**line) for line in lines] if lines is not None else None,
            **given,
        )
    return _fresh(request, grant_id, purpose)


def _fresh(request: HttpRequest, grant_id: int, purpose: str | None = None) -> dict[str, Any]:
    grant = grant_get(
        ctx=api_context(request, purpose), grant_id=grant_id, resource="GET /grants/{id}"
    )
    return grant_out(grant)
