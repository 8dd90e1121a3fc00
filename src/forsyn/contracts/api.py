import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from forsyn.access.context import context_for_request
from forsyn.catalogue.selectors import product_get
from forsyn.contracts.models import Contract
from forsyn.contracts.selectors import price_of
from forsyn.core.dates import today
from forsyn.core.errors import NotFound

router = Router(tags=["products"])


class PriceOut(Schema):
    gtin: str
    date: dt.date
    price: str
    currency: str
    unit: str
    contract: str
    valid_from: dt.date
    valid_until: dt.date | None


@router.get(
    "/{gtin}/price",
    response=PriceOut,
    summary="The price per piece of a product on a date (default today)",
)
def product_price(request: HttpRequest, gtin: str, date: dt.date | None = None) -> dict[str, Any]:
    ctx = context_for_request(request)
    product = product_get(ctx=ctx, gtin=gtin)
    if product is None:
        raise NotFound
    on = date or today()
    span = price_of(product_id=product.pk, on=on, ctx=ctx)
    if span is None:
        raise NotFound
    contract = Contract.objects.only("reference").get(pk=span.contract_id)
    return {
        "gtin": product.gtin,
        "date": on,
        "price": f"{span.price:.4f}",
        "currency": "DKK",
        "unit": "piece",
        "contract": contract.reference,
        "valid_from": span.valid_from,
        "valid_until": span.valid_until,
    }
