"""The economics CLI and the consumption import against the database."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from forsyn.economics.models import ConsumptionBatch, ConsumptionRow
from forsyn.economics.services import consumption_import, tender_volumes
from tests import factories as f

pytestmark = pytest.mark.django_db

CSV = (
    b"party;gtin;description;unit;pieces_per_unit;quantity;price_per_unit;year\n"
    b"Aarhus;5700000000011;Kateter CH12;pk;30;100;294,00;2022\n"
    b"Odense;5700000000011;Kateter CH12;stk;1;3000;9,90;2022\n"
    b"Horsens;5700000000011;Kateter CH12;stk;1;100;297,00;2022\n"
    b"Region Midtjylland;5700000000011;Kateter CH12;stk;1;50000;0,01;2022\n"
    b"751;5700000000028;Benpose;krt;100;2;520;2022\n"
)


def run(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    call_command("economics", *args)
    captured = capsys.readouterr()
    return captured.out, captured.err


def test_business_case_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "case.json"
    path.write_text(
        json.dumps(
            {
                "name": "Urologi 2024",
                "years": 4,
                "annual_spend": "117600000",
                "one_off_costs": {"project": "2875676"},
                "annual_costs": {"licences": "1225200", "operations": "10644212"},
                "evaluate_discounts": ["0.10", "0.12"],
            }
        )
    )
    out, _ = run("business-case", "--input", str(path), capsys=capsys)
    assert json.loads(out)["break_even_discount"] == "0.1070"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "is empty"),
        (
            "{not json",
            "input: not valid JSON (line 1, column 2: Expecting property name enclosed in double "
            "quotes)",
        ),
        (
            '{"name": "x", "years": 4, "annual_spend": "1e3x"}',
            "annual_spend: '1e3x' is not a number",
        ),
    ],
)
def test_cli_errors_exit_2(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "case.json"
    path.write_text(content)
    with pytest.raises(CommandError) as exc:
        call_command("economics", "business-case", "--input", str(path))
    assert exc.value.returncode == 2
    assert message in str(exc.value)
    assert "\n" not in str(exc.value)


def test_cli_missing_file() -> None:
    with pytest.raises(CommandError, match="input: cannot read /nope.json: No such file") as exc:
        call_command("economics", "allocate", "--input", "/nope.json")
    assert exc.value.returncode == 2


def test_equalize_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "eq.json"
    path.write_text(
        json.dumps(
            {
                "cap_per_region": "12000000",
                "parties": [
                    {
                        "id": "1082",
                        "kind": "region",
                        "region": "1082",
                        "baseline_cost": "0",
                        "new_cost": "5000000",
                    },
                    {
                        "id": "751",
                        "kind": "municipality",
                        "region": "1082",
                        "baseline_cost": "9000000",
                        "new_cost": "1000000",
                    },
                ],
            }
        )
    )
    out, _ = run("equalize", "--input", str(path), capsys=capsys)
    region = json.loads(out)["regions"][0]
    assert (region["status"], region["total_transfer"]) == ("equalized", "5000000.00")
    path.write_text(
        json.dumps(
            {"cap_per_region": "12000000", "parties": [{"id": "751", "kind": "municipality"}]}
        )
    )
    with pytest.raises(CommandError, match="^parties\\[0\\].region: is required"):
        call_command("economics", "equalize", "--input", str(path))


def test_import_consumption_flags_and_is_idempotent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "forbrug.csv"
    path.write_bytes(CSV)
    out, err = run("import-consumption", str(path), capsys=capsys)
    batch = ConsumptionBatch.objects.get()
    assert (
        out.strip() == f"batch {batch.pk}: 5 row(s) imported, 2 flagged "
        "(left out of tender and equalization until accepted)"
    )
    assert "row 4, price_per_unit: flagged: price per piece 297.0000" in err
    rows = {r.row_number: r for r in ConsumptionRow.objects.all()}
    assert (rows[2].pieces, rows[2].price_per_piece) == (Decimal("3000.0000"), Decimal("9.8000"))
    assert (rows[6].pieces, rows[6].price_per_piece, rows[6].party.code) == (
        Decimal("200.0000"),
        Decimal("5.2000"),
        "751",
    )
    assert rows[5].flag.startswith("price per piece 0.0100")
    out, _ = run("import-consumption", str(path), capsys=capsys)
    assert out.strip() == f"already imported as batch {batch.pk}: nothing changed"
    assert ConsumptionRow.objects.count() == 5


def test_import_consumption_all_or_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(CSV + b"Atlantis;5700000000011;x;stk;1;1;1;2022\nAarhus;;;stk;1;1;1;2022\n")
    with pytest.raises(CommandError, match="file: 2 error\\(s\\); nothing imported") as exc:
        call_command("economics", "import-consumption", str(path))
    assert exc.value.returncode == 2
    err = capsys.readouterr().err
    assert "row 7, party: 'Atlantis' is not a municipality or region" in err
    assert "row 8, product_number: give a product number or a GTIN" in err
    assert ConsumptionRow.objects.count() == 0
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="file: 1 error"):
        call_command("economics", "import-consumption", str(empty))
    assert "row 1, file: is empty" in capsys.readouterr().err


def test_xlsx_import_and_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from openpyxl import Workbook, load_workbook

    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "Part",
            "Varenummer",
            "Beskrivelse",
            "Enhed",
            "Stk pr enhed",
            "Antal",
            "Pris pr enhed",
            "År",
        ]
    )
    sheet.append(["Aarhus", "K-1", "Kateter", "pk", 30, 10, 294.0, 2022])
    sheet.append(["Odense", "K-1", "Kateter", "stk", 1, 300, 9.9, 2022])
    source = tmp_path / "forbrug.xlsx"
    book.save(source)
    out, _ = run("import-consumption", str(source), capsys=capsys)
    assert "2 row(s) imported, 0 flagged" in out
    target = tmp_path / "clean.xlsx"
    out, _ = run("export-consumption", "--output", str(target), capsys=capsys)
    assert out.strip() == f"2 row(s) written to {target}"
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("batch", "row", "party", "product_number")
    assert (rows[1][2], rows[1][10], rows[1][11]) == ("751", 300, 9.8)


def test_tender_volumes_and_equalization_from_consumption(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    product = f.ProductFactory(gtin="5700000000011", pieces_per_unit=30)
    contract = f.ContractFactory()
    f.price(contract, product, "0.0100", dt.date(2025, 3, 1))
    result = consumption_import(file_name="forbrug.csv", data=CSV, accept_flagged=False)
    assert result.errors == []
    volumes = tender_volumes(year=2022)
    assert [(v.product_key, v.pieces, v.parties) for v in volumes] == [
        ("5700000000011", Decimal("6000.0000"), 2),
        ("5700000000028", Decimal("200.0000"), 1),
    ]
    out, _ = run(
        "equalize", "--from-consumption", "2022", "--prices-on", "2025-06-01", capsys=capsys
    )
    data = json.loads(out)
    assert data["products_without_contract_price"] == ["5700000000028"]
    assert [r["region"] for r in data["regions"]] == ["1082", "1083"]
    parties = {p["id"]: p for r in data["regions"] for p in r["parties"]}
    assert parties["751"]["delta_before"] == "-29370.00"  # 3000 pcs from 9.80 to 0.01
    assert parties["461"]["delta_before"] == "-29670.00"
