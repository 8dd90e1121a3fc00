from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    REGION = "region", _("Region")
    MUNICIPALITY = "municipality", _("Municipality")
    HOSPITAL_UNIT = "hospital_unit", _("Hospital unit")
    SERVICE_CENTRE = "service_centre", _("Service centre")
    SUPPLIER = "supplier", _("Supplier")
    LOGISTICS_PROVIDER = "logistics_provider", _("Logistics provider")


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    NURSE = "nurse", _("Nurse")
    HOSPITAL_ORDERER = "hospital_orderer", _("Hospital orderer")
    SERVICE_AGENT = "service_agent", _("Service agent")
    ADVISOR = "advisor", _("Advisor")
    WAREHOUSE_OPERATOR = "warehouse_operator", _("Warehouse operator")
    FINANCE = "finance", _("Finance officer")
    CONTRACT_MANAGER = "contract_manager", _("Contract manager")
    ANALYST = "analyst", _("Analyst")
    SUPPLIER_VIEWER = "supplier_viewer", _("Supplier viewer")
    ADMIN = "admin", _("Administrator")


# Which organisation kinds a role can belong to: a caseworker works for a municipality, a
# service agent for FSC, and so on. Checked when a role is granted.
ROLE_ORGANISATION_KINDS: dict[str, frozenset[str]] = {
    Role.CASEWORKER: frozenset({OrganisationKind.MUNICIPALITY}),
    Role.NURSE: frozenset({OrganisationKind.MUNICIPALITY, OrganisationKind.HOSPITAL_UNIT}),
    Role.HOSPITAL_ORDERER: frozenset({OrganisationKind.HOSPITAL_UNIT}),
    Role.SERVICE_AGENT: frozenset({OrganisationKind.SERVICE_CENTRE}),
    Role.ADVISOR: frozenset({OrganisationKind.SERVICE_CENTRE}),
    Role.WAREHOUSE_OPERATOR: frozenset({OrganisationKind.LOGISTICS_PROVIDER}),
    Role.FINANCE: frozenset(
        {OrganisationKind.SERVICE_CENTRE, OrganisationKind.MUNICIPALITY, OrganisationKind.REGION}
    ),
    Role.CONTRACT_MANAGER: frozenset({OrganisationKind.SERVICE_CENTRE, OrganisationKind.REGION}),
    Role.ANALYST: frozenset(
        {OrganisationKind.SERVICE_CENTRE, OrganisationKind.MUNICIPALITY, OrganisationKind.REGION}
    ),
    Role.SUPPLIER_VIEWER: frozenset({OrganisationKind.SUPPLIER}),
    Role.ADMIN: frozenset({OrganisationKind.SERVICE_CENTRE}),
}
