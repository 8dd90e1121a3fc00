"""Error codes of access (the stated purpose): stable, snake_case; English messages with named
parameters, shown in the reader's language on pages (docs/adr/0018, docs/API.md)."""

from django.utils.translation import gettext_noop as _

from forsyn.core.errors import ErrorCodes


class ErrorCode(ErrorCodes):
    PURPOSE_REQUIRED = "purpose_required", _("state why you need this citizen's data")
    PURPOSE_TOO_LONG = "purpose_too_long", _("at most %(max)s characters")
    PURPOSE_TOO_SHORT = (
        "purpose_too_short",
        _("say in words why you need the data (at least %(min)s letters)"),
    )
