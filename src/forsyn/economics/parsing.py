"""Reading numbers and shapes out of JSON input with errors that name the field.

Limits on input (issue #8 §4, docs/economics.md "Limits"): the JSON text at most
MAX_INPUT_BYTES, nested at most MAX_JSON_DEPTH levels, text values at most MAX_TEXT_LENGTH
characters without NUL, numbers at most MAX_INTEGER_DIGITS digits before the decimal point and
MAX_DECIMALS after it.
"""

import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from forsyn.core.input_guard import MAX_JSON_DEPTH, json_depth_exceeds
from forsyn.economics.error_codes import ErrorCode
from forsyn.economics.errors import InputError

MAX_INPUT_BYTES = 1024 * 1024
MAX_TEXT_LENGTH = 200
MAX_INTEGER_DIGITS = 15
MAX_DECIMALS = 10


def load_json_input(text: str) -> Any:
    """Parse a calculation's JSON input within the limits, or raise InputError naming the
    field. Numbers with a fraction stay text (then Decimal), never binary floats."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_INPUT_BYTES:
        raise InputError("input", ErrorCode.INPUT_TOO_LARGE)
    if json_depth_exceeds(text, MAX_JSON_DEPTH):
        raise InputError("input", ErrorCode.INPUT_TOO_DEEP)
    try:
        data = json.loads(text, parse_float=str, parse_constant=str)
    except json.JSONDecodeError as exc:
        raise InputError(
            "input",
            ErrorCode.JSON_INVALID,
            {"line": exc.lineno, "column": exc.colno, "error": exc.msg},
        ) from None
    except (ValueError, RecursionError):
        # An integer of thousands of digits: Python refuses to convert it.
        raise InputError("input", ErrorCode.NUMBER_TOO_LONG) from None
    check_values(data)
    return data


def check_values(data: Any) -> None:
    """Every text value and key within the limits, iteratively (no recursion on input)."""
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, Mapping):
            for key, value in item.items():
                _check_text(str(key), path or "input")
                stack.append((value, f"{path}.{key}" if path else str(key)))
        elif isinstance(item, list):
            stack.extend((value, f"{path}[{i}]") for i, value in enumerate(item))
        elif isinstance(item, str):
            _check_text(item, path or "input")


def _check_text(value: str, field: str) -> None:
    if "\x00" in value:
        raise InputError(field, ErrorCode.STRING_NUL)
    if len(value) > MAX_TEXT_LENGTH:
        raise InputError(field, ErrorCode.TEXT_TOO_LONG)


def require(data: Mapping[str, Any], key: str, path: str) -> Any:
    if not isinstance(data, Mapping):
        raise InputError(path or "input", ErrorCode.NOT_AN_OBJECT)
    if key not in data:
        raise InputError(f"{path}.{key}" if path else key, ErrorCode.REQUIRED)
    return data[key]


def decimal_of(value: Any, field: str, *, allow_negative: bool = False) -> Decimal:
    """A Decimal from a JSON string or number (floats go through their repr, never binary)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InputError(field, ErrorCode.NUMBER_AS_TEXT)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise InputError(field, ErrorCode.NOT_A_NUMBER, {"value": str(value)}) from None
    if not number.is_finite():
        raise InputError(field, ErrorCode.NOT_A_NUMBER, {"value": str(value)})
    if number != 0 and number.adjusted() >= MAX_INTEGER_DIGITS:
        raise InputError(field, ErrorCode.TOO_MANY_DIGITS)
    if -number.as_tuple().exponent > MAX_DECIMALS:  # type: ignore[operator]
        raise InputError(field, ErrorCode.TOO_MANY_DECIMALS)
    if number < 0 and not allow_negative:
        raise InputError(field, ErrorCode.NEGATIVE)
    return number


def int_of(value: Any, field: str, *, minimum: int = 0, maximum: int = 10**9) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InputError(field, ErrorCode.NOT_WHOLE)
    if isinstance(value, str) and len(value.strip()) > 20:
        raise InputError(field, ErrorCode.OUT_OF_RANGE, {"minimum": minimum, "maximum": maximum})
    try:
        number = int(str(value).strip())
    except ValueError:
        raise InputError(field, ErrorCode.NOT_A_WHOLE_NUMBER, {"value": str(value)}) from None
    if not minimum <= number <= maximum:
        raise InputError(field, ErrorCode.OUT_OF_RANGE, {"minimum": minimum, "maximum": maximum})
    return number


def list_of(value: Any, field: str, *, min_length: int = 0) -> list[Any]:
    if not isinstance(value, list):
        raise InputError(field, ErrorCode.NOT_A_LIST)
    if len(value) < min_length:
        raise InputError(field, ErrorCode.TOO_FEW_ITEMS, {"count": min_length})
    return value


def mapping_of(value: Any, field: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InputError(field, ErrorCode.NOT_AN_OBJECT)
    return value


def money(amount: Decimal) -> str:
    from forsyn.core.money import quantize_money

    return f"{quantize_money(amount):.2f}"
