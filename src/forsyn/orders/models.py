"""Orders (bestillinger).

The foundation issue only needs order rows to count against a grant's quota; ordering itself
(portal, rules, approvals, lifecycle) is built on these models by the ordering issue.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from forsyn.orders.choices import OrderStatus


class Order(models.Model):
    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.PROTECT, related_name="orders", null=True, blank=True
    )
    ordering_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="orders"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.SUBMITTED
    )
    placed_at = models.DateTimeField(_("placed at"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-placed_at"]
        indexes = [models.Index(fields=["citizen", "-placed_at"], name="order_citizen_placed")]

    def __str__(self) -> str:
        return f"order {self.pk}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    grant_line = models.ForeignKey(
        "grants.GrantLine",
        on_delete=models.PROTECT,
        related_name="order_lines",
        null=True,
        blank=True,
    )
    product = models.ForeignKey("catalogue.Product", on_delete=models.PROTECT, related_name="+")
    order_units = models.PositiveIntegerField(_("order units"))
    pieces = models.PositiveIntegerField(_("pieces"))

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(order_units__gte=1), name="orderline_units_pos")
        ]

    def __str__(self) -> str:
        return f"{self.order_units} x {self.product_id}"
