"""Background work for orders (Celery; eager in the embedded default)."""

import logging
import smtplib
from typing import Any

from celery import shared_task
from django.core.mail import send_mail

from forsyn.orders.choices import OrderStatus
from forsyn.orders.models import Order

log = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def send_order_receipt(self: Any, order_id: int) -> None:
    """The citizen's receipt e-mail. A failing mail server never undoes or fails the order:
    a worker retries; run eagerly (the demo) the failure is logged without personal data."""
    order = Order.objects.select_related("citizen").filter(pk=order_id).first()
    if order is None or order.citizen is None or not order.citizen.email:
        return
    lines = "\n".join(
        f"  {ln.order_units} × {ln.product.name} ({ln.pieces} stk.)"
        for ln in order.lines.select_related("product").order_by("pk")
    )
    status = "afventer godkendelse" if order.status == OrderStatus.AWAITING_APPROVAL else "godkendt"
    try:
        send_mail(
            subject=f"Kvittering for din bestilling nr. {order.pk}",
            message=(
                f"Kære {order.citizen.first_name}\n\nVi har modtaget din bestilling nr. "
                f"{order.pk} ({status}).\n\n{lines}\n\nForventet levering: "
                f"{order.delivery_on}.\n\nVenlig hilsen\nFælles Service Center"
            ),
            from_email=None,
            recipient_list=[order.citizen.email],
        )
    except (OSError, smtplib.SMTPException) as exc:
        if self.request.is_eager:
            log.warning("receipt for order %s not sent: %s", order.pk, type(exc).__name__)
            return
        raise self.retry(exc=exc) from exc
