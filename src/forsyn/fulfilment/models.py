"""Warehouses, bins, stock lots and the append-only stock-move ledger.

A lot's `on_hand_quantity` and `allocated_quantity` are running totals of its ledger: every
service that writes a `StockMove` updates the lot's totals by the move's deltas with `F()` in
the same transaction, under the lot's row lock (`lock_objects`). The database refuses totals
below zero and an allocation beyond what is on hand.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from forsyn.fulfilment.choices import LotStatus, MoveKind, WarehouseKind


class Warehouse(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=WarehouseKind.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="warehouses",
        help_text=_("Who runs the warehouse (and owns its own, non-consignment stock)."),
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    """A bin; pick lists walk the bins by `route_order`."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="locations")
    code = models.CharField(_("bin"), max_length=20)
    route_order = models.PositiveIntegerField(_("route order"), default=0)

    class Meta:
        ordering = ["warehouse", "route_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "code"], name="location_code_unique")
        ]

    def __str__(self) -> str:
        return self.code


class StockLot(models.Model):
    """One lot of one product in one warehouse, with its running totals."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="lots")
    product = models.ForeignKey("catalogue.Product", on_delete=models.PROTECT, related_name="+")
    lot_number = models.CharField(pgettext_lazy("stock", "lot number"), max_length=20)
    expires_on = models.DateField(_("expiry date"))
    owner = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "The supplier for consignment stock (until picked), else the warehouse's organisation."
        ),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=LotStatus.choices, default=LotStatus.AVAILABLE
    )
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="lots"
    )
    on_hand_quantity = models.IntegerField(_("on hand"), default=0)
    allocated_quantity = models.IntegerField(_("allocated"), default=0)

    class Meta:
        ordering = ["product", "expires_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["warehouse", "product", "lot_number"], name="stocklot_unique"
            ),
            models.CheckConstraint(
                condition=Q(on_hand_quantity__gte=0), name="stocklot_on_hand_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(allocated_quantity__gte=0), name="stocklot_allocated_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(allocated_quantity__lte=F("on_hand_quantity")),
                name="stocklot_allocated_within_on_hand",
            ),
        ]
        indexes = [
            models.Index(fields=["product", "status", "expires_on"], name="stocklot_fefo"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}/{self.lot_number}"

    @property
    def available_quantity(self) -> int:
        return self.on_hand_quantity - self.allocated_quantity


class Receipt(models.Model):
    """One receiving session: the scanned lines are its stock moves."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="receipts")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"receipt {self.pk}"


class AppendOnly(Exception):
    pass


class StockMove(models.Model):
    """The ledger. Quantities are two signed deltas (pieces): `on_hand_delta` changes what is
    physically there, `allocated_delta` what is promised to order lines. A receipt is (+n, 0),
    an allocation (0, +n), a release (0, -n), a pick (-n, -n); adjustments, counts, returns,
    scraps and recalls move on hand. Rows are never changed or deleted (a PostgreSQL trigger
    refuses it); a correction is a new move."""

    kind = models.CharField(_("kind"), max_length=12, choices=MoveKind.choices)
    lot = models.ForeignKey(StockLot, on_delete=models.PROTECT, related_name="moves")
    on_hand_delta = models.IntegerField(_("on hand change"), default=0)
    allocated_delta = models.IntegerField(_("allocated change"), default=0)
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    order_line = models.ForeignKey(
        "orders.OrderLine", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    receipt = models.ForeignKey(
        Receipt, on_delete=models.PROTECT, null=True, blank=True, related_name="moves"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~(Q(on_hand_delta=0) & Q(allocated_delta=0)), name="stockmove_not_empty"
            ),
            models.CheckConstraint(
                condition=~Q(kind="receipt") | Q(on_hand_delta__gt=0, allocated_delta=0),
                name="stockmove_receipt_adds",
            ),
            models.CheckConstraint(
                condition=~Q(kind="allocation") | Q(on_hand_delta=0, allocated_delta__gt=0),
                name="stockmove_allocation_reserves",
            ),
            models.CheckConstraint(
                condition=~Q(kind="release") | Q(on_hand_delta=0, allocated_delta__lt=0),
                name="stockmove_release_frees",
            ),
            models.CheckConstraint(
                condition=~Q(kind="pick")
                | Q(on_hand_delta__lt=0, allocated_delta=F("on_hand_delta")),
                name="stockmove_pick_consumes",
            ),
        ]
        indexes = [
            models.Index(fields=["lot", "at"], name="stockmove_lot_at"),
            models.Index(fields=["order_line", "kind"], name="stockmove_line_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.lot_id} ({self.on_hand_delta:+d}/{self.allocated_delta:+d})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly("stock moves are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnly("stock moves are append-only")
