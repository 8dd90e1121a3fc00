"""Error codes of orders: stable, snake_case; English messages with named parameters, shown in
the reader's language on pages (docs/adr/0018, docs/API.md). Refusals share their codes with
`orders.rules.Refusal`; holds are not errors (an order over the quota waits for approval)."""

from django.utils.translation import gettext_noop as _

from forsyn.core.errors import ErrorCodes


class ErrorCode(ErrorCodes):
    ORDER_INVALID = "order_invalid", _("the order is not valid")
    ORDER_REFUSED = "order_refused", _("the order cannot be placed")
    ORDER_FORBIDDEN = "order_forbidden", _("your role may not order products")
    WARD_STOCK_HOSPITAL_ONLY = "ward_stock_hospital_only", _("only hospital staff order ward stock")
    IDEMPOTENCY_KEY_REUSED = (
        "idempotency_key_reused",
        _("was used before with a different request: use a new key"),
    )
    CHOICE_UNKNOWN = "choice_unknown", _("must be one of %(choices)s")
    REQUIRED_FOR_OTHER_ADDRESS = (
        "required_for_other_address",
        _("is required for another address"),
    )
    POSTCODE_INVALID = "postcode_invalid", _("a Danish postcode has 4 digits")
    PARCEL_LOCKER_REQUIRED = "parcel_locker_required", _("choose a parcel locker")
    GTIN_INVALID = (
        "gtin_invalid",
        _("is not a valid GTIN (8, 12, 13 or 14 digits with a check digit)"),
    )
    UNITS_OUT_OF_RANGE = "units_out_of_range", _("must be between 1 and %(max)s")
    NO_LINES = "no_lines", _("order at least one product")
    PRODUCT_TWICE = "product_twice", _("the same product twice: give it once with the total")
    PRODUCT_UNKNOWN = "product_unknown", _("no product with GTIN %(gtin)s")
    ACTIVE_PRODUCT_UNKNOWN = "active_product_unknown", _("no active product with GTIN %(gtin)s")
    PRODUCT_PHASED_OUT = "product_phased_out", _("%(product)s is phased out")
    PRODUCT_REPLACED = (
        "product_replaced",
        _("%(product)s is phased out; order its successor %(successor)s (%(gtin)s)"),
    )
    NOT_GRANTED = (
        "not_granted",
        _("%(product)s is not granted to the citizen under an active grant"),
    )
    SEVERAL_PAYERS = (
        "several_payers",
        _("the products fall under grants from different organisations: order them separately"),
    )
    GRANT_NOT_ACTIVE = (
        "grant_not_active",
        _("the grant is %(status)s: products cannot be ordered"),
    )
    GRANT_NOT_VALID = "grant_not_valid", _("the grant is not valid on this date")
    NOT_PARTICIPATING = (
        "not_participating",
        _("the granting organisation does not take part in this product area on this date"),
    )
    CITIZEN_DECEASED = "citizen_deceased", _("the citizen is registered as deceased")
    CITIZEN_MOVED = (
        "citizen_moved",
        _("the citizen has moved away from the granting municipality; a new grant is needed"),
    )
    WARD_ORDER_TOO_LARGE = (
        "ward_order_too_large",
        _("%(pieces)s pieces in one ward order is more than the limit of %(max)s"),
    )
    ORDER_CANCEL_FORBIDDEN = (
        "order_cancel_forbidden",
        _("only the paying organisation or Fælles Service Center may cancel this order"),
    )
    ORDER_NOT_CANCELLABLE = (
        "order_not_cancellable",
        _("an order that is %(status)s can no longer be cancelled"),
    )
    OWN_ORDER = "own_order", _("a colleague must approve or reject your own order")
    ORDER_NOT_HELD = "order_not_held", _("the order is not awaiting approval: it is %(status)s")
    MESSAGE_REQUIRED = "message_required", _("tell the citizen why the order is rejected")
    ORDER_TRANSITION = "order_transition", _("an order that is %(status)s cannot become %(to)s")
