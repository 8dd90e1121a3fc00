"""The citizen's notice when a parcel ships (outbox `parcel.shipped`; registered from
FulfilmentConfig.ready). E-mail now; an SMS adapter can register for the same topic later.

The notice says that a parcel is on its way, with its tracking number and the order numbers,
and nothing about what is in it: an e-mail may be read by others, so no product names.
"""

from collections.abc import Mapping
from typing import Any

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from forsyn.core.outbox import register
from forsyn.fulfilment.models import Parcel
from forsyn.fulfilment.shipping import PARCEL_SHIPPED


@register(PARCEL_SHIPPED, name="fulfilment.shipping_notice")
def send_shipping_notice(payload: Mapping[str, Any]) -> None:
    """Idempotent enough for at-least-once delivery: the outbox row, once done, is the record
    that the notice went; a failing mail server raises and the outbox retries."""
    parcel = (
        Parcel.objects.select_related("citizen")
        .prefetch_related("orders")
        .filter(pk=payload["parcel"])
        .first()
    )
    if parcel is None or parcel.citizen is None or not parcel.citizen.email:
        return
    order_ids = sorted(o.pk for o in parcel.orders.all())
    with translation.override("da"):
        context = {
            "parcel": parcel,
            "citizen": parcel.citizen,
            "orders": len(order_ids),
            "numbers": ", ".join(str(i) for i in order_ids),
        }
        subject = render_to_string("fulfilment/email/shipped_subject.txt", context).strip()
        body = render_to_string("fulfilment/email/shipped.txt", context)
    send_mail(subject=subject, message=body, from_email=None, recipient_list=[parcel.citizen.email])
