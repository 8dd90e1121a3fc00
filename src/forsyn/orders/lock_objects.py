"""Row locks on orders, in one place (Saleor's lock_objects.py): only the orders' own rows
(`of=("self",)`), in pk order. The lock order across apps is in docs/ARCHITECTURE.md."""

from collections.abc import Iterable

from django.db.models import QuerySet

from forsyn.orders.models import Order


def orders_for_update(orders: QuerySet[Order]) -> QuerySet[Order]:
    return orders.select_for_update(of=("self",)).order_by("pk")


def orders_by_id_for_update(ids: Iterable[int]) -> list[Order]:
    return list(orders_for_update(Order.objects.filter(pk__in=list(ids))))
