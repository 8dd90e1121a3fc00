from django.urls import path

from forsyn.fulfilment import views

app_name = "fulfilment"
urlpatterns = [
    path("lager/", views.home, name="home"),
    path("lager/koersel/<int:run_id>/", views.wave_run, name="wave-run"),
    path("lager/modtag/", views.receive, name="receive"),
    path("lager/retur/", views.returns, name="returns"),
    path("lager/boelger/<int:wave_id>/", views.wave, name="wave"),
    path("lager/boelger/<int:wave_id>/pluk/", views.pick, name="pick"),
    path("lager/boelger/<int:wave_id>/hulklip/", views.hole_cutting, name="hole-cutting"),
    path("lager/boelger/<int:wave_id>/pak/", views.pack, name="pack"),
    path("lager/boelger/<int:wave_id>/send/", views.ship, name="ship"),
    path(
        "lager/pakker/<int:parcel_id>/foelgeseddel.pdf",
        views.delivery_note,
        name="delivery-note",
    ),
    path("lager/pakker/<int:parcel_id>/label.pdf", views.label, name="label"),
    path("ordrer/<int:order_id>/forloeb/", views.timeline, name="timeline"),
]
