"""Lists for download from the warehouse pages (recall letters, call-off lists): CSV for any
program (UTF-8 with a byte-order mark so Excel reads the Danish letters, `;` as Danish Excel
expects) and XLSX. Every cell goes through `core.spreadsheet.safe_cell`: a name or an address
that starts with `=` is shown as text, never run as a formula."""

import csv
import io
from collections.abc import Sequence
from typing import Any

from forsyn.core.spreadsheet import safe_cell


def to_csv(header: Sequence[Any], rows: Sequence[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_cell(str(h)) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(title: str, header: Sequence[Any], rows: Sequence[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([safe_cell(str(h)) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
