"""The papers of a parcel (issue #10 §4), rendered with WeasyPrint:

- the delivery note, inside the parcel: the recipient's name, the orders and the products with
  lot, expiry and hole size — never the address;
- the shipping label, outside: sender, recipient's name and address (or parcel locker), the
  SSCC as a GS1-128 barcode and the tracking number — nothing about health or products. A
  protected address is printed here and nowhere else (pages show "Beskyttet adresse").

Reading either is a read of the citizen's data: one access-log entry each time.
"""

import io
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from forsyn.access import policy
from forsyn.access.context import AccessContext
from forsyn.access.log import log_access
from forsyn.audit.choices import AccessAction
from forsyn.core.errors import NotFound, PermissionDenied
from forsyn.fulfilment.models import Parcel, PickLine, Warehouse
from forsyn.fulfilment.sscc import sscc_hri

# What the access log says a warehouse operator reads names and addresses for.
WAREHOUSE_PURPOSE = "Pakning og forsendelse af bestilte produkter"


@dataclass(frozen=True)
class NoteLine:
    product: str
    gtin: str
    lot: str
    expiry: Any
    pieces: int
    hole_size_mm: int | None
    order_id: int


@dataclass(frozen=True)
class ParcelPapers:
    parcel: Parcel
    lines: list[NoteLine]
    order_ids: list[int]


def parcels_operated(ctx: AccessContext) -> Any:
    if not policy.may_operate_warehouse(ctx):
        raise PermissionDenied
    return Parcel.objects.filter(
        wave__warehouse__in=policy.warehouses_operated(ctx, Warehouse.objects.all())
    )


def log_recipients_read(*, ctx: AccessContext, parcels: list[Parcel], resource: str) -> None:
    """Names and addresses of citizens on a warehouse page or paper: one `view` entry per
    citizen, with the warehouse's purpose and the context's channel. Ward parcels go to a
    hospital unit, not a person."""
    citizen_ids = sorted({p.citizen_id for p in parcels if p.citizen_id is not None})
    if citizen_ids:
        log_access(
            ctx.with_purpose(WAREHOUSE_PURPOSE),
            citizen_ids=citizen_ids,
            action=AccessAction.VIEW,
            resource=resource,
        )


def parcel_papers(*, ctx: AccessContext, parcel_id: int, document: str) -> ParcelPapers:
    """A packed (or later) parcel with what it holds, logged as a read of its citizen."""
    parcel = (
        parcels_operated(ctx)
        .exclude(sscc="")
        .select_related("wave__warehouse")
        .filter(pk=parcel_id)
        .first()
    )
    if parcel is None:
        raise NotFound
    picked: dict[tuple[int, int], int] = defaultdict(int)
    rows = {}
    for pl in (
        PickLine.objects.filter(parcel=parcel, picked_quantity__gt=0)
        .select_related("lot", "order_line__product")
        .order_by("order_id", "order_line_id", "lot__expires_on", "pk")
    ):
        key = (pl.order_line_id, pl.lot_id)
        picked[key] += pl.picked_quantity or 0
        rows[key] = pl
    lines = [
        NoteLine(
            product=pl.order_line.product.name,
            gtin=pl.order_line.product.gtin,
            lot=pl.lot.lot_number,
            expiry=pl.lot.expires_on,
            pieces=picked[key],
            hole_size_mm=pl.hole_size_mm,
            order_id=pl.order_id,
        )
        for key, pl in rows.items()
    ]
    order_ids = sorted({ln.order_id for ln in lines})
    if document == "label":
        log_recipients_read(ctx=ctx, parcels=[parcel], resource=f"label: parcel {parcel.pk}")
    else:
        log_recipients_read(
            ctx=ctx,
            parcels=[parcel],
            resource=f"delivery note: parcel {parcel.pk}",
        )
    return ParcelPapers(parcel, lines, order_ids)


def barcode_svg(sscc: str) -> SafeString:
    """The SSCC as a GS1-128 barcode (AI 00), SVG for the label."""
    import barcode
    from barcode.writer import SVGWriter

    out = io.BytesIO()
    code = barcode.get("gs1_128", "00" + sscc, writer=SVGWriter())
    code.write(out, options={"module_width": 0.35, "module_height": 22, "write_text": False})
    svg = out.getvalue().decode()
    # Inline in the label's HTML: no XML prolog or DOCTYPE, and fill as attributes (WeasyPrint
    # does not read the `fill` property from a style attribute).
    svg = svg[svg.index("<svg") :]
    svg = svg.replace('style="fill:black;"', 'fill="black"').replace(
        'style="fill:white"', 'fill="white"'
    )
    return mark_safe(svg)  # noqa: S308 - built from our own SSCC's digits


def delivery_note_html(papers: ParcelPapers) -> str:
    return render_to_string(
        "fulfilment/delivery_note_pdf.html",
        {
            "parcel": papers.parcel,
            "lines": papers.lines,
            "orders": len(papers.order_ids),
            "numbers": ", ".join(str(i) for i in papers.order_ids),
            "sender": settings.FORSYN_PARCEL_SENDER,
            "printed_at": timezone.localtime(),
        },
    )


def label_html(papers: ParcelPapers) -> str:
    parcel = papers.parcel
    return render_to_string(
        "fulfilment/label_pdf.html",
        {
            "parcel": parcel,
            "sender": settings.FORSYN_PARCEL_SENDER,
            "barcode": barcode_svg(parcel.sscc),
            "hri": sscc_hri(parcel.sscc),
        },
    )


def to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
