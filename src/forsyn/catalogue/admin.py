from django.contrib import admin

from forsyn.catalogue.models import Category, Participation, Product, ProductArea


@admin.register(ProductArea)
class ProductAreaAdmin(admin.ModelAdmin[ProductArea]):
    list_display = ("code", "name_da", "name_en")


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin[Participation]):
    list_display = ("organisation", "product_area", "go_live_on", "ends_on")
    list_filter = ("product_area",)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ("code", "name_da", "product_area", "iso9999")
    list_filter = ("product_area",)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin[Product]):
    list_display = ("gtin", "name", "category", "supplier", "pieces_per_unit", "status")
    list_filter = ("status", "category__product_area")
    search_fields = ("gtin", "name", "manufacturer")
    raw_id_fields = ("successor",)
