"""Row locks, always taken in pk order so two transactions never wait on each other in a
cycle: orders first, then stock lots (Saleor's warehouse/lock_objects.py)."""

from collections.abc import Iterable
from typing import TYPE_CHECKING

from forsyn.fulfilment.models import DeliveryPause, RecallRecipient, StockCount, StockLot

if TYPE_CHECKING:
    from forsyn.fulfilment.models import NumberSequence, Parcel


def stock_lots_for_update(ids: Iterable[int]) -> list[StockLot]:
    """Lock the lots (only their rows, not joined ones) and read their current totals."""
    return list(
        StockLot.objects.select_for_update(of=("self",)).filter(pk__in=list(ids)).order_by("pk")
    )


# -- Parcels and number sequences (issue #10 §4–5): after the orders and the stock lots --------


def parcels_for_update(ids: Iterable[int]) -> list["Parcel"]:
    """Lock parcels (their own rows) in pk order and read their current state."""
    from forsyn.fulfilment.models import Parcel

    return list(
        Parcel.objects.select_for_update(of=("self",)).filter(pk__in=list(ids)).order_by("pk")
    )


def number_sequence_for_update(name: str) -> "NumberSequence":
    """The sequence's row, created on first use, locked until the transaction ends: blocks of
    numbers are handed out one transaction at a time."""
    from forsyn.fulfilment.models import NumberSequence

    NumberSequence.objects.bulk_create([NumberSequence(name=name)], ignore_conflicts=True)
    return NumberSequence.objects.select_for_update().get(name=name)


def stock_count_for_update(count_id: int) -> StockCount | None:
    """A count's row, locked: its lines are changed and posted one writer at a time. Taken
    before any order or lot lock (a count is a document, like a grant line in ordering)."""
    return StockCount.objects.select_for_update(of=("self",)).filter(pk=count_id).first()


def recall_recipient_for_update(recipient_id: int) -> RecallRecipient | None:
    """A recall recipient's row, locked: one replacement order per recipient, however many
    clicks."""
    return RecallRecipient.objects.select_for_update(of=("self",)).filter(pk=recipient_id).first()


def delivery_pause_for_update(pause_id: int) -> DeliveryPause | None:
    return DeliveryPause.objects.select_for_update(of=("self",)).filter(pk=pause_id).first()
