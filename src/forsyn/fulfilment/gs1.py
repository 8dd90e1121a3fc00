"""Reading what a handheld scanner sends from a GS1 DataMatrix or GS1-128 label (biip).

A scanner may send the human-readable form with brackets, `(01)…(17)…(10)…`, or the raw element
string with GS (0x1D) after each variable-length field, with or without a symbology identifier
such as `]d2` (DataMatrix), `]C1` (GS1-128) or `]Q3` (QR with a GS1 Digital Link). Receiving
needs (01) GTIN, (17) expiry and (10) lot; (21) serial is kept when present. (15) best-before
is not an expiry date and is not read as one (ADR 0015).

In (17) a day of `00` means the last day of the month; biip does that.
"""

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass

from biip import ParseConfig, ParseError, parse
from biip.gs1_messages import GS1Message
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

GS = "\x1d"
MAX_LENGTH = 300
SYMBOLOGY_PREFIX_LENGTH = 3  # "]" + symbology letter + modifier, e.g. ]d2, ]C1, ]Q3


class ScanErrorCode(enum.StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    UNREADABLE = "unreadable"
    BAD_CHECK_DIGIT = "bad_check_digit"
    MISSING_GTIN = "missing_gtin"
    MISSING_LOT = "missing_lot"
    MISSING_EXPIRY = "missing_expiry"


MESSAGES: dict[ScanErrorCode, Promise] = {
    ScanErrorCode.EMPTY: _("Nothing was scanned."),
    ScanErrorCode.TOO_LONG: _("The scan is too long to be a GS1 barcode."),
    ScanErrorCode.UNREADABLE: _("The scan could not be read as a GS1 barcode."),
    ScanErrorCode.BAD_CHECK_DIGIT: _("The GTIN's check digit is wrong."),
    ScanErrorCode.MISSING_GTIN: _("The barcode holds no GTIN (01)."),
    ScanErrorCode.MISSING_LOT: _("The barcode holds no lot number (10)."),
    ScanErrorCode.MISSING_EXPIRY: _("The barcode holds no expiry date (17)."),
}


class ScanError(ValueError):
    """A scan that cannot be used: `code` is stable, `message` is for people (gettext), and
    `detail` is biip's own English explanation, if any."""

    def __init__(self, code: ScanErrorCode, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else str(code))
        self.code = code
        self.detail = detail

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code])


@dataclass(frozen=True)
class ScanResult:
    gtin: str  # 14 digits
    lot: str
    expiry: dt.date
    serial: str | None = None


def gtin_forms(gtin: str) -> list[str]:
    """The ways a GTIN may be stored: as GTIN-14, -13, -12 or -8 (leading zeros dropped)."""
    gtin14 = gtin.zfill(14)
    return [gtin14[-n:] for n in (14, 13, 12, 8) if set(gtin14[:-n]) <= {"0"}]


def _strip_symbology(text: str) -> str:
    if text.startswith("]") and len(text) >= SYMBOLOGY_PREFIX_LENGTH:
        return text[SYMBOLOGY_PREFIX_LENGTH:]
    return text


def parse_message(text: str, *, separator_chars: Sequence[str] = (GS,)) -> GS1Message:
    """The GS1 element strings of a scan, in any of the forms above, or ScanError. A bad GTIN
    check digit is not raised here: biip keeps it on the element (`gtin_error`)."""
    value = text.strip("\r\n\t ")
    if not value:
        raise ScanError(ScanErrorCode.EMPTY)
    if len(value) > MAX_LENGTH:
        raise ScanError(ScanErrorCode.TOO_LONG)
    if _strip_symbology(value).startswith("("):
        try:
            return GS1Message.parse_hri(_strip_symbology(value))
        except ParseError as exc:
            raise ScanError(ScanErrorCode.UNREADABLE, str(exc)) from None
    try:
        result = parse(value, config=ParseConfig(separator_chars=tuple(separator_chars)))
    except ParseError as exc:
        raise ScanError(ScanErrorCode.UNREADABLE, str(exc)) from None
    if result.gs1_message is not None:
        return result.gs1_message
    if result.gs1_digital_link_uri is not None:
        return result.gs1_digital_link_uri.as_gs1_message()
    if result.gtin is not None:  # a plain EAN/GTIN barcode: no lot, no expiry
        raise ScanError(ScanErrorCode.MISSING_LOT)
    detail = result.gs1_message_error or result.gs1_digital_link_uri_error or ""
    raise ScanError(ScanErrorCode.UNREADABLE, detail)


def parse_scan(text: str, *, separator_chars: Sequence[str] = (GS,)) -> ScanResult:
    """GTIN, lot, expiry and serial of one scan, or ScanError naming what is wrong."""
    message = parse_message(text, separator_chars=separator_chars)
    gtin_element = message.element_strings.get(ai="01")
    if gtin_element is None:
        raise ScanError(ScanErrorCode.MISSING_GTIN)
    if gtin_element.gtin_error:
        code = (
            ScanErrorCode.BAD_CHECK_DIGIT
            if "check digit" in gtin_element.gtin_error
            else ScanErrorCode.UNREADABLE
        )
        raise ScanError(code, gtin_element.gtin_error)
    lot = message.element_strings.get(ai="10")
    if lot is None or not lot.value:
        raise ScanError(ScanErrorCode.MISSING_LOT)
    expiry = message.element_strings.get(ai="17")
    if expiry is None or expiry.date is None:
        raise ScanError(ScanErrorCode.MISSING_EXPIRY)
    serial = message.element_strings.get(ai="21")
    return ScanResult(
        gtin=gtin_element.value,
        lot=lot.value,
        expiry=expiry.date,
        serial=serial.value if serial is not None else None,
    )
