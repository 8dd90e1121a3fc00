"""Reads of the assortment."""

import datetime as dt

from django.db.models import Q, QuerySet

from forsyn.access import policy
from forsyn.access.context import AccessContext
from forsyn.catalogue.models import Participation, Product


def product_list(
    *,
    ctx: AccessContext,
    area: str | None = None,
    category: str | None = None,
    q: str | None = None,
) -> QuerySet[Product]:
    qs = policy.products_visible(
        ctx, Product.objects.select_related("category", "category__product_area")
    )
    if area:
        qs = qs.filter(category__product_area__code=area)
    if category:
        qs = qs.filter(category__code=category)
    if q:
        for word in q.split()[:4]:
            qs = qs.filter(
                Q(name__icontains=word) | Q(manufacturer__icontains=word) | Q(gtin__startswith=word)
            )
    return qs.order_by("category__code", "name", "gtin")


def product_get(*, ctx: AccessContext, gtin: str) -> Product | None:
    return product_list(ctx=ctx).filter(gtin=gtin).first()


def participations_on(on: dt.date) -> QuerySet[Participation]:
    """Participations in force on a date (an organisation orders in an area only inside one)."""
    return Participation.objects.filter(go_live_on__lte=on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=on)
    )


def participates(*, organisation_id: int, product_area_id: int, on: dt.date) -> bool:
    """Whether an organisation takes part in a product area on a date (outside: no ordering)."""
    return (
        participations_on(on)
        .filter(organisation_id=organisation_id, product_area_id=product_area_id)
        .exists()
    )
