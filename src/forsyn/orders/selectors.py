"""Reads for ordering: the citizen's products with what can be ordered now, order history,
and the approval queue. Every read of a citizen goes through the policy and the access log."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from forsyn.access import policy
from forsyn.access.context import AccessContext
from forsyn.access.log import log_access
from forsyn.audit.choices import AccessAction
from forsyn.catalogue.choices import ProductStatus
from forsyn.catalogue.models import Product
from forsyn.citizens.models import Citizen
from forsyn.citizens.selectors import access_citizen
from forsyn.core.dates import DateRange, local_midnight
from forsyn.core.errors import NotFound
from forsyn.grants.choices import GrantStatus
from forsyn.grants.models import GrantLine
from forsyn.grants.rules import NON_COUNTING_ORDER_STATUSES
from forsyn.grants.selectors import orderable_grant_lines, ordered_pieces_by_line
from forsyn.orders import rules
from forsyn.orders.choices import OrderStatus
from forsyn.orders.models import Order, OrderingPolicy, OrderLine


@dataclass
class OrderableProduct:
    product: Product
    grant_line: GrantLine
    pieces_per_month: int
    months: int
    remaining_pieces: int
    next_order_on: dt.date
    free_choice_difference: Any
    hole_size_mm: int | None
    posted_units: str = ""
    replaces: Product | None = None  # the granted product it succeeds (assortment change)


@dataclass(frozen=True)
class Notice:
    """Something the citizen should know on "My products": why a product cannot be ordered."""

    code: str  # a rules.Refusal code
    area: str = ""
    reason: str = ""
    product: str = ""


def my_products(
    *,
    ctx: AccessContext,
    citizen_id: int,
    resource: str = "my products",
) -> tuple[Citizen, list[OrderableProduct], list[Notice]]:
    """The citizen's granted products (a category line expands to its active variants) with the
    pieces that can be ordered now without approval and the next date a full order fits, and
    notices about what cannot be ordered and why."""
    citizen = access_citizen(ctx=ctx, citizen_id=citizen_id, resource=resource)
    on = timezone.localdate()
    lines = list(
        orderable_grant_lines(citizen.pk, on)
        .select_related(
            "grant", "product", "product__category", "product__successor__category", "category"
        )
        .order_by("grant__legal_basis", "pk")
    )
    # One window policy per (municipality, area), read once: not one query per grant line.
    policies = {
        key: window_policy(*key)
        for key in {(gl.grant.granting_organisation_id, gl.grant.product_area_id) for gl in lines}
    }
    months_by_line = {}
    for gl in lines:
        policy_ = policies[gl.grant.granting_organisation_id, gl.grant.product_area_id]
        months_by_line[gl.pk] = rules.months_allowed(gl.grant.valid_from, on, policy_)
    longest = max(months_by_line.values(), default=1)
    window_start = local_midnight(rules.quota_window(on, longest).start)
    history: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for row in (
        OrderLine.objects.filter(
            grant_line__in=[gl.pk for gl in lines],
            order__placed_at__gte=window_start,
            order__replaces__isnull=True,  # a recall's replacement does not count (ADR 0028)
        )
        .exclude(order__status__in=NON_COUNTING_ORDER_STATUSES)
        .values("grant_line_id", "order__placed_at", "pieces")
    ):
        history[row["grant_line_id"]].append(
            (timezone.localdate(row["order__placed_at"]), row["pieces"])
        )
    category_ids = [gl.category_id for gl in lines if gl.category_id]
    variants: dict[int, list[Product]] = defaultdict(list)
    for p in Product.objects.filter(
        category_id__in=category_ids, status=ProductStatus.ACTIVE
    ).order_by("name"):
        variants[p.category_id].append(p)
    out: list[OrderableProduct] = []
    phased_out: list[str] = []
    seen: set[int] = set()
    for gl in lines:
        months = months_by_line[gl.pk]
        window = rules.quota_window(on, months)
        in_window = [(d, p) for d, p in history[gl.pk] if window.contains(d)]
        ordered = sum(p for _, p in in_window)
        replaces = None
        if gl.product is not None and gl.product.status != ProductStatus.ACTIVE:
            # Assortment change: the successor takes the phased-out product's place on the
            # grant; without an active successor nothing can be ordered (see portal_notices).
            successor = gl.product.successor
            if successor is None or successor.status != ProductStatus.ACTIVE:
                phased_out.append(gl.product.name)
                continue
            products: list[Product | None] = [successor]
            replaces = gl.product
        else:
            products = [gl.product] if gl.product else list(variants[gl.category_id or 0])
        for product in products:
            if product is None or product.pk in seen:
                continue
            seen.add(product.pk)
            out.append(
                OrderableProduct(
                    product=product,
                    grant_line=gl,
                    pieces_per_month=gl.pieces_per_month,
                    months=months,
                    remaining_pieces=rules.remaining_in_window(
                        pieces_per_month=gl.pieces_per_month,
                        ordered_in_window=ordered,
                        months=months,
                    ),
                    next_order_on=rules.next_order_date(
                        pieces_per_month=gl.pieces_per_month,
                        months=months,
                        on=on,
                        orders_in_window=in_window,
                    ),
                    free_choice_difference=gl.free_choice_price_difference
                    if gl.free_choice
                    else None,
                    hole_size_mm=gl.hole_size_mm,
                    replaces=replaces,
                )
            )
    return citizen, out, portal_notices(citizen, on, phased_out)


def order_queryset(*, ctx: AccessContext) -> QuerySet[Order]:
    """Orders `ctx` may see, not yet logged: the selectors below write the access log. With
    the parcels they left in (fulfilment's, read through the reverse relation `Order.parcels`
    so orders never imports fulfilment): packed or later, so each has an SSCC."""
    parcel_model: Any = Order._meta.get_field("parcels").related_model
    return policy.orders_visible(
        ctx, Order.objects.select_related("citizen", "ordering_organisation")
    ).prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.select_related("product").order_by("pk")),
        Prefetch("parcels", queryset=parcel_model.objects.exclude(sscc="").order_by("pk")),
    )


def log_orders_read(*, ctx: AccessContext, orders: list[Order], resource: str) -> None:
    """Showing orders is a read of each citizen they belong to (names, products, hold reasons,
    delivery): one `view` entry per citizen. Ward orders belong to no citizen."""
    citizen_ids = sorted({o.citizen_id for o in orders if o.citizen_id is not None})
    if not citizen_ids:
        return
    log_access(ctx, citizen_ids=citizen_ids, action=AccessAction.VIEW, resource=resource)


def order_get(
    *,
    ctx: AccessContext,
    order_id: int,
    resource: str,
    citizen_id: int | None = None,
) -> Order:
    """One order (of `citizen_id`, when given) through the policy, logged. NotFound when absent
    or not visible; DomainError (`purpose`) when the caller must state a purpose and did not."""
    qs = order_queryset(ctx=ctx).filter(pk=order_id)
    if citizen_id is not None:
        qs = qs.filter(citizen_id=citizen_id)
    order = qs.first()
    if order is None:
        raise NotFound
    log_orders_read(ctx=ctx, orders=[order], resource=resource)
    return order


def orders_for_citizen(
    *,
    ctx: AccessContext,
    citizen_id: int,
    resource: str = "order history",
) -> list[Order]:
    access_citizen(ctx=ctx, citizen_id=citizen_id, resource=resource)
    return list(order_queryset(ctx=ctx).filter(citizen_id=citizen_id).order_by("-placed_at", "-pk"))


def approvals(
    *,
    ctx: AccessContext,
    resource: str,
    order_id: int | None = None,
) -> list[Order]:
    """Held orders the caller may decide (their own organisation pays), or just `order_id`
    among them; each citizen shown is logged."""
    if not policy.may_decide_orders(ctx):
        return []
    qs = policy.orders_to_decide(ctx, order_queryset(ctx=ctx)).filter(
        status=OrderStatus.AWAITING_APPROVAL
    )
    if order_id is not None:
        qs = qs.filter(pk=order_id)
    orders = list(qs.order_by("placed_at", "pk"))
    log_orders_read(ctx=ctx, orders=orders, resource=resource)
    return orders


def portal_notices(citizen: Citizen, on: dt.date, phased_out: list[str]) -> list[Notice]:
    """Why some or all of a citizen's products cannot be ordered, for "My products": the
    citizen, grants paused or ended, and granted products phased out without a successor. The
    caller has already read the citizen through `access_citizen` (policy and access log)."""
    notices = [
        Notice(code=code)
        for code, _ in rules.check_citizen(
            deceased_on=citizen.deceased_on, moved_away_on=citizen.moved_away_on, on=on
        )
    ]
    grants = list(
        citizen.grants.select_related("product_area")
        .filter(status__in=[GrantStatus.ACTIVE, GrantStatus.SUSPENDED, GrantStatus.ENDED])
        .order_by("product_area__code", "-valid_from")
    )
    # One notice per area, and none for an area the citizen can still order in.
    done = {g.product_area_id for g in grants if g.status == GrantStatus.ACTIVE}
    for g in grants:
        if g.product_area_id in done:
            continue
        if g.status == GrantStatus.ENDED and g.updated_at.date() < on - dt.timedelta(days=365):
            continue
        done.add(g.product_area_id)
        notices.append(
            Notice(
                code=f"grant_{g.status}",
                area=g.product_area.name_da,
                reason=g.status_reason,
            )
        )
    notices += [
        Notice(code=rules.Refusal.PRODUCT_PHASED_OUT, product=name)
        for name in sorted(set(phased_out))
    ]
    return notices


# -- The order window: the municipality's policy and what was ordered in it ----------------


def window_policy(organisation_id: int, product_area_id: int) -> rules.WindowPolicy:
    row = OrderingPolicy.objects.filter(
        organisation_id=organisation_id, product_area_id=product_area_id
    ).first()
    if row is None:
        return rules.DEFAULT_POLICY
    return rules.WindowPolicy(row.first_period_months, row.early_max_months, row.later_max_months)


WINDOW_FIELDS = ("first_period_months", "early_max_months", "later_max_months")


def window_policy_annotations(organisation: str, product_area: str) -> dict[str, Subquery]:
    """The ordering policy of the organisation and product area a row names (field paths), as
    annotations `window_<field>`: placement reads them with the grant lines it locks, one
    statement less per order than `window_policy` (issue #9's benchmark)."""
    rows = OrderingPolicy.objects.filter(
        organisation_id=OuterRef(organisation), product_area_id=OuterRef(product_area)
    )
    return {f"window_{name}": Subquery(rows.values(name)[:1]) for name in WINDOW_FIELDS}


def window_policy_of(row: Any) -> rules.WindowPolicy:
    """The policy a row annotated by `window_policy_annotations` carries (defaults: none set)."""
    values = [getattr(row, f"window_{name}") for name in WINDOW_FIELDS]
    if values[0] is None:
        return rules.DEFAULT_POLICY
    return rules.WindowPolicy(*values)


def ordered_in_window(line_ids: list[int], window: DateRange) -> dict[int, int]:
    """Pieces ordered on each grant line in the order window (grants' one definition of what
    counts)."""
    return ordered_pieces_by_line(line_ids, window)
