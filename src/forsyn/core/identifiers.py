"""Danish and GS1 identifiers, validated with python-stdnum.

Each `clean_*` returns the compact form or raises ValueError with a message for the user.
"""

from stdnum import ean
from stdnum.dk import cpr, cvr
from stdnum.exceptions import ValidationError as StdnumError


def clean_cpr(value: str) -> str:
    try:
        return str(cpr.validate(value))
    except StdnumError:
        raise ValueError("is not a valid CPR number (ddmmyy-xxxx)") from None


def clean_cvr(value: str) -> str:
    try:
        return str(cvr.validate(value))
    except StdnumError:
        raise ValueError("is not a valid CVR number (8 digits with a valid check digit)") from None


def clean_gln(value: str) -> str:
    """EAN location number (GLN): 13 digits with a GS1 check digit."""
    try:
        compact = str(ean.validate(value))
    except StdnumError:
        raise ValueError("is not a valid EAN/GLN location number (13 digits)") from None
    if len(compact) != 13:
        raise ValueError("is not a valid EAN/GLN location number (13 digits)")
    return compact


def clean_gtin(value: str) -> str:
    """GTIN-8, -12, -13 or -14, returned as entered (compact)."""
    try:
        compact = str(ean.validate(value))
    except StdnumError:
        raise ValueError(
            "is not a valid GTIN (8, 12, 13 or 14 digits with a check digit)"
        ) from None
    return compact


def with_check_digit(stem: str) -> str:
    """Append the GS1 check digit to a GTIN/GLN stem (used by demo data and tests)."""
    return stem + str(ean.calc_check_digit(stem))


def cvr_with_check_digit(stem: str) -> str:
    """A 7-digit stem completed to a valid CVR number, or ValueError if none exists."""
    digit = (11 - int(cvr.checksum(stem + "0")) % 11) % 11
    if digit == 10:
        raise ValueError("no valid CVR number for that stem")
    return stem + str(digit)


def mask_cpr(value: str) -> str:
    """ddmmyy-xxxx: the birth date stays, the sequence number is hidden."""
    return f"{value[:6]}-xxxx"


def format_cpr(value: str) -> str:
    return f"{value[:6]}-{value[6:]}"
