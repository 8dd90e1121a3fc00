"""Replacement orders (issue #10 §6): after a recall, the goods a citizen or hospital unit got
from a recalled lot are sent again. A replacement copies the order that received them — the
citizen or unit, the payer, the delivery address, the grant lines and hole sizes — for the
pieces given, is approved at once (it replaces goods already granted and counted), points to
the order it replaces, and does not count against the grant's quota (docs/adr/0028)."""

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from forsyn.access import policy
from forsyn.access.context import AccessContext
from forsyn.access.log import log_access
from forsyn.audit.choices import AccessAction
from forsyn.core.errors import DomainError, NotFound
from forsyn.orders import rules
from forsyn.orders.choices import Channel, OrderKind, OrderStatus
from forsyn.orders.error_codes import ErrorCode
from forsyn.orders.lifecycle import order_record_placement
from forsyn.orders.lock_objects import orders_by_id_for_update
from forsyn.orders.models import Order, OrderLine


@dataclass(frozen=True)
class ReplacementLine:
    order_line_id: int  # a line of the order being replaced
    pieces: int


@transaction.atomic
def order_replacement_place(
    *,
    ctx: AccessContext,
    replaces_order_id: int,
    lines: Sequence[ReplacementLine],
    note: str,
    now: dt.datetime | None = None,
) -> Order:
    """Place an approved replacement of `lines` of order `replaces_order_id`. `note` is the
    placement event's message (why); the access log's purpose is `ctx`'s. The caller holds any
    lock that makes a second replacement of the same goods impossible (the recall's recipient
    row)."""
    if not policy.may_order_replacement(ctx):
        raise DomainError(
            "you may not order replacements",
            code=ErrorCode.ORDER_FORBIDDEN,
            fields={"order": ErrorCode.ORDER_FORBIDDEN.error()},
        )
    locked = orders_by_id_for_update([replaces_order_id])
    if not locked:
        raise NotFound
    original = locked[0]
    by_id = {ln.pk: ln for ln in OrderLine.objects.filter(order=original).select_related("product")}
    wanted = [(by_id.get(ln.order_line_id), ln.pieces) for ln in lines]
    if not wanted or any(line is None or pieces < 1 for line, pieces in wanted):
        raise DomainError(
            "nothing to replace",
            code=ErrorCode.NO_LINES,
            fields={"lines": ErrorCode.NO_LINES.error()},
        )
    moment = now or timezone.now()
    order = Order.objects.create(
        kind=original.kind,
        citizen_id=original.citizen_id,
        ordering_organisation_id=original.ordering_organisation_id,
        status=OrderStatus.APPROVED,
        channel=Channel.RECALL,
        placed_at=moment,
        placed_by_id=ctx.user_id,
        acting_for=f"{ctx.display_name} ({ctx.organisation_name})"
        if ctx.organisation_id is not None
        else ctx.display_name,
        delivery_type=original.delivery_type,
        delivery_name=original.delivery_name,
        delivery_street=original.delivery_street,
        delivery_postcode=original.delivery_postcode,
        delivery_city=original.delivery_city,
        parcel_locker=original.parcel_locker,
        delivery_on=rules.first_delivery_date(timezone.localtime(moment)),
        replaces=original,
    )
    order.placed_lines = OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            grant_line_id=line.grant_line_id,
            product_id=line.product_id,
            order_units=max(1, math.ceil(pieces / max(line.product.pieces_per_unit, 1))),
            pieces=pieces,
            hole_size_mm=line.hole_size_mm,
        )
        for line, pieces in wanted
        if line is not None
    )
    order_record_placement(order, actor=ctx, decided_by=None, note=note, at=moment)
    if original.kind == OrderKind.CITIZEN and original.citizen_id is not None:
        log_access(
            ctx,
            citizen_ids=[original.citizen_id],
            action=AccessAction.CREATE,
            resource=f"order {order.pk}",
        )
    return order
