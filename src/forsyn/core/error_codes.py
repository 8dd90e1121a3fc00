"""Error codes of core (job runs): stable, snake_case; English messages with named parameters,
shown in the reader's language on pages (docs/adr/0018, docs/API.md)."""

from django.utils.translation import gettext_noop as _

from forsyn.core.errors import ErrorCodes


class ErrorCode(ErrorCodes):
    JOB_UNKNOWN = "job_unknown", _("no job of the kind %(kind)s")
    JOB_NOT_RESTARTABLE = "job_not_restartable", _("only a failed run can be restarted")
    PERSONAL_DATA_IN_QUERY = (
        "personal_data_in_query",
        _("%(field)s is personal data and does not belong in the URL"),
    )
    STRING_NUL = "string_nul", _("may not contain a NUL character")
    JSON_TOO_DEEP = "json_too_deep", _("is JSON nested deeper than 64 levels")
