"""Row locks, always taken in pk order so two transactions never wait on each other in a
cycle: orders first, then stock lots (Saleor's warehouse/lock_objects.py)."""

from collections.abc import Iterable

from forsyn.fulfilment.models import StockLot


def stock_lots_for_update(ids: Iterable[int]) -> list[StockLot]:
    """Lock the lots (only their rows, not joined ones) and read their current totals."""
    return list(
        StockLot.objects.select_for_update(of=("self",)).filter(pk__in=list(ids)).order_by("pk")
    )
