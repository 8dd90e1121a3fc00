"""Error codes of grants: stable, snake_case; English messages with named parameters, shown in
the reader's language on pages (docs/adr/0018, docs/API.md)."""

from django.utils.translation import gettext_noop as _

from forsyn.core.errors import ErrorCodes


class ErrorCode(ErrorCodes):
    DATE_OUT_OF_RANGE = "date_out_of_range", _("must be between %(earliest)s and %(latest)s")
    GRANT_INVALID = "grant_invalid", _("the grant is not valid")
    GRANT_FORBIDDEN = "grant_forbidden", _("you may not change grants here")
    ROLE_MAY_NOT_GRANT = "role_may_not_grant", _("your role may not write grants")
    NOT_GRANTING_ORGANISATION = (
        "not_granting_organisation",
        _("only the granting organisation changes a grant"),
    )
    GRANT_ENDED = "grant_ended", _("the grant has ended")
    STATUS_ALONE = "status_alone", _("change the status in a request of its own")
    SEL_112_BY_MUNICIPALITY = (
        "sel_112_by_municipality",
        _("a §112 grant is decided by the citizen's municipality"),
    )
    HOSPITAL_GRANT_BY_HOSPITAL = (
        "hospital_grant_by_hospital",
        _("a temporary hospital grant is given by a hospital unit"),
    )
    VALID_UNTIL_BEFORE_FROM = "valid_until_before_from", _("must be after valid from")
    FOLLOW_UP_BEFORE_FROM = "follow_up_before_from", _("may not be before valid from")
    HOSPITAL_GRANT_NEEDS_END = (
        "hospital_grant_needs_end",
        _("a temporary hospital grant has an end date"),
    )
    PRODUCT_OR_CATEGORY = (
        "product_or_category",
        _("give either a product (GTIN) or a category, not both"),
    )
    PRODUCT_UNKNOWN = "product_unknown", _("no product with GTIN %(gtin)s")
    PRODUCT_OUTSIDE_AREA = (
        "product_outside_area",
        _("the product is not in the product area %(area)s"),
    )
    PRODUCT_PHASED_OUT = "product_phased_out", _("the product %(gtin)s is phased out")
    PRODUCT_REPLACED = (
        "product_replaced",
        _("the product %(gtin)s is phased out; its successor is %(successor)s"),
    )
    CATEGORY_UNKNOWN = "category_unknown", _("no category '%(category)s'")
    CATEGORY_OUTSIDE_AREA = (
        "category_outside_area",
        _("the category is not in the product area %(area)s"),
    )
    LINE_TWICE = "line_twice", _("the same product or category twice in one grant")
    PIECES_OUT_OF_RANGE = "pieces_out_of_range", _("must be between 1 and %(max)s")
    HOLE_SIZE_OUT_OF_RANGE = "hole_size_out_of_range", _("must be between %(low)s and %(high)s mm")
    NOT_CUT_TO_FIT = "not_cut_to_fit", _("the product is not cut to fit")
    HOLE_SIZE_OUTSIDE_PRODUCT = (
        "hole_size_outside_product",
        _("the product can be cut from %(low)s to %(high)s mm"),
    )
    FREE_CHOICE_PRODUCT_MISSING = "free_choice_product_missing", _("name the product chosen")
    PRICE_DIFFERENCE_MISSING = (
        "price_difference_missing",
        _("give the price difference per piece (0 or more)"),
    )
    TOO_MANY_DECIMALS = "too_many_decimals", _("at most %(places)s decimals")
    PRODUCT_AREA_UNKNOWN = "product_area_unknown", _("no product area '%(area)s'")
    CHOICE_UNKNOWN = "choice_unknown", _("must be one of %(choices)s")
    NEW_GRANT_STATUS = "new_grant_status", _("a new grant is a draft or active")
    ACTIVE_WITHOUT_LINES = "active_without_lines", _("an active grant has at least one line")
    LINE_UNKNOWN = "line_unknown", _("no active line %(id)s in this grant")
    STATUS_UNCHANGED = "status_unchanged", _("the grant is already %(status)s")
    STATUS_TRANSITION = "status_transition", _("a grant that is %(status)s cannot become %(to)s")
    STATUS_REASON_REQUIRED = (
        "status_reason_required",
        _("give a reason for suspending or ending the grant"),
    )
