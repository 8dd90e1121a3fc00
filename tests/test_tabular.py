"""The one CSV/XLSX reader of every importer (forsyn.core.tabular, docs/adr/0022): encodings and
delimiters, XLSX cells, the header, limits, formulas, and errors naming file, row and column in
Danish."""

import datetime as dt
import io

import pytest
from django.utils import translation
from openpyxl import Workbook

from forsyn.core.api import field_errors
from forsyn.core.tabular import Limits, Row, TableError, normalise_header, read_table

COLUMNS = {
    "gtin": ("ean",),
    "price": ("pris", "stykpris"),
    "valid_from": ("gyldig_fra",),
    "note": ("bemærkning",),
}
REQUIRED = ("gtin", "price")


def problems(exc: pytest.ExceptionInfo[TableError]) -> list[tuple[int | None, str, str]]:
    return [(p.row, p.column, p.error.english()) for p in exc.value.table_problems]


def refused(
    data: bytes,
    name: str = "priser.csv",
    required: tuple[str | tuple[str, ...], ...] = REQUIRED,
    limits: Limits = Limits(),
) -> pytest.ExceptionInfo[TableError]:
    with pytest.raises(TableError) as exc:
        read_table(data, name, columns=COLUMNS, required=required, limits=limits)
    return exc


def xlsx(*rows: list[object]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- CSV --


def test_csv_with_bom_semicolons_and_danish_headers() -> None:
    data = "\ufeffEAN; Pris ;Gyldig fra;Ukendt\r\n5700000000011;27,50;2023-06-01;x\r\n".encode()
    table = read_table(data, "priser.csv", columns=COLUMNS, required=REQUIRED)
    assert table.header == ("ean", "pris", "gyldig_fra", "ukendt")
    assert (table.header_row, dict(table.columns)) == (
        1,
        {"gtin": 0, "price": 1, "valid_from": 2},
    )
    assert table.rows == (
        Row(
            2,
            {"gtin": "5700000000011", "price": "27,50", "valid_from": "2023-06-01"},
            ("5700000000011", "27,50", "2023-06-01", "x"),
        ),
    )


def test_csv_with_commas_quotes_and_blank_rows_keeps_row_numbers() -> None:
    data = b'\ngtin,price,note\n5700000000011,"1,5","a; b"\n\n,,\n5700000000028,2,\n'
    table = read_table(data, "p.csv", columns=COLUMNS, required=REQUIRED)
    assert table.header_row == 2
    assert [(r.number, r["gtin"], r["price"], r["note"], r["valid_from"]) for r in table.rows] == [
        (3, "5700000000011", "1,5", "a; b", ""),
        (6, "5700000000028", "2", "", ""),
    ]


def test_csv_with_an_explicit_delimiter() -> None:
    data = b"gtin|price\n5700000000011|3\n"
    table = read_table(data, "p.txt", columns=COLUMNS, required=REQUIRED, delimiter="|")
    assert [dict(r.values) for r in table.rows] == [{"gtin": "5700000000011", "price": "3"}]


@pytest.mark.parametrize(
    ("name", "normalised"),
    [
        (" Stk. pr. enhed ", "stk_pr_enhed"),
        ("Gyldig-fra", "gyldig_fra"),
        ("PRICE_PER_UNIT", "price_per_unit"),
        ("pieces/unit", "pieces/unit"),
        (None, ""),
        (2022, "2022"),
    ],
)
def test_header_names_are_normalised(name: object, normalised: str) -> None:
    assert normalise_header(name) == normalised


def test_a_header_only_file_has_no_rows() -> None:
    table = read_table(b"gtin;price\n", "p.csv", columns=COLUMNS, required=REQUIRED)
    assert (table.header, table.rows) == (("gtin", "price"), ())


@pytest.mark.parametrize("data", [b"", b"  \r\n", b";;\n\n;"])
def test_an_empty_file(data: bytes) -> None:
    assert problems(refused(data)) == [(None, "file", "is empty")]


def test_a_csv_that_is_not_utf8() -> None:
    assert problems(refused("gtin;pris\nø;1\n".encode("latin-1"))) == [
        (None, "file", "is not UTF-8 text")
    ]


def test_a_csv_field_beyond_the_csv_module_limit() -> None:
    data = b'gtin;price\n"' + b"x" * 200_000 + b'";1\n'
    assert problems(refused(data)) == [(None, "file", "is not a readable CSV file (line 2)")]


# -- The header --


def test_missing_columns_are_named_in_the_order_required() -> None:
    exc = refused(
        b"note;valid_from\nx;2024-01-01\n",
        required=("gtin", ("price", "valid_from"), ("price", "note"), "price"),
    )
    assert problems(exc) == [
        (1, "gtin", "column is missing"),
        (1, "price", "column is missing"),
    ]
    exc = refused(b"gtin\n1\n", required=("gtin", ("price", "note", "valid_from")))
    assert problems(exc) == [(1, "price", "column is missing (or give note, valid_from)")]


# -- XLSX --


def test_xlsx_cells_as_text_and_as_read() -> None:
    # A spreadsheet's date-times are naive: a cell has no time zone.
    midnight = dt.datetime(2023, 6, 1)  # noqa: DTZ001
    data = xlsx(
        ["GTIN", "Stykpris", "Gyldig fra", "Bemærkning"],
        [5700000000011, 27.5, midnight, None],
        [],
        ["5700000000028", 3.0, dt.date(2024, 1, 2), "  ok  "],
    )
    table = read_table(data, "priser.xlsx", columns=COLUMNS, required=REQUIRED)
    assert [(r.number, dict(r.values)) for r in table.rows] == [
        (
            2,
            {"gtin": "5700000000011", "price": "27.5", "valid_from": "2023-06-01", "note": ""},
        ),
        (
            4,
            {"gtin": "5700000000028", "price": "3", "valid_from": "2024-01-02", "note": "ok"},
        ),
    ]
    # As read, without the empty cells a sheet pads a row with.
    assert table.rows[0].cells == (5700000000011, 27.5, midnight)


def test_xlsx_is_recognised_by_its_content_whatever_its_name() -> None:
    data = xlsx(["gtin", "price"], ["5700000000011", 4])
    table = read_table(data, "upload", columns=COLUMNS, required=REQUIRED)
    assert [dict(r.values) for r in table.rows] == [{"gtin": "5700000000011", "price": "4"}]


def test_a_formula_in_a_column_read_is_refused_naming_file_row_and_column() -> None:
    data = xlsx(
        ["gtin", "price", "total"],
        ["5700000000011", 4, "=B2*10"],  # a formula in a column no importer reads: fine
        ["5700000000028", "=B2*2", 1],
    )
    exc = refused(data, name="priser.xlsx")
    assert problems(exc) == [
        (
            3,
            "price",
            "holds a formula (=B2*2): save the sheet with values, not formulas",
        )
    ]
    with translation.override("da"):
        assert exc.value.texts() == [
            "priser.xlsx, række 3, price: indeholder en formel (=B2*2): gem arket med værdier, "
            "ikke formler"
        ]


def test_a_damaged_xlsx() -> None:
    assert problems(refused(b"PK\x03\x04 not really a zip", name="p.xlsx")) == [
        (None, "file", "is not a readable XLSX workbook (BadZipFile)")
    ]


# -- Limits --


def test_a_file_over_the_size_limit_is_refused_unread() -> None:
    stream = io.BytesIO(b"gtin;price\n" + b"1;2\n" * 1_000_000)
    with pytest.raises(TableError) as exc:
        read_table(
            stream,
            "stor.csv",
            columns=COLUMNS,
            required=REQUIRED,
            limits=Limits(max_bytes=2 * 1024 * 1024),
        )
    assert problems(exc) == [(None, "file", "is larger than 2 MB")]
    assert stream.tell() == 2 * 1024 * 1024 + 1  # no more than one byte past the limit read
    assert problems(refused(b"x" * (20 * 1024 * 1024 + 1))) == [
        (None, "file", "is larger than 20 MB")
    ]
    with translation.override("da"):
        assert exc.value.texts() == ["stor.csv: er større end 2 MB"]


def test_too_many_rows() -> None:
    three = b"gtin;price\n1;1\n2;2\n3;3\n"
    limits = Limits(max_rows=3)
    assert len(read_table(three, "p.csv", columns=COLUMNS, limits=limits).rows) == 3
    exc = refused(three + b"4;4\n", limits=limits)
    assert problems(exc) == [
        (None, "file", "has more than 3 rows: split it into smaller files"),
    ]
    # An XLSX is refused by counting its rows before a cell is read.
    sheet = xlsx(["gtin", "price"], [1, 1], [2, 2], [3, 3], [4, 4])
    assert problems(refused(sheet, name="p.xlsx", limits=limits)) == [
        (None, "file", "has more than 3 rows: split it into smaller files"),
    ]


def test_nul_and_over_long_cells_are_named_row_by_row() -> None:
    data = b"gtin;price;note\n57\x0000;1;ok\n5700000000011;2;" + b"n" * 1001 + b"\n"
    exc = refused(data)
    assert problems(exc) == [
        (2, "gtin", "may not contain a NUL character"),
        (3, "note", "is longer than 1000 characters"),
    ]
    with translation.override("da"):
        assert exc.value.texts() == [
            "priser.csv, række 2, gtin: må ikke indeholde et NUL-tegn",
            "priser.csv, række 3, note: er længere end 1000 tegn",
        ]
    # As a DomainError: one field per cell, in the API's 422 shape.
    assert exc.value.code == "table_invalid"
    assert [item["loc"] for item in field_errors(exc.value.problems)["detail"]] == [
        ["body", "rows", "2", "gtin"],
        ["body", "rows", "3", "note"],
    ]
