from django.contrib.auth import views as auth_views
from django.urls import path

from forsyn.site import views
from forsyn.site.jobs import job_run_view, job_runs_view

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="site/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("tilgaengelighed/", views.accessibility, name="accessibility"),
    path("koersler/", job_runs_view, name="job-runs"),
    path("koersler/<int:run_id>/", job_run_view, name="job-run"),
]
