"""Error codes of the economics calculations' input: stable, snake_case; English messages with
named parameters, shown in the reader's language on pages (docs/adr/0018, docs/API.md)."""

from django.utils.translation import gettext_noop as _

from forsyn.core.errors import ErrorCodes


class ErrorCode(ErrorCodes):
    INPUT_TOO_LARGE = "input_too_large", _("is larger than 1 MB")
    INPUT_TOO_DEEP = "input_too_deep", _("is nested deeper than 64 levels")
    JSON_INVALID = (
        "json_invalid",
        _("not valid JSON (line %(line)s, column %(column)s: %(error)s)"),
    )
    NUMBER_TOO_LONG = "number_too_long", _("holds a number with too many digits")
    STRING_NUL = "string_nul", _("may not contain a NUL character")
    TEXT_TOO_LONG = "text_too_long", _("is longer than 200 characters")
    NOT_AN_OBJECT = "not_an_object", _("must be an object")
    REQUIRED = "required", _("is required")
    NUMBER_AS_TEXT = (
        "number_as_text",
        _('must be a number written as a string, e.g. "117600000"'),
    )
    NOT_A_NUMBER = "not_a_number", _("'%(value)s' is not a number")
    TOO_MANY_DIGITS = "too_many_digits", _("has more than 15 digits before the decimal point")
    TOO_MANY_DECIMALS = "too_many_decimals", _("has more than 10 decimals")
    NEGATIVE = "negative", _("may not be negative")
    NOT_WHOLE = "not_whole", _("must be a whole number")
    OUT_OF_RANGE = "out_of_range", _("must be between %(minimum)s and %(maximum)s")
    NOT_A_WHOLE_NUMBER = "not_a_whole_number", _("'%(value)s' is not a whole number")
    NOT_A_LIST = "not_a_list", _("must be a list")
    TOO_FEW_ITEMS = "too_few_items", _("needs at least %(count)s item(s)")
    TEXT_REQUIRED = "text_required", _("must be a non-empty text")
    NOT_POSITIVE = "not_positive", _("must be more than 0")
    NOT_A_FRACTION = "not_a_fraction", _("is a fraction between 0 and 1")
    KEY_UNKNOWN = "key_unknown", _("unknown key '%(key)s'; use one of %(keys)s")
    EMPTY = "empty", _("is empty")
    DUPLICATE_ID = "duplicate_id", _("'%(id)s' appears twice")
    CHOICE_UNKNOWN = "choice_unknown", _("must be one of %(choices)s")
    REGION_REQUIRED = "region_required", _("is required: every party belongs to a region")
    REQUIRED_BY_KEY = "required_by_key", _("is required by the key '%(key)s'")
    PRICE_MISSING = "price_missing", _("is missing for a consumed product")
    KEY_ADDS_UP_TO_ZERO = "key_adds_up_to_zero", _("the parties' %(key)s add up to 0")
    KEY_PARTS_UNKNOWN = "key_parts_unknown", _("unknown; use fixed and within")
    NO_GROUP = "no_group", _("names at least one group")
    SHARES_NOT_ONE = "shares_not_one", _("the shares add up to %(total)s, not 1")
    GROUP_NOT_IN_FIXED = "group_not_in_fixed", _("is not a group in key.fixed")
    GROUP_REQUIRED = "group_required", _("is required by a fixed key")
    GROUP_UNKNOWN = "group_unknown", _("'%(group)s' is not a group in key.fixed")
    GROUP_EMPTY = "group_empty", _("no party belongs to this group")
    TOO_MANY_CENTS = "too_many_cents", _("has more than 2 decimals")
    INVALID = "invalid", _("is not valid")
