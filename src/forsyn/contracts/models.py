"""Joint procurement: tender → lot (delkontrakt) → contract → price list entries."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Tender(models.Model):
    product_area = models.ForeignKey(
        "catalogue.ProductArea", on_delete=models.PROTECT, related_name="tenders"
    )
    reference = models.CharField(_("reference"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    published_on = models.DateField(_("published on"), null=True, blank=True)

    class Meta:
        ordering = ["-published_on", "reference"]

    def __str__(self) -> str:
        return self.name


class Lot(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField(_("lot number"))
    name = models.CharField(_("name"), max_length=200)
    categories = models.ManyToManyField("catalogue.Category", related_name="lots", blank=True)

    class Meta:
        ordering = ["tender", "number"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "number"], name="lot_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Contract(models.Model):
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="contracts")
    supplier = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="contracts",
        limit_choices_to={"kind": "supplier"},
    )
    reference = models.CharField(_("reference"), max_length=40, unique=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), help_text=_("First day without the contract."))
    max_extensions = models.PositiveSmallIntegerField(_("extension options"), default=0)
    extension_months = models.PositiveSmallIntegerField(_("months per extension"), default=12)
    extended_until = models.DateField(_("extended until"), null=True, blank=True)
    rank = models.PositiveSmallIntegerField(
        _("ranking"), default=1, help_text=_("1 = first choice when a lot has several suppliers.")
    )

    class Meta:
        ordering = ["lot", "rank"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=F("starts_on")), name="contract_period"),
            models.CheckConstraint(
                condition=Q(extended_until__isnull=True) | Q(extended_until__gt=F("ends_on")),
                name="contract_extension_after_end",
            ),
            models.UniqueConstraint(
                fields=["lot", "rank", "starts_on"], name="contract_lot_rank_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class PriceListEntry(models.Model):
    """A product's price per piece under a contract for [valid_from, valid_until).

    No two entries for one product overlap (PostgreSQL: exclusion constraint, migration 0002;
    everywhere: checked by the import service), so a product has one price on a date.
    """

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="prices")
    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.PROTECT, related_name="prices"
    )
    price = models.DecimalField(_("price per piece (DKK)"), max_digits=12, decimal_places=4)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["product", "valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="price_not_negative"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=F("valid_from")),
                name="price_valid_range",
            ),
            models.UniqueConstraint(fields=["product", "valid_from"], name="price_product_from"),
        ]
        verbose_name_plural = "price list entries"

    def __str__(self) -> str:
        return f"{self.product_id} {self.price} from {self.valid_from}"
