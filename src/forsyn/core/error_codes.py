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
    # Tables read from uploaded files (core/tabular.py, docs/adr/0022).
    TABLE_INVALID = "table_invalid", _("%(file)s cannot be read: %(count)s problem(s)")
    TABLE_EMPTY = "table_empty", _("is empty")
    TABLE_TOO_LARGE = "table_too_large", _("is larger than %(max)s MB")
    TABLE_UNPACKS_TOO_LARGE = "table_unpacks_too_large", _("unpacks to more than %(max)s MB")
    TABLE_TOO_MANY_ROWS = (
        "table_too_many_rows",
        _("has more than %(max)s rows: split it into smaller files"),
    )
    TABLE_NOT_UTF8 = "table_not_utf8", _("is not UTF-8 text")
    TABLE_NOT_CSV = "table_not_csv", _("is not a readable CSV file (line %(line)s)")
    TABLE_NOT_XLSX = "table_not_xlsx", _("is not a readable XLSX workbook (%(error)s)")
    COLUMN_MISSING = "column_missing", _("column is missing")
    COLUMN_MISSING_ONE_OF = (
        "column_missing_one_of",
        _("column is missing (or give %(alternatives)s)"),
    )
    CELL_FORMULA = (
        "cell_formula",
        _("holds a formula (%(formula)s): save the sheet with values, not formulas"),
    )
    CELL_TOO_LONG = "cell_too_long", _("is longer than %(max)s characters")
