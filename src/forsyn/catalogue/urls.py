from django.urls import path

from forsyn.catalogue import views

urlpatterns = [
    path("produkter/", views.product_list_view, name="product-list"),
]
