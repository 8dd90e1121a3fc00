"""GS1 Serial Shipping Container Codes (SSCC, AI 00) for parcels.

An SSCC has 18 digits: an extension digit (0–9, chosen by the company), the GS1 company
prefix (7–10 digits here), a serial reference filling the rest, and a mod-10 check digit, the
same check digit as a GTIN's (python-stdnum's `ean.calc_check_digit`, which takes any length).
The serial reference comes from the `sscc` number sequence, so no two parcels share one.
"""

from stdnum import ean

LENGTH = 18
MIN_PREFIX = 7
MAX_PREFIX = 10


class SsccError(ValueError):
    pass


def serial_capacity(company_prefix: str) -> int:
    """How many serial references a company prefix leaves room for."""
    return int(10 ** (LENGTH - 2 - len(company_prefix)))


def check_prefix(company_prefix: str, extension_digit: int) -> None:
    if not (company_prefix.isdigit() and MIN_PREFIX <= len(company_prefix) <= MAX_PREFIX):
        raise SsccError(f"a GS1 company prefix has {MIN_PREFIX}-{MAX_PREFIX} digits")
    if not 0 <= extension_digit <= 9:
        raise SsccError("the extension digit is 0-9")


def sscc_build(*, extension_digit: int, company_prefix: str, serial: int) -> str:
    """The SSCC of serial reference `serial` (0 <= serial < serial_capacity(prefix))."""
    check_prefix(company_prefix, extension_digit)
    capacity = serial_capacity(company_prefix)
    if not 0 <= serial < capacity:
        raise SsccError(f"serial reference {serial} does not fit in {capacity}")
    width = LENGTH - 2 - len(company_prefix)
    body = f"{extension_digit}{company_prefix}{serial:0{width}d}"
    return body + ean.calc_check_digit(body)


def sscc_is_valid(value: str) -> bool:
    return (
        len(value) == LENGTH and value.isdigit() and ean.calc_check_digit(value[:-1]) == value[-1]
    )


def sscc_hri(value: str) -> str:
    """As printed under the barcode: "(00) 357900000000000018"."""
    return f"(00) {value}"
