"""Error codes of citizens: stable, snake_case; English messages with named parameters, shown in
the reader's language on pages (docs/adr/0018, docs/API.md)."""

from django.utils.translation import gettext_noop as _

from forsyn.core.errors import ErrorCodes


class ErrorCode(ErrorCodes):
    CITIZEN_INVALID = "citizen_invalid", _("the citizen's details are not valid")
    CPR_INVALID = "cpr_invalid", _("is not a valid CPR number (ddmmyy-xxxx)")
    CPR_EXISTS = "cpr_exists", _("a citizen with this CPR number exists")
    NOT_A_MUNICIPALITY = "not_a_municipality", _("must be a municipality")
    POSTCODE_INVALID = "postcode_invalid", _("a Danish postcode has 4 digits")
    PERIOD_INVALID = "period_invalid", _("the period is not valid")
    VALID_UNTIL_BEFORE_FROM = "valid_until_before_from", _("must be after valid from")
