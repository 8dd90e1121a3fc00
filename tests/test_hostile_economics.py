"""Hostile and broken economics input (issue #8 §4): huge numbers, NaN and Infinity, over-long
text, NUL, deep nesting and oversized files give per-field errors — Danish on pages, one line
and exit code 2 in the CLI — never a 500 or a traceback."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from openpyxl import Workbook

from forsyn.economics.consumption import MAX_ROWS
from forsyn.economics.models import ConsumptionBatch, ConsumptionRow, ConsumptionUpload
from forsyn.economics.services import consumption_import, consumption_upload_process
from tests import builders as b
from tests import factories as f

pytestmark = pytest.mark.django_db

CASE = '{"name": "Urologi", "years": 4, "annual_spend": %s}'
HEADER = "party;gtin;product_number;description;unit;pieces_per_unit;quantity;price_per_unit;year"


@pytest.fixture
def analyst() -> Client:
    client = b.logged_in(b.add_staff("analyst", f.service_centre(), username="analyst"))
    return client


# -- Calculation input: the same rules on the page and in the CLI --

CALCULATION_CASES = [
    (
        CASE % "1e400",
        "annual_spend: has more than 15 digits before the decimal point",
        "annual_spend: har mere end 15 cifre før kommaet",
    ),
    (
        CASE % ("1" + "0" * 29),
        "annual_spend: has more than 15 digits before the decimal point",
        "annual_spend: har mere end 15 cifre før kommaet",
    ),
    (
        CASE % "0.00000000001",
        "annual_spend: has more than 10 decimals",
        "annual_spend: har mere end 10 decimaler",
    ),
    (
        CASE % "NaN",
        "annual_spend: 'NaN' is not a number",
        "annual_spend: &#x27;NaN&#x27; er ikke et tal",
    ),
    (
        CASE % "-Infinity",
        "annual_spend: '-Infinity' is not a number",
        "annual_spend: &#x27;-Infinity&#x27; er ikke et tal",
    ),
    (
        CASE % ("9" * 5000),
        "input: holds a number with too many digits",
        "input: indeholder et tal med for mange cifre",
    ),
    (
        '{"name": "%s", "years": 4, "annual_spend": "1"}' % ("x" * 201),
        "name: is longer than 200 characters",
        "name: er længere end 200 tegn",
    ),
    (
        '{"name": "a\\u0000b", "years": 4, "annual_spend": "1"}',
        "name: may not contain a NUL character",
        "name: må ikke indeholde et NUL-tegn",
    ),
    (
        "[" * 100_000 + "]" * 100_000,
        "input: is nested deeper than 64 levels",
        "input: er indlejret i mere end 64 niveauer",
    ),
    (
        '{"name": "x", "years": "%s", "annual_spend": "1"}' % ("9" * 30),
        "years: must be between 1 and 30",
        "years: skal være mellem 1 og 30",
    ),
]


@pytest.mark.parametrize(("text", "cli_message", "page_message"), CALCULATION_CASES)
def test_calculation_input_errors_on_the_page_in_danish(
    analyst: Client, text: str, cli_message: str, page_message: str
) -> None:
    response = analyst.post("/analyse/business-case/", {"input_json": text})
    assert response.status_code == 200
    assert page_message in response.content.decode()


@pytest.mark.parametrize(("text", "cli_message", "page_message"), CALCULATION_CASES)
def test_calculation_input_errors_in_the_cli(
    tmp_path: Path, text: str, cli_message: str, page_message: str
) -> None:
    path = tmp_path / "case.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("economics", "business-case", "--input", str(path))
    assert (exc.value.returncode, str(exc.value)) == (2, cli_message)


def test_a_nul_in_an_uploaded_json_file_is_a_field_error(analyst: Client) -> None:
    body = b'{"name": "Uro\x00logi", "years": 4, "annual_spend": "1"}'
    response = analyst.post(
        "/analyse/business-case/", {"file": SimpleUploadedFile("case.json", body)}
    )
    assert (
        "input: er ikke gyldig JSON (linje 1, kolonne 14: Invalid control character at)"
        in response.content.decode()
    )


def test_cli_huge_option_values_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as exc:
        call_command(
            "economics", "realised-gains", "--baseline-year", "2022", "--expected-discount", "1e400"
        )
    assert (exc.value.returncode, str(exc.value)) == (
        2,
        "expected-discount: has more than 15 digits before the decimal point",
    )


def test_the_cli_prints_one_line_and_exits_2_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "forsyn", "economics", "business-case", "--input", str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "forsyn.settings"},
        check=False,
        timeout=120,
    )
    assert (done.returncode, done.stderr.strip()) == (
        2,
        "CommandError: input: is nested deeper than 64 levels",
    )
    assert "Traceback" not in done.stderr


# -- Consumption files --


def _csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


ROW_CASES = [
    (
        "Aarhus;5700000000011;;x;stk;1;1e400;9,90;2022",
        "row 2, quantity: is more than 999999999",
        "quantity",
        "er mere end 999999999",
    ),
    (
        "Aarhus;5700000000011;;x;stk;1;100;" + "9" * 30 + ";2022",
        "row 2, price_per_unit: is more than 9999999",
        "price_per_unit",
        "er mere end 9999999",
    ),
    (
        "Aarhus;5700000000011;;x;pk;1000000;1;1;2022",
        "row 2, pieces_per_unit: is more than 100000",
        "pieces_per_unit",
        "er mere end 100000",
    ),
    (
        "Aarhus;5700000000011;;x;stk;1;NaN;9,90;2022",
        "row 2, quantity: 'NaN' is not a number",
        "quantity",
        "&#x27;NaN&#x27; is not a number",
    ),
    (
        "Aarhus;5700000000011;;x;stk;1;Infinity;9,90;2022",
        "row 2, quantity: 'Infinity' is not a number",
        "quantity",
        "&#x27;Infinity&#x27; is not a number",
    ),
    (
        "Aarhus;5700000000011;;Kat\x00eter;stk;1;1;9,90;2022",
        "row 2, description: may not contain a NUL character",
        "description",
        "må ikke indeholde et NUL-tegn",
    ),
    (
        "Aarhus;;" + "P" * 61 + ";x;stk;1;1;9,90;2022",
        "row 2, product_number: is longer than 60 characters",
        "product_number",
        "er længere end 60 tegn",
    ),
    (
        "Aarhus;5700000000011;;" + "x" * 301 + ";stk;1;1;9,90;2022",
        "row 2, description: is longer than 300 characters",
        "description",
        "er længere end 300 tegn",
    ),
]


@pytest.mark.parametrize(("row", "error", "column", "danish"), ROW_CASES)
def test_consumption_row_errors(row: str, error: str, column: str, danish: str) -> None:
    result = consumption_import(file_name="f.csv", data=_csv(row))
    assert [str(e) for e in result.errors] == [error]
    assert (ConsumptionBatch.objects.count(), ConsumptionRow.objects.count()) == (0, 0)


@pytest.mark.parametrize(("row", "error", "column", "danish"), ROW_CASES)
def test_consumption_row_errors_on_the_page_in_danish(
    analyst: Client, row: str, error: str, column: str, danish: str
) -> None:
    page = analyst.post(
        "/analyse/forbrug/", {"file": SimpleUploadedFile("f.csv", _csv(row))}
    ).content.decode()
    assert "1 fejl: intet blev importeret." in page
    assert f"<tr><td>2</td><td>{column}</td><td>{danish}</td></tr>" in page
    assert ConsumptionRow.objects.count() == 0


def test_a_csv_field_beyond_the_csv_limit_is_a_file_error() -> None:
    data = _csv("Aarhus;5700000000011;;" + '"' + "x" * 200_000 + '"' + ";stk;1;1;9,90;2022")
    result = consumption_import(file_name="f.csv", data=data)
    assert [str(e) for e in result.errors] == ["row 1, file: is not a readable CSV file (line 2)"]


def test_a_file_over_20_mb_is_refused_unread() -> None:
    result = consumption_import(file_name="f.csv", data=b"x" * (20 * 1024 * 1024 + 1))
    assert [str(e) for e in result.errors] == ["row 1, file: is larger than 20 MB"]


def _xlsx(rows: int) -> bytes:
    """A real workbook (made by openpyxl) whose sheet is then given `rows` data rows, written
    straight into its XML: openpyxl itself needs ~20 s for 180,000 rows."""
    import re
    import zipfile

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(";"))
    sheet.append(["Aarhus", "5700000000011", "", "x", "stk", 1, 1, 9.9, 2022])
    out = io.BytesIO()
    book.save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                header_row = re.search(r"<row r=\"1\".*?</row>", text).group(0)  # type: ignore[union-attr]
                body = "".join(
                    f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>Aarhus</t></is></c>'
                    f'<c r="B{n}" t="inlineStr"><is><t>5700000000011</t></is></c>'
                    f'<c r="E{n}" t="inlineStr"><is><t>stk</t></is></c><c r="F{n}"><v>1</v></c>'
                    f'<c r="G{n}"><v>{n}</v></c><c r="H{n}"><v>9.9</v></c>'
                    f'<c r="I{n}"><v>2022</v></c></row>'
                    for n in range(2, rows + 2)
                )
                start, end = text.index("<sheetData>"), text.index("</sheetData>")
                text = f"{text[:start]}<sheetData>{header_row}{body}{text[end:]}"
                text = re.sub(
                    r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:I{rows + 1}"/>', text
                )
                content = text.encode()
            archive.writestr(item, content)
    return target.getvalue()


@pytest.fixture(scope="module")
def xlsx_180k() -> bytes:
    return _xlsx(180_000)


def test_an_xlsx_at_the_row_limit_is_read() -> None:
    from forsyn.economics.consumption import read_consumption

    table = read_consumption(_xlsx(3), "ok.xlsx")
    header, rows = table.header, [row.cells for row in table.rows]
    assert (header[0], len(rows), rows[2][6]) == ("party", 3, 4)


def test_a_180000_row_xlsx_is_one_clear_error(xlsx_180k: bytes) -> None:
    assert MAX_ROWS == 100_000
    result = consumption_import(file_name="big.xlsx", data=xlsx_180k)
    assert [str(e) for e in result.errors] == [
        "row 1, file: has more than 100000 rows: split it into smaller files"
    ]
    assert ConsumptionRow.objects.count() == 0


def test_a_180000_row_xlsx_on_the_page_in_danish_and_via_the_cli(
    analyst: Client, xlsx_180k: bytes, tmp_path: Path
) -> None:
    page = analyst.post(
        "/analyse/forbrug/", {"file": SimpleUploadedFile("big.xlsx", xlsx_180k)}
    ).content.decode()
    assert (
        "<tr><td>1</td><td>file</td><td>har mere end 100000 rækker: del den op i mindre filer"
        "</td></tr>"
    ) in page
    path = tmp_path / "big.xlsx"
    path.write_bytes(xlsx_180k)
    with pytest.raises(CommandError) as exc:
        call_command("economics", "import-consumption", str(path))
    assert (exc.value.returncode, str(exc.value)) == (2, "file: 1 error(s); nothing imported")


# -- Uploads are parsed outside the request --


def test_with_a_worker_the_upload_waits_and_the_page_shows_its_status(
    analyst: Client, settings: pytest.FixtureRequest
) -> None:
    from tests.test_economics_cli import CSV

    settings.CELERY_TASK_ALWAYS_EAGER = False  # type: ignore[attr-defined]
    response = analyst.post("/analyse/forbrug/", {"file": SimpleUploadedFile("f.csv", CSV)})
    upload = ConsumptionUpload.objects.get()
    assert (response.status_code, response["Location"]) == (
        302,
        f"/analyse/forbrug/fil/{upload.pk}/",
    )
    assert ConsumptionRow.objects.count() == 0  # nothing parsed in the request
    waiting = analyst.get(response["Location"])
    assert (waiting["Refresh"], "Behandler filen…" in waiting.content.decode()) == ("3", True)
    consumption_upload_process(upload_id=upload.pk)  # what the worker runs
    done = analyst.get(response["Location"])
    assert done.has_header("Refresh") is False
    assert "5 rækker importeret, 2 markeret." in done.content.decode()
    upload.refresh_from_db()
    assert (upload.status, bytes(upload.data), ConsumptionRow.objects.count()) == ("done", b"", 5)
    assert consumption_upload_process(upload_id=upload.pk) is None  # a second run: nothing


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["tender-volumes", "--year", "9" * 30],
            "argument --year: '99999999999999999999' is not a year from 2000 to 2100",
        ),
        (
            ["realised-gains", "--baseline-year", "²", "--expected-discount", "0.1"],
            "argument --baseline-year: '²' is not a year from 2000 to 2100",
        ),
        (
            ["export-consumption", "--output", "x.csv", "--batch", "9" * 30],
            "argument --batch: '99999999999999999999' is not a batch number",
        ),
        (
            ["equalize", "--from-consumption", "99999", "--prices-on", "2025-01-01"],
            "argument --from-consumption: '99999' is not a year from 2000 to 2100",
        ),
    ],
)
def test_cli_numbers_that_are_no_year_or_batch_are_one_line_errors(
    args: list[str], message: str
) -> None:
    with pytest.raises(CommandError) as exc:
        call_command("economics", *args)
    assert str(exc.value) == f"Error: {message}"


def test_from_the_command_line_a_bad_year_exits_2_without_a_traceback() -> None:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "forsyn", "economics", "tender-volumes", "--year", "9" * 30],
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "forsyn.settings"},
        check=False,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1].endswith(
        "error: argument --year: '99999999999999999999' is not a year from 2000 to 2100"
    )
    assert "Traceback" not in done.stderr
