"""Consumption data: reading the shared template (CSV or XLSX), normalizing every row to pieces
and price per piece, and flagging likely unit errors (the top data-quality problem in the
urology tender's risk analysis: boxes or cartons given where pieces were meant, or the reverse).

Pure functions here; the database import is in services.py.
"""

import csv
import io
import statistics
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext_noop

from forsyn.core.identifiers import clean_gtin
from forsyn.core.money import parse_decimal

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
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 50
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # an XLSX is a zip: a small file may unpack to gigabytes
MAX_CELL_LENGTH = 1000  # any cell, before the column's own limit
TEXT_LIMITS = {"party": 100, "product_number": 60, "description": 300, "unit": 20, "gtin": 20}
NUMBER_LIMITS = {
    "quantity": Decimal(999_999_999),
    "price_per_unit": Decimal(9_999_999),
    "pieces_per_unit": Decimal(100_000),
}
NUL_MESSAGE = gettext_noop("may not contain a NUL character")


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
    flag: str = ""

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


class TableError(ValueError):
    """The file as a whole cannot be read: `reason` (translatable) with `params`."""

    def __init__(self, reason: str, params: Mapping[str, Any] | None = None) -> None:
        self.reason, self.params = reason, dict(params or {})
        super().__init__("file: " + (reason % self.params if self.params else reason))


def _capped(rows: Iterator[Sequence[Any]]) -> list[list[Any]]:
    """At most MAX_ROWS data rows (and the header) of at most MAX_COLUMNS cells; reading stops
    at the first row over the limit, so a huge file costs no more than a file at the limit."""
    out: list[list[Any]] = []
    for row in rows:
        if len(out) > MAX_ROWS:
            raise TableError(
                gettext_noop("has more than %(max)s rows: split it into smaller files"),
                {"max": MAX_ROWS},
            )
        out.append(list(row[:MAX_COLUMNS]))
    return out


def _count_xlsx_rows(source: Any) -> None:
    """Refuse a sheet with more than MAX_ROWS rows, or that unpacks to more than
    MAX_UNPACKED_BYTES, by counting its row elements in the raw XML: far faster than reading
    the cells (a 180,000-row sheet in well under a second). _capped still counts the rows read,
    should a file name its elements in an unusual way."""
    rows = unpacked = 0
    tail = b""
    try:
        while chunk := source.read(1024 * 1024):
            unpacked += len(chunk)
            if unpacked > MAX_UNPACKED_BYTES:
                raise TableError(gettext_noop("unpacks to more than 200 MB"))
            window = tail + chunk
            rows += (
                window.count(b"<row ")
                + window.count(b"<row>")
                - (tail.count(b"<row ") + tail.count(b"<row>"))
            )
            if rows > MAX_ROWS + 1:
                raise TableError(
                    gettext_noop("has more than %(max)s rows: split it into smaller files"),
                    {"max": MAX_ROWS},
                )
            tail = chunk[-5:]
    finally:
        source.close()


def read_table(data: bytes, file_name: str) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of a CSV or XLSX file. Raises ValueError (TableError) naming what is
    wrong."""
    if len(data) > MAX_FILE_BYTES:
        raise TableError(gettext_noop("is larger than 20 MB"))
    if not data.strip():
        raise ValueError("file: is empty")
    if file_name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ValueError(
                f"file: is not a readable XLSX workbook ({type(exc).__name__})"
            ) from None
        try:
            sheet = book.worksheets[0]
            _count_xlsx_rows(sheet._get_source())
            rows = _capped(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS))
        except TableError:
            raise
        except Exception as exc:  # a damaged sheet inside a readable archive
            raise ValueError(
                f"file: is not a readable XLSX workbook ({type(exc).__name__})"
            ) from None
        finally:
            book.close()
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError("file: is not UTF-8 text (save the CSV as UTF-8)") from None
        try:
            dialect: Any = csv.Sniffer().sniff(text.splitlines()[0][:10_000], delimiters=";,\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(io.StringIO(text), dialect)
        try:
            rows = _capped(reader)
        except csv.Error as exc:
            raise TableError(
                gettext_noop("is not a readable CSV file (line %(line)s)"),
                {"line": reader.line_num},
            ) from exc
    rows = [r for r in rows if any(v not in (None, "") and str(v).strip() for v in r)]
    if not rows:
        raise ValueError("file: is empty")
    header = ["" if v is None else str(v).strip().lower().replace(" ", "_") for v in rows[0]]
    return header, rows[1:]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


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
    """NUL characters and over-long text, per cell."""
    errors = []
    for column, value in values.items():
        if "\x00" in value:
            errors.append(RowError(row, column, NUL_MESSAGE))
        elif len(value) > TEXT_LIMITS.get(column, MAX_CELL_LENGTH):
            errors.append(
                RowError(
                    row,
                    column,
                    gettext_noop("is longer than %(max)s characters"),
                    {"max": TEXT_LIMITS.get(column, MAX_CELL_LENGTH)},
                )
            )
    return errors


def parse_rows(
    header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> tuple[list[CleanRow], list[RowError]]:
    columns: dict[str, int] = {}
    for key, aliases in COLUMNS.items():
        for i, name in enumerate(header):
            if name in aliases:
                columns[key] = i
                break
    errors = [RowError(1, c, "column is missing") for c in REQUIRED if c not in columns]
    if "product_number" not in columns and "gtin" not in columns:
        errors.append(RowError(1, "product_number", "column is missing (or give gtin)"))
    if errors:
        return [], errors
    clean: list[CleanRow] = []
    for number, raw in enumerate(rows, start=2):
        values = {k: _text(raw[i]) if i < len(raw) else "" for k, i in columns.items()}
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
                row = replace(
                    row,
                    flag=(
                        f"price per piece {row.price_per_piece} is {ratio:.1f} × the median "
                        f"{median:.4f} for this product: check the unit"
                    ),
                )
        out.append(row)
    return out
