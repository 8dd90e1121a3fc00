"""Grants (bevillinger) of products to citizens, their lines, and their change history."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from forsyn.grants.choices import GrantEventKind, GrantStatus, LegalBasis


class Grant(models.Model):
    citizen = models.ForeignKey("citizens.Citizen", on_delete=models.PROTECT, related_name="grants")
    granting_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="grants_given",
        verbose_name=_("granting organisation"),
    )
    product_area = models.ForeignKey(
        "catalogue.ProductArea",
        on_delete=models.PROTECT,
        related_name="grants",
        verbose_name=_("product area"),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=24, choices=LegalBasis.choices)
    case_number = models.CharField(_("case number"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=GrantStatus.choices, default=GrantStatus.DRAFT
    )
    status_reason = models.CharField(_("reason for status"), max_length=300, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Empty: lifelong.")
    )
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-valid_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=F("valid_from")),
                name="grant_valid_range",
            ),
            models.CheckConstraint(
                condition=Q(status__in=GrantStatus.values), name="grant_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["citizen", "status"], name="grant_citizen_status"),
            models.Index(fields=["granting_organisation", "status"], name="grant_org_status"),
        ]

    def __str__(self) -> str:
        return f"grant {self.pk} ({self.status})"


class GrantLine(models.Model):
    """A granted product, or a whole category whose variants the citizen chooses among."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    category = models.ForeignKey(
        "catalogue.Category", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pieces_per_month = models.PositiveIntegerField(_("pieces per month"))
    hole_size_mm = models.PositiveSmallIntegerField(_("hole size (mm)"), null=True, blank=True)
    free_choice = models.BooleanField(_("free choice of supplier"), default=False)
    free_choice_product = models.CharField(
        _("product chosen under free choice"), max_length=200, blank=True
    )
    free_choice_price_difference = models.DecimalField(
        _("price difference per piece paid by the citizen"),
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(product__isnull=False) & Q(category__isnull=True))
                | (Q(product__isnull=True) & Q(category__isnull=False)),
                name="grantline_product_xor_category",
            ),
            models.CheckConstraint(
                condition=Q(pieces_per_month__gte=1), name="grantline_pieces_positive"
            ),
            models.CheckConstraint(
                condition=Q(free_choice=False)
                | (~Q(free_choice_product="") & Q(free_choice_price_difference__gte=0)),
                name="grantline_free_choice_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"line {self.pk} of grant {self.grant_id}"


class GrantEvent(models.Model):
    """One entry in a grant's change history."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=GrantEventKind.choices)
    summary = models.CharField(_("summary"), max_length=300)
    changes = models.JSONField(_("changes"), default=dict)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.grant_id}"
