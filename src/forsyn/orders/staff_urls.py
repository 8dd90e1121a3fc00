"""Staff pages of ordering (outside the citizen portal's namespace): the caseworker's citizen
page, the approval queue and ward stock."""

from django.urls import path

from forsyn.orders.citizen_page import citizen_detail_view
from forsyn.orders.views import approval_queue, decide, ward_order

urlpatterns = [
    path("borgere/<int:citizen_id>/", citizen_detail_view, name="citizen-detail"),
    path("godkendelser/", approval_queue, name="approvals"),
    path("godkendelser/<int:order_id>/", decide, name="decide"),
    path("afdelingslager/", ward_order, name="ward-order"),
]
