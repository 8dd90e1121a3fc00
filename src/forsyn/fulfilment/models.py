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

from forsyn.fulfilment.choices import (
    AdjustmentReason,
    CountStatus,
    HoleCutStatus,
    LotStatus,
    MoveKind,
    ParcelStatus,
    PauseReason,
    RecipientKind,
    RecipientStage,
    ReturnDisposition,
    WarehouseKind,
)


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


# -- Waves, picking, hole-cutting, parcels and shipping (issue #10 §4–5) ----------------------
# A wave's pick lines, hole-cutting tasks and parcel memberships belong to orders: every service
# that changes them locks the orders first (orders.lock_objects), so the order row is their
# mutex. Parcels are locked after stock lots, number sequences after parcels (ARCHITECTURE.md).


class Wave(models.Model):
    """The allocated orders of one warehouse up to a cut-off, to be picked, packed and shipped
    together (docs/fulfilment.md)."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="waves")
    cutoff_at = models.DateTimeField(_("cut-off"))
    ships_on = models.DateField(_("ships on"))
    created_at = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    job_run = models.ForeignKey(
        "core.JobRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"wave {self.pk}"


class Parcel(models.Model):
    """One parcel to one recipient at one address: a citizen's orders to one delivery address,
    or a hospital unit's ward orders in bulk (ADR 0023). The address is copied from the orders
    when the wave is made; `sscc` is given when the parcel is packed."""

    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="parcels")
    number = models.PositiveIntegerField(_("parcel number in the wave"))
    orders = models.ManyToManyField(
        "orders.Order", through="ParcelOrder", related_name="parcels", blank=True
    )
    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recipient_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The hospital unit of a ward parcel."),
    )
    is_address_protected = models.BooleanField(_("protected address"), default=False)
    delivery_type = models.CharField(_("delivery"), max_length=20)
    delivery_name = models.CharField(_("deliver to"), max_length=200, blank=True)
    delivery_street = models.CharField(_("street"), max_length=200, blank=True)
    delivery_postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    delivery_city = models.CharField(_("city"), max_length=100, blank=True)
    parcel_locker = models.CharField(_("parcel locker"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ParcelStatus.choices, default=ParcelStatus.PLANNED
    )
    sscc = models.CharField(_("SSCC"), max_length=18, blank=True)
    carrier = models.CharField(_("carrier"), max_length=40, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=40, blank=True)
    packed_at = models.DateTimeField(_("packed"), null=True, blank=True)
    packed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    shipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    return_received_at = models.DateTimeField(_("return received"), null=True, blank=True)
    return_disposition = models.CharField(
        _("returned goods"), max_length=12, choices=ReturnDisposition.choices, blank=True
    )

    class Meta:
        ordering = ["wave", "number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["wave", "number"], name="parcel_number_unique"),
            models.UniqueConstraint(
                fields=["sscc"], condition=~Q(sscc=""), name="parcel_sscc_unique"
            ),
            models.UniqueConstraint(
                fields=["carrier", "tracking_number"],
                condition=~Q(tracking_number=""),
                name="parcel_tracking_unique",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["planned", "cancelled"]) | Q(sscc__regex=r"^[0-9]{18}$"),
                name="parcel_packed_has_sscc",
            ),
            models.CheckConstraint(
                condition=Q(citizen__isnull=False) | Q(recipient_organisation__isnull=False),
                name="parcel_has_recipient",
            ),
        ]
        indexes = [models.Index(fields=["tracking_number"], name="parcel_tracking")]

    def __str__(self) -> str:
        return self.sscc or f"parcel {self.pk}"


class ParcelOrder(models.Model):
    """An order in a parcel. `is_open` until the parcel leaves the warehouse (or is cancelled):
    an order is in at most one open parcel, so two waves never take the same order."""

    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, related_name="links")
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="+")
    is_open = models.BooleanField(default=True)

    class Meta:
        ordering = ["parcel", "order"]
        constraints = [
            models.UniqueConstraint(fields=["parcel", "order"], name="parcelorder_unique"),
            models.UniqueConstraint(
                fields=["order"], condition=Q(is_open=True), name="parcelorder_one_open_parcel"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} in {self.parcel_id}"


class PickLine(models.Model):
    """Pick `quantity` pieces of an order line from a lot. The pick list walks the bins by
    `sequence` (route order). Confirming records what was scanned and found; the ledger's pick
    moves are written when the whole order is picked (ADR 0023)."""

    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="pick_lines")
    parcel = models.ForeignKey(Parcel, on_delete=models.PROTECT, related_name="pick_lines")
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="+")
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(StockLot, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sequence = models.PositiveIntegerField(_("pick order"))
    quantity = models.PositiveIntegerField(_("pieces to pick"))
    hole_size_mm = models.PositiveSmallIntegerField(_("hole size (mm)"), null=True, blank=True)
    picked_quantity = models.PositiveIntegerField(_("pieces picked"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["wave", "sequence", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="pickline_quantity_pos"),
            models.CheckConstraint(
                condition=Q(picked_quantity__isnull=True) | Q(picked_quantity__lte=F("quantity")),
                name="pickline_picked_within_quantity",
            ),
            models.CheckConstraint(
                condition=Q(picked_quantity__isnull=True, confirmed_at__isnull=True)
                | Q(picked_quantity__isnull=False, confirmed_at__isnull=False),
                name="pickline_confirmed_with_quantity",
            ),
        ]
        indexes = [models.Index(fields=["order", "wave"], name="pickline_order_wave")]

    def __str__(self) -> str:
        return f"pick {self.quantity} of line {self.order_line_id} from lot {self.lot_id}"


class HoleCutTask(models.Model):
    """Cut `quantity` base plates of an order line to `hole_size_mm` (from the grant line).
    `cut_quantity` is the pieces confirmed cut, counted for billing the paying organisation
    (`selectors.hole_cut_pieces`)."""

    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="hole_cut_tasks")
    parcel = models.ForeignKey(Parcel, on_delete=models.PROTECT, related_name="hole_cut_tasks")
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="+")
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("catalogue.Product", on_delete=models.PROTECT, related_name="+")
    paying_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    hole_size_mm = models.PositiveSmallIntegerField(_("hole size (mm)"))
    quantity = models.PositiveIntegerField(_("pieces to cut"))
    cut_quantity = models.PositiveIntegerField(_("pieces cut"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=HoleCutStatus.choices, default=HoleCutStatus.OPEN
    )
    done_at = models.DateTimeField(_("cut"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["wave", "parcel", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["wave", "order_line"], name="holecut_line_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="holecut_quantity_pos"),
            models.CheckConstraint(
                condition=Q(cut_quantity__lte=F("quantity")), name="holecut_cut_within_quantity"
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(cut_quantity=F("quantity")),
                name="holecut_done_means_all_cut",
            ),
        ]
        indexes = [models.Index(fields=["status", "done_at"], name="holecut_status_done")]

    def __str__(self) -> str:
        return f"cut {self.quantity} × {self.hole_size_mm} mm"


class ParcelEvent(models.Model):
    """What happened to a parcel, from the warehouse (packed, shipped, return received) or the
    carrier's signed webhook (in transit, delivered, failed, returned). A carrier event's
    `external_id` is stored once: a replayed event changes nothing."""

    parcel = models.ForeignKey(Parcel, on_delete=models.PROTECT, related_name="events")
    status = models.CharField(_("status"), max_length=12, choices=ParcelStatus.choices)
    at = models.DateTimeField(_("time"))
    received_at = models.DateTimeField(_("received"))
    source = models.CharField(_("source"), max_length=12)  # "warehouse" or "carrier"
    external_id = models.CharField(_("carrier's event id"), max_length=100, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="parcelevent_external_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.parcel_id}: {self.status}"


class NumberSequence(models.Model):
    """A counter handed out in blocks under a row lock (SSCC serial references)."""

    name = models.SlugField(max_length=40, unique=True)
    last_value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(last_value__gte=0), name="numbersequence_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.last_value}"


class UnitDeliveryAddress(models.Model):
    """Where a hospital unit's ward stock is delivered (its goods reception); set in the admin.
    A ward parcel without one is not packed."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("deliver to"), max_length=200)
    street = models.CharField(_("street"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=4)
    city = models.CharField(_("city"), max_length=100)

    class Meta:
        verbose_name = _("delivery address of a hospital unit")
        verbose_name_plural = _("delivery addresses of hospital units")

    def __str__(self) -> str:
        return self.name


# -- Issue #10 §1-§3, §6: shelf-life minimums, stock counts, advance shipping notices, delivery
# pauses and recalls (docs/fulfilment.md, docs/adr/0026-0028). ------------------------------


class ShelfLifeMinimum(models.Model):
    """The remaining shelf life a lot must have to be allocated, per product area: to a
    citizen's delivery (e.g. 6 months) and to a hospital ward's bulk order. An area without a
    row uses the settings (`FORSYN_MIN_SHELF_LIFE_DAYS…`)."""

    product_area = models.OneToOneField(
        "catalogue.ProductArea",
        on_delete=models.CASCADE,
        related_name="shelf_life_minimum",
        verbose_name=_("product area"),
    )
    citizen_days = models.PositiveIntegerField(_("days left for a citizen's delivery"))
    ward_days = models.PositiveIntegerField(_("days left for a ward order"))

    class Meta:
        ordering = ["product_area"]
        verbose_name = _("minimum remaining shelf life")
        verbose_name_plural = _("minimum remaining shelf lives")

    def __str__(self) -> str:
        return f"{self.product_area_id}: {self.citizen_days}/{self.ward_days}"


class StockCount(models.Model):
    """A cycle count of a warehouse or one bin. Lines record what was counted against the books
    at the moment of counting; posting writes one adjustment move per difference, with a
    reason (docs/adr/0026)."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="counts")
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CountStatus.choices, default=CountStatus.OPEN
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("started"))
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    posted_at = models.DateTimeField(_("posted"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"count {self.pk}"


class StockCountLine(models.Model):
    count = models.ForeignKey(StockCount, on_delete=models.CASCADE, related_name="lines")
    lot = models.ForeignKey(StockLot, on_delete=models.PROTECT, related_name="+")
    counted_quantity = models.IntegerField(_("counted"))
    book_quantity = models.IntegerField(_("in the books"))
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    counted_at = models.DateTimeField(_("counted at"))
    reason = models.CharField(
        _("reason"), max_length=20, choices=AdjustmentReason.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    move = models.OneToOneField(
        StockMove, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["count", "lot"], name="countline_lot_once"),
            models.CheckConstraint(
                condition=Q(counted_quantity__gte=0) & Q(book_quantity__gte=0),
                name="countline_quantities_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.count_id}/{self.lot_id}: {self.counted_quantity}"

    @property
    def difference(self) -> int:
        return self.counted_quantity - self.book_quantity


class AdvanceShippingNotice(models.Model):
    """A supplier's advance shipping notice (ASN): what a delivery should hold, by GTIN and
    lot, imported from CSV or XLSX and checked against the receipts scanned for it."""

    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="shipping_notices"
    )
    supplier = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(_("the supplier's reference"), max_length=60)
    file_name = models.CharField(_("file"), max_length=200)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported"))
    receipts = models.ManyToManyField(Receipt, blank=True, related_name="shipping_notices")

    class Meta:
        ordering = ["-imported_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "reference"], name="asn_reference_unique")
        ]

    def __str__(self) -> str:
        return self.reference


class AsnLine(models.Model):
    notice = models.ForeignKey(
        AdvanceShippingNotice, on_delete=models.CASCADE, related_name="lines"
    )
    row = models.PositiveIntegerField(_("row"))
    product = models.ForeignKey("catalogue.Product", on_delete=models.PROTECT, related_name="+")
    lot_number = models.CharField(pgettext_lazy("stock", "lot number"), max_length=20)
    expires_on = models.DateField(_("expiry date"))
    quantity = models.PositiveIntegerField(_("pieces"))

    class Meta:
        ordering = ["row"]

    def __str__(self) -> str:
        return f"{self.notice_id}/{self.row}"


class DeliveryPause(models.Model):
    """A citizen's deliveries are paused over [starts_on, ends_on) (open-ended without an end):
    allocation passes over their orders. Started by staff now, by a MedCom admission message
    later (`source_reference`)."""

    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.PROTECT, related_name="delivery_pauses"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=20, choices=PauseReason.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    source_reference = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"))
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            # An end on the start day is a pause withdrawn before it began: it covers no day.
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="deliverypause_valid_range",
            )
        ]
        indexes = [models.Index(fields=["citizen", "starts_on"], name="deliverypause_citizen")]

    def __str__(self) -> str:
        return f"pause {self.pk} ({self.citizen_id})"


class AllocationSkip(models.Model):
    """Allocation passed over this order because of this pause (first and last time): why an
    approved order waits, shown to staff on the order."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="+")
    pause = models.ForeignKey(DeliveryPause, on_delete=models.CASCADE, related_name="skips")
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()

    class Meta:
        ordering = ["order", "pause"]
        constraints = [
            models.UniqueConstraint(fields=["order", "pause"], name="allocationskip_unique")
        ]

    def __str__(self) -> str:
        return f"{self.order_id} skipped ({self.pause_id})"


class Recall(models.Model):
    """A recall of lots of one product: they are blocked at once, and who received them is
    recorded from the ledger when the recall is made (docs/adr/0028)."""

    product = models.ForeignKey("catalogue.Product", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"))
    lots = models.ManyToManyField(StockLot, through="RecallLot", related_name="recalls")

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"recall {self.pk}"


class RecallLot(models.Model):
    recall = models.ForeignKey(Recall, on_delete=models.CASCADE, related_name="recall_lots")
    lot = models.ForeignKey(StockLot, on_delete=models.PROTECT, related_name="+")
    previous_status = models.CharField(max_length=12, choices=LotStatus.choices)
    on_hand_quantity = models.IntegerField(_("on hand when blocked"))

    class Meta:
        ordering = ["lot"]
        constraints = [models.UniqueConstraint(fields=["lot"], name="recalllot_lot_once")]

    def __str__(self) -> str:
        return f"{self.recall_id}/{self.lot_id}"


class RecallRecipient(models.Model):
    """An order that received (or held) a recalled lot: a citizen's or a hospital unit's."""

    recall = models.ForeignKey(Recall, on_delete=models.CASCADE, related_name="recipients")
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("recipient"), max_length=16, choices=RecipientKind.choices)
    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    quantity = models.PositiveIntegerField(_("pieces"))
    replacement_order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["recall", "order"]
        constraints = [
            models.UniqueConstraint(fields=["recall", "order"], name="recallrecipient_unique"),
            models.CheckConstraint(
                condition=Q(kind="citizen", citizen__isnull=False)
                | Q(kind="hospital_unit", organisation__isnull=False),
                name="recallrecipient_who",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recall_id}: order {self.order_id}"


class RecallRecipientLine(models.Model):
    recipient = models.ForeignKey(RecallRecipient, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(StockLot, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("pieces"))
    stage = models.CharField(_("stage"), max_length=10, choices=RecipientStage.choices)

    class Meta:
        ordering = ["order_line", "lot"]

    def __str__(self) -> str:
        return f"{self.recipient_id}/{self.order_line_id}/{self.lot_id}"
