"""Error codes of organisations: stable, snake_case; English messages with named parameters,
shown in the reader's language on pages (docs/adr/0018, docs/API.md)."""

from django.utils.translation import gettext_noop as _

from forsyn.core.errors import ErrorCodes


class ErrorCode(ErrorCodes):
    ORGANISATION_INVALID = "organisation_invalid", _("the organisation's details are not valid")
    KIND_UNKNOWN = "kind_unknown", _("unknown kind of organisation %(kind)s")
    MUNICIPALITY_CODE_INVALID = "municipality_code_invalid", _("a municipality code has 3 digits")
    CVR_INVALID = "cvr_invalid", _("is not a valid CVR number (8 digits with a valid check digit)")
    GLN_INVALID = "gln_invalid", _("is not a valid EAN/GLN location number (13 digits)")
    REGION_REQUIRED = (
        "region_required",
        _("a municipality or hospital unit belongs to a region"),
    )
    ROLE_UNKNOWN = "role_unknown", _("unknown role %(role)s")
    ROLE_ORGANISATION_MISMATCH = (
        "role_organisation_mismatch",
        _("the role %(role)s does not belong in this kind of organisation"),
    )
