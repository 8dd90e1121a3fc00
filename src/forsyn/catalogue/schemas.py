from typing import Any

from ninja import Schema

from forsyn.catalogue.models import Product


class ProductOut(Schema):
    gtin: str
    name: str
    category: str
    product_area: str
    manufacturer: str
    order_unit: str
    pieces_per_unit: int
    size: str
    cut_min_mm: int | None
    cut_max_mm: int | None
    convexity: str
    outlet: str
    status: str
    successor: str | None


def product_out(p: Product) -> dict[str, Any]:
    return {
        "gtin": p.gtin,
        "name": p.name,
        "category": p.category.code,
        "product_area": p.category.product_area.code,
        "manufacturer": p.manufacturer,
        "order_unit": p.order_unit,
        "pieces_per_unit": p.pieces_per_unit,
        "size": p.size,
        "cut_min_mm": p.cut_min_mm,
        "cut_max_mm": p.cut_max_mm,
        "convexity": p.convexity,
        "outlet": p.outlet,
        "status": p.status,
        "successor": p.successor.gtin if p.successor_id and p.successor else None,
    }
