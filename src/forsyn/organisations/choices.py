"""Organisation kinds and staff roles are defined by the access layer, which reasons about them;
they are re-exported here for the organisations app's models and forms."""

from forsyn.access.roles import ROLE_ORGANISATION_KINDS, OrganisationKind, Role

__all__ = ["ROLE_ORGANISATION_KINDS", "OrganisationKind", "Role"]
