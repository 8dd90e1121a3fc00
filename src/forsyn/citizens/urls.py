from django.urls import path

from forsyn.citizens import views

urlpatterns = [
    path("borgere/", views.citizen_search_view, name="citizen-search"),
    path(
        "borgere/<int:citizen_id>/adgangslog/",
        views.citizen_access_log_view,
        name="citizen-access-log",
    ),
]
