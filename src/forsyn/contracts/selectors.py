"""Reads of contracts and prices."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce

from forsyn.access import policy
from forsyn.access.context import AccessContext
from forsyn.contracts.models import Contract, PriceListEntry
from forsyn.contracts.rules import PriceSpan, price_on


def _spans(entries: QuerySet[PriceListEntry]) -> list[PriceSpan]:
    rows = entries.annotate(
        contract_end=Coalesce("contract__extended_until", "contract__ends_on")
    ).values_list(
        "pk",
        "contract_id",
        "price",
        "valid_from",
        "valid_until",
        "contract__starts_on",
        "contract_end",
    )
    return [PriceSpan(*row) for row in rows]


def price_of(*, product_id: int, on: dt.date, ctx: AccessContext | None = None) -> PriceSpan | None:
    """The price per piece of a product on a date, across price and contract changes (the prices
    `ctx` may see; every price without a context: billing and the economics)."""
    entries = PriceListEntry.objects.filter(product_id=product_id, valid_from__lte=on).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=on)
    )
    if ctx is not None:
        entries = policy.prices_visible(ctx, entries)
    return price_on(_spans(entries), on)


def contract_get(*, contract_id: int) -> Contract | None:
    return Contract.objects.select_related("lot__tender", "supplier").filter(pk=contract_id).first()


def products_on_contract(*, product_ids: list[int], on: dt.date) -> set[int]:
    """Which of the products have a price under a running contract on `on` (one query)."""
    entries = PriceListEntry.objects.filter(product_id__in=product_ids, valid_from__lte=on).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=on)
    )
    rows = entries.annotate(
        contract_end=Coalesce("contract__extended_until", "contract__ends_on")
    ).values_list(
        "product_id",
        "pk",
        "contract_id",
        "price",
        "valid_from",
        "valid_until",
        "contract__starts_on",
        "contract_end",
    )
    return {row[0] for row in rows if PriceSpan(*row[1:]).applies_on(on)}
