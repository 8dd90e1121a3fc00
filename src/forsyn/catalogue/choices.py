from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PHASED_OUT = "phased_out", _("Phased out")


class OrderUnit(models.TextChoices):
    PIECE = "piece", _("piece")
    BOX = "box", _("box")
    CARTON = "carton", _("carton")


class Convexity(models.TextChoices):
    FLAT = "flat", _("flat")
    SOFT_CONVEX = "soft_convex", _("soft convex")
    CONVEX = "convex", _("convex")
    DEEP_CONVEX = "deep_convex", _("deep convex")


class Outlet(models.TextChoices):
    CLOSED = "closed", _("closed")
    DRAINABLE = "drainable", _("drainable")
    UROSTOMY = "urostomy", _("urostomy")
