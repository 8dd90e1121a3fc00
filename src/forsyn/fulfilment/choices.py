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
