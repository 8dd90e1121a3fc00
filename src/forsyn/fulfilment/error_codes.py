"""Error codes of fulfilment: stable, snake_case; English messages with named parameters, shown
in the reader's language on pages (docs/adr/0018, docs/API.md). The receiving and scanning codes
are `errors.ReceivingCode` and `gs1.ScanErrorCode` with the same messages."""

from django.utils.translation import gettext_noop as _

from forsyn.core.errors import ErrorCodes


class ErrorCode(ErrorCodes):
    RECEIPT_REFUSED = "receipt_refused", _("the receipt was refused")
    UNKNOWN_WAREHOUSE = "unknown_warehouse", _("Unknown warehouse.")
    NO_LINES = "no_lines", _("Scan at least one item.")
    TOO_MANY_LINES = "too_many_lines", _("at most %(max)s lines")
    UNKNOWN_GTIN = "unknown_gtin", _("The GTIN is not in the product catalogue.")
    NO_ACTIVE_CONTRACT = "no_active_contract", _("The product is not on an active contract.")
    EXPIRED = "expired", _("The lot has expired.")
    SHORT_SHELF_LIFE = (
        "short_shelf_life",
        _("The lot has less than the minimum remaining shelf life."),
    )
    BAD_QUANTITY = "bad_quantity", _("The quantity must be a whole number from 1 to 100,000.")
    LOT_EXPIRY_MISMATCH = (
        "lot_expiry_mismatch",
        _("This lot is already in stock with another expiry date."),
    )
    EMPTY = "empty", _("Nothing was scanned.")
    TOO_LONG = "too_long", _("The scan is too long to be a GS1 barcode.")
    UNREADABLE = "unreadable", _("The scan could not be read as a GS1 barcode.")
    BAD_CHECK_DIGIT = "bad_check_digit", _("The GTIN's check digit is wrong.")
    MISSING_GTIN = "missing_gtin", _("The barcode holds no GTIN (01).")
    MISSING_LOT = "missing_lot", _("The barcode holds no lot number (10).")
    MISSING_EXPIRY = "missing_expiry", _("The barcode holds no expiry date (17).")
    ORDER_NOT_CANCELLED = (
        "order_not_cancelled",
        _("only a cancelled order releases its stock; this one is %(status)s"),
    )
