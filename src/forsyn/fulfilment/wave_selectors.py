"""Reads of waves, pick lists, hole-cutting, parcels and an order's fulfilment timeline
(issue #10 §4–5). Warehouse operators see delivery names and addresses of what they ship,
never CPR numbers, grants or health data beyond the products to pick; a protected address is
shown as such on pages and printed on the label only."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from forsyn.access import policy
from forsyn.access.context import AccessContext
from forsyn.core.errors import NotFound, PermissionDenied
from forsyn.fulfilment.choices import HoleCutStatus, ParcelStatus
from forsyn.fulfilment.documents import log_recipients_read
from forsyn.fulfilment.models import (
    HoleCutTask,
    Parcel,
    ParcelEvent,
    PickLine,
    Warehouse,
    Wave,
)
from forsyn.orders.choices import OrderStatus
from forsyn.orders.models import Order, OrderEvent
from forsyn.orders.selectors import order_get


def _operator(ctx: AccessContext) -> None:
    if not policy.may_operate_warehouse(ctx):
        raise PermissionDenied


def waves_visible(ctx: AccessContext) -> QuerySet[Wave]:
    _operator(ctx)
    return Wave.objects.filter(
        warehouse__in=policy.warehouses_operated(ctx, Warehouse.objects.all())
    )


def wave_get(*, ctx: AccessContext, wave_id: int) -> Wave:
    wave = waves_visible(ctx).select_related("warehouse").filter(pk=wave_id).first()
    if wave is None:
        raise NotFound
    return wave


@dataclass
class WaveSummary:
    wave: Wave
    orders: int
    lines: int
    lines_left: int
    to_cut: int
    parcels: int
    packed: int
    shipped: int


def waves_recent(*, ctx: AccessContext, limit: int = 20) -> list[WaveSummary]:
    """The newest waves of the warehouses `ctx` works in, with their progress: three
    queries whatever the number of waves."""
    waves = list(waves_visible(ctx).select_related("warehouse").order_by("-created_at", "-pk"))[
        :limit
    ]
    ids = [w.pk for w in waves]
    lines = {
        row["wave_id"]: row
        for row in PickLine.objects.filter(wave_id__in=ids)
        .values("wave_id")
        .annotate(
            n=Count("pk"),
            left=Count("pk", filter=Q(confirmed_at__isnull=True)),
            orders=Count("order_id", distinct=True),
        )
    }
    parcels: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in (
        Parcel.objects.filter(wave_id__in=ids).values("wave_id", "status").annotate(n=Count("pk"))
    ):
        parcels[row["wave_id"]][row["status"]] = row["n"]
    cuts = dict(
        HoleCutTask.objects.filter(wave_id__in=ids, status=HoleCutStatus.OPEN)
        .values("wave_id")
        .annotate(n=Count("pk"))
        .values_list("wave_id", "n")
    )
    out = []
    for w in waves:
        line = lines.get(w.pk, {"n": 0, "left": 0, "orders": 0})
        by = parcels[w.pk]
        out.append(
            WaveSummary(
                wave=w,
                orders=line["orders"],
                lines=line["n"],
                lines_left=line["left"],
                to_cut=cuts.get(w.pk, 0),
                parcels=sum(n for s, n in by.items() if s != ParcelStatus.CANCELLED),
                packed=by[ParcelStatus.PACKED],
                shipped=sum(
                    n
                    for s, n in by.items()
                    if s not in (ParcelStatus.PLANNED, ParcelStatus.PACKED, ParcelStatus.CANCELLED)
                ),
            )
        )
    return out


def wave_pick_lines(wave: Wave) -> list[PickLine]:
    """The pick list in route order: bin, product, lot, pieces; orders by number only."""
    return list(
        PickLine.objects.filter(wave=wave)
        .select_related("lot__product", "location", "parcel")
        .order_by("sequence", "pk")
    )


def wave_orders(wave: Wave) -> list[int]:
    """The orders the wave took."""
    return sorted(
        set(PickLine.objects.filter(wave=wave).values_list("order_id", flat=True).distinct())
    )


def wave_back_ordered(wave: Wave) -> list[int]:
    """Orders placed before the wave's cut-off that wait for stock now."""
    return list(
        Order.objects.filter(status=OrderStatus.BACK_ORDERED, placed_at__lt=wave.cutoff_at)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def pick_next(wave: Wave) -> PickLine | None:
    """The next line to pick: the first unconfirmed one in route order whose order is still
    to be picked."""
    return (
        PickLine.objects.filter(
            wave=wave, confirmed_at__isnull=True, order__status=OrderStatus.ALLOCATED
        )
        .select_related("lot__product", "location", "parcel", "order_line")
        .order_by("sequence", "pk")
        .first()
    )


def wave_hole_cut_tasks(wave: Wave) -> list[HoleCutTask]:
    return list(
        HoleCutTask.objects.filter(wave=wave)
        .select_related("product", "parcel", "order")
        .order_by("status", "parcel__number", "pk")
    )


@dataclass
class ParcelRow:
    parcel: Parcel
    order_ids: list[int]
    pieces: int
    open_cuts: int
    order_statuses: list[str] = field(default_factory=list)


def wave_parcels(*, ctx: AccessContext, wave: Wave, resource: str) -> list[ParcelRow]:
    """The wave's parcels with their orders; the names and addresses shown are a read of the
    citizens (logged). Four queries plus the log."""
    parcels = list(
        Parcel.objects.filter(wave=wave)
        .exclude(status=ParcelStatus.CANCELLED)
        .prefetch_related(Prefetch("orders", queryset=Order.objects.only("pk", "status")))
        .order_by("number", "pk")
    )
    pieces = dict(
        PickLine.objects.filter(wave=wave)
        .values("parcel_id")
        .annotate(n=Sum("quantity"))
        .values_list("parcel_id", "n")
    )
    cuts = dict(
        HoleCutTask.objects.filter(wave=wave, status=HoleCutStatus.OPEN)
        .values("parcel_id")
        .annotate(n=Count("pk"))
        .values_list("parcel_id", "n")
    )
    log_recipients_read(ctx=ctx, parcels=parcels, resource=resource)
    return [
        ParcelRow(
            parcel=p,
            order_ids=sorted(o.pk for o in p.orders.all()),
            pieces=pieces.get(p.pk, 0),
            open_cuts=cuts.get(p.pk, 0),
            order_statuses=sorted({o.status for o in p.orders.all()}),
        )
        for p in parcels
    ]


def returned_parcels(*, ctx: AccessContext, resource: str) -> list[Parcel]:
    """Parcels the carrier brought back that are not yet received back, in the warehouses
    `ctx` works in (logged: their names are shown)."""
    _operator(ctx)
    parcels = list(
        Parcel.objects.filter(
            wave__warehouse__in=policy.warehouses_operated(ctx, Warehouse.objects.all()),
            status=ParcelStatus.RETURNED,
            return_received_at__isnull=True,
        ).order_by("returned_at", "pk")
    )
    log_recipients_read(ctx=ctx, parcels=parcels, resource=resource)
    return parcels


def hole_cut_pieces(*, start: dt.date, end: dt.date) -> dict[int, int]:
    """Base plates cut in [start, end) per paying organisation: what billing counts."""
    rows = (
        HoleCutTask.objects.filter(
            status=HoleCutStatus.DONE, done_at__date__gte=start, done_at__date__lt=end
        )
        .values("paying_organisation_id")
        .annotate(n=Sum("cut_quantity"))
        .values_list("paying_organisation_id", "n")
    )
    return {org: int(n) for org, n in rows}


# -- An order's fulfilment timeline (staff) ---------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    what: Any  # a label in the reader's language
    status: str  # for the badge
    detail: str = ""


SOURCE_LABELS = {"warehouse": _("Warehouse"), "carrier": _("Carrier")}


def order_timeline(
    *, ctx: AccessContext, order_id: int, resource: str
) -> tuple[Order, list[Parcel], list[TimelineEntry]]:
    """The order (through the policy, logged) with its status changes and its parcels' events,
    oldest first."""
    order = order_get(ctx=ctx, order_id=order_id, resource=resource)
    events = list(OrderEvent.objects.filter(order=order).order_by("at", "pk"))
    parcels = list(Parcel.objects.filter(links__order=order).exclude(sscc="").order_by("pk"))
    parcel_events = list(
        ParcelEvent.objects.filter(parcel__in=parcels).select_related("parcel").order_by("at", "pk")
    )
    entries = [
        TimelineEntry(e.at, OrderStatus(e.to_status).label, e.to_status, e.message) for e in events
    ] + [
        TimelineEntry(
            e.at,
            ParcelStatus(e.status).label,
            e.status,
            f"{_('Parcel')} {e.parcel.sscc or e.parcel.pk} · "
            f"{SOURCE_LABELS.get(e.source, e.source)}",
        )
        for e in parcel_events
    ]
    entries.sort(key=lambda e: e.at)
    return order, parcels, entries
