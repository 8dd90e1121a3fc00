"""Reads of grants, through the policy and the access log. Query counts are constant."""

import datetime as dt
from typing import Any

from django.db.models import IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from forsyn.access import policy
from forsyn.access.context import AccessContext
from forsyn.citizens.selectors import access_citizen
from forsyn.core.dates import DateRange, local_midnight, today
from forsyn.core.errors import NotFound
from forsyn.grants.choices import GrantStatus
from forsyn.grants.models import Grant, GrantEvent, GrantLine
from forsyn.grants.rules import (
    NON_COUNTING_ORDER_STATUSES,
    Quota,
    current_period,
    remaining_quantity,
)


def counted_order_lines(period: DateRange) -> QuerySet[Any]:
    """The order lines that count against grant lines' quotas in `period`: THE definition,
    used by the grant pages (`ordered_pieces_subquery`) and by ordering (the order window).
    A replacement after a recall (`order.replaces`) does not count: the citizen already
    counted the pieces it replaces (docs/adr/0028)."""
    order_line_model: Any = GrantLine._meta.get_field("order_lines").related_model
    assert period.end is not None  # noqa: S101 - quota periods and windows always end
    lines: QuerySet[Any] = order_line_model.objects.filter(
        order__placed_at__gte=local_midnight(period.start),
        order__placed_at__lt=local_midnight(period.end),
        order__replaces__isnull=True,
    ).exclude(order__status__in=NON_COUNTING_ORDER_STATUSES)
    return lines


def ordered_pieces_subquery(period: DateRange) -> Subquery:
    """Pieces ordered on a grant line in a period, for annotating GrantLine rows."""
    rows = (
        counted_order_lines(period)
        .filter(grant_line_id=OuterRef("pk"))
        .order_by()
        .values("grant_line_id")
        .annotate(total=Sum("pieces"))
        .values("total")
    )
    return Subquery(rows, output_field=IntegerField())


def ordered_pieces_by_line(line_ids: list[int], period: DateRange) -> dict[int, int]:
    """Pieces ordered on each of these grant lines in `period` (one query)."""
    rows = (
        counted_order_lines(period)
        .filter(grant_line_id__in=line_ids)
        .order_by()
        .values("grant_line_id")
        .annotate(total=Sum("pieces"))
    )
    return {r["grant_line_id"]: r["total"] for r in rows}


def orderable_grant_lines(citizen_id: int, on: dt.date) -> QuerySet[GrantLine]:
    """The citizen's grant lines that can be ordered on `on`: active lines of active grants valid
    that day. Ordering's one definition (My products and placement)."""
    return GrantLine.objects.filter(
        grant__citizen_id=citizen_id,
        is_active=True,
        grant__status=GrantStatus.ACTIVE,
        grant__valid_from__lte=on,
    ).filter(Q(grant__valid_until__isnull=True) | Q(grant__valid_until__gt=on))


def grant_lines_with_ordered(period: DateRange) -> QuerySet[GrantLine]:
    return (
        GrantLine.objects.filter(is_active=True)
        .select_related("product", "product__category", "category")
        .annotate(ordered_pieces=Coalesce(ordered_pieces_subquery(period), Value(0)))
        .order_by("pk")
    )


def line_quota(line: GrantLine, grant: Grant, period: DateRange) -> Quota:
    return remaining_quantity(
        pieces_per_month=line.pieces_per_month,
        grant_validity=DateRange(grant.valid_from, grant.valid_until),
        period=period,
        ordered_pieces=getattr(line, "ordered_pieces", 0),
    )


def _with_quotas(grants: list[Grant], period: DateRange) -> list[Grant]:
    for grant in grants:
        for line in grant.active_lines:  # type: ignore[attr-defined]
            quota = line_quota(line, grant, period) if grant.status == GrantStatus.ACTIVE else None
            line.remaining_pieces = quota.remaining_pieces if quota else 0
            line.granted_pieces = quota.granted_pieces if quota else 0
    return grants


def _grant_queryset(period: DateRange) -> QuerySet[Grant]:
    return Grant.objects.select_related("product_area", "granting_organisation").prefetch_related(
        Prefetch("lines", queryset=grant_lines_with_ordered(period), to_attr="active_lines")
    )


def grants_for_citizen(
    *,
    ctx: AccessContext,
    citizen_id: int,
    resource: str,
    period: DateRange | None = None,
) -> list[Grant]:
    """A citizen's grants with each line's remaining quantity in `period` (default: this
    month). Logged as an access to the citizen. NotFound outside the caller's policy."""
    citizen = access_citizen(ctx=ctx, citizen_id=citizen_id, resource=resource)
    period = period or current_period(today())
    grants = list(policy.grants_visible(ctx, _grant_queryset(period).filter(citizen_id=citizen.pk)))
    return _with_quotas(grants, period)


def grant_get(
    *,
    ctx: AccessContext,
    grant_id: int,
    resource: str,
    period: DateRange | None = None,
) -> Grant:
    citizen_id = (
        policy.grants_visible(ctx, Grant.objects.filter(pk=grant_id))
        .values_list("citizen_id", flat=True)
        .first()
    )
    if citizen_id is None:
        raise NotFound
    access_citizen(ctx=ctx, citizen_id=citizen_id, resource=resource)
    period = period or current_period(today())
    grant = _grant_queryset(period).select_related("citizen").get(pk=grant_id)
    return _with_quotas([grant], period)[0]


def grant_history(*, grant: Grant) -> QuerySet[GrantEvent]:
    return grant.events.select_related("actor").order_by("-at", "-pk")
