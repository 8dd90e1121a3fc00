from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class WarehouseKind(models.TextChoices):
    CONSIGNMENT = "consignment", _("FSC consignment warehouse")
    REGION = "region", _("Region warehouse")
    HOSPITAL = "hospital", _("Hospital warehouse")


class LotStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    QUARANTINED = "quarantined", _("Quarantined")
    RECALLED = "recalled", _("Recalled")


class MoveKind(models.TextChoices):
    RECEIPT = "receipt", pgettext_lazy("stock move", "Receipt")
    ALLOCATION = "allocation", pgettext_lazy("stock move", "Allocation")
    RELEASE = "release", pgettext_lazy("stock move", "Release")
    PICK = "pick", pgettext_lazy("stock move", "Pick")
    ADJUSTMENT = "adjustment", pgettext_lazy("stock move", "Adjustment")
    COUNT = "count", pgettext_lazy("stock move", "Count")
    RETURN = "return", pgettext_lazy("stock move", "Return")
    SCRAP = "scrap", pgettext_lazy("stock move", "Scrap")
    RECALL = "recall", pgettext_lazy("stock move", "Recall")


# -- Waves, parcels and shipping (issue #10 §4–5) --


class ParcelStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("parcel", "Planned")
    PACKED = "packed", pgettext_lazy("parcel", "Packed")
    SHIPPED = "shipped", pgettext_lazy("parcel", "Shipped")
    IN_TRANSIT = "in_transit", pgettext_lazy("parcel", "In transit")
    DELIVERED = "delivered", pgettext_lazy("parcel", "Delivered")
    FAILED = "failed", pgettext_lazy("parcel", "Delivery attempt failed")
    RETURNED = "returned", pgettext_lazy("parcel", "Returned")
    CANCELLED = "cancelled", pgettext_lazy("parcel", "Cancelled")


class HoleCutStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("hole-cutting", "To cut")
    DONE = "done", pgettext_lazy("hole-cutting", "Cut")
    CANCELLED = "cancelled", pgettext_lazy("hole-cutting", "Cancelled")


class ReturnDisposition(models.TextChoices):
    STOCK = "stock", _("Back to stock")
    QUARANTINE = "quarantine", _("Quarantine")


# -- Counts, advance shipping notices, pauses and recalls (issue #10 §1, §2, §3, §6) ---------


class CountStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("stock count", "Open")
    POSTED = "posted", pgettext_lazy("stock count", "Posted")
    CANCELLED = "cancelled", pgettext_lazy("stock count", "Cancelled")


class AdjustmentReason(models.TextChoices):
    """Why a counted quantity differs from the books (on a count line, and in the ledger's
    `reason` of the adjustment move it posts)."""

    DAMAGED = "damaged", _("Damaged")
    MISSING = "missing", _("Missing (shrinkage)")
    FOUND = "found", _("Found")
    RECEIVING_ERROR = "receiving_error", _("Error at receiving")
    PICKING_ERROR = "picking_error", _("Error at picking")
    EARLIER_MISCOUNT = "earlier_miscount", _("Earlier miscount")
    OTHER = "other", _("Other reason")


class AsnStatus(models.TextChoices):
    """How a GTIN and lot of an advance shipping notice compares with what was scanned."""

    MATCH = "match", _("As notified")
    SHORT = "short", _("Fewer than notified")
    OVER = "over", _("More than notified")
    MISSING = "missing", _("Not scanned")
    UNEXPECTED = "unexpected", _("Not on the notice")


class PauseReason(models.TextChoices):
    HOSPITAL_ADMISSION = "hospital_admission", _("Admitted to hospital")
    STAFF = "staff", _("Paused by staff")
    OTHER = "other", _("Other reason")


class RecipientKind(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    HOSPITAL_UNIT = "hospital_unit", _("Hospital unit")


class RecipientStage(models.TextChoices):
    """How far a recalled lot got to a recipient: picked for (or shipped to) them, or only
    allocated to their order (then the order is allocated again from other lots)."""

    PICKED = "picked", _("Picked or shipped")
    ALLOCATED = "allocated", _("Allocated, not picked")
