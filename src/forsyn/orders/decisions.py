"""Decisions on placed orders: approving or rejecting a held order (`order_decide`) and
cancelling (`order_cancel`), each under a row lock on the order and through the lifecycle."""

from django.db import transaction

from forsyn.access import policy
from forsyn.access.context import AccessContext
from forsyn.access.log import log_access
from forsyn.audit.choices import AccessAction
from forsyn.core.errors import DomainError, NotFound
from forsyn.orders.choices import CANCELLABLE, OrderKind, OrderStatus
from forsyn.orders.error_codes import ErrorCode
from forsyn.orders.lifecycle import order_transition
from forsyn.orders.lock_objects import orders_for_update
from forsyn.orders.models import Order


def _order_for_update(ctx: AccessContext, order_id: int) -> Order:
    order = orders_for_update(policy.orders_visible(ctx, Order.objects.filter(pk=order_id))).first()
    if order is None:
        raise NotFound
    return order


@transaction.atomic(durable=True)
def order_cancel(*, ctx: AccessContext, order_id: int, reason: str = "") -> Order:
    """The citizen, a representative, FSC or the paying organisation's staff cancel an order
    until it is picked."""
    order = _order_for_update(ctx, order_id)
    if not policy.may_cancel_order(ctx, payer_organisation_id=order.ordering_organisation_id):
        raise DomainError(
            "only the paying organisation or the service centre may cancel this order",
            code=ErrorCode.ORDER_CANCEL_FORBIDDEN,
            fields={"status": ErrorCode.ORDER_CANCEL_FORBIDDEN.error()},
        )
    # A purpose the caller must state and did not refuses the cancellation before anything moves.
    policy.purpose_for(ctx)
    if order.status not in CANCELLABLE:
        raise DomainError(
            "too late to cancel",
            code=ErrorCode.ORDER_NOT_CANCELLABLE,
            fields={
                "status": ErrorCode.ORDER_NOT_CANCELLABLE.error(
                    status=OrderStatus(order.status).label
                )
            },
        )
    order_transition(order, OrderStatus.CANCELLED, actor=ctx, message=reason.strip()[:500])
    _log_change(ctx, order, f"order {order.pk} cancelled")
    return order


@transaction.atomic(durable=True)
def order_decide(*, ctx: AccessContext, order_id: int, approve: bool, message: str) -> Order:
    """Approve or reject a held order; the message is shown to the citizen."""
    order = _order_for_update(ctx, order_id)
    if not policy.may_decide_orders_of(ctx, organisation_id=order.ordering_organisation_id):
        raise NotFound
    if order.kind == OrderKind.WARD and order.placed_by_id == ctx.user_id:
        raise DomainError(
            "a held ward order is approved by a colleague",
            code=ErrorCode.OWN_ORDER,
            fields={"status": ErrorCode.OWN_ORDER.error()},
        )
    if order.status != OrderStatus.AWAITING_APPROVAL:
        raise DomainError(
            "not awaiting approval",
            code=ErrorCode.ORDER_NOT_HELD,
            fields={
                "status": ErrorCode.ORDER_NOT_HELD.error(status=OrderStatus(order.status).label)
            },
        )
    message = message.strip()
    if not approve and not message:
        raise DomainError(
            "give a reason",
            code=ErrorCode.MESSAGE_REQUIRED,
            fields={"message": ErrorCode.MESSAGE_REQUIRED.error()},
        )
    order.decision_message = message[:2000]
    order_transition(
        order,
        OrderStatus.APPROVED if approve else OrderStatus.REJECTED,
        actor=ctx,
        message=message[:2000],
        also_update=["decision_message"],
    )
    verb = "approved" if approve else "rejected"
    # A decision is the decider's own case work: logged with their role's purpose, not with a
    # purpose stated for another page.
    _log_change(ctx.with_purpose(None), order, f"order {order.pk} {verb}")
    return order


def _log_change(ctx: AccessContext, order: Order, resource: str) -> None:
    """A decision on a citizen's order is a change of their data (ward orders have none)."""
    if order.citizen_id:
        log_access(
            ctx, citizen_ids=[order.citizen_id], action=AccessAction.CHANGE, resource=resource
        )
