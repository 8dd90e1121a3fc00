from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic.base import RedirectView

from forsyn.api import api
from forsyn.orders.views import approval_queue, decide, ward_order

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("analyse/", include("forsyn.economics.urls")),
    path("borger/", include("forsyn.orders.urls")),
    path("godkendelser/", approval_queue, name="approvals"),
    path("godkendelser/<int:order_id>/", decide, name="decide"),
    path("afdelingslager/", ward_order, name="ward-order"),
    # Browsers ask for /favicon.ico on pages without a <link rel="icon"> (API answers, files).
    path("favicon.ico", RedirectView.as_view(url=static("favicon.ico"), permanent=True)),
    path("", include("forsyn.saml.urls")),
    path("", include("forsyn.web.urls")),
]
