"""Error codes of contracts: stable, snake_case; English messages with named parameters, shown
in the reader's language on pages (docs/adr/0018, docs/API.md)."""

from django.utils.translation import gettext_noop as _

from forsyn.core.errors import ErrorCodes


class ErrorCode(ErrorCodes):
    IMPORT_INVALID = "import_invalid", _("%(count)s invalid rows; nothing was imported")
