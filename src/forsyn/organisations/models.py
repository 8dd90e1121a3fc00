"""Organisations, staff users, their roles and API tokens.

All organisation kinds share one table (`Organisation`, with `kind`): users, grants and contracts
point to "an organisation" and the API lists them by kind. The glossary names (Region,
Municipality, HospitalUnit, ServiceCentre, Supplier, LogisticsProvider) are proxy models with
their own managers. See docs/adr/0002-one-organisation-table.md.
"""

import hashlib
from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from forsyn.organisations.choices import OrganisationKind, Role


class Organisation(models.Model):
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    code = models.CharField(
        _("code"),
        max_length=20,
        help_text=_("Municipality code (3 digits), region code (4 digits) or a local code."),
    )
    name = models.CharField(_("name"), max_length=200)
    cvr = models.CharField(_("CVR number"), max_length=8, blank=True)
    gln = models.CharField(_("EAN/GLN location number"), max_length=13, blank=True)
    region = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        limit_choices_to={"kind": OrganisationKind.REGION},
        verbose_name=_("region"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="organisation_kind_code_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values), name="organisation_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["municipality", "hospital_unit"]) | Q(region__isnull=False),
                name="organisation_region_required",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class _KindManager(models.Manager["Organisation"]):
    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind

    def get_queryset(self) -> "models.QuerySet[Organisation]":
        return super().get_queryset().filter(kind=self.kind)


class Region(Organisation):
    objects: ClassVar[_KindManager] = _KindManager(OrganisationKind.REGION)  # type: ignore[assignment]

    class Meta:
        proxy = True


class Municipality(Organisation):
    objects: ClassVar[_KindManager] = _KindManager(OrganisationKind.MUNICIPALITY)  # type: ignore[assignment]

    class Meta:
        proxy = True
        verbose_name_plural = "municipalities"


class HospitalUnit(Organisation):
    objects: ClassVar[_KindManager] = _KindManager(OrganisationKind.HOSPITAL_UNIT)  # type: ignore[assignment]

    class Meta:
        proxy = True


class ServiceCentre(Organisation):
    objects: ClassVar[_KindManager] = _KindManager(OrganisationKind.SERVICE_CENTRE)  # type: ignore[assignment]

    class Meta:
        proxy = True


class Supplier(Organisation):
    objects: ClassVar[_KindManager] = _KindManager(OrganisationKind.SUPPLIER)  # type: ignore[assignment]

    class Meta:
        proxy = True


class LogisticsProvider(Organisation):
    objects: ClassVar[_KindManager] = _KindManager(OrganisationKind.LOGISTICS_PROVIDER)  # type: ignore[assignment]

    class Meta:
        proxy = True


class User(AbstractUser):
    """A staff user: belongs to one organisation and holds one or more roles."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("organisation"),
    )

    # Citizens and representatives log in through NemLog-in (SAML) as themselves: their CPR
    # number identifies them; they have no organisation and no roles.
    cpr = models.CharField(_("CPR number"), max_length=10, blank=True, db_index=True)

    class Meta(AbstractUser.Meta):
        constraints = [
            # One portal user per person: a first log-in racing in two workers cannot make two.
            models.UniqueConstraint(
                fields=["cpr"],
                condition=Q(organisation__isnull=True) & ~Q(cpr=""),
                name="user_portal_cpr_unique",
            ),
        ]

    @property
    def is_portal_user(self) -> bool:
        return bool(self.cpr) and self.organisation_id is None

    def role_set(self) -> frozenset[str]:
        cached: frozenset[str] | None = getattr(self, "_role_cache", None)
        if cached is None:
            cached = frozenset(self.roles.values_list("role", flat=True))
            self._role_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set() & set(roles))

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="user_role_unique"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="user_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}"


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored; the token is shown once when created."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.prefix}…"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
