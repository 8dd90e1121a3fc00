from django.contrib.auth import views as auth_views
from django.urls import path

from forsyn.web import views
from forsyn.web.jobs import job_run_view, job_runs_view

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("tilgaengelighed/", views.accessibility, name="accessibility"),
    path("borgere/", views.citizen_search_view, name="citizen-search"),
    path("borgere/<int:citizen_id>/", views.citizen_detail_view, name="citizen-detail"),
    path(
        "borgere/<int:citizen_id>/adgangslog/",
        views.citizen_access_log_view,
        name="citizen-access-log",
    ),
    path(
        "borgere/<int:citizen_id>/bevillinger/ny/",
        views.grant_create_view,
        name="grant-create",
    ),
    path("bevillinger/<int:grant_id>/", views.grant_detail_view, name="grant-detail"),
    path("bevillinger/<int:grant_id>/rediger/", views.grant_edit_view, name="grant-edit"),
    path("bevillinger/<int:grant_id>/status/", views.grant_status_view, name="grant-status"),
    path("produkter/", views.product_list_view, name="product-list"),
    path("koersler/", job_runs_view, name="job-runs"),
    path("koersler/<int:run_id>/", job_run_view, name="job-run"),
]
