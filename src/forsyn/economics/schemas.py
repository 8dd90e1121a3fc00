"""The building blocks of the calculations' input and output models (pydantic v2, docs/adr/0022).

Each calculation declares its input as a model of these field types and its result as a model
whose money fields are `Money` (2-decimal strings in JSON). Every problem pydantic finds is one
of the economics `ErrorCode`s with its parameters: the field types raise them themselves
(`PydanticCustomError` with the code as its type), pydantic's own shape errors (a missing key, an
object or a list expected, too few items, an unknown key) are mapped in `PYDANTIC_CODES`, and
checks across fields raise `problem(...)` at the path they concern. `validated()` turns the
first problem into an `InputError` naming the field as a JSON path (`parties[3].region`), as
the CLI prints it and pages show it in the reader's language.
"""

from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Protocol, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    PlainSerializer,
    PlainValidator,
    ValidationError,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from forsyn.core.errors import Param
from forsyn.core.money import quantize_money
from forsyn.economics.error_codes import ErrorCode
from forsyn.economics.errors import InputError

# Numbers in input: at most this many digits before the decimal point and after it (issue #8
# §4, docs/economics.md "Limits"): beyond that a typing error, and every calculation fits.
MAX_INTEGER_DIGITS = 15
MAX_DECIMALS = 10

M = TypeVar("M", bound=BaseModel)
Loc = tuple[str | int, ...]


class Input(BaseModel):
    """An input model: immutable; keys it does not know are ignored, as they always were (an
    input built from consumption data carries a list of products for the reader)."""

    model_config = ConfigDict(frozen=True, extra="ignore", hide_input_in_errors=True)


class Output(BaseModel):
    model_config = ConfigDict(frozen=True)


def refuse(code: ErrorCode, **params: Param) -> PydanticCustomError:
    """The error a field type raises: its type is the code, its context the parameters."""
    return PydanticCustomError(str(code), code.message, dict(params))


def problem(code: ErrorCode, loc: Loc, **params: Param) -> ValidationError:
    """A problem found across fields, at the path it concerns (relative to the model that
    raises it; pydantic prefixes the path of an enclosing model)."""
    return ValidationError.from_exception_data(
        "input",
        [InitErrorDetails(type=refuse(code, **params), loc=loc, input=None)],
    )


class HasId(Protocol):
    @property
    def id(self) -> str: ...


def unique_ids(parties: Sequence[HasId]) -> None:
    """No two parties with one id: the second is the problem."""
    seen: set[str] = set()
    for i, party in enumerate(parties):
        if party.id in seen:
            raise problem(ErrorCode.DUPLICATE_ID, ("parties", i, "id"), id=party.id)
        seen.add(party.id)


# -- Field types ---------------------------------------------------------------------------


def decimal_value(value: Any, *, allow_negative: bool = False) -> Decimal:
    """A Decimal from a JSON string or number (floats go through their repr, never binary),
    within the limits."""
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise refuse(ErrorCode.NUMBER_AS_TEXT)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise refuse(ErrorCode.NOT_A_NUMBER, value=str(value)) from None
    if not number.is_finite():
        raise refuse(ErrorCode.NOT_A_NUMBER, value=str(value))
    if number != 0 and number.adjusted() >= MAX_INTEGER_DIGITS:
        raise refuse(ErrorCode.TOO_MANY_DIGITS)
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_DECIMALS:
        raise refuse(ErrorCode.TOO_MANY_DECIMALS)
    if number < 0 and not allow_negative:
        raise refuse(ErrorCode.NEGATIVE)
    return number


def _positive(value: Any) -> Decimal:
    number = decimal_value(value)
    if number == 0:
        raise refuse(ErrorCode.NOT_POSITIVE)
    return number


def _fraction(value: Any) -> Decimal:
    number = decimal_value(value)
    if number > 1:
        raise refuse(ErrorCode.NOT_A_FRACTION)
    return number


def _cents(value: Any) -> Decimal:
    number = decimal_value(value)
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise refuse(ErrorCode.TOO_MANY_CENTS)
    return number


def whole(minimum: int, maximum: int) -> PlainValidator:
    """A whole number from minimum to maximum, given as a number or a text of digits."""

    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise refuse(ErrorCode.NOT_WHOLE)
        if isinstance(value, str) and len(value.strip()) > 20:
            raise refuse(ErrorCode.OUT_OF_RANGE, minimum=minimum, maximum=maximum)
        try:
            number = int(str(value).strip())
        except ValueError:
            raise refuse(ErrorCode.NOT_A_WHOLE_NUMBER, value=str(value)) from None
        if not minimum <= number <= maximum:
            raise refuse(ErrorCode.OUT_OF_RANGE, minimum=minimum, maximum=maximum)
        return number

    return PlainValidator(check)


def choice(choices: Sequence[str]) -> PlainValidator:
    def check(value: Any) -> str:
        if value not in choices:
            raise refuse(ErrorCode.CHOICE_UNKNOWN, choices=", ".join(choices))
        return str(value)

    return PlainValidator(check)


def _name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise refuse(ErrorCode.TEXT_REQUIRED)
    return value.strip()


def _identifier(value: Any) -> str:
    """An id: text or a number (organisation codes are often written as numbers)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise refuse(ErrorCode.TEXT_REQUIRED)
    text = str(value).strip()
    if not text:
        raise refuse(ErrorCode.EMPTY)
    return text


def _label(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise refuse(ErrorCode.TEXT_REQUIRED)
    return str(value)


# A non-negative amount or count (kroner, pieces, citizens).
Amount = Annotated[Decimal, PlainValidator(decimal_value)]
Positive = Annotated[Decimal, PlainValidator(_positive)]
Fraction = Annotated[Decimal, PlainValidator(_fraction)]  # a discount or share, 0 to 1
Cents = Annotated[Decimal, PlainValidator(_cents)]  # an amount with at most 2 decimals
Name = Annotated[str, PlainValidator(_name)]  # a non-empty text, trimmed
Identifier = Annotated[str, PlainValidator(_identifier)]  # a party's id
Label = Annotated[str, PlainValidator(_label)]  # a group or product name


def optional(validator: Callable[[Any], Any]) -> PlainValidator:
    """The field may be left out or be null."""
    return PlainValidator(lambda value: None if value is None else validator(value))


MaybeAmount = Annotated[Decimal | None, optional(decimal_value)]  # give it the default None


# -- Output --------------------------------------------------------------------------------

# Money in a result: rounded half-up to øre, written as a 2-decimal string ("-633088.00").
Money = Annotated[
    Decimal,
    AfterValidator(quantize_money),
    PlainSerializer(lambda amount: f"{amount:.2f}", return_type=str),
]


# -- Errors --------------------------------------------------------------------------------

# pydantic's own error types as economics codes.
PYDANTIC_CODES = {
    "missing": ErrorCode.REQUIRED,
    "model_type": ErrorCode.NOT_AN_OBJECT,
    "model_attributes_type": ErrorCode.NOT_AN_OBJECT,
    "dict_type": ErrorCode.NOT_AN_OBJECT,
    "list_type": ErrorCode.NOT_A_LIST,
    "too_short": ErrorCode.TOO_FEW_ITEMS,
    "extra_forbidden": ErrorCode.KEY_PARTS_UNKNOWN,
}


def path_of(loc: Loc) -> str:
    """("parties", 3, "region") -> "parties[3].region"; the input itself is "input"."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "input"


def input_errors(exc: ValidationError) -> list[InputError]:
    """Every problem of a validation, in the order of the fields."""
    errors: list[InputError] = []
    for error in exc.errors(include_url=False):
        kind = error["type"]
        context = error.get("ctx") or {}
        if kind in PYDANTIC_CODES:
            code = PYDANTIC_CODES[kind]
            params: dict[str, Param] = (
                {"count": int(context["min_length"])} if kind == "too_short" else {}
            )
        elif kind in ErrorCode._value2member_map_:
            code = ErrorCode(kind)  # one of ours: a field type or problem() raised it
            params = {name: _param(value) for name, value in context.items()}
        else:  # no field type lets another one through; should one appear, it still names
            code, params = ErrorCode.INVALID, {}  # the field

        errors.append(InputError(path_of(tuple(error["loc"])), code, params))
    return errors


def _param(value: Any) -> Param:
    return value if isinstance(value, int | str) and not isinstance(value, bool) else str(value)


def validated(model: type[M], data: Any) -> M:
    """`data` as `model`, or the first problem as InputError (all of them in `.problems`)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = input_errors(exc)
        first = errors[0]
        first.problems = errors
        raise first from None
