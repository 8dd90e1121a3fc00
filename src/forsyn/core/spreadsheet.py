"""Cells for spreadsheets we export (CSV and XLSX): no formula injection.

A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula
by Excel and LibreOffice (`=cmd|' /C calc'!A0`). The OWASP rule: prefix such text with a single
quote so it is shown as text. Real numbers stay numbers (a negative amount is `-12.50`, not a
formula), so only `str` values are escaped.
"""

from decimal import Decimal
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """`value` with a leading `'` if a spreadsheet would read it as a formula."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def safe_cell(value: Any) -> Any:
    """A cell value safe to write: text escaped, numbers, dates, booleans and None untouched."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, bool | int | float | Decimal) or value is None:
        return value
    # Anything else (a lazy translation, a date) is written as its text; dates stay dates.
    if hasattr(value, "isoformat"):
        return value
    return safe_text(str(value))
