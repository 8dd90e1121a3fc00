"""Advance shipping notices (issue #10 §2): CSV (with a byte-order mark, `;`) and XLSX import,
all or nothing with Danish errors naming row and column, and the check of what was scanned."""

import datetime as dt
import io
from typing import Any

import pytest
from django.utils import translation

from forsyn.core.errors import DomainError, NotFound, PermissionDenied
from forsyn.fulfilment.asn import asn_check, asn_import, asn_receive, compare, plan_asn
from forsyn.fulfilment.models import AdvanceShippingNotice, AsnLine, StockMove
from tests import factories as f
from tests.contexts import ctx
from tests.fulfilment.helpers import World, scan, world
from tests.fulfilment.stock_helpers import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def w() -> World:
    return world()


def csv_bytes(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def danish(exc: DomainError) -> list[str]:
    with translation.override("da"):
        return exc.texts()


def imported(w: World, data: bytes, name: str = "advis.csv", reference: str = "ASN-1") -> Any:
    return asn_import(
        ctx=ctx(w.operator),
        warehouse_code="FSC",
        reference=reference,
        file_name=name,
        data=data,
        at=NOW,
    )


def test_csv_with_bom_and_semicolons(w: World) -> None:
    data = csv_bytes(
        "GTIN;Batch;Udløbsdato;Antal",
        f"{w.bag.gtin};B-1;2027-09-30;60",
        f"0{w.plate.gtin};P 7;28-02-2028;1.200",
        f"{w.bag.gtin};B-2;30.06.2027;30",
    )
    assert data.startswith(b"\xef\xbb\xbf")
    notice = imported(w, data)
    assert (notice.warehouse, notice.supplier, notice.reference, notice.file_name) == (
        w.warehouse,
        w.bag.supplier,
        "ASN-1",
        "advis.csv",
    )
    lines = list(
        AsnLine.objects.order_by("row").values_list(
            "row", "product__gtin", "lot_number", "expires_on", "quantity"
        )
    )
    assert lines == [
        (2, w.bag.gtin, "B-1", dt.date(2027, 9, 30), 60),
        (3, w.plate.gtin, "P 7", dt.date(2028, 2, 28), 1200),
        (4, w.bag.gtin, "B-2", dt.date(2027, 6, 30), 30),
    ]


def test_xlsx_with_numbers_and_dates_in_cells_and_english_headers(w: World) -> None:
    CELL_DATE = dt.datetime(2027, 9, 30)  # noqa: DTZ001, N806 - an XLSX cell holds no zone
    data = xlsx_bytes(
        [
            ["Leveringsadvis fra Coloplast", None, None, None],
            [],
            ["lot", "quantity", "expiry date", "gtin"],
            ["B-1", 60.0, CELL_DATE, int(w.bag.gtin)],
            ["P-7", 10, "2028-02-28", w.plate.gtin],
        ]
    )
    # The first non-empty row is the header: here the title row, so the columns are missing.
    with pytest.raises(DomainError) as caught:
        imported(w, data, name="advis.xlsx")
    assert danish(caught.value)[0] == "Række 1: kolonnen gtin mangler."
    data = xlsx_bytes(
        [
            ["lot", "quantity", "expiry date", "gtin"],
            ["B-1", 60.0, CELL_DATE, int(w.bag.gtin)],
            [None, None, None, None],
            ["P-7", 10, "2028-02-28", w.plate.gtin],
        ]
    )
    imported(w, data, name="ADVIS.XLSX")
    assert list(
        AsnLine.objects.order_by("row").values_list(
            "row", "product__gtin", "lot_number", "expires_on", "quantity"
        )
    ) == [
        (2, w.bag.gtin, "B-1", dt.date(2027, 9, 30), 60),
        (4, w.plate.gtin, "P-7", dt.date(2028, 2, 28), 10),
    ]


def test_a_missing_column_is_named_with_its_row_and_nothing_is_saved(w: World) -> None:
    data = csv_bytes("gtin;batch;udløbsdato", f"{w.bag.gtin};B-1;2027-09-30")
    with pytest.raises(DomainError) as caught:
        imported(w, data)
    assert caught.value.code == "asn_refused"
    assert [name for name, _ in caught.value.problems] == ["file"]
    assert danish(caught.value) == ["Række 1: kolonnen antal mangler."]
    assert caught.value.problems[0][1].params == {"row": 1, "column": "antal"}
    assert AdvanceShippingNotice.objects.count() == 0
    assert AsnLine.objects.count() == 0


def test_every_bad_row_is_named_and_nothing_is_saved(w: World) -> None:
    other = f.ProductFactory(supplier=f.OrganisationFactory(code="convatec"))
    data = csv_bytes(
        "gtin;batch;udløbsdato;antal",
        f"{w.bag.gtin};B-1;2027-09-30;60",
        f"{w.bag.gtin};B-2;2027-09-30;",
        f"{w.bag.gtin};B-3;31-02-2027;5",
        "5700000000042;B-4;2027-09-30;5",
        "5700000000012;B-5;2027-09-30;5",
        f"{w.bag.gtin};{'X' * 21};2027-09-30;0",
        f"{other.gtin};C-1;2027-09-30;5",
    )
    with pytest.raises(DomainError) as caught:
        imported(w, data)
    assert danish(caught.value) == [
        "Række 3, kolonne antal: skal udfyldes.",
        "Række 4, kolonne udløbsdato: ikke en dato (ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ).",
        "Række 6, kolonne gtin: ikke et gyldigt GTIN-nummer.",
        "Række 7, kolonne batch: et batchnummer har højst 20 tegn.",
        "Række 7, kolonne antal: skal være et helt tal fra 1 til 100.000.",
        "Række 5: GTIN-nummeret 5700000000042 findes ikke i sortimentet.",
        "Række 8: produktet kommer fra en anden leverandør end advisens første linje.",
    ]
    assert AdvanceShippingNotice.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "data", "code", "message"),
    [
        ("advis.txt", b"gtin;batch", "asn_file_type", "Upload en .csv- eller .xlsx-fil."),
        ("advis.csv", b"   ", "asn_empty", "Filen indeholder ingen linjer."),
        ("advis.csv", b"gtin;batch;udl\xf8bsdato;antal\r\n", "asn_not_csv", None),
        ("advis.xlsx", b"PK\x03\x04 not a workbook", "asn_not_xlsx", None),
        ("advis.csv", "gtin;batch;udløbsdato;antal\r\n".encode(), "asn_empty", None),
    ],
)
def test_unreadable_files_are_refused(
    w: World, name: str, data: bytes, code: str, message: str | None
) -> None:
    with pytest.raises(DomainError) as caught:
        imported(w, data, name=name)
    assert [(n, e.code) for n, e in caught.value.problems] == [("file", code)]
    if message:
        assert danish(caught.value) == [message]
    assert AdvanceShippingNotice.objects.count() == 0


def test_a_reference_is_required_and_imported_once(w: World) -> None:
    data = csv_bytes("gtin;batch;udløbsdato;antal", f"{w.bag.gtin};B-1;2027-09-30;60")
    with pytest.raises(DomainError) as caught:
        imported(w, data, reference="  ")
    assert [(n, e.code) for n, e in caught.value.problems] == [
        ("reference", "asn_reference_required")
    ]
    imported(w, data)
    with pytest.raises(DomainError) as caught:
        imported(w, data)
    assert danish(caught.value) == ["Leverandørens advis ASN-1 er allerede importeret."]
    assert AsnLine.objects.count() == 1


def test_the_check_compares_notified_and_scanned_per_gtin_and_lot(w: World) -> None:
    data = csv_bytes(
        "gtin;batch;udløbsdato;antal",
        f"{w.bag.gtin};L1;2027-09-30;40",
        f"{w.bag.gtin};L1;2027-09-30;20",  # the same lot on two pallets
        f"{w.bag.gtin};L2;2027-09-30;30",
        f"{w.bag.gtin};L3;2027-09-30;10",
        f"{w.plate.gtin};P1;2028-01-31;10",
    )
    notice = imported(w, data)
    asn_receive(
        ctx=ctx(w.operator),
        notice_id=notice.pk,
        lines=[(scan(w.bag.gtin, "L1", "270930"), 60), (scan(w.bag.gtin, "L2", "270930"), 20)],
        at=NOW,
    )
    asn_receive(
        ctx=ctx(w.operator),
        notice_id=notice.pk,
        lines=[(scan(w.plate.gtin, "P1", "280229"), 15), (scan(w.plate.gtin, "P9", "280131"), 5)],
        at=NOW,
    )
    check = asn_check(ctx=ctx(w.operator), notice_id=notice.pk)
    assert [
        (r.gtin, r.lot, r.expected, r.scanned, r.difference, r.status, r.expiry_differs)
        for r in check.rows
    ] == [
        (w.bag.gtin, "L1", 60, 60, 0, "match", False),
        (w.bag.gtin, "L2", 30, 20, -10, "short", False),
        (w.bag.gtin, "L3", 10, 0, -10, "missing", False),
        (w.plate.gtin, "P1", 10, 15, 5, "over", True),
        (w.plate.gtin, "P9", 0, 5, 5, "unexpected", False),
    ]
    assert not check.matches
    assert len(check.mismatches) == 4
    with translation.override("da"):
        assert [r.status_label for r in check.rows] == [
            "Som adviseret",
            "Færre end adviseret",
            "Ikke scannet",
            "Flere end adviseret",
            "Ikke på advisen",
        ]
    # A receipt without the notice does not count for it.
    from forsyn.fulfilment.services import stock_receive

    stock_receive(
        ctx=ctx(w.operator), warehouse_code="FSC", lines=[(scan(w.bag.gtin, "L3", "270930"), 10)]
    )
    assert asn_check(ctx=ctx(w.operator), notice_id=notice.pk).rows[2].scanned == 0
    assert StockMove.objects.filter(kind="receipt").count() == 5


@pytest.mark.parametrize(
    ("expected", "scanned", "status"),
    [(5, 5, "match"), (5, 4, "short"), (5, 6, "over"), (5, 0, "missing"), (0, 3, "unexpected")],
)
def test_compare(expected: int, scanned: int, status: str) -> None:
    assert compare(expected, scanned) == status


def test_plan_needs_a_line() -> None:
    lines, errors = plan_asn([(1, ["gtin", "batch", "udløbsdato", "antal"])])
    assert (lines, [e.code for e in errors]) == ([], ["asn_empty"])


def test_only_the_warehouses_operators_import_and_check(w: World) -> None:
    data = csv_bytes("gtin;batch;udløbsdato;antal", f"{w.bag.gtin};B-1;2027-09-30;60")
    notice = imported(w, data)
    agent = f.make_user("service_agent", f.service_centre())
    with pytest.raises(PermissionDenied):
        asn_import(
            ctx=ctx(agent), warehouse_code="FSC", reference="X", file_name="a.csv", data=data
        )
    other = f.make_user(
        "warehouse_operator", f.OrganisationFactory(kind="logistics_provider", code="OTHER")
    )
    with pytest.raises(NotFound):
        asn_check(ctx=ctx(other), notice_id=notice.pk)
    with pytest.raises(NotFound):
        asn_receive(
            ctx=ctx(other), notice_id=notice.pk, lines=[(scan(w.bag.gtin, "B-1", "270930"), 1)]
        )
    assert StockMove.objects.count() == 0
