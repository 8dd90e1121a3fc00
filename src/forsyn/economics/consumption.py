"""Consumption data: reading the shared template (CSV or XLSX), normalizing every row to pieces
and price per piece, and flagging likely unit errors (the top data-quality problem in the
urology tender's risk analysis: boxes or cartons given where pieces were meant, or the reverse).

Pure functions here; the database import is in services.py.
"""

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import formats
from django.utils.translation import gettext, gettext_noop

from forsyn.core.identifiers import clean_gtin
from forsyn.core.money import parse_decimal
from forsyn.core.tabular import Limits, Row, Table, TableError, cell_text, map_columns, read_table

COLUMNS: dict[str, tuple[str, ...]] = {
    "party": ("party", "part", "kommune", "region", "myndighed"),
    "product_number": ("product_number", "productnumber", "varenummer", "varenr", "product_no"),
    "gtin": ("gtin", "ean"),
    "description": ("description", "beskrivelse", "varetekst", "tekst"),
    "unit": ("unit", "enhed"),
    "pieces_per_unit": ("pieces_per_unit", "stk_pr_enhed", "antal_pr_enhed", "pieces/unit"),
    "quantity": ("quantity", "antal", "mængde", "maengde"),
    "price_per_unit": ("price_per_unit", "pris_pr_enhed", "enhedspris", "price"),
    "year": ("year", "år", "aar"),
}
REQUIRED = ("party", "unit", "pieces_per_unit", "quantity", "price_per_unit", "year")
# A row names its product by product number or GTIN: one of the two columns is needed.
REQUIRED_COLUMNS = (*REQUIRED, ("product_number", "gtin"))
UNITS = {
    "stk": "piece",
    "stk.": "piece",
    "piece": "piece",
    "pieces": "piece",
    "pcs": "piece",
    "pk": "box",
    "pk.": "box",
    "pakke": "box",
    "box": "box",
    "æske": "box",
    "krt": "carton",
    "krt.": "carton",
    "karton": "carton",
    "carton": "carton",
}
DEFAULT_FLAG_FACTOR = Decimal(3)
PRICE_PLACES = Decimal("0.0001")

# Limits of one consumption file (issue #8 §4; docs/economics.md "Limits"). A year of one
# region's consumption is some thousands of rows; the limits are far above that and keep every
# stored number inside its database column.
# The file's own limits (size, rows, columns, any cell's length) are the shared reader's.
LIMITS = Limits()
MAX_FILE_BYTES = LIMITS.max_bytes
MAX_ROWS = LIMITS.max_rows
TEXT_LIMITS = {"party": 100, "product_number": 60, "description": 300, "unit": 20, "gtin": 20}
NUMBER_LIMITS = {
    "quantity": Decimal(999_999_999),
    "price_per_unit": Decimal(9_999_999),
    "pieces_per_unit": Decimal(100_000),
}
# A likely unit error: the English text is stored with the row (`flag`), its numbers as
# `flag_params`, so pages show it in the reader's language (flag_reason).
FLAG_REASON = gettext_noop(
    "price per piece %(price)s is %(ratio)s × the median %(median)s for this product: "
    "check the unit"
)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str  # may hold %(name)s placeholders filled from params (translatable reasons)
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.reason % dict(self.params) if self.params else self.reason

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.text}"


@dataclass(frozen=True)
class CleanRow:
    row_number: int
    party: str  # as written; resolved to an organisation by the import service
    product_number: str
    gtin: str
    description: str
    unit: str  # piece | box | carton
    pieces_per_unit: int
    quantity: Decimal
    price_per_unit: Decimal
    year: int
    flag: str = ""  # FLAG_REASON in English, filled from flag_params
    flag_params: Mapping[str, str] = field(default_factory=dict)

    @property
    def pieces(self) -> Decimal:
        return self.quantity * self.pieces_per_unit

    @property
    def price_per_piece(self) -> Decimal:
        return (self.price_per_unit / self.pieces_per_unit).quantize(
            PRICE_PLACES, rounding=ROUND_HALF_UP
        )

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.price_per_unit).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )

    @property
    def product_key(self) -> str:
        return self.gtin or self.product_number


def read_consumption(data: bytes, file_name: str) -> Table:
    """The rows of a consumption file (CSV or XLSX) through the shared reader
    (forsyn.core.tabular): TableError names the file, row and column of each problem."""
    return read_table(data, file_name, columns=COLUMNS, required=REQUIRED_COLUMNS, limits=LIMITS)


def table_errors(exc: TableError) -> list[RowError]:
    """The reader's problems as the import reports them (a problem with the file is row 1)."""
    return [
        RowError(p.row or 1, p.column, p.error.message, dict(p.error.params))
        for p in exc.table_problems
    ]


def _number(
    values: Mapping[str, str], column: str, row: int, errors: list[RowError]
) -> Decimal | None:
    try:
        value = parse_decimal(values[column])
    except ValueError as exc:
        errors.append(RowError(row, column, str(exc)[:200]))
        return None
    if value < 0:
        errors.append(RowError(row, column, "may not be negative"))
        return None
    limit = NUMBER_LIMITS[column]
    if value > limit:
        errors.append(
            RowError(row, column, gettext_noop("is more than %(max)s"), {"max": int(limit)})
        )
        return None
    return value


def _text_errors(values: Mapping[str, str], row: int) -> list[RowError]:
    """Text longer than its column's limit (the reader has refused NUL characters, formulas and
    any cell over its own limit)."""
    return [
        RowError(
            row,
            column,
            gettext_noop("is longer than %(max)s characters"),
            {"max": TEXT_LIMITS[column]},
        )
        for column, value in values.items()
        if column in TEXT_LIMITS and len(value) > TEXT_LIMITS[column]
    ]


def parse_rows(
    header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> tuple[list[CleanRow], list[RowError]]:
    """Clean rows from a header and raw rows (numbered from 2), as a file's table would give
    them."""
    columns, problems = map_columns(header, COLUMNS, REQUIRED_COLUMNS)
    if problems:
        return [], [RowError(1, p.column, p.error.message, dict(p.error.params)) for p in problems]
    table_rows = [
        Row(number, {k: cell_text(raw[i]) if i < len(raw) else "" for k, i in columns.items()}, ())
        for number, raw in enumerate(rows, start=2)
    ]
    return parse_table_rows(table_rows)


def parse_table_rows(rows: Iterable[Row]) -> tuple[list[CleanRow], list[RowError]]:
    """Each row normalised to pieces and price per piece, or its errors (row, column, reason)."""
    errors: list[RowError] = []
    clean: list[CleanRow] = []
    for row in rows:
        number, values = row.number, row.values
        text_errors = _text_errors(values, number)
        if text_errors:
            errors.extend(text_errors)
            continue
        row_errors: list[RowError] = []

        party = values["party"]
        if not party:
            row_errors.append(RowError(number, "party", "is empty"))
        gtin = values.get("gtin", "")
        if gtin:
            try:
                gtin = clean_gtin(gtin)
            except ValueError as exc:
                row_errors.append(RowError(number, "gtin", str(exc)))
        product_number = values.get("product_number", "")
        if not gtin and not product_number:
            row_errors.append(RowError(number, "product_number", "give a product number or a GTIN"))
        unit = UNITS.get(values["unit"].lower())
        if unit is None:
            row_errors.append(
                RowError(
                    number, "unit", f"'{values['unit']}' is not stk, pk or krt (piece, box, carton)"
                )
            )
        per_unit = _number(values, "pieces_per_unit", number, row_errors)
        if per_unit is not None and (per_unit != per_unit.to_integral_value() or per_unit < 1):
            row_errors.append(
                RowError(number, "pieces_per_unit", "must be a whole number of at least 1")
            )
            per_unit = None
        if unit == "piece" and per_unit is not None and per_unit != 1:
            row_errors.append(
                RowError(
                    number, "pieces_per_unit", f"is {per_unit} but the unit is pieces (must be 1)"
                )
            )
        if unit in ("box", "carton") and per_unit == 1:
            row_errors.append(
                RowError(
                    number,
                    "pieces_per_unit",
                    f"is 1 but the unit is a {unit}: give the pieces in one",
                )
            )
        quantity = _number(values, "quantity", number, row_errors)
        price = _number(values, "price_per_unit", number, row_errors)
        year: int | None = None
        try:
            year = int(values["year"])
            if not 2000 <= year <= 2100:
                raise ValueError
        except ValueError:
            row_errors.append(RowError(number, "year", f"'{values['year']}' is not a year"))
        if row_errors or unit is None or per_unit is None or quantity is None:
            errors.extend(row_errors)
            continue
        if price is None or year is None:
            continue  # unreachable: a None above recorded an error
        clean.append(
            CleanRow(
                row_number=number,
                party=party,
                product_number=product_number,
                gtin=gtin,
                description=values.get("description", "")[:300],
                unit=unit,
                pieces_per_unit=int(per_unit),
                quantity=quantity,
                price_per_unit=price,
                year=year,
            )
        )
    if not clean and not errors:
        errors.append(RowError(1, "file", "has no data rows"))
    return clean, errors


def flag_unit_errors(
    rows: Sequence[CleanRow], factor: Decimal = DEFAULT_FLAG_FACTOR
) -> list[CleanRow]:
    """Flag rows whose price per piece is more than `factor` times above or below the median
    for the same product (and year) across parties: most often a unit error."""
    groups: dict[tuple[str, int], list[CleanRow]] = defaultdict(list)
    for row in rows:
        groups[(row.product_key, row.year)].append(row)
    medians: Mapping[tuple[str, int], Decimal] = {
        key: statistics.median([r.price_per_piece for r in group])
        for key, group in groups.items()
        if len({r.party for r in group}) >= 2
    }
    out: list[CleanRow] = []
    for row in rows:
        median = medians.get((row.product_key, row.year))
        if median and median > 0:
            ratio = row.price_per_piece / median
            if ratio > factor or ratio < 1 / factor:
                params = {
                    "price": f"{row.price_per_piece}",
                    "ratio": f"{ratio:.1f}",
                    "median": f"{median:.4f}",
                }
                row = replace(row, flag=FLAG_REASON % params, flag_params=params)
        out.append(row)
    return out


def flag_reason(flag: str, params: Mapping[str, str]) -> str:
    """A stored flag in the reader's language, its numbers written the reader's way; a flag
    stored without parameters as it was stored."""
    if not params:
        return flag
    return gettext(FLAG_REASON) % {
        name: formats.localize(Decimal(value)) for name, value in params.items()
    }
