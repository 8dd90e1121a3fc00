"""`{{ order|delivery_for:access }}`: where an order goes, or "Beskyttet adresse" when the
citizen's address is protected and the acting person (`access`, the request's access context)
may not see it. Every delivery of such a citizen is
hidden (another address or a parcel locker can give their whereabouts away too)."""

from django import template
from django.utils.translation import gettext as _

from forsyn.access import policy
from forsyn.access.context import AccessContext
from forsyn.orders.models import Order

register = template.Library()


@register.filter
def delivery_for(order: Order, ctx: AccessContext) -> str:
    citizen = order.citizen if order.citizen_id else None
    if citizen is not None and not policy.shows_address(ctx, citizen):
        return _("Protected address")
    if order.parcel_locker:
        return str(order.parcel_locker)
    if order.delivery_street:
        return f"{order.delivery_name}, {order.delivery_street}, {order.delivery_postcode} " + str(
            order.delivery_city
        )
    return str(order.delivery_name)


@register.filter
def hold_product(gtin: str, order: Order) -> str:
    """A hold reason names its product by name, not by GTIN (from the order's prefetched lines;
    the GTIN only if the line is not there)."""
    for line in order.lines.all():
        if line.product.gtin == gtin:
            return str(line.product.name)
    return gtin
