"""Placing orders: a citizen's order under the order rules (`order_place`) and a hospital
ward's stock order (`ward_order_place`). Each is idempotent by its Idempotency-Key, takes its
locks in the documented order (grant lines, then the new order, then the access-log head) and
records its events through `orders.lifecycle`; the receipt e-mail goes through the outbox."""

import datetime as dt
import hashlib
import json
import statistics
from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from forsyn.access import policy
from forsyn.access.context import AccessContext
from forsyn.access.log import log_access
from forsyn.audit.choices import AccessAction
from forsyn.catalogue.choices import ProductStatus
from forsyn.catalogue.models import Product
from forsyn.catalogue.selectors import participations_on
from forsyn.citizens.models import Citizen
from forsyn.core.errors import DomainError, FieldError, NotFound, PermissionDenied
from forsyn.core.identifiers import clean_gtin
from forsyn.core.outbox import outbox_record
from forsyn.grants.choices import GrantStatus, LegalBasis
from forsyn.grants.models import GrantLine
from forsyn.grants.selectors import orderable_grant_lines
from forsyn.orders import rules
from forsyn.orders.choices import (
    Channel,
    DeliveryType,
    OrderKind,
    OrderStatus,
)
from forsyn.orders.error_codes import ErrorCode
from forsyn.orders.lifecycle import order_record_placement
from forsyn.orders.models import Order, OrderLine
from forsyn.orders.selectors import (
    ordered_in_window,
    window_policy_annotations,
    window_policy_of,
)

ORDER_PLACED = "order.placed"

MAX_ORDER_UNITS = 999


@dataclass(frozen=True)
class LineInput:
    gtin: str
    order_units: int


@dataclass(frozen=True)
class DeliveryInput:
    type: str = DeliveryType.REGISTERED_ADDRESS
    name: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    parcel_locker: str = ""


def check_delivery(delivery: DeliveryInput, errors: dict[str, FieldError]) -> None:
    if delivery.type not in DeliveryType.values:
        errors["delivery.type"] = ErrorCode.CHOICE_UNKNOWN.error(
            choices=", ".join(DeliveryType.values)
        )
    elif delivery.type == DeliveryType.OTHER_ADDRESS:
        for key in ("name", "street", "city"):
            if not getattr(delivery, key).strip():
                errors[f"delivery.{key}"] = ErrorCode.REQUIRED_FOR_OTHER_ADDRESS.error()
        if not (len(delivery.postcode) == 4 and delivery.postcode.isdigit()):
            errors["delivery.postcode"] = ErrorCode.POSTCODE_INVALID.error()
    elif delivery.type == DeliveryType.PARCEL_LOCKER and not delivery.parcel_locker.strip():
        errors["delivery.parcel_locker"] = ErrorCode.PARCEL_LOCKER_REQUIRED.error()


def _clean_lines(lines: list[LineInput], errors: dict[str, FieldError]) -> list[str]:
    """Each line's GTIN ("" where invalid) and the products they name, one query; errors per
    line (`lines[i].gtin`, `lines[i].order_units`) and for a product given twice."""
    gtins: list[str] = []
    for i, line in enumerate(lines):
        try:
            gtins.append(clean_gtin(line.gtin))
        except ValueError:
            errors[f"lines[{i}].gtin"] = ErrorCode.GTIN_INVALID.error()
            gtins.append("")
        if not 1 <= line.order_units <= MAX_ORDER_UNITS:
            errors[f"lines[{i}].order_units"] = ErrorCode.UNITS_OUT_OF_RANGE.error(
                max=MAX_ORDER_UNITS
            )
    if not lines:
        errors["lines"] = ErrorCode.NO_LINES.error()
    elif len(set(gtins)) != len(gtins):
        errors["lines"] = ErrorCode.PRODUCT_TWICE.error()
    return gtins


def _products_by_gtin(gtins: list[str]) -> dict[str, Product]:
    return {
        p.gtin: p
        # The successor is read only for the refusal of a phased-out product (rare).
        for p in Product.objects.filter(gtin__in=[g for g in gtins if g])
    }


def request_digest(**request: Any) -> str:
    """SHA-256 of the canonical form of what an order request asks for, stored with its
    idempotency key so that a key reused for a different request is refused."""
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replayed(ctx: AccessContext, key: str, digest: str) -> Order | None:
    """The first order placed with `key`, or None; DomainError if `key` came with another
    request (a client bug that would otherwise silently drop the second order)."""
    if not key or ctx.user_id is None:
        return None
    first = Order.objects.filter(placed_by_id=ctx.user_id, idempotency_key=key).first()
    if first is not None and first.request_digest and first.request_digest != digest:
        raise DomainError(
            "Idempotency-Key reused with a different request",
            code=ErrorCode.IDEMPOTENCY_KEY_REUSED,
            fields={"Idempotency-Key": ErrorCode.IDEMPOTENCY_KEY_REUSED.error()},
        )
    return first


def _replay_or_raise(
    exc: Exception, ctx: AccessContext, key: str, digest: str
) -> tuple[Order, bool]:
    """After a refused or conflicting placement: the first order placed with `key` (a retry,
    created = False), or the refusal itself. Placement does not look the key up first: the
    unique constraint on (placed_by, idempotency_key) finds a retry at the INSERT, and only a
    retry or a refusal pays for the look-up (issue #9's benchmark)."""
    first = _replayed(ctx, key, digest)
    if first is None:
        raise exc
    return first, False


def _resolve(
    citizen: Citizen, lines: list[LineInput], on: dt.date, errors: dict[str, FieldError]
) -> list[tuple[LineInput, Product, GrantLine]]:
    gtins = _clean_lines(lines, errors)
    products = _products_by_gtin(gtins)
    # The citizen's orderable grant lines, locked (pk order) so that two simultaneous orders
    # see each other's pieces, and whether the payer takes part in the area today.
    grant_lines = list(
        orderable_grant_lines(citizen.pk, on)
        .annotate(
            participating=Exists(
                participations_on(on).filter(
                    organisation_id=OuterRef("grant__granting_organisation_id"),
                    product_area_id=OuterRef("grant__product_area_id"),
                )
            ),
            **window_policy_annotations(
                "grant__granting_organisation_id", "grant__product_area_id"
            ),
        )
        .select_related("grant", "product")
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    # The municipality's permanent grant first; the hospital's temporary one until it exists.
    grant_lines.sort(key=lambda gl: (gl.grant.legal_basis != LegalBasis.SEL_112, gl.pk))
    resolved: list[tuple[LineInput, Product, GrantLine]] = []
    for i, (line, gtin) in enumerate(zip(lines, gtins, strict=True)):
        if not gtin:
            continue
        product = products.get(gtin)
        if product is None:
            errors[f"lines[{i}].gtin"] = ErrorCode.PRODUCT_UNKNOWN.error(gtin=gtin)
            continue
        if product.status != ProductStatus.ACTIVE:
            errors[f"lines[{i}].gtin"] = (
                ErrorCode.PRODUCT_REPLACED.error(
                    product=product.name,
                    successor=product.successor.name,
                    gtin=product.successor.gtin,
                )
                if product.successor
                else ErrorCode.PRODUCT_PHASED_OUT.error(product=product.name)
            )
            continue
        match = next(
            (
                gl
                for gl in grant_lines
                if gl.product_id == product.pk
                or gl.category_id == product.category_id
                or (gl.product is not None and gl.product.successor_id == product.pk)
            ),
            None,
        )
        if match is None:
            errors[f"lines[{i}].gtin"] = ErrorCode.NOT_GRANTED.error(product=product.name)
            continue
        resolved.append((line, product, match))
    return resolved


def order_place(
    *,
    ctx: AccessContext,
    citizen_id: int,
    lines: list[LineInput],
    delivery: DeliveryInput,
    idempotency_key: str = "",
    now: dt.datetime | None = None,
) -> tuple[Order, bool]:
    """Place an order for a citizen under the order rules. Returns (order, created): a retry
    with the same idempotency key returns the first order. Refusals raise DomainError (422)
    naming the field; orders over the quota or window are held for approval. The access log
    records the context's channel (`api` from the JSON API); the order's own `channel` (web,
    phone, ...) follows from who acts (`policy.ordered_by`)."""
    key = idempotency_key.strip()[:100]
    digest = request_digest(
        citizen=citizen_id,
        lines=sorted((ln.gtin, ln.order_units) for ln in lines),
        delivery=asdict(delivery),
    )
    try:
        order = _order_place(
            ctx=ctx,
            citizen_id=citizen_id,
            lines=lines,
            delivery=delivery,
            key=key,
            digest=digest,
            now=now,
        )
    except (DomainError, NotFound, IntegrityError) as exc:
        return _replay_or_raise(exc, ctx, key, digest)
    return order, True


@transaction.atomic(durable=True)
def _order_place(
    *,
    ctx: AccessContext,
    citizen_id: int,
    lines: list[LineInput],
    delivery: DeliveryInput,
    key: str,
    digest: str,
    now: dt.datetime | None,
) -> Order:
    if not policy.may_order_for(ctx):
        raise DomainError(
            "you may not order",
            code=ErrorCode.ORDER_FORBIDDEN,
            fields={"citizen": ErrorCode.ORDER_FORBIDDEN.error()},
        )
    citizen = policy.citizens_visible(ctx, Citizen.objects.filter(pk=citizen_id)).first()
    if citizen is None:
        raise NotFound
    now = now or timezone.now()
    on = timezone.localdate(now)
    errors: dict[str, FieldError] = {}
    for code, _message in rules.check_citizen(
        deceased_on=citizen.deceased_on, moved_away_on=citizen.moved_away_on, on=on
    ):
        errors["citizen"] = ErrorCode(code).error()
    check_delivery(delivery, errors)
    resolved = _resolve(citizen, lines, on, errors)
    payers = {gl.grant.granting_organisation_id for _, _, gl in resolved}
    if len(payers) > 1:
        errors["lines"] = ErrorCode.SEVERAL_PAYERS.error()
    if errors:
        raise DomainError("invalid order", code=ErrorCode.ORDER_INVALID, fields=errors)

    line_ids = sorted({gl.pk for _, _, gl in resolved})
    grant = resolved[0][2].grant
    window_rules = window_policy_of(resolved[0][2])
    months = rules.months_allowed(grant.valid_from, on, window_rules)
    counted = ordered_in_window(line_ids, rules.quota_window(on, months))
    pieces_by_line: dict[int, int] = defaultdict(int)
    for line, product, gl in resolved:
        pieces_by_line[gl.pk] += line.order_units * product.pieces_per_unit
    requests = [
        rules.LineRequest(
            gtin=product.gtin,
            pieces=pieces_by_line[gl.pk],
            pieces_per_month=gl.pieces_per_month,
            ordered_in_window=counted.get(gl.pk, 0),
        )
        for line, product, gl in resolved
    ]
    decision = rules.decide(
        grant=rules.GrantFacts(
            status=grant.status,
            valid_from=grant.valid_from,
            valid_until=grant.valid_until,
            participating=resolved[0][2].participating,  # type: ignore[attr-defined]
        ),
        lines=requests,
        on=on,
        policy=window_rules,
    )
    if decision.refused:
        raise DomainError(
            "the order cannot be placed",
            code=ErrorCode.ORDER_REFUSED,
            fields={
                "lines": [
                    ErrorCode(code).error(status=GrantStatus(grant.status).label)
                    if code == ErrorCode.GRANT_NOT_ACTIVE
                    else ErrorCode(code).error()
                    for code, _ in decision.refusals
                ]
            },
        )

    who = policy.ordered_by(ctx, citizen_cpr=citizen.cpr)
    address = _delivery_address(citizen, delivery)
    decided_by: AccessContext | None
    if decision.needs_approval:
        decided, decided_by = OrderStatus.AWAITING_APPROVAL, ctx
        note = "; ".join(h.message for h in decision.holds)
    else:
        decided, decided_by, note = OrderStatus.APPROVED, None, "Godkendt automatisk"
    order = Order.objects.create(
        placed_by_id=ctx.user_id,
        idempotency_key=key,
        request_digest=digest,
        citizen=citizen,
        ordering_organisation_id=grant.granting_organisation_id,
        status=decided,
        channel=who.channel,
        placed_at=now,
        acting_for=who.acting_for,
        delivery_type=delivery.type,
        delivery_on=rules.first_delivery_date(timezone.localtime(now)),
        hold_reasons=[asdict(h) for h in decision.holds],
        **address,
    )
    order.placed_lines = OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            grant_line=gl,
            product=product,
            order_units=line.order_units,
            pieces=line.order_units * product.pieces_per_unit,
            hole_size_mm=gl.hole_size_mm,
        )
        for line, product, gl in resolved
    )
    order_record_placement(order, actor=ctx, decided_by=decided_by, note=note, at=now)
    log_access(
        ctx, citizen_ids=[citizen.pk], action=AccessAction.CREATE, resource=f"order {order.pk}"
    )
    if citizen.email:
        # The receipt e-mail: delivered after commit by the outbox (forsyn.orders.handlers).
        outbox_record(topic=ORDER_PLACED, key=f"order-{order.pk}", payload={"order": order.pk})
    return order


def _delivery_address(citizen: Citizen, delivery: DeliveryInput) -> dict[str, str]:
    if delivery.type == DeliveryType.OTHER_ADDRESS:
        return {
            "delivery_name": delivery.name.strip(),
            "delivery_street": delivery.street.strip(),
            "delivery_postcode": delivery.postcode,
            "delivery_city": delivery.city.strip(),
        }
    if delivery.type == DeliveryType.PARCEL_LOCKER:
        return {"delivery_name": citizen.name, "parcel_locker": delivery.parcel_locker.strip()}
    return {
        "delivery_name": citizen.name,
        "delivery_street": citizen.street,
        "delivery_postcode": citizen.postcode,
        "delivery_city": citizen.city,
    }


def ward_limits() -> rules.WardLimits:
    """The ward order limits: settings.FORSYN_WARD_ORDER_LIMITS (a rules.WardLimits) or the
    defaults (docs/adr/0014)."""
    limits: rules.WardLimits = getattr(
        settings, "FORSYN_WARD_ORDER_LIMITS", rules.DEFAULT_WARD_LIMITS
    )
    return limits


def _usual_ward_pieces(product_ids: list[int], now: dt.datetime) -> dict[int, int]:
    """Median pieces per ward-order line of each product in the last year (all units), for the
    products that have any."""
    pieces: dict[int, list[int]] = defaultdict(list)
    rows = (
        OrderLine.objects.filter(
            order__kind=OrderKind.WARD,
            product_id__in=product_ids,
            order__placed_at__gte=now - dt.timedelta(days=365),
        )
        .exclude(order__status__in=[OrderStatus.REJECTED, OrderStatus.CANCELLED])
        .values_list("product_id", "pieces")
    )
    for product_id, n in rows:
        pieces[product_id].append(n)
    return {pid: int(statistics.median(ns)) for pid, ns in pieces.items()}


def ward_order_place(
    *, ctx: AccessContext, lines: list[LineInput], idempotency_key: str = ""
) -> tuple[Order, bool]:
    """Ward stock for a hospital unit: bulk, no grant, no hole-cutting; the unit pays. A retry
    with the same idempotency key returns the first order (created = False)."""
    if not policy.may_order_ward_stock(ctx):
        raise DomainError(
            "you may not order ward stock",
            code=ErrorCode.ORDER_FORBIDDEN,
            fields={"lines": ErrorCode.WARD_STOCK_HOSPITAL_ONLY.error()},
        )
    key = idempotency_key.strip()[:100]
    digest = request_digest(ward=True, lines=sorted((ln.gtin, ln.order_units) for ln in lines))
    try:
        order = _ward_order_place(ctx=ctx, lines=lines, key=key, digest=digest)
    except (DomainError, IntegrityError) as exc:
        return _replay_or_raise(exc, ctx, key, digest)
    return order, True


@transaction.atomic(durable=True)
def _ward_order_place(
    *, ctx: AccessContext, lines: list[LineInput], key: str, digest: str
) -> Order:
    errors: dict[str, FieldError] = {}
    gtins = _clean_lines(lines, errors)
    by_gtin = _products_by_gtin(gtins)
    for i, gtin in enumerate(gtins):
        product = by_gtin.get(gtin)
        if gtin and (product is None or product.status != ProductStatus.ACTIVE):
            errors[f"lines[{i}].gtin"] = ErrorCode.ACTIVE_PRODUCT_UNKNOWN.error(gtin=gtin)
    if errors:
        raise DomainError("invalid order", code=ErrorCode.ORDER_INVALID, fields=errors)
    now = timezone.now()
    usual = _usual_ward_pieces([by_gtin[g].pk for g in gtins], now)
    requests = [
        rules.WardLineRequest(
            gtin=gtin,
            pieces=ln.order_units * by_gtin[gtin].pieces_per_unit,
            usual_pieces=usual.get(by_gtin[gtin].pk),
        )
        for ln, gtin in zip(lines, gtins, strict=True)
    ]
    limits = ward_limits()
    decision = rules.check_ward_order(requests, limits)
    if decision.refused:
        raise DomainError(
            "ward order too large",
            code=ErrorCode.WARD_ORDER_TOO_LARGE,
            fields={
                "lines": ErrorCode.WARD_ORDER_TOO_LARGE.error(
                    pieces=sum(r.pieces for r in requests), max=limits.max_pieces
                )
            },
        )
    decided_by: AccessContext | None
    if decision.needs_approval:
        decided, decided_by = OrderStatus.AWAITING_APPROVAL, ctx
        note = "; ".join(h.message for h in decision.holds)
    else:
        decided, decided_by, note = OrderStatus.APPROVED, None, "Afdelingsbestilling"
    # A ward order is placed by a hospital unit's staff (the policy let them): their unit pays.
    if ctx.organisation_id is None:
        raise PermissionDenied
    order = Order.objects.create(
        placed_by_id=ctx.user_id,
        idempotency_key=key,
        request_digest=digest,
        kind=OrderKind.WARD,
        citizen=None,
        ordering_organisation_id=ctx.organisation_id,
        status=decided,
        hold_reasons=[asdict(h) for h in decision.holds],
        channel=Channel.HOSPITAL,
        placed_at=now,
        acting_for=f"{ctx.display_name} ({ctx.organisation_name})",
        delivery_name=ctx.organisation_name,
        delivery_on=rules.first_delivery_date(timezone.localtime(now)),
    )
    order.placed_lines = OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            product=by_gtin[gtin],
            order_units=ln.order_units,
            pieces=ln.order_units * by_gtin[gtin].pieces_per_unit,
        )
        for ln, gtin in zip(lines, gtins, strict=True)
    )
    order_record_placement(order, actor=ctx, decided_by=decided_by, note=note, at=now)
    return order
