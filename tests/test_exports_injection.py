"""Spreadsheet formula injection (issue #8 §3): every CSV and XLSX export writes text that a
spreadsheet would run as a formula as text (a leading '), and keeps numbers numbers."""

import copy
import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from forsyn.core.spreadsheet import safe_cell
from forsyn.economics.calculations import CALCULATIONS
from forsyn.economics.exports import to_csv, to_xlsx
from forsyn.organisations.models import Organisation
from tests import builders as b
from tests import factories as f

pytestmark = pytest.mark.django_db

PAYLOAD = "=cmd|' /C calc'!A0"
ESCAPED = "'=cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (PAYLOAD, ESCAPED),
        ("+45 12345678", "'+45 12345678"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Kateter CH12", "Kateter CH12"),
        ("", ""),
        (Decimal("-12.50"), Decimal("-12.50")),
        (-3, -3),
        (2.5, 2.5),
        (None, None),
        (True, True),
    ],
)
def test_safe_cell(value: object, written: object) -> None:
    assert safe_cell(value) == written
    assert type(safe_cell(value)) is type(written)


def test_writers_escape_text_and_keep_negative_numbers_numeric() -> None:
    rows = [[PAYLOAD, Decimal("-12.50"), -3]]
    text = to_csv(["h", "=h", "n"], rows).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text), delimiter=";")) == [
        ["h", "'=h", "n"],
        [ESCAPED, "-12.50", "-3"],
    ]
    sheet = load_workbook(io.BytesIO(to_xlsx([("T", ["h", "=h", "n"], rows)]))).active
    cells = list(sheet.iter_rows(values_only=True))
    assert cells == [("h", "'=h", "n"), (ESCAPED, -12.5, -3)]
    assert [c.data_type for c in sheet[2]] == ["s", "n", "n"]


CONSUMPTION = (
    "party;gtin;product_number;description;unit;pieces_per_unit;quantity;price_per_unit;year\n"
    f"Aarhus;5700000000011;@SUM(1+1);{PAYLOAD};stk;1;3000;9,90;2022\n"
).encode()


@pytest.fixture
def analyst() -> Client:
    client = b.logged_in(b.add_staff("analyst", f.service_centre(), username="analyst"))
    page = client.post("/analyse/forbrug/", {"file": SimpleUploadedFile("f.csv", CONSUMPTION)})
    assert "1 rækker importeret" in page.content.decode()
    return client


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def _xlsx_rows(data: bytes) -> list[tuple[object, ...]]:
    return list(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True))


def test_tender_volume_exports(analyst: Client) -> None:
    as_csv = _csv_rows(
        analyst.get("/analyse/forbrug/", {"year": "2022", "download": "csv"}).content
    )
    assert as_csv[1][2] == ESCAPED
    as_xlsx = _xlsx_rows(
        analyst.get("/analyse/forbrug/", {"year": "2022", "download": "xlsx"}).content
    )
    assert as_xlsx[1][2] == ESCAPED


def test_cleaned_data_exports_on_the_page(analyst: Client) -> None:
    as_csv = _csv_rows(analyst.get("/analyse/forbrug/", {"clean": "csv"}).content)
    assert (as_csv[1][3], as_csv[1][5]) == ("'@SUM(1+1)", ESCAPED)
    as_xlsx = _xlsx_rows(analyst.get("/analyse/forbrug/", {"clean": "xlsx"}).content)
    assert (as_xlsx[1][3], as_xlsx[1][5], as_xlsx[1][8]) == ("'@SUM(1+1)", ESCAPED, 3000)


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_cleaned_data_export_in_the_cli(analyst: Client, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"forbrug.{suffix}"
    call_command("economics", "export-consumption", "--output", str(out))
    rows = _csv_rows(out.read_bytes()) if suffix == "csv" else _xlsx_rows(out.read_bytes())
    assert (rows[1][3], rows[1][5]) == ("'@SUM(1+1)", ESCAPED)


def test_calculation_xlsx_export(analyst: Client) -> None:
    case = copy.deepcopy(CALCULATIONS["udligning"].example)
    case["parties"][0]["id"] = PAYLOAD
    response = analyst.post(
        "/analyse/udligning/", {"input_json": json.dumps(case), "format": "xlsx"}
    )
    rows = _xlsx_rows(response.content)
    parties = [r[1] for r in rows[1:]]
    assert ESCAPED in parties
    assert PAYLOAD not in parties
    deltas = [r[2] for r in rows[1:]]
    assert any(isinstance(d, int | float) and d < 0 for d in deltas)  # negatives stay numbers


def test_gains_xlsx_export(analyst: Client) -> None:
    Organisation.objects.filter(kind="municipality", code="751").update(code=PAYLOAD[:10])
    response = analyst.get(
        "/analyse/gevinster/",
        {"baseline_year": "2022", "expected_discount": "0.12", "format": "xlsx"},
    )
    rows = _xlsx_rows(response.content)
    assert rows[1][0] == "'" + PAYLOAD[:10]
