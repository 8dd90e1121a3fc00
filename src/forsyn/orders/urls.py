from django.urls import path

from forsyn.orders import views

app_name = "portal"
urlpatterns = [
    path("", views.portal_home, name="home"),
    path("<int:citizen_id>/", views.products, name="products"),
    path("<int:citizen_id>/bekraeft/", views.confirm, name="confirm"),
    path("<int:citizen_id>/bestil/", views.place, name="place"),
    path("<int:citizen_id>/bestillinger/", views.history, name="history"),
    path("<int:citizen_id>/bestillinger/<int:order_id>/", views.receipt, name="receipt"),
    path("<int:citizen_id>/bestillinger/<int:order_id>/annuller/", views.cancel, name="cancel"),
]
