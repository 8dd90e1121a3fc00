from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from forsyn.access.context import api_context
from forsyn.citizens.error_codes import ErrorCode
from forsyn.citizens.schemas import CitizenDetailOut, CitizenOut, citizen_out
from forsyn.citizens.selectors import access_citizen, citizen_search, log_citizens_listed
from forsyn.core.api import MAX_LIMIT, MAX_OFFSET, StrictSchema, page, refuse_in_query
from forsyn.core.errors import DomainError

router = Router(tags=["citizens"])


class CitizenPage(Schema):
    items: list[CitizenOut]
    count: int


class CitizenFilter(Schema):
    municipality: str | None = Field(None, max_length=20, description="municipality code")
    q: str | None = Field(None, max_length=100, description="name or address")
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class CitizenSearchIn(StrictSchema):
    """A search that may name a CPR number: sent in the body, so no URL carries it."""

    cpr: str | None = Field(None, max_length=20)
    municipality: str | None = Field(None, max_length=20, description="municipality code")
    q: str | None = Field(None, max_length=100, description="name or address")
    purpose: str | None = Field(None, max_length=200)
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


def _search(
    request: HttpRequest,
    *,
    cpr: str | None,
    municipality: str | None,
    q: str | None,
    purpose: str | None,
    limit: int,
    offset: int,
    resource: str,
) -> dict[str, Any]:
    ctx = api_context(request, purpose)
    try:
        qs = citizen_search(ctx=ctx, cpr=cpr, municipality_code=municipality, q=q)
    except ValueError:
        raise DomainError(
            "invalid CPR", code=ErrorCode.CPR_INVALID, fields={"cpr": ErrorCode.CPR_INVALID.error()}
        ) from None
    items, count = page(qs, limit=limit, offset=offset)
    log_citizens_listed(ctx=ctx, citizens=items, resource=resource)
    return {"items": [citizen_out(ctx, c) for c in items], "count": count}


@router.get("", response=CitizenPage, summary="List citizens you may see")
def citizens(request: HttpRequest, filters: Query[CitizenFilter]) -> dict[str, Any]:
    refuse_in_query(request, "cpr", "search by CPR with POST /citizens/search, not in the URL")
    return _search(
        request,
        cpr=None,
        municipality=filters.municipality,
        q=filters.q,
        purpose=None,
        limit=filters.limit,
        offset=filters.offset,
        resource="GET /citizens",
    )


@router.post("/search", response=CitizenPage, summary="Search citizens you may see (by CPR too)")
def citizens_search(request: HttpRequest, payload: CitizenSearchIn) -> dict[str, Any]:
    return _search(
        request,
        cpr=payload.cpr,
        municipality=payload.municipality,
        q=payload.q,
        purpose=payload.purpose,
        limit=payload.limit,
        offset=payload.offset,
        resource="POST /citizens/search",
    )


@router.get("/{int:citizen_id}", response=CitizenDetailOut, summary="One citizen")
def citizen(request: HttpRequest, citizen_id: int) -> dict[str, Any]:
    ctx = api_context(request)
    c = access_citizen(ctx=ctx, citizen_id=citizen_id, resource="GET /citizens/{id}")
    return citizen_out(ctx, c, detail=True)
