"""Consumption data (forbrugsdata) submitted by the parties, normalized to pieces."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from forsyn.economics import consumption


class ConsumptionBatch(models.Model):
    """One imported file."""

    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64, unique=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_flagged = models.BooleanField(
        _("flagged rows accepted"),
        default=False,
        help_text=_("The analyst reviewed the flagged rows and accepted them as they are."),
    )

    class Meta:
        ordering = ["-imported_at"]
        verbose_name_plural = "consumption batches"

    def __str__(self) -> str:
        return f"{self.file_name} ({self.pk})"


class ConsumptionRow(models.Model):
    batch = models.ForeignKey(ConsumptionBatch, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField(_("row"))
    party = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="consumption_rows"
    )
    product_number = models.CharField(_("product number"), max_length=60, blank=True)
    gtin = models.CharField(_("GTIN"), max_length=14, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=10)
    pieces_per_unit = models.PositiveIntegerField(_("pieces per unit"))
    quantity = models.DecimalField(_("quantity"), max_digits=16, decimal_places=4)
    price_per_unit = models.DecimalField(_("price per unit"), max_digits=16, decimal_places=4)
    pieces = models.DecimalField(_("pieces"), max_digits=18, decimal_places=4)
    price_per_piece = models.DecimalField(_("price per piece"), max_digits=16, decimal_places=4)
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2)
    year = models.PositiveSmallIntegerField(_("year"))
    flag = models.CharField(_("flag"), max_length=200, blank=True)
    # The flag's numbers, so pages show the reason in the reader's language (flag_reason).
    flag_params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["batch", "row_number"]
        indexes = [models.Index(fields=["year", "gtin"], name="consumption_year_gtin")]

    def __str__(self) -> str:
        return f"row {self.row_number} of batch {self.batch_id}"

    @property
    def product_key(self) -> str:
        return self.gtin or self.product_number

    @property
    def flag_reason(self) -> str:
        """The flag in the reader's language."""
        return consumption.flag_reason(self.flag, self.flag_params)


class ConsumptionUpload(models.Model):
    """An uploaded consumption file waiting for (or done with) its import, which runs outside
    the request so that a large file never holds a web worker (issue #8 §4)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Processing")
        DONE = "done", _("Done")

    file_name = models.CharField(_("file"), max_length=255)
    data = models.BinaryField(blank=True)  # emptied once the import has read it
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accept_flagged = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    batch = models.ForeignKey(
        ConsumptionBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"
