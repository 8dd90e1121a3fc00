"""Writes of contracts and price lists."""

import contextlib
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from forsyn.catalogue.models import Product
from forsyn.contracts.error_codes import ErrorCode
from forsyn.contracts.models import Contract, PriceListEntry
from forsyn.contracts.rules import ExistingEntry, ImportRow, plan_price_import
from forsyn.core.dates import DateRange
from forsyn.core.errors import DomainError
from forsyn.core.identifiers import clean_gtin
from forsyn.core.money import parse_decimal
from forsyn.core.tabular import TableError, read_table

COLUMNS = {
    "gtin": ("gtin",),
    "price": ("price", "pris", "price_per_piece", "stykpris"),
    "valid_from": ("valid_from", "gyldig_fra"),
    "valid_until": ("valid_until", "gyldig_til"),
}
REQUIRED = ("gtin", "price", "valid_from")


@dataclass(frozen=True)
class PriceImportResult:
    created: int
    closed: int
    unchanged: int


class PriceImportError(DomainError):
    def __init__(self, errors: list[tuple[int, str, str]]):
        super().__init__(
            f"{len(errors)} invalid row(s); nothing imported", code=ErrorCode.IMPORT_INVALID
        )
        self.errors = errors


def _parse_date(text: str) -> dt.date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    raise ValueError(f"'{text}' is not a date (YYYY-MM-DD)")


def read_price_rows(
    data: bytes, file_name: str = "prices.csv"
) -> tuple[list[tuple[int, Mapping[str, str]]], list[tuple[int, str, str]]]:
    """Rows as (row number in the file, {column: text}) through the shared reader
    (forsyn.core.tabular: CSV or XLSX); the header is usually row 1."""
    try:
        table = read_table(data, file_name, columns=COLUMNS, required=REQUIRED)
    except TableError as exc:
        return [], [(p.row or 1, p.column, p.error.english()) for p in exc.table_problems]
    if not table.rows:
        return [], [(1, "file", "has no price rows")]
    return [(row.number, row.values) for row in table.rows], []


@transaction.atomic
def price_list_import(
    *, contract: Contract, data: bytes, file_name: str = "prices.csv"
) -> PriceImportResult:
    """Import a supplier's price list (CSV or XLSX) into a contract: all rows or none.

    Raises PriceImportError listing every invalid row with its number, column and reason.
    """
    raw_rows, errors = read_price_rows(data, file_name)
    gtins: set[str] = set()
    for _, values in raw_rows:
        with contextlib.suppress(ValueError):
            gtins.add(clean_gtin(values["gtin"]))
    products = {
        p.gtin: p for p in Product.objects.filter(gtin__in=gtins).select_related("category")
    }
    lot_categories = set(contract.lot.categories.values_list("pk", flat=True))

    rows: list[ImportRow] = []
    for number, values in raw_rows:
        row_errors: list[tuple[int, str, str]] = []
        product: Product | None = None
        try:
            gtin = clean_gtin(values["gtin"])
        except ValueError as exc:
            row_errors.append((number, "gtin", str(exc)))
        else:
            product = products.get(gtin)
            if product is None:
                row_errors.append((number, "gtin", f"no product with GTIN {gtin}"))
            elif product.supplier_id != contract.supplier_id:
                row_errors.append((number, "gtin", "the product is not the contract supplier's"))
            elif lot_categories and product.category_id not in lot_categories:
                row_errors.append((number, "gtin", "the product's category is not in the lot"))
        price: Decimal | None = None
        try:
            price = parse_decimal(values["price"])
        except ValueError as exc:
            row_errors.append((number, "price", str(exc)))
        else:
            if price < 0:
                row_errors.append((number, "price", "may not be negative"))
            elif price.as_tuple().exponent < -4:  # type: ignore[operator]
                row_errors.append((number, "price", "has more than 4 decimals"))
            elif price >= Decimal("100000000"):
                row_errors.append((number, "price", "is too large"))
        valid_from: dt.date | None = None
        valid_until: dt.date | None = None
        try:
            valid_from = _parse_date(values["valid_from"])
        except ValueError as exc:
            row_errors.append((number, "valid_from", str(exc)))
        if values.get("valid_until", "").strip():
            try:
                valid_until = _parse_date(values["valid_until"])
            except ValueError as exc:
                row_errors.append((number, "valid_until", str(exc)))
        if valid_from and valid_until and valid_until <= valid_from:
            row_errors.append((number, "valid_until", "must be after valid_from"))
        if row_errors:
            errors.extend(row_errors)
            continue
        if product is None or price is None or valid_from is None:
            continue  # unreachable: every None above recorded an error
        rows.append(ImportRow(number, product.pk, product.gtin, price, valid_from, valid_until))

    if errors:
        raise PriceImportError(sorted(errors))

    product_ids = {r.product_id for r in rows}
    # Lock the products' price rows so two imports cannot interleave (PostgreSQL).
    existing_qs = (
        PriceListEntry.objects.select_for_update().filter(product_id__in=product_ids).order_by("pk")
    )
    existing = [
        ExistingEntry(e.pk, e.product_id, e.contract_id, e.price, e.valid_from, e.valid_until)
        for e in existing_qs
    ]
    plan = plan_price_import(
        contract_id=contract.pk,
        contract_period=DateRange(contract.starts_on, contract.extended_until or contract.ends_on),
        rows=rows,
        existing=existing,
    )
    if plan.errors:
        raise PriceImportError(plan.errors)
    for entry_id, until in plan.close.items():
        PriceListEntry.objects.filter(pk=entry_id).update(valid_until=until)
    PriceListEntry.objects.bulk_create(
        PriceListEntry(
            contract=contract,
            product_id=r.product_id,
            price=r.price,
            valid_from=r.valid_from,
            valid_until=r.valid_until,
        )
        for r in plan.create
    )
    return PriceImportResult(
        created=len(plan.create), closed=len(plan.close), unchanged=len(plan.unchanged)
    )
