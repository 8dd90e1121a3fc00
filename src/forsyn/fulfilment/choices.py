from django.db import models
from django.utils.translation import gettext_lazy as _


class WarehouseKind(models.TextChoices):
    CONSIGNMENT = "consignment", _("FSC consignment warehouse")
    REGION = "region", _("Region warehouse")
    HOSPITAL = "hospital", _("Hospital warehouse")


class LotStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    QUARANTINED = "quarantined", _("Quarantined")
    RECALLED = "recalled", _("Recalled")


class MoveKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    ALLOCATION = "allocation", _("Allocation")
    RELEASE = "release", _("Release")
    PICK = "pick", _("Pick")
    ADJUSTMENT = "adjustment", _("Adjustment")
    COUNT = "count", _("Count")
    RETURN = "return", _("Return")
    SCRAP = "scrap", _("Scrap")
    RECALL = "recall", _("Recall")
