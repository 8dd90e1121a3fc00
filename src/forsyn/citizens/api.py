from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from forsyn.citizens.schemas import CitizenDetailOut, CitizenOut, citizen_out
from forsyn.citizens.selectors import access_citizen, citizen_search, log_citizens_listed
from forsyn.core.api import MAX_LIMIT, MAX_OFFSET, page, purpose_of
from forsyn.core.errors import DomainError

router = Router(tags=["citizens"])


class CitizenPage(Schema):
    items: list[CitizenOut]
    count: int


class CitizenFilter(Schema):
    cpr: str | None = Field(None, max_length=20)
    municipality: str | None = Field(None, max_length=20, description="municipality code")
    q: str | None = Field(None, max_length=100, description="name or address")
    purpose: str | None = Field(None, max_length=200)
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


@router.get("", response=CitizenPage, summary="Search citizens you may see")
def citizens(request: HttpRequest, filters: Query[CitizenFilter]) -> dict[str, Any]:
    try:
        qs = citizen_search(
            user=request.user, cpr=filters.cpr, municipality_code=filters.municipality, q=filters.q
        )
    except ValueError as exc:
        raise DomainError("invalid CPR", code="cpr_invalid", fields={"cpr": str(exc)}) from None
    purpose = purpose_of(request, filters.purpose)
    items, count = page(qs, limit=filters.limit, offset=filters.offset)
    log_citizens_listed(
        user=request.user, citizens=items, purpose=purpose, channel="api", resource="GET /citizens"
    )
    return {"items": [citizen_out(request.user, c) for c in items], "count": count}


@router.get("/{int:citizen_id}", response=CitizenDetailOut, summary="One citizen")
def citizen(request: HttpRequest, citizen_id: int, purpose: str | None = None) -> dict[str, Any]:
    c = access_citizen(
        user=request.user,
        citizen_id=citizen_id,
        purpose=purpose_of(request, purpose),
        channel="api",
        resource="GET /citizens/{id}",
    )
    return citizen_out(request.user, c, detail=True)
