"""The calculations' JSON input as text: its limits, checked before the models see it
(forsyn.economics.schemas).

Limits on input (issue #8 §4, docs/economics.md "Limits"): the JSON text at most
MAX_INPUT_BYTES, nested at most MAX_JSON_DEPTH levels, text values and keys at most
MAX_TEXT_LENGTH characters without NUL. The limits of numbers are the models' (schemas.py).
"""

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pydantic_core import PydanticCustomError

from forsyn.core.errors import Param
from forsyn.core.input_guard import MAX_JSON_DEPTH, json_depth_exceeds
from forsyn.economics.error_codes import ErrorCode
from forsyn.economics.errors import InputError
from forsyn.economics.schemas import decimal_value

MAX_INPUT_BYTES = 1024 * 1024
MAX_TEXT_LENGTH = 200


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


def decimal_of(value: Any, field: str, *, allow_negative: bool = False) -> Decimal:
    """A number given outside a model (a CLI option) by the same rules as in one."""
    try:
        return decimal_value(value, allow_negative=allow_negative)
    except PydanticCustomError as exc:
        params: dict[str, Param] = {k: str(v) for k, v in (exc.context or {}).items()}
        raise InputError(field, ErrorCode(exc.type), params) from None
