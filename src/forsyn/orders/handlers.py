"""What ordering does when the outbox delivers its events (registered in OrdersConfig.ready)."""

from collections.abc import Mapping
from typing import Any

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from forsyn.core.outbox import register
from forsyn.orders.models import Order
from forsyn.orders.placement import ORDER_PLACED


@register(ORDER_PLACED, name="receipt")
def send_order_receipt(payload: Mapping[str, Any]) -> None:
    """The citizen's receipt e-mail, in Danish. A failing mail server raises: the outbox
    retries with back-off and keeps the failure visible; the order itself is never touched.
    The outbox row, once done, is the record that the receipt was sent."""
    order = (
        Order.objects.select_related("citizen")
        .prefetch_related("lines__product")
        .filter(pk=payload["order"])
        .first()
    )
    if order is None or order.citizen is None or not order.citizen.email:
        return
    with translation.override("da"):
        context = {"order": order, "citizen": order.citizen, "lines": order.lines.all()}
        subject = render_to_string("orders/email/receipt_subject.txt", context).strip()
        body = render_to_string("orders/email/receipt.txt", context)
    send_mail(subject=subject, message=body, from_email=None, recipient_list=[order.citizen.email])
