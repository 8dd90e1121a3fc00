"""Warehouses and bins are set up in the admin; stock changes only through the services, so
lots and the ledger are read-only here."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from forsyn.fulfilment.models import (
    Location,
    ShelfLifeMinimum,
    StockLot,
    StockMove,
    UnitDeliveryAddress,
    Warehouse,
)


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin[Warehouse]):
    list_display = ("code", "name", "kind", "organisation")


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin[Location]):
    list_display = ("warehouse", "code", "route_order")
    list_filter = ("warehouse",)


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(StockLot)
class StockLotAdmin(ReadOnly, admin.ModelAdmin[StockLot]):
    list_display = (
        "product",
        "lot_number",
        "expires_on",
        "warehouse",
        "owner",
        "status",
        "on_hand_quantity",
        "allocated_quantity",
    )
    list_filter = ("warehouse", "status")
    search_fields = ("lot_number", "product__gtin")


@admin.register(StockMove)
class StockMoveAdmin(ReadOnly, admin.ModelAdmin[StockMove]):
    list_display = ("at", "kind", "lot", "on_hand_delta", "allocated_delta", "order", "actor")
    list_filter = ("kind",)
    list_select_related = ("lot", "actor")


@admin.register(ShelfLifeMinimum)
class ShelfLifeMinimumAdmin(admin.ModelAdmin[ShelfLifeMinimum]):
    """The minimum remaining shelf life per product area for a citizen's delivery and for a
    ward's bulk order (docs/adr/0027). Pauses, counts and recalls are worked on the staff and
    warehouse pages, not here: pauses and recall recipients are personal data."""

    list_display = ("product_area", "citizen_days", "ward_days")


# -- Waves and parcels (issue #10 §4–5): parcels hold names and addresses and are not in the
# admin (no access log there); a hospital unit's goods reception is set up here.
@admin.register(UnitDeliveryAddress)
class UnitDeliveryAddressAdmin(admin.ModelAdmin[UnitDeliveryAddress]):
    list_display = ("organisation", "name", "street", "postcode", "city")
    search_fields = ("organisation__name", "name")
