"""Advance shipping notices (ASN, issue #10 §2, docs/adr/0026).

A supplier announces a delivery: GTIN, lot, expiry and pieces per line, as CSV (UTF-8, `;` or
`,`, with or without a byte-order mark) or XLSX. The import is all or nothing: every bad row is
named with its column, in Danish on the page, and nothing is saved. Receipts scanned for the
notice (`asn_receive`) are compared with it per GTIN and lot (`asn_check`).

The file is read by `read_table`, the one place that knows CSV and XLSX here, so that it can be
switched over to a shared reader later.
"""

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from forsyn.access import policy
from forsyn.access.context import AccessContext
from forsyn.catalogue.models import Product
from forsyn.core.api import page
from forsyn.core.errors import DomainError, FieldError, NotFound, PermissionDenied
from forsyn.core.identifiers import clean_gtin
from forsyn.fulfilment.choices import AsnStatus, MoveKind
from forsyn.fulfilment.error_codes import ErrorCode
from forsyn.fulfilment.gs1 import gtin_forms
from forsyn.fulfilment.models import AdvanceShippingNotice, AsnLine, StockMove, Warehouse
from forsyn.fulfilment.services import (
    MAX_LINE_QUANTITY,
    ReceiptDone,
    _warehouse_for,
    stock_receive,
)

MAX_FILE_BYTES = 5_000_000
MAX_ROWS = 5_000
MAX_LOT_LENGTH = 20
MAX_REFERENCE_LENGTH = 60

# The columns a notice needs, by the name errors use, with the headers suppliers write.
COLUMNS: dict[str, tuple[str, ...]] = {
    "gtin": ("gtin", "ean", "gtin-nummer", "varenummer"),
    "batch": ("batch", "batchnummer", "batchnr", "lot", "lotnummer", "lot number", "lot_number"),
    "udløbsdato": (
        "udløbsdato",
        "udløb",
        "udlobsdato",
        "holdbarhed",
        "expiry",
        "expiry date",
        "expiry_date",
        "expires_on",
    ),
    "antal": ("antal", "antal stk", "stk", "styk", "quantity", "pieces", "qty"),
}
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y")


class TableUnreadable(ValueError):
    def __init__(self, code: ErrorCode, **params: int) -> None:
        super().__init__(str(code))
        self.error = code.error(**params)


def read_table(data: bytes, file_name: str) -> list[tuple[int, list[Any]]]:
    """The non-empty rows of a CSV or XLSX file with their row numbers (1 = the first row),
    values as the file holds them (text from CSV; numbers and dates as such from XLSX).
    TableUnreadable names what is wrong."""
    name = file_name.lower()
    if not name.endswith((".csv", ".xlsx")):
        raise TableUnreadable(ErrorCode.ASN_FILE_TYPE)
    if len(data) > MAX_FILE_BYTES:
        raise TableUnreadable(ErrorCode.ASN_TOO_LARGE, max=MAX_FILE_BYTES // 1_000_000)
    if not data.strip():
        raise TableUnreadable(ErrorCode.ASN_EMPTY)
    rows: list[tuple[int, list[Any]]] = []
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                for number, values in enumerate(
                    book.worksheets[0].iter_rows(values_only=True, max_col=30), start=1
                ):
                    rows.append((number, list(values)))
                    if len(rows) > MAX_ROWS + 1:
                        break
            finally:
                book.close()
        except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
            raise TableUnreadable(ErrorCode.ASN_NOT_XLSX) from None
    else:
        try:
            text = data.decode("utf-8-sig")
            delimiter = ";" if text.split("\n", 1)[0].count(";") >= 1 else ","
            for number, values in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
                rows.append((number, list(values)))
                if len(rows) > MAX_ROWS + 1:
                    break
        except (UnicodeDecodeError, csv.Error):
            raise TableUnreadable(ErrorCode.ASN_NOT_CSV) from None
    return [(n, r) for n, r in rows if any(_text(v) for v in r)]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header_key(value: Any) -> str:
    return " ".join(_text(value).lower().replace("_", " ").split())


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    return None


def _quantity(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = _text(value).replace(" ", "")
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):  # 1.200: a Danish thousands separator
            text = text.replace(".", "")
        if not text.isdigit():
            return None
        number = int(text)
    return number if 1 <= number <= MAX_LINE_QUANTITY else None


@dataclass(frozen=True)
class PlannedLine:
    row: int
    product: Product
    lot: str
    expires_on: dt.date
    quantity: int


def plan_asn(rows: Sequence[tuple[int, list[Any]]]) -> tuple[list[PlannedLine], list[FieldError]]:
    """The notice's lines from the file's rows (the first is the header), or every problem,
    each naming its row and column. One query (the products)."""
    errors: list[FieldError] = []
    if len(rows) < 2:  # a header and at least one line
        return [], [ErrorCode.ASN_EMPTY.error()]
    if len(rows) > MAX_ROWS + 1:
        return [], [ErrorCode.ASN_TOO_MANY_ROWS.error(max=MAX_ROWS)]
    header_row, header = rows[0]
    keys = [_header_key(v) for v in header]
    where: dict[str, int] = {}
    for column, names in COLUMNS.items():
        found = next((i for i, key in enumerate(keys) if key in names), None)
        if found is None:
            errors.append(ErrorCode.ASN_MISSING_COLUMN.error(row=header_row, column=column))
        else:
            where[column] = found
    if errors:
        return [], errors

    parsed: list[tuple[int, str, str, dt.date, int]] = []
    for number, values in rows[1:]:
        cells = {c: (values[i] if i < len(values) else None) for c, i in where.items()}
        problems: list[FieldError] = []
        for column, value in cells.items():
            if not _text(value):
                problems.append(ErrorCode.ASN_MISSING_VALUE.error(row=number, column=column))
        if problems:
            errors += problems
            continue
        gtin = ""
        try:
            gtin = clean_gtin(_text(cells["gtin"]))
        except ValueError:
            problems.append(ErrorCode.ASN_BAD_GTIN.error(row=number, column="gtin"))
        lot = _text(cells["batch"])
        if len(lot) > MAX_LOT_LENGTH:
            problems.append(ErrorCode.ASN_LOT_TOO_LONG.error(row=number, column="batch"))
        expires_on = _date(cells["udløbsdato"])
        if expires_on is None:
            problems.append(ErrorCode.ASN_BAD_DATE.error(row=number, column="udløbsdato"))
        quantity = _quantity(cells["antal"])
        if quantity is None:
            problems.append(ErrorCode.ASN_BAD_QUANTITY.error(row=number, column="antal"))
        if problems or expires_on is None or quantity is None:
            errors += problems
            continue
        parsed.append((number, gtin, lot, expires_on, quantity))

    forms = {g: gtin_forms(g) for g in {p[1] for p in parsed}}
    by_gtin = {
        p.gtin: p for p in Product.objects.filter(gtin__in={f for fs in forms.values() for f in fs})
    }
    lines: list[PlannedLine] = []
    supplier: int | None = None
    for number, gtin, lot, expires_on, quantity in parsed:
        product = next((by_gtin[f] for f in forms[gtin] if f in by_gtin), None)
        if product is None:
            errors.append(ErrorCode.ASN_UNKNOWN_GTIN.error(row=number, gtin=gtin))
            continue
        supplier = supplier if supplier is not None else product.supplier_id
        if product.supplier_id != supplier:
            errors.append(ErrorCode.ASN_SEVERAL_SUPPLIERS.error(row=number))
            continue
        lines.append(PlannedLine(number, product, lot, expires_on, quantity))
    return lines, errors


def _refused(errors: Sequence[FieldError], field: str = "file") -> DomainError:
    return DomainError(
        "shipping notice refused", code=ErrorCode.ASN_REFUSED, fields={field: list(errors)}
    )


@transaction.atomic
def asn_import(
    *,
    ctx: AccessContext,
    warehouse_code: str,
    reference: str,
    file_name: str,
    data: bytes,
    at: dt.datetime | None = None,
) -> AdvanceShippingNotice:
    """Import a supplier's advance shipping notice, all lines or none (DomainError naming every
    bad row and column under `file`, or `reference`)."""
    warehouse = _warehouse_for(ctx, warehouse_code)
    reference = reference.strip()
    if not reference or len(reference) > MAX_REFERENCE_LENGTH:
        raise _refused([ErrorCode.ASN_REFERENCE_REQUIRED.error()], "reference")
    try:
        rows = read_table(data, file_name)
    except TableUnreadable as exc:
        raise _refused([exc.error]) from None
    lines, errors = plan_asn(rows)
    if errors:
        raise _refused(errors)
    supplier_id = lines[0].product.supplier_id
    try:
        with transaction.atomic():
            notice = AdvanceShippingNotice.objects.create(
                warehouse=warehouse,
                supplier_id=supplier_id,
                reference=reference,
                file_name=file_name[-200:],
                imported_by_id=ctx.acting_user_id(),
                imported_at=at or timezone.now(),
            )
    except IntegrityError:
        raise _refused(
            [ErrorCode.ASN_REFERENCE_TAKEN.error(reference=reference)], "reference"
        ) from None
    AsnLine.objects.bulk_create(
        AsnLine(
            notice=notice,
            row=ln.row,
            product=ln.product,
            lot_number=ln.lot,
            expires_on=ln.expires_on,
            quantity=ln.quantity,
        )
        for ln in lines
    )
    return notice


def _notice_for(ctx: AccessContext, notice_id: int) -> AdvanceShippingNotice:
    if not policy.may_operate_warehouse(ctx):
        raise PermissionDenied
    notice = (
        AdvanceShippingNotice.objects.filter(
            pk=notice_id,
            warehouse__in=policy.warehouses_operated(ctx, Warehouse.objects.all()),
        )
        .select_related("warehouse", "supplier", "imported_by")
        .first()
    )
    if notice is None:
        raise NotFound
    return notice


@transaction.atomic
def asn_receive(
    *,
    ctx: AccessContext,
    notice_id: int,
    lines: Sequence[tuple[str, int]],
    at: dt.datetime | None = None,
) -> ReceiptDone:
    """Receive scanned goods (stock_receive) as part of a notice's delivery."""
    notice = _notice_for(ctx, notice_id)
    done = stock_receive(ctx=ctx, warehouse_code=notice.warehouse.code, lines=lines, at=at)
    notice.receipts.add(done.receipt)
    return done


# -- The check: expected against scanned, per GTIN and lot ----------------------------------


@dataclass(frozen=True)
class AsnRow:
    gtin: str
    product: str
    lot: str
    expected: int
    scanned: int
    status: str
    expected_expiry: dt.date | None = None
    scanned_expiry: dt.date | None = None

    @property
    def difference(self) -> int:
        return self.scanned - self.expected

    @property
    def status_label(self) -> str:
        return str(AsnStatus(self.status).label)

    @property
    def expiry_differs(self) -> bool:
        return (
            self.expected_expiry is not None
            and self.scanned_expiry is not None
            and self.expected_expiry != self.scanned_expiry
        )


def compare(expected: int, scanned: int) -> str:
    """The status of one GTIN and lot (pure)."""
    if expected == 0:
        return AsnStatus.UNEXPECTED
    if scanned == 0:
        return AsnStatus.MISSING
    if scanned < expected:
        return AsnStatus.SHORT
    if scanned > expected:
        return AsnStatus.OVER
    return AsnStatus.MATCH


@dataclass(frozen=True)
class AsnCheck:
    notice: AdvanceShippingNotice
    rows: list[AsnRow]

    @property
    def matches(self) -> bool:
        return all(r.status == AsnStatus.MATCH for r in self.rows)

    @property
    def mismatches(self) -> list[AsnRow]:
        return [r for r in self.rows if r.status != AsnStatus.MATCH]


def asn_check(*, ctx: AccessContext, notice_id: int) -> AsnCheck:
    """The notice against what its receipts took in, per GTIN and lot (three queries)."""
    notice = _notice_for(ctx, notice_id)
    expected: dict[tuple[str, str], list[Any]] = defaultdict(lambda: [0, "", None])
    for gtin, name, lot, expires_on, quantity in notice.lines.values_list(
        "product__gtin", "product__name", "lot_number", "expires_on", "quantity"
    ):
        entry = expected[(gtin, lot)]
        entry[0] += quantity
        entry[1], entry[2] = name, expires_on
    scanned: dict[tuple[str, str], list[Any]] = defaultdict(lambda: [0, "", None])
    for gtin, name, lot, expires_on, quantity in (
        StockMove.objects.filter(receipt__shipping_notices=notice, kind=MoveKind.RECEIPT)
        .values("lot__product__gtin", "lot__product__name", "lot__lot_number", "lot__expires_on")
        .annotate(total=Sum("on_hand_delta"))
        .values_list(
            "lot__product__gtin",
            "lot__product__name",
            "lot__lot_number",
            "lot__expires_on",
            "total",
        )
    ):
        entry = scanned[(gtin, lot)]
        entry[0] += quantity
        entry[1], entry[2] = name, expires_on
    rows = []
    for key in sorted(set(expected) | set(scanned)):
        want, got = expected.get(key), scanned.get(key)
        rows.append(
            AsnRow(
                gtin=key[0],
                product=(want or got or [0, ""])[1],
                lot=key[1],
                expected=want[0] if want else 0,
                scanned=got[0] if got else 0,
                status=compare(want[0] if want else 0, got[0] if got else 0),
                expected_expiry=want[2] if want else None,
                scanned_expiry=got[2] if got else None,
            )
        )
    return AsnCheck(notice, rows)


def asn_list(
    *, ctx: AccessContext, limit: int = 50, offset: int = 0
) -> tuple[list[AdvanceShippingNotice], int]:
    """Notices of the warehouses `ctx` works in, newest first, with lines and pieces (two
    queries)."""
    if not policy.may_operate_warehouse(ctx):
        raise PermissionDenied
    qs: QuerySet[AdvanceShippingNotice] = (
        AdvanceShippingNotice.objects.filter(
            warehouse__in=policy.warehouses_operated(ctx, Warehouse.objects.all())
        )
        .select_related("warehouse", "supplier")
        .annotate(line_count=Count("lines"), pieces=Sum("lines__quantity"))
        .order_by("-imported_at", "-pk")
    )
    return page(qs, limit=limit, offset=offset)


def asn_get(*, ctx: AccessContext, notice_id: int) -> AdvanceShippingNotice:
    return _notice_for(ctx, notice_id)
