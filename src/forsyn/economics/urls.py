from django.urls import path

from forsyn.economics import views

app_name = "economics"
urlpatterns = [
    path("", views.index, name="index"),
    path("forbrug/", views.consumption, name="consumption"),
    path("forbrug/fil/<int:upload_id>/", views.upload_status, name="upload"),
    path("gevinster/", views.gains, name="gains"),
    path("<slug:slug>/", views.calculation, name="calculation"),
]
