from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic.base import RedirectView

from forsyn.api import api
from forsyn.fulfilment import views_stock
from forsyn.fulfilment.citizen_page import citizen_detail_view

admin.site.site_header = _("forsyn administration")
admin.site.site_title = _("forsyn administration")
admin.site.index_title = _("Reference data, users, outbox and job runs")

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("analyse/", include("forsyn.economics.urls")),
    path("borger/", include("forsyn.orders.urls")),
    # Each app's pages, by path (names without a namespace, as templates use them).
    path("", include("forsyn.citizens.urls")),
    # The caseworker's citizen page: grants, orders and delivery pauses (fulfilment's).
    path("borgere/<int:citizen_id>/", citizen_detail_view, name="citizen-detail"),
    path("", include("forsyn.orders.staff_urls")),
    path("", include("forsyn.grants.urls")),
    path("", include("forsyn.catalogue.urls")),
    # The warehouse (/lager/...) and an order's fulfilment timeline (/ordrer/<id>/forloeb/).
    path("", include("forsyn.fulfilment.urls")),
    path("lager/", include("forsyn.fulfilment.urls_stock")),
    path(
        "borgere/<int:citizen_id>/pauser/",
        views_stock.citizen_pauses_view,
        name="citizen-pauses",
    ),
    # Browsers ask for /favicon.ico on pages without a <link rel="icon"> (API answers, files).
    path("favicon.ico", RedirectView.as_view(url=static("favicon.ico"), permanent=True)),
    path("", include("forsyn.saml.urls")),
    # The site shell: front page, log-in, accessibility statement, job runs.
    path("", include("forsyn.site.urls")),
]
