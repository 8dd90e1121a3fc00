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
    # -- Waves, picking, hole-cutting, packing and shipping (issue #10 §4–5) --
    WAVE_EMPTY = (
        "wave_empty",
        _("There are no allocated orders to pick before the cut-off."),
    )
    WRONG_PRODUCT = "wrong_product", _("This is not the product to pick: scan GTIN %(gtin)s.")
    WRONG_LOT = "wrong_lot", _("Wrong lot: pick lot %(lot)s, expiring %(expiry)s.")
    LOT_NOT_IN_STOCK = (
        "lot_not_in_stock",
        _("The scanned lot is not in stock here: pick lot %(lot)s."),
    )
    LOT_BLOCKED = (
        "lot_blocked",
        _("The scanned lot may not be picked (blocked or too short-dated): pick lot %(lot)s."),
    )
    LOT_SHORT = "lot_short", _("The scanned lot has too few free pieces: pick lot %(lot)s.")
    SCAN_EXPIRY_MISMATCH = (
        "scan_expiry_mismatch",
        _("The scanned expiry date does not match the lot in stock."),
    )
    BAD_PICK_QUANTITY = (
        "bad_pick_quantity",
        _("The quantity picked must be a whole number from 0 to %(max)s."),
    )
    PICK_LINE_DONE = "pick_line_done", _("This pick line is already confirmed.")
    ORDER_NOT_PICKABLE = (
        "order_not_pickable",
        _("The order is %(status)s: it is not picked."),
    )
    HOLE_CUT_CLOSED = "hole_cut_closed", _("This hole-cutting task is %(status)s.")
    HOLE_CUT_NOT_PICKED = (
        "hole_cut_not_picked",
        _("Pick the order's products before cutting."),
    )
    BAD_CUT_QUANTITY = (
        "bad_cut_quantity",
        _("The number of pieces cut must be a whole number from 1 to %(max)s."),
    )
    PARCEL_NOT_PICKED = "parcel_not_picked", _("Not all the parcel's orders are picked.")
    PARCEL_NOT_CUT = "parcel_not_cut", _("The parcel's base plates are not all cut.")
    ADDRESS_MISSING = "address_missing", _("The parcel has no delivery address.")
    PARCEL_NOT_PACKED = (
        "parcel_not_packed",
        _("The parcel is %(status)s: only a packed parcel is shipped."),
    )
    UNKNOWN_TRACKING_NUMBER = (
        "unknown_tracking_number",
        _("No parcel has this tracking number."),
    )
    RETURN_NOT_EXPECTED = (
        "return_not_expected",
        _("The parcel is %(status)s: only a returned parcel is received back, once."),
    )
    # -- Counts, advance shipping notices, pauses, recalls (issue #10 §1-§3, §6) --
    LOT_RECALLED = "lot_recalled", _("This lot is recalled and cannot be received.")
    UNKNOWN_LOCATION = "unknown_location", _("Unknown bin in this warehouse.")
    COUNT_NOT_OPEN = "count_not_open", _("The count is %(status)s and can no longer be changed.")
    COUNT_QUANTITY = (
        "count_quantity",
        _("The counted quantity must be a whole number from 0 to 100,000."),
    )
    COUNT_EMPTY = "count_empty", _("Count at least one lot before posting.")
    COUNT_REASON_REQUIRED = (
        "count_reason_required",
        _("Line %(line)s (lot %(lot)s): choose a reason for the difference of %(difference)s."),
    )
    COUNT_NOTE_REQUIRED = (
        "count_note_required",
        _("Line %(line)s (lot %(lot)s): describe the other reason in the note."),
    )
    COUNT_STOCK_CHANGED = (
        "count_stock_changed",
        _("Line %(line)s (lot %(lot)s): the stock has changed since it was counted; count again."),
    )
    COUNT_REFUSED = "count_refused", _("the count cannot be posted")
    ASN_REFUSED = "asn_refused", _("the shipping notice was refused")
    ASN_FILE_TYPE = "asn_file_type", _("Upload a .csv or .xlsx file.")
    ASN_NOT_CSV = "asn_not_csv", _("The file is not a readable CSV file (save it as UTF-8).")
    ASN_NOT_XLSX = "asn_not_xlsx", _("The file is not a readable XLSX workbook.")
    ASN_EMPTY = "asn_empty", _("The file holds no lines.")
    ASN_TOO_LARGE = "asn_too_large", _("The file is larger than %(max)s MB.")
    ASN_TOO_MANY_ROWS = "asn_too_many_rows", _("The file has more than %(max)s lines.")
    ASN_MISSING_COLUMN = "asn_missing_column", _("Row %(row)s: the column %(column)s is missing.")
    ASN_MISSING_VALUE = (
        "asn_missing_value",
        _("Row %(row)s, column %(column)s: a value is required."),
    )
    ASN_BAD_GTIN = "asn_bad_gtin", _("Row %(row)s, column %(column)s: not a valid GTIN.")
    ASN_UNKNOWN_GTIN = (
        "asn_unknown_gtin",
        _("Row %(row)s: GTIN %(gtin)s is not in the product catalogue."),
    )
    ASN_BAD_DATE = (
        "asn_bad_date",
        _("Row %(row)s, column %(column)s: not a date (YYYY-MM-DD or DD-MM-YYYY)."),
    )
    ASN_BAD_QUANTITY = (
        "asn_bad_quantity",
        _("Row %(row)s, column %(column)s: must be a whole number from 1 to 100,000."),
    )
    ASN_LOT_TOO_LONG = (
        "asn_lot_too_long",
        _("Row %(row)s, column %(column)s: a lot number has at most 20 characters."),
    )
    ASN_SEVERAL_SUPPLIERS = (
        "asn_several_suppliers",
        _("Row %(row)s: the product comes from another supplier than the notice's first line."),
    )
    ASN_REFERENCE_REQUIRED = (
        "asn_reference_required",
        _("Give the supplier's reference of the notice."),
    )
    ASN_REFERENCE_TAKEN = (
        "asn_reference_taken",
        _("The supplier's notice %(reference)s is already imported."),
    )
    PAUSE_REFUSED = "pause_refused", _("the pause was refused")
    PAUSE_DATES = "pause_dates", _("Deliveries must resume after the first day of the pause.")
    PAUSE_DATE_RANGE = "pause_date_range", _("The date must be within a year of today.")
    PAUSE_REASON = "pause_reason", _("Choose one of the listed reasons.")
    PAUSE_ENDED = "pause_ended", _("The pause has already ended.")
    RECALL_REFUSED = "recall_refused", _("the recall was refused")
    RECALL_NO_LOTS = "recall_no_lots", _("Give at least one lot number.")
    RECALL_UNKNOWN_LOT = (
        "recall_unknown_lot",
        _("Lot %(lot)s of this product is not in any warehouse you work in."),
    )
    RECALL_LOT_RECALLED = (
        "recall_lot_recalled",
        _("Lot %(lot)s is already recalled (recall %(recall)s)."),
    )
    RECALL_REASON_REQUIRED = (
        "recall_reason_required",
        _("Give the reason for the recall (at least %(min)s letters)."),
    )
    NOTHING_TO_REPLACE = (
        "nothing_to_replace",
        _("Nothing was picked for this order from the recalled lots: it gets other lots."),
    )
