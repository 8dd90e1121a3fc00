"""Tables for download: XLSX (openpyxl) and PDF (WeasyPrint), and CSV for the cleaned data."""

import csv
import io
from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string

from forsyn.core.spreadsheet import safe_cell

Table = tuple[str, Sequence[str], Sequence[Sequence[Any]]]  # title, header, rows


def to_xlsx(tables: Sequence[Table]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for title, header, rows in tables:
        sheet = book.create_sheet(title[:31])
        sheet.append([safe_cell(h) for h in header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: Any) -> Any:
    from decimal import Decimal

    # Money stays exact: Decimal goes in as a number only when it is an amount with at most 4
    # decimals, which Excel shows exactly; everything else as text. Text that a spreadsheet
    # would read as a formula is escaped (forsyn.core.spreadsheet).
    if isinstance(value, Decimal):
        return float(value) if value == value.quantize(Decimal("0.0001")) else str(value)
    return safe_cell(value)


def to_csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def to_pdf(
    title: str, tables: Sequence[Table], summary: Sequence[tuple[str, str]] = (), chart: str = ""
) -> bytes:
    from django.utils import timezone
    from django.utils.safestring import mark_safe
    from weasyprint import HTML

    html = render_to_string(
        "economics/report_pdf.html",
        {
            "title": title,
            "tables": tables,
            "summary": summary,
            # The chart is SVG built by forsyn.economics.charts from escaped values.
            "chart": mark_safe(chart),  # noqa: S308
            "printed_at": timezone.localtime(),
        },
    )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
