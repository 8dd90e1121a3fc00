"""One reader for the files people upload as tables: CSV and XLSX (docs/adr/0022).

Every importer (consumption data, price lists, a supplier's advance shipping notice) reads its
file here and gets the same guarantees:

- at most `Limits.max_bytes` (and, for an XLSX, `max_unpacked_bytes` unpacked) and
  `max_rows` data rows: beyond that the file is refused before its cells are read;
- CSV as UTF-8 (a BOM is fine), its delimiter (`;`, `,` or a tab) detected from the header or
  given; XLSX through openpyxl in read-only mode, the first sheet;
- the first non-blank row is the header: names are normalised (lower case, without dots, spaces
  and hyphens as `_`) and matched to the importer's columns by their aliases; a required column
  that is missing is named;
- in the columns an importer reads, no formula (an XLSX cell holding a formula: the value the
  importer would see is whatever the sheet last calculated, or nothing), no NUL character and no
  cell longer than `max_cell_length` characters. A CSV has no formulas: text starting with `=`
  is text, and every export writes it escaped (core/spreadsheet.py).

Rows keep their number in the file (the header is usually row 1), blank rows are skipped. A file
that breaks a rule raises `TableError`, a `DomainError` listing every problem with the file,
row and column; its messages are English msgids with Danish translations (core ErrorCode).
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO

from django.utils.translation import gettext

from forsyn.core.error_codes import ErrorCode
from forsyn.core.errors import DomainError, FieldError

MB = 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"  # an XLSX workbook is a zip archive

# A raw cell as read: text from a CSV; text, a number, a date or None from an XLSX.
Cell = str | int | float | Decimal | bool | dt.datetime | dt.date | dt.time | None
# The importer's columns: a canonical name and the header names that mean it.
Columns = Mapping[str, Sequence[str]]
# Required columns: a name, or a tuple of names of which at least one must be present.
Required = Sequence[str | tuple[str, ...]]

FILE = "file"  # the column of a problem with the file as a whole


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * MB
    max_unpacked_bytes: int = 200 * MB  # an XLSX is a zip: a small file may unpack to gigabytes
    max_rows: int = 100_000  # data rows, the header not counted
    max_columns: int = 50  # cells beyond are not read
    max_cell_length: int = 1000  # characters, in the columns an importer reads


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Row:
    """One data row: its number in the file, each column's text ("" when empty) and the raw
    cells as read."""

    number: int
    values: Mapping[str, str]
    cells: tuple[Cell, ...]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass(frozen=True)
class Table:
    file_name: str
    header: tuple[str, ...]  # normalised names, as in the file
    header_row: int
    columns: Mapping[str, int]  # canonical name -> index of the column in the file
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class TableProblem:
    """A problem with a file (`row` None, `column` "file"), its header (the header's row) or
    one cell."""

    file_name: str
    row: int | None
    column: str
    error: FieldError

    @property
    def field(self) -> str:
        return FILE if self.row is None else f"rows[{self.row}].{self.column}"

    def text(self) -> str:
        """The problem naming file, row and column, in the active language."""
        if self.row is None:
            return gettext("%(file)s: %(reason)s") % {
                "file": self.file_name,
                "reason": self.error.text(),
            }
        return gettext("%(file)s, row %(row)s, %(column)s: %(reason)s") % {
            "file": self.file_name,
            "row": self.row,
            "column": self.column,
            "reason": self.error.text(),
        }

    def __str__(self) -> str:
        return self.text()


class TableError(DomainError):
    """The file cannot be read as the importer's table; `table_problems` lists every problem
    found (a problem with the file as a whole stops reading, so it comes alone)."""

    def __init__(self, file_name: str, problems: Sequence[TableProblem]) -> None:
        fields: dict[str, list[FieldError]] = {}
        for problem in problems:
            fields.setdefault(problem.field, []).append(problem.error)
        super().__init__(
            f"{file_name}: {len(problems)} problem(s); nothing was read",
            code=ErrorCode.TABLE_INVALID,
            fields=fields,
        )
        self.file_name = file_name
        self.table_problems = list(problems)

    def texts(self) -> list[str]:
        return [problem.text() for problem in self.table_problems]


class _Refused(Exception):
    """A problem with the file as a whole: reading stops."""

    def __init__(self, error: FieldError) -> None:
        super().__init__(error.message)
        self.error = error


def normalise_header(name: object) -> str:
    """`" Stk. pr. enhed "` -> `"stk_pr_enhed"`, `"Gyldig-fra"` -> `"gyldig_fra"`: lower case,
    without dots, whitespace and hyphens as one `_`."""
    text = "" if name is None else str(name).lower().replace(".", " ")
    return re.sub(r"[\s_-]+", "_", text).strip("_")


def map_columns(
    header: Sequence[str],
    columns: Columns,
    required: Required = (),
    *,
    file_name: str = "",
    header_row: int = 1,
) -> tuple[dict[str, int], list[TableProblem]]:
    """Each canonical column's index in `header` (the first header name among its aliases or
    the canonical name itself), and a problem for each required column that is missing."""
    names = [normalise_header(h) for h in header]
    found: dict[str, int] = {}
    for key, aliases in columns.items():
        accepted = {normalise_header(key), *(normalise_header(a) for a in aliases)}
        for i, name in enumerate(names):
            if name in accepted:
                found[key] = i
                break
    problems: list[TableProblem] = []
    for need in required:
        if isinstance(need, str):
            if need not in found:
                problems.append(
                    TableProblem(file_name, header_row, need, ErrorCode.COLUMN_MISSING.error())
                )
        elif not any(name in found for name in need):
            problems.append(
                TableProblem(
                    file_name,
                    header_row,
                    need[0],
                    ErrorCode.COLUMN_MISSING_ONE_OF.error(alternatives=", ".join(need[1:])),
                )
            )
    return found, problems


def cell_text(value: Cell) -> str:
    """A cell as text: whole numbers without `.0`, a date (or a datetime at midnight) as
    YYYY-MM-DD, text trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def read_table(
    source: bytes | BinaryIO,
    file_name: str,
    *,
    columns: Columns,
    required: Required = (),
    limits: Limits = DEFAULT_LIMITS,
    delimiter: str | None = None,
) -> Table:
    """The table in a CSV or XLSX file (XLSX by its name or its content), or TableError."""
    try:
        data = _bytes_within(source, limits)
        if not data.strip():
            raise _Refused(ErrorCode.TABLE_EMPTY.error())
        if file_name.lower().endswith(".xlsx") or data.startswith(XLSX_MAGIC):
            header_row, header, records = _xlsx_records(data, limits)
        else:
            header_row, header, records = _csv_records(data, limits, delimiter)
    except _Refused as refused:
        raise TableError(file_name, [TableProblem(file_name, None, FILE, refused.error)]) from None
    names = tuple(normalise_header(h) for h in header)
    found, problems = map_columns(
        names, columns, required, file_name=file_name, header_row=header_row
    )
    if problems:
        raise TableError(file_name, problems)
    rows: list[Row] = []
    for number, cells, formulas in records:
        values: dict[str, str] = {}
        for key, i in found.items():
            value = cells[i] if i < len(cells) else None
            text = cell_text(value)
            error = _cell_error(text, i in formulas, limits)
            if error is not None:
                problems.append(TableProblem(file_name, number, key, error))
            values[key] = text
        rows.append(Row(number, values, cells))
    if problems:
        raise TableError(file_name, problems)
    return Table(file_name, names, header_row, found, tuple(rows))


def _cell_error(text: str, is_formula: bool, limits: Limits) -> FieldError | None:
    if is_formula:
        return ErrorCode.CELL_FORMULA.error(formula=text[:40])
    if "\x00" in text:
        return ErrorCode.STRING_NUL.error()
    if len(text) > limits.max_cell_length:
        return ErrorCode.CELL_TOO_LONG.error(max=limits.max_cell_length)
    return None


def _bytes_within(source: bytes | BinaryIO, limits: Limits) -> bytes:
    data = source if isinstance(source, bytes) else source.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise _Refused(ErrorCode.TABLE_TOO_LARGE.error(max=limits.max_bytes // MB))
    return data


# A record: its number in the file, its cells, and the indexes of the cells holding a formula.
Record = tuple[int, tuple[Cell, ...], frozenset[int]]


def _blank(cells: Sequence[Cell]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in cells)


def _header_and_rest(
    numbered: Iterator[tuple[int, tuple[Cell, ...], frozenset[int]]], limits: Limits
) -> tuple[int, list[Cell], list[Record]]:
    """The first non-blank row as the header, then the non-blank rows after it. Reading stops at
    the first record over the limit (blank ones count), so a huge file costs no more than one
    at the limit."""
    header: tuple[int, list[Cell]] | None = None
    records: list[Record] = []
    for count, (number, cells, formulas) in enumerate(numbered, start=1):
        if count > limits.max_rows + 1:
            raise _Refused(ErrorCode.TABLE_TOO_MANY_ROWS.error(max=limits.max_rows))
        if _blank(cells):
            continue
        if header is None:
            header = (number, list(cells))
        else:
            records.append((number, cells, formulas))
    if header is None:
        raise _Refused(ErrorCode.TABLE_EMPTY.error())
    return header[0], header[1], records


def _csv_records(
    data: bytes, limits: Limits, delimiter: str | None
) -> tuple[int, list[Cell], list[Record]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _Refused(ErrorCode.TABLE_NOT_UTF8.error()) from None
    dialect: type[csv.Dialect] | csv.Dialect = csv.excel
    if delimiter is not None:
        reader = csv.reader(io.StringIO(text), dialect, delimiter=delimiter)
    else:
        first = next((line for line in text.splitlines() if line.strip()), "")
        try:
            dialect = csv.Sniffer().sniff(first[:10_000], delimiters=";,\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(io.StringIO(text), dialect)
    none: frozenset[int] = frozenset()
    numbered = (
        (number, tuple(cells[: limits.max_columns]), none)
        for number, cells in enumerate(reader, start=1)
    )
    try:
        return _header_and_rest(numbered, limits)
    except csv.Error:
        raise _Refused(ErrorCode.TABLE_NOT_CSV.error(line=reader.line_num)) from None


def _xlsx_records(data: bytes, limits: Limits) -> tuple[int, list[Cell], list[Record]]:
    from openpyxl import load_workbook

    try:
        # Not data_only: a formula cell then reads as its formula, so it can be refused.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise _Refused(ErrorCode.TABLE_NOT_XLSX.error(error=type(exc).__name__)) from None
    try:
        sheet = book.worksheets[0]
        _count_xlsx_rows(sheet._get_source(), limits)
        numbered = (
            (
                number,
                _trimmed(tuple(cell.value for cell in row)),
                frozenset(i for i, cell in enumerate(row) if cell.data_type == "f"),
            )
            for number, row in enumerate(sheet.iter_rows(max_col=limits.max_columns), start=1)
        )
        return _header_and_rest(numbered, limits)
    except _Refused:
        raise
    except Exception as exc:  # a damaged sheet inside a readable archive
        raise _Refused(ErrorCode.TABLE_NOT_XLSX.error(error=type(exc).__name__)) from None
    finally:
        book.close()


def _trimmed(cells: tuple[Cell, ...]) -> tuple[Cell, ...]:
    """Without the empty cells openpyxl pads a row with up to the last column asked for."""
    end = len(cells)
    while end and cells[end - 1] is None:
        end -= 1
    return cells[:end]


def _count_xlsx_rows(source: BinaryIO, limits: Limits) -> None:
    """Refuse a sheet with more than max_rows rows, or that unpacks to more than
    max_unpacked_bytes, by counting its row elements in the raw XML: far faster than reading
    the cells (a 180,000-row sheet in well under a second). Reading still counts the rows it
    reads, should a file name its elements in an unusual way."""
    rows = unpacked = 0
    tail = b""
    try:
        while chunk := source.read(MB):
            unpacked += len(chunk)
            if unpacked > limits.max_unpacked_bytes:
                raise _Refused(
                    ErrorCode.TABLE_UNPACKS_TOO_LARGE.error(max=limits.max_unpacked_bytes // MB)
                )
            window = tail + chunk
            rows += (
                window.count(b"<row ")
                + window.count(b"<row>")
                - (tail.count(b"<row ") + tail.count(b"<row>"))
            )
            if rows > limits.max_rows + 1:
                raise _Refused(ErrorCode.TABLE_TOO_MANY_ROWS.error(max=limits.max_rows))
            tail = chunk[-5:]
    finally:
        source.close()
