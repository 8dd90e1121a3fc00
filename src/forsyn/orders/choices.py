from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    ALLOCATED = "allocated", _("Allocated")
    PICKED = "picked", _("Picked")
    PACKED = "packed", _("Packed")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")
    BACK_ORDERED = "back_ordered", _("Back ordered")


class OrderKind(models.TextChoices):
    CITIZEN = "citizen", _("Citizen order")
    WARD = "ward", _("Ward stock")


class Channel(models.TextChoices):
    WEB = "web", _("Citizen, web")
    REPRESENTATIVE = "representative", _("Representative, web")
    PHONE = "phone", _("Service centre, phone")
    NURSE = "nurse", _("Nurse")
    CASEWORKER = "caseworker", _("Caseworker")
    HOSPITAL = "hospital", _("Hospital")
    API = "api", _("API")
    RECALL = "recall", _("Replacement after a recall")


class DeliveryType(models.TextChoices):
    REGISTERED_ADDRESS = "registered_address", _("Registered address")
    OTHER_ADDRESS = "other_address", _("Another address")
    PARCEL_LOCKER = "parcel_locker", _("Parcel locker")


# Which status may follow which, through services only. Fulfilment adds two moves: a short pick
# sends an allocated order back to wait for stock (allocated -> back_ordered), and a parcel the
# carrier brings back cancels its shipped orders (shipped -> cancelled; docs/adr/0024). Neither
# is a cancellation people can ask for (CANCELLABLE).
TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.SUBMITTED: frozenset(
        {OrderStatus.AWAITING_APPROVAL, OrderStatus.APPROVED, OrderStatus.CANCELLED}
    ),
    OrderStatus.AWAITING_APPROVAL: frozenset(
        {OrderStatus.APPROVED, OrderStatus.REJECTED, OrderStatus.CANCELLED}
    ),
    OrderStatus.APPROVED: frozenset(
        {OrderStatus.ALLOCATED, OrderStatus.BACK_ORDERED, OrderStatus.CANCELLED}
    ),
    OrderStatus.BACK_ORDERED: frozenset({OrderStatus.ALLOCATED, OrderStatus.CANCELLED}),
    # Back to back_ordered when allocated stock is withdrawn (a recalled lot, a count that finds
    # less than was allocated) and cannot be replaced from other lots at once.
    OrderStatus.ALLOCATED: frozenset(
        {OrderStatus.PICKED, OrderStatus.BACK_ORDERED, OrderStatus.CANCELLED}
    ),
    OrderStatus.PICKED: frozenset({OrderStatus.PACKED}),
    OrderStatus.PACKED: frozenset({OrderStatus.SHIPPED}),
    OrderStatus.SHIPPED: frozenset({OrderStatus.DELIVERED, OrderStatus.CANCELLED}),
    OrderStatus.DELIVERED: frozenset(),
    OrderStatus.REJECTED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}
CANCELLABLE = frozenset(
    {
        OrderStatus.SUBMITTED,
        OrderStatus.AWAITING_APPROVAL,
        OrderStatus.APPROVED,
        OrderStatus.BACK_ORDERED,
        OrderStatus.ALLOCATED,
    }
)
