from django.contrib import admin

from forsyn.contracts.models import Contract, Lot, PriceListEntry, Tender


@admin.register(Tender)
class TenderAdmin(admin.ModelAdmin[Tender]):
    list_display = ("reference", "name", "product_area", "published_on")


@admin.register(Lot)
class LotAdmin(admin.ModelAdmin[Lot]):
    list_display = ("tender", "number", "name")


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin[Contract]):
    list_display = (
        "reference",
        "lot",
        "supplier",
        "starts_on",
        "ends_on",
        "extended_until",
        "rank",
    )


@admin.register(PriceListEntry)
class PriceListEntryAdmin(admin.ModelAdmin[PriceListEntry]):
    list_display = ("product", "contract", "price", "valid_from", "valid_until")
    raw_id_fields = ("product",)
