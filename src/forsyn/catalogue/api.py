from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from forsyn.access.context import context_for_request
from forsyn.catalogue.schemas import ProductOut, product_out
from forsyn.catalogue.selectors import product_get, product_list
from forsyn.core.api import MAX_LIMIT, MAX_OFFSET, page
from forsyn.core.errors import NotFound

router = Router(tags=["products"])


class ProductPage(Schema):
    items: list[ProductOut]
    count: int


class ProductFilter(Schema):
    area: str | None = Field(None, max_length=40)
    category: str | None = Field(None, max_length=60)
    q: str | None = Field(None, max_length=100)
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


@router.get("", response=ProductPage, summary="The assortment")
def products(request: HttpRequest, filters: Query[ProductFilter]) -> dict[str, Any]:
    qs = product_list(
        ctx=context_for_request(request), area=filters.area, category=filters.category, q=filters.q
    ).select_related("successor")
    items, count = page(qs, limit=filters.limit, offset=filters.offset)
    return {"items": [product_out(p) for p in items], "count": count}


@router.get("/{gtin}", response=ProductOut, summary="One product by GTIN")
def product(request: HttpRequest, gtin: str) -> dict[str, Any]:
    p = product_get(ctx=context_for_request(request), gtin=gtin)
    if p is None:
        raise NotFound
    return product_out(p)
