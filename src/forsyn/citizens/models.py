"""Citizens (borgere) and their representatives with power of attorney (fuldmagt)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from forsyn.core.identifiers import format_cpr, mask_cpr


class Citizen(models.Model):
    cpr = models.CharField(_("CPR number"), max_length=10, unique=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    street = models.CharField(_("address"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=4)
    city = models.CharField(_("city"), max_length=100)
    municipality = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="residents",
        limit_choices_to={"kind": "municipality"},
        verbose_name=_("municipality"),
    )
    is_address_protected = models.BooleanField(_("protected address"), default=False)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    deceased_on = models.DateField(_("deceased on"), null=True, blank=True)
    moved_away_on = models.DateField(_("moved away on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cpr__regex=r"^[0-9]{10}$"), name="citizen_cpr_digits"
            )
        ]
        indexes = [
            models.Index(fields=["municipality", "last_name"], name="citizen_muni_name"),
            models.Index(fields=["last_name", "first_name"], name="citizen_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def cpr_masked(self) -> str:
        return mask_cpr(self.cpr)

    @property
    def cpr_formatted(self) -> str:
        return format_cpr(self.cpr)


class Representative(models.Model):
    """A person with power of attorney (Digital Fuldmagt) who may act for the citizen."""

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="representatives")
    cpr = models.CharField(_("CPR number"), max_length=10)
    name = models.CharField(_("name"), max_length=200)
    relation = models.CharField(_("relation"), max_length=100, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["citizen", "cpr", "valid_from"], name="representative_unique"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="representative_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name
