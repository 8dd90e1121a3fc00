"""Reading numbers and shapes out of JSON input with errors that name the field."""

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from forsyn.economics.errors import InputError


def require(data: Mapping[str, Any], key: str, path: str) -> Any:
    if not isinstance(data, Mapping):
        raise InputError(path or "input", "must be an object")
    if key not in data:
        raise InputError(f"{path}.{key}" if path else key, "is required")
    return data[key]


def decimal_of(value: Any, field: str, *, allow_negative: bool = False) -> Decimal:
    """A Decimal from a JSON string or number (floats go through their repr, never binary)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InputError(field, 'must be a number written as a string, e.g. "117600000"')
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise InputError(field, f"'{value}' is not a number") from None
    if not number.is_finite():
        raise InputError(field, f"'{value}' is not a number")
    if number < 0 and not allow_negative:
        raise InputError(field, "may not be negative")
    return number


def int_of(value: Any, field: str, *, minimum: int = 0, maximum: int = 10**9) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InputError(field, "must be a whole number")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise InputError(field, f"'{value}' is not a whole number") from None
    if not minimum <= number <= maximum:
        raise InputError(field, f"must be between {minimum} and {maximum}")
    return number


def list_of(value: Any, field: str, *, min_length: int = 0) -> list[Any]:
    if not isinstance(value, list):
        raise InputError(field, "must be a list")
    if len(value) < min_length:
        raise InputError(field, f"needs at least {min_length} item(s)")
    return value


def mapping_of(value: Any, field: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InputError(field, "must be an object")
    return value


def money(amount: Decimal) -> str:
    from forsyn.core.money import quantize_money

    return f"{quantize_money(amount):.2f}"
