"""Price lookup across price and contract changes; the price-list CSV import."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from forsyn.contracts.models import PriceListEntry
from forsyn.contracts.selectors import price_of
from forsyn.contracts.services import PriceImportError, price_list_import
from tests import builders
from tests import factories as f

pytestmark = pytest.mark.django_db
D = dt.date


def test_price_across_price_and_contract_changes() -> None:
    product = f.ProductFactory()
    old = f.ContractFactory(starts_on=D(2023, 6, 1), ends_on=D(2025, 6, 1))
    new = f.ContractFactory(starts_on=D(2025, 6, 1), ends_on=D(2029, 6, 1))
    f.price(old, product, "27.5000", D(2023, 6, 1), D(2024, 6, 1))
    f.price(old, product, "28.1000", D(2024, 6, 1), D(2025, 6, 1))
    f.price(new, product, "24.9000", D(2025, 6, 1), None)
    # An open price on a contract that has ended applies no longer.
    orphan = f.ProductFactory()
    f.price(old, orphan, "3.0000", D(2023, 6, 1), None)
    assert price_of(product_id=orphan.pk, on=D(2025, 5, 31)).price == Decimal("3.0000")  # type: ignore[union-attr]
    assert price_of(product_id=orphan.pk, on=D(2025, 6, 1)) is None
    expected = {
        D(2023, 5, 31): None,
        D(2023, 6, 1): Decimal("27.5000"),
        D(2024, 5, 31): Decimal("27.5000"),
        D(2024, 6, 1): Decimal("28.1000"),
        D(2025, 5, 31): Decimal("28.1000"),
        D(2025, 6, 1): Decimal("24.9000"),
        D(2029, 6, 1): None,
    }
    for day, amount in expected.items():
        found = price_of(product_id=product.pk, on=day)
        assert (found.price if found else None) == amount, day


def test_postgres_refuses_overlapping_prices(on_postgres: None) -> None:
    product = f.ProductFactory()
    contract = f.ContractFactory()
    f.price(contract, product, "1.0000", D(2024, 1, 1), None)
    with pytest.raises(IntegrityError), transaction.atomic():
        f.price(contract, product, "2.0000", D(2025, 1, 1), None)


@pytest.fixture
def setup(tmp_path: Path) -> dict:
    contract = builders.add_contract(reference="C-IMPORT")
    a = builders.add_product(gtin=builders.BAG)
    b = builders.add_product(gtin=builders.PLATE)
    foreign = builders.add_product(
        gtin=builders.LOOSE, supplier=f.OrganisationFactory(code="hollister")
    )
    return {"contract": contract, "a": a, "b": b, "foreign": foreign, "tmp": tmp_path}


GOOD = (
    b"gtin;price;valid_from;valid_until\n"
    b"5700000000011;27,50;2023-06-01;\n"
    b"5700000000011;28,3250;2025-06-01;\n"
    b"5700000000028;14.9;01-06-2023;\n"
)


def test_import_creates_and_is_idempotent(setup: dict) -> None:
    result = price_list_import(contract=setup["contract"], data=GOOD)
    assert (result.created, result.closed, result.unchanged) == (3, 0, 0)
    rows = list(
        PriceListEntry.objects.order_by("product__gtin", "valid_from").values_list(
            "product__gtin", "price", "valid_from", "valid_until"
        )
    )
    assert rows == [
        ("5700000000011", Decimal("27.5000"), D(2023, 6, 1), D(2025, 6, 1)),
        ("5700000000011", Decimal("28.3250"), D(2025, 6, 1), None),
        ("5700000000028", Decimal("14.9000"), D(2023, 6, 1), None),
    ]
    again = price_list_import(contract=setup["contract"], data=GOOD)
    assert (again.created, again.closed, again.unchanged) == (0, 0, 3)
    assert PriceListEntry.objects.count() == 3


def test_import_price_change_closes_previous(setup: dict) -> None:
    price_list_import(
        contract=setup["contract"], data=b"gtin,price,valid_from\n5700000000028,10,2023-06-01\n"
    )
    result = price_list_import(
        contract=setup["contract"], data=b"gtin,price,valid_from\n5700000000028,11,2024-01-01\n"
    )
    assert (result.created, result.closed) == (1, 1)
    assert price_of(product_id=setup["b"].pk, on=D(2023, 12, 31)).price == Decimal("10")  # type: ignore[union-attr]
    assert price_of(product_id=setup["b"].pk, on=D(2024, 1, 1)).price == Decimal("11")  # type: ignore[union-attr]


def test_import_reports_every_bad_row_and_saves_nothing(setup: dict) -> None:
    data = (
        b"gtin;price;valid_from;valid_until\n"
        b"5700000000011;27,50;2023-06-01;\n"
        b"5700000000012;1;2023-06-01;\n"
        b"5700000000042;1;2023-06-01;\n"
        b"5700000000035;1;2023-06-01;\n"
        b"5700000000028;abc;2023-06-01;\n"
        b"5700000000028;-1;2023-06-01;\n"
        b"5700000000028;1,12345;2023-06-01;\n"
        b"5700000000028;1;june;\n"
        b"5700000000028;1;2024-06-01;2024-01-01\n"
    )
    with pytest.raises(PriceImportError) as exc:
        price_list_import(contract=setup["contract"], data=data)
    assert exc.value.errors == [
        (3, "gtin", "is not a valid GTIN (8, 12, 13 or 14 digits with a check digit)"),
        (4, "gtin", "no product with GTIN 5700000000042"),
        (5, "gtin", "the product is not the contract supplier's"),
        (6, "price", "'abc' is not a number"),
        (7, "price", "may not be negative"),
        (8, "price", "has more than 4 decimals"),
        (9, "valid_from", "'june' is not a date (YYYY-MM-DD)"),
        (10, "valid_until", "must be after valid_from"),
    ]
    assert PriceListEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (b"", [(1, "file", "is empty")]),
        (b"gtin;valid_from\n", [(1, "price", "column is missing")]),
        (b"gtin;price;valid_from\n", [(1, "file", "has no price rows")]),
        (b"\xff\xfe", [(1, "file", "is not UTF-8 text")]),
    ],
)
def test_import_rejects_bad_files(setup: dict, data: bytes, errors: list) -> None:
    with pytest.raises(PriceImportError) as exc:
        price_list_import(contract=setup["contract"], data=data)
    assert exc.value.errors == errors


def test_import_prices_command(setup: dict, capsys: pytest.CaptureFixture[str]) -> None:
    path = setup["tmp"] / "prices.csv"
    path.write_bytes(GOOD)
    call_command("import-prices", str(path), "--contract", "C-IMPORT")
    assert (
        capsys.readouterr().out.strip()
        == "3 price(s) created, 0 earlier price(s) closed, 0 unchanged"
    )
    bad = setup["tmp"] / "bad.csv"
    bad.write_bytes(b"gtin;price;valid_from\n5700000000011;x;2023-06-01\n")
    with pytest.raises(CommandError, match="1 invalid row"):
        call_command("import-prices", str(bad), "--contract", "C-IMPORT")
    assert "row 2, price: 'x' is not a number" in capsys.readouterr().err
    with pytest.raises(CommandError, match="--contract: no contract 'NOPE'"):
        call_command("import-prices", str(path), "--contract", "NOPE")


def test_a_price_list_may_be_an_xlsx_workbook(setup: dict) -> None:
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["GTIN", "Pris", "Gyldig fra", "Gyldig til"])
    sheet.append(["5700000000011", 27.5, D(2023, 6, 1), None])
    sheet.append([5700000000028, "14,90", "01-06-2023", D(2025, 6, 1)])
    out = io.BytesIO()
    book.save(out)
    path = setup["tmp"] / "priser.xlsx"
    path.write_bytes(out.getvalue())
    call_command("import-prices", str(path), "--contract", "C-IMPORT")
    rows = list(
        PriceListEntry.objects.order_by("product__gtin").values_list(
            "product__gtin", "price", "valid_from", "valid_until"
        )
    )
    assert rows == [
        ("5700000000011", Decimal("27.5000"), D(2023, 6, 1), None),
        ("5700000000028", Decimal("14.9000"), D(2023, 6, 1), D(2025, 6, 1)),
    ]
    # A formula where a price belongs is refused, naming the row.
    sheet.append(["5700000000011", "=B2*2", D(2025, 6, 1), None])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(PriceImportError) as exc:
        price_list_import(contract=setup["contract"], data=out.getvalue(), file_name="p.xlsx")
    assert exc.value.errors == [
        (4, "price", "holds a formula (=B2*2): save the sheet with values, not formulas")
    ]
