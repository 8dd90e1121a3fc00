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
