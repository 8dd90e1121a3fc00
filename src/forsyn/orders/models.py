"""Orders (bestillinger), their lines and lifecycle events, and the ordering configuration."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from forsyn.orders.choices import Channel, DeliveryType, OrderKind, OrderStatus


class Order(models.Model):
    kind = models.CharField(
        _("kind"), max_length=10, choices=OrderKind.choices, default=OrderKind.CITIZEN
    )
    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.PROTECT, related_name="orders", null=True, blank=True
    )
    ordering_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="orders",
        help_text=_(
            "Who pays: the organisation whose grant the order falls under, or the "
            "hospital unit for ward stock."
        ),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.SUBMITTED
    )
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.WEB
    )
    placed_at = models.DateTimeField(_("placed at"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    acting_for = models.CharField(
        _("acting as"),
        max_length=200,
        blank=True,
        help_text=_("Who acted: the citizen, a representative, or staff on the citizen's behalf."),
    )
    idempotency_key = models.CharField(max_length=100, blank=True)
    # SHA-256 of the request placed with the key: a key reused for another request is refused.
    request_digest = models.CharField(max_length=64, blank=True)
    delivery_type = models.CharField(
        _("delivery"),
        max_length=20,
        choices=DeliveryType.choices,
        default=DeliveryType.REGISTERED_ADDRESS,
    )
    delivery_name = models.CharField(_("deliver to"), max_length=200, blank=True)
    delivery_street = models.CharField(_("street"), max_length=200, blank=True)
    delivery_postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    delivery_city = models.CharField(_("city"), max_length=100, blank=True)
    parcel_locker = models.CharField(_("parcel locker"), max_length=100, blank=True)
    delivery_on = models.DateField(_("first delivery date"), null=True, blank=True)
    hold_reasons = models.JSONField(_("reasons for approval"), default=list, blank=True)
    decision_message = models.TextField(_("message to the citizen"), blank=True)
    # A replacement after a recall (issue #10 §6): it does not count against the grant's quota.
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replacements",
        verbose_name=_("replaces order"),
    )

    # Not a field: the lines order_place has just created, so the caller can answer without
    # reading the order back.
    placed_lines: "list[OrderLine] | None" = None

    class Meta:
        ordering = ["-placed_at", "-pk"]
        indexes = [
            models.Index(fields=["citizen", "-placed_at"], name="order_citizen_placed"),
            models.Index(fields=["status", "ordering_organisation"], name="order_status_org"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["placed_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="order_idempotency_key_unique",
            ),
            models.CheckConstraint(
                condition=Q(kind="ward") | Q(citizen__isnull=False), name="order_citizen_or_ward"
            ),
        ]

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
    hole_size_mm = models.PositiveSmallIntegerField(_("hole size (mm)"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(order_units__gte=1), name="orderline_units_pos")
        ]

    def __str__(self) -> str:
        return f"{self.order_units} x {self.product_id}"


class OrderEvent(models.Model):
    """Every status change, with who and when."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status} → {self.to_status}"


class OrderingPolicy(models.Model):
    """A municipality's order window for a product area (defaults: 6 months, 1, then 3)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="ordering_policies"
    )
    product_area = models.ForeignKey("catalogue.ProductArea", on_delete=models.CASCADE)
    first_period_months = models.PositiveSmallIntegerField(default=6)
    early_max_months = models.PositiveSmallIntegerField(default=1)
    later_max_months = models.PositiveSmallIntegerField(default=3)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "product_area"], name="ordering_policy_unique"
            ),
            models.CheckConstraint(
                condition=Q(early_max_months__gte=1) & Q(later_max_months__gte=1),
                name="ordering_policy_months_pos",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.product_area_id}"
