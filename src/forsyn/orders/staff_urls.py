"""Staff pages of ordering (outside the citizen portal's namespace): the approval queue and ward
stock. The caseworker's citizen page is fulfilment's (`fulfilment.citizen_page`)."""

from django.urls import path

from forsyn.orders.views import approval_queue, decide, ward_order

urlpatterns = [
    path("godkendelser/", approval_queue, name="approvals"),
    path("godkendelser/<int:order_id>/", decide, name="decide"),
    path("afdelingslager/", ward_order, name="ward-order"),
]
