from django.urls import path

from forsyn.grants import views

urlpatterns = [
    path(
        "borgere/<int:citizen_id>/bevillinger/ny/",
        views.grant_create_view,
        name="grant-create",
    ),
    path("bevillinger/<int:grant_id>/", views.grant_detail_view, name="grant-detail"),
    path("bevillinger/<int:grant_id>/rediger/", views.grant_edit_view, name="grant-edit"),
    path("bevillinger/<int:grant_id>/status/", views.grant_status_view, name="grant-status"),
]
