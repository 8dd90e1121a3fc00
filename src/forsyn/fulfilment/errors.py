"""Error codes of fulfilment: stable, snake_case; messages through gettext."""

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from forsyn.core.errors import DomainError
from forsyn.fulfilment.error_codes import ErrorCode
from forsyn.fulfilment.gs1 import MESSAGES as SCAN_MESSAGES
from forsyn.fulfilment.gs1 import ScanErrorCode


class ReceivingCode(enum.StrEnum):
    UNKNOWN_WAREHOUSE = "unknown_warehouse"
    NO_LINES = "no_lines"
    UNKNOWN_GTIN = "unknown_gtin"
    NO_ACTIVE_CONTRACT = "no_active_contract"
    EXPIRED = "expired"
    SHORT_SHELF_LIFE = "short_shelf_life"
    BAD_QUANTITY = "bad_quantity"
    LOT_EXPIRY_MISMATCH = "lot_expiry_mismatch"
    LOT_RECALLED = "lot_recalled"


RECEIVING_MESSAGES: dict[str, Promise] = {
    ReceivingCode.UNKNOWN_WAREHOUSE: _("Unknown warehouse."),
    ReceivingCode.NO_LINES: _("Scan at least one item."),
    ReceivingCode.UNKNOWN_GTIN: _("The GTIN is not in the product catalogue."),
    ReceivingCode.NO_ACTIVE_CONTRACT: _("The product is not on an active contract."),
    ReceivingCode.EXPIRED: _("The lot has expired."),
    ReceivingCode.SHORT_SHELF_LIFE: _("The lot has less than the minimum remaining shelf life."),
    ReceivingCode.BAD_QUANTITY: _("The quantity must be a whole number from 1 to 100,000."),
    ReceivingCode.LOT_EXPIRY_MISMATCH: _("This lot is already in stock with another expiry date."),
    ReceivingCode.LOT_RECALLED: _("This lot is recalled and cannot be received."),
    **{str(code): message for code, message in SCAN_MESSAGES.items()},
}
assert set(ScanErrorCode) <= set(RECEIVING_MESSAGES)  # noqa: S101


@dataclass(frozen=True)
class LineError:
    index: int
    field: str  # "scan" or "quantity"
    code: str

    @property
    def message(self) -> str:
        return str(RECEIVING_MESSAGES[self.code])


class ReceiptRefused(DomainError):
    """A receipt refused as a whole: every line's problems, each with a field and a code."""

    def __init__(self, errors: Sequence[LineError]) -> None:
        self.errors = list(errors)
        super().__init__(
            "receipt refused",
            code=ErrorCode.RECEIPT_REFUSED,
            fields={f"lines[{e.index}].{e.field}": ErrorCode(e.code).error() for e in self.errors},
        )
