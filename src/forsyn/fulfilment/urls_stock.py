"""The warehouse's stock pages under /lager/ (namespace `stock`)."""

from django.urls import path

from forsyn.fulfilment import views_stock

app_name = "stock"
urlpatterns = [
    path("oversigt/", views_stock.home, name="home"),
    path("modtagelse/", views_stock.receive, name="receive"),
    path("advis/", views_stock.notices, name="notices"),
    path("advis/<int:notice_id>/", views_stock.notice, name="notice"),
    path("beholdning/", views_stock.stock, name="stock"),
    path("optaelling/", views_stock.counts, name="counts"),
    path("optaelling/<int:count_id>/", views_stock.count, name="count"),
    path("tilbagekaldelser/", views_stock.recalls, name="recalls"),
    path("tilbagekaldelser/<int:recall_id>/", views_stock.recall, name="recall"),
    path("genbestilling/", views_stock.replenish, name="replenishment"),
]
