"""The assortment: product areas, categories, products, and which parties take part where."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from forsyn.catalogue.choices import Convexity, OrderUnit, Outlet, ProductStatus


class ProductArea(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_da = models.CharField(_("Danish name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_da


class Participation(models.Model):
    """An organisation takes part in a product area from its go-live date (to an end date)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="participations"
    )
    product_area = models.ForeignKey(
        ProductArea, on_delete=models.PROTECT, related_name="participations"
    )
    go_live_on = models.DateField(_("go-live date"))
    ends_on = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        ordering = ["product_area", "go_live_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "product_area", "go_live_on"], name="participation_unique"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=F("go_live_on")),
                name="participation_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} in {self.product_area_id} from {self.go_live_on}"


class Category(models.Model):
    product_area = models.ForeignKey(
        ProductArea, on_delete=models.PROTECT, related_name="categories"
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_da = models.CharField(_("Danish name"), max_length=150)
    name_en = models.CharField(_("English name"), max_length=150)
    iso9999 = models.CharField(_("ISO 9999 code"), max_length=12, blank=True)

    class Meta:
        ordering = ["product_area", "code"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name_da


class Product(models.Model):
    gtin = models.CharField(_("GTIN"), max_length=14, unique=True)
    name = models.CharField(_("name"), max_length=200)
    manufacturer = models.CharField(_("manufacturer"), max_length=120)
    supplier = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="products",
        limit_choices_to={"kind": "supplier"},
    )
    supplier_item_number = models.CharField(_("supplier's item number"), max_length=40, blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    order_unit = models.CharField(
        _("order unit"), max_length=10, choices=OrderUnit.choices, default=OrderUnit.BOX
    )
    pieces_per_unit = models.PositiveIntegerField(_("pieces per order unit"), default=1)
    size = models.CharField(_("size"), max_length=40, blank=True)
    cut_min_mm = models.PositiveSmallIntegerField(_("cut-to-fit from (mm)"), null=True, blank=True)
    cut_max_mm = models.PositiveSmallIntegerField(_("cut-to-fit to (mm)"), null=True, blank=True)
    convexity = models.CharField(
        _("convexity"), max_length=12, choices=Convexity.choices, blank=True
    )
    outlet = models.CharField(_("outlet"), max_length=12, choices=Outlet.choices, blank=True)
    attributes = models.JSONField(_("other attributes"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ProductStatus.choices, default=ProductStatus.ACTIVE
    )
    phased_out_on = models.DateField(_("phased out on"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("successor"),
    )

    class Meta:
        ordering = ["category", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(pieces_per_unit__gte=1), name="product_pieces_pos"),
            models.CheckConstraint(
                condition=Q(cut_min_mm__isnull=True)
                | Q(cut_max_mm__isnull=True)
                | Q(cut_max_mm__gte=F("cut_min_mm")),
                name="product_cut_range",
            ),
            models.CheckConstraint(
                condition=~Q(successor=F("pk")), name="product_successor_not_self"
            ),
            models.CheckConstraint(
                condition=Q(status="active") | Q(phased_out_on__isnull=False),
                name="product_phased_out_has_date",
            ),
        ]
        indexes = [models.Index(fields=["category", "status"], name="product_category_status")]

    def __str__(self) -> str:
        return f"{self.name} ({self.gtin})"

    @property
    def is_cut_to_fit(self) -> bool:
        return self.cut_min_mm is not None and self.cut_max_mm is not None
