"""Recalls (issue #10 §6, docs/adr/0028).

A recall names a product (GTIN) and lot numbers. In one transaction the lots are locked and
set to `recalled` — from then on allocation never uses them and receiving refuses more of them
— and who received them is read from the ledger and kept with the recall:

- picked (later shipped) goods: the pick moves of an order line on the lot, less returns;
- goods only allocated to an order not yet picked: its allocation moves, less releases.

After commit the outbox takes the allocations back (`stock.recalled` → `recall_release`), and
those orders are allocated again from other lots. Those who got picked goods get a letter (the
export) and, with one click, a replacement order through the orders services.

Recipients are citizens (their orders) and hospital units (ward orders). Reading them is
reading personal data: only those who handle recalls (the policy), and every citizen listed is
written to the access log with the recall's purpose.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from forsyn.access import policy
from forsyn.access.context import AccessContext
from forsyn.access.log import log_access
from forsyn.audit.choices import AccessAction
from forsyn.catalogue.models import Product
from forsyn.core.api import page
from forsyn.core.errors import DomainError, FieldError, NotFound, PermissionDenied
from forsyn.core.identifiers import clean_gtin
from forsyn.core.outbox import outbox_record
from forsyn.fulfilment.choices import LotStatus, MoveKind, RecipientKind, RecipientStage
from forsyn.fulfilment.error_codes import ErrorCode
from forsyn.fulfilment.gs1 import gtin_forms
from forsyn.fulfilment.lock_objects import recall_recipient_for_update, stock_lots_for_update
from forsyn.fulfilment.models import (
    Recall,
    RecallLot,
    RecallRecipient,
    RecallRecipientLine,
    StockLot,
    StockMove,
)
from forsyn.fulfilment.services import orders_allocate
from forsyn.fulfilment.withdrawal import allocations_withdraw, holdings
from forsyn.orders.choices import OrderKind
from forsyn.orders.lock_objects import orders_by_id_for_update
from forsyn.orders.models import Order
from forsyn.orders.services import ReplacementLine, order_replacement_place

RECALLED = "stock.recalled"
# The purpose written to the access log when a recall's recipients are read.
RECALL_PURPOSE = "Tilbagekaldelse af batch: modtagerne skal underrettes"
MIN_REASON_LETTERS = 4
MAX_REASON_LENGTH = 500
MAX_LOTS = 50


def _refused(fields: dict[str, FieldError]) -> DomainError:
    return DomainError("recall refused", code=ErrorCode.RECALL_REFUSED, fields=fields)


def _product(gtin: str) -> Product:
    try:
        clean_gtin(gtin)
    except ValueError:
        raise _refused({"gtin": ErrorCode.BAD_CHECK_DIGIT.error()}) from None
    product = Product.objects.filter(gtin__in=gtin_forms(gtin)).first()
    if product is None:
        raise _refused({"gtin": ErrorCode.UNKNOWN_GTIN.error()})
    return product


def _lot_numbers(lots: Sequence[str]) -> list[str]:
    numbers: list[str] = []
    for lot in lots:
        cleaned = lot.strip()
        if cleaned and cleaned not in numbers:
            numbers.append(cleaned)
    return numbers


@transaction.atomic
def recall_create(
    *,
    ctx: AccessContext,
    gtin: str,
    lots: Sequence[str],
    reason: str,
    at: dt.datetime | None = None,
) -> Recall:
    """Recall lots of a product: block them at once (in the warehouses `ctx` handles) and
    record who received them from the ledger. Refused as a whole, naming each bad field."""
    if not policy.may_handle_recalls(ctx):
        raise PermissionDenied
    product = _product(gtin)
    numbers = _lot_numbers(lots)
    errors: dict[str, FieldError] = {}
    if not numbers or len(numbers) > MAX_LOTS:
        errors["lots"] = ErrorCode.RECALL_NO_LOTS.error()
    text = reason.strip()
    if sum(ch.isalpha() for ch in text) < MIN_REASON_LETTERS or len(text) > MAX_REASON_LENGTH:
        errors["reason"] = ErrorCode.RECALL_REASON_REQUIRED.error(min=MIN_REASON_LETTERS)
    candidates = policy.recall_lots_visible(
        ctx, StockLot.objects.filter(product=product, lot_number__in=numbers)
    )
    ids_by_number: dict[str, list[int]] = defaultdict(list)
    for pk, number in candidates.values_list("pk", "lot_number"):
        ids_by_number[number].append(pk)
    for i, number in enumerate(numbers):
        if number not in ids_by_number:
            errors[f"lots[{i}]"] = ErrorCode.RECALL_UNKNOWN_LOT.error(lot=number)
    if errors:
        raise _refused(errors)

    ids = sorted(pk for pks in ids_by_number.values() for pk in pks)
    locked = stock_lots_for_update(ids)
    # Under the lots' locks: a recall made meanwhile of the same lot is seen here.
    earlier = dict(RecallLot.objects.filter(lot_id__in=ids).values_list("lot_id", "recall_id"))
    for i, number in enumerate(numbers):
        first = next((earlier[pk] for pk in ids_by_number[number] if pk in earlier), None)
        if first is not None:
            errors[f"lots[{i}]"] = ErrorCode.RECALL_LOT_RECALLED.error(lot=number, recall=first)
    if errors:
        raise _refused(errors)

    moment = at or timezone.now()
    recall = Recall.objects.create(
        product=product, reason=text, created_by_id=ctx.acting_user_id(), created_at=moment
    )
    RecallLot.objects.bulk_create(
        RecallLot(
            recall=recall,
            lot=lot,
            previous_status=lot.status,
            on_hand_quantity=lot.on_hand_quantity,
        )
        for lot in locked
    )
    StockLot.objects.filter(pk__in=ids).update(status=LotStatus.RECALLED)
    _record_recipients(recall, ids)
    outbox_record(topic=RECALLED, key=f"recall-{recall.pk}", payload={"recall": recall.pk})
    return recall


def _record_recipients(recall: Recall, lot_ids: list[int]) -> None:
    """Who received the lots, from the ledger (three statements whatever their number)."""
    rows = (
        StockMove.objects.filter(lot_id__in=lot_ids, order_line__isnull=False)
        .values("order_id", "order_line_id", "lot_id")
        .annotate(
            held=Sum("allocated_delta"),
            moved=Sum("on_hand_delta", filter=Q(kind__in=[MoveKind.PICK, MoveKind.RETURN])),
        )
        .order_by("order_id", "order_line_id", "lot_id")
    )
    lines: dict[int, list[tuple[int, int, int, str]]] = defaultdict(list)
    for r in rows:
        picked = -(r["moved"] or 0)
        if picked > 0:
            lines[r["order_id"]].append(
                (r["order_line_id"], r["lot_id"], picked, RecipientStage.PICKED)
            )
        if r["held"] > 0:
            lines[r["order_id"]].append(
                (r["order_line_id"], r["lot_id"], r["held"], RecipientStage.ALLOCATED)
            )
    if not lines:
        return
    orders = Order.objects.filter(pk__in=list(lines)).values_list(
        "pk", "kind", "citizen_id", "ordering_organisation_id"
    )
    recipients = RecallRecipient.objects.bulk_create(
        RecallRecipient(
            recall=recall,
            order_id=pk,
            kind=RecipientKind.HOSPITAL_UNIT if kind == OrderKind.WARD else RecipientKind.CITIZEN,
            citizen_id=None if kind == OrderKind.WARD else citizen_id,
            organisation_id=organisation_id if kind == OrderKind.WARD else None,
            quantity=sum(q for _, _, q, _ in lines[pk]),
        )
        for pk, kind, citizen_id, organisation_id in sorted(orders)
    )
    RecallRecipientLine.objects.bulk_create(
        RecallRecipientLine(
            recipient=recipient,
            order_line_id=line_id,
            lot_id=lot_id,
            quantity=quantity,
            stage=stage,
        )
        for recipient in recipients
        for line_id, lot_id, quantity, stage in lines[recipient.order_id]
    )


@transaction.atomic
def recall_release(*, recall_id: int, at: dt.datetime | None = None) -> list[int]:
    """Take back what orders still hold of the recalled lots (the outbox handler of
    `stock.recalled`; idempotent). Those orders are allocated again after commit. Returns
    their ids."""
    lot_ids = list(RecallLot.objects.filter(recall_id=recall_id).values_list("lot_id", flat=True))
    held = holdings(lot_ids)
    if not held:
        return []
    orders = orders_by_id_for_update({h.order_id for h in held})
    stock_lots_for_update(lot_ids)
    return allocations_withdraw(
        taken=holdings(lot_ids, order_ids=[o.pk for o in orders]),
        orders=orders,
        reason=f"recall {recall_id}",
        actor=None,
        at=at or timezone.now(),
        message=f"recall {recall_id}",
        key=f"recall-{recall_id}",
    )


@transaction.atomic
def recall_replacement_place(
    *, ctx: AccessContext, recipient_id: int, at: dt.datetime | None = None
) -> Order:
    """One click: a replacement order for what a recipient got from the recalled lots (the
    picked pieces, per order line), approved and allocated at once. A second click returns the
    first replacement."""
    if not policy.may_handle_recalls(ctx):
        raise PermissionDenied
    recipient = recall_recipient_for_update(recipient_id)
    if recipient is None or not _visible_recalls(ctx).filter(pk=recipient.recall_id).exists():
        raise NotFound
    if recipient.replacement_order_id is not None:
        return Order.objects.get(pk=recipient.replacement_order_id)
    pieces: dict[int, int] = defaultdict(int)
    for line_id, quantity in recipient.lines.filter(stage=RecipientStage.PICKED).values_list(
        "order_line_id", "quantity"
    ):
        pieces[line_id] += quantity
    if not pieces:
        raise DomainError(
            "nothing to replace",
            code=ErrorCode.NOTHING_TO_REPLACE,
            fields={"recipient": ErrorCode.NOTHING_TO_REPLACE.error()},
        )
    order = order_replacement_place(
        ctx=ctx.with_purpose(RECALL_PURPOSE),
        replaces_order_id=recipient.order_id,
        lines=[ReplacementLine(line_id, n) for line_id, n in sorted(pieces.items())],
        note=f"Erstatning efter tilbagekaldelse {recipient.recall_id}",
        now=at,
    )
    recipient.replacement_order = order
    recipient.save(update_fields=["replacement_order"])
    orders_allocate(order_ids=[order.pk], actor=ctx, at=at)
    order.refresh_from_db(fields=["status"])
    return order


@transaction.atomic
def recall_replacements_place(
    *, ctx: AccessContext, recall_id: int, at: dt.datetime | None = None
) -> list[Order]:
    """Replacement orders for every recipient of the recall who got picked goods and has none
    yet (the recall page's one click for all)."""
    if not policy.may_handle_recalls(ctx):
        raise PermissionDenied
    if not _visible_recalls(ctx).filter(pk=recall_id).exists():
        raise NotFound
    ids = list(
        RecallRecipient.objects.filter(
            recall_id=recall_id,
            replacement_order__isnull=True,
            lines__stage=RecipientStage.PICKED,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )
    return [recall_replacement_place(ctx=ctx, recipient_id=pk, at=at) for pk in ids]


# -- Reads ------------------------------------------------------------------------------------


def _visible_recalls(ctx: AccessContext) -> QuerySet[Recall]:
    lots = policy.recall_lots_visible(ctx, StockLot.objects.all())
    return Recall.objects.filter(recall_lots__lot__in=lots).distinct()


def recalls_list(
    *, ctx: AccessContext, limit: int = 50, offset: int = 0
) -> tuple[list[Recall], int]:
    """Recalls of lots `ctx` handles, newest first, with their number of lots and of
    recipients (two queries; no personal data)."""
    if not policy.may_handle_recalls(ctx):
        raise PermissionDenied
    qs = (
        Recall.objects.filter(pk__in=_visible_recalls(ctx).values("pk"))
        .select_related("product", "created_by")
        .annotate(
            lot_count=Count("recall_lots", distinct=True),
            recipient_count=Count("recipients", distinct=True),
        )
        .order_by("-created_at", "-pk")
    )
    return page(qs, limit=limit, offset=offset)


@dataclass(frozen=True)
class RecipientRow:
    recipient: RecallRecipient
    name: str
    street: str
    postcode: str
    city: str
    parcel_locker: str
    address_protected: bool  # the address is withheld from this reader

    @property
    def picked(self) -> int:
        return sum(
            ln.quantity for ln in self.recipient.lines.all() if ln.stage == RecipientStage.PICKED
        )


@dataclass(frozen=True)
class RecallView:
    recall: Recall
    lots: list[RecallLot]
    rows: list[RecipientRow]

    @property
    def blocked_lots(self) -> list[str]:
        return sorted({rl.lot.lot_number for rl in self.lots})


def recall_get(
    *, ctx: AccessContext, recall_id: int, action: AccessAction = AccessAction.VIEW
) -> RecallView:
    """A recall with its lots and recipients: delivery names and addresses as on the parcels
    (a protected address only for those who may see it), never CPR numbers. Every citizen
    listed is access-logged with the recall's purpose (`action` "export" for a download)."""
    if not policy.may_handle_recalls(ctx):
        raise PermissionDenied
    recall = (
        _visible_recalls(ctx).filter(pk=recall_id).select_related("product", "created_by").first()
    )
    if recall is None:
        raise NotFound
    lots = list(
        RecallLot.objects.filter(recall=recall)
        .select_related("lot__warehouse")
        .order_by("lot__lot_number", "lot_id")
    )
    recipients = list(
        RecallRecipient.objects.filter(recall=recall)
        .select_related("order", "citizen", "organisation", "replacement_order")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=RecallRecipientLine.objects.select_related(
                    "lot", "order_line__product"
                ).order_by("order_line_id", "lot_id", "stage"),
            )
        )
        .order_by("order_id")
    )
    rows = [_row(ctx, r) for r in recipients]
    citizens = sorted({r.citizen_id for r in recipients if r.citizen_id is not None})
    if citizens:
        log_access(
            ctx.with_purpose(RECALL_PURPOSE),
            citizen_ids=citizens,
            action=action,
            resource=f"recall {recall.pk}",
        )
    return RecallView(recall, lots, rows)


def _row(ctx: AccessContext, recipient: RecallRecipient) -> RecipientRow:
    order = recipient.order
    if recipient.kind == RecipientKind.HOSPITAL_UNIT and recipient.organisation is not None:
        return RecipientRow(recipient, recipient.organisation.name, "", "", "", "", False)
    citizen = recipient.citizen
    hidden = citizen is not None and not policy.shows_address(ctx, citizen)
    return RecipientRow(
        recipient,
        order.delivery_name,
        "" if hidden else order.delivery_street,
        "" if hidden else order.delivery_postcode,
        "" if hidden else order.delivery_city,
        "" if hidden else order.parcel_locker,
        hidden,
    )


def recall_letter_table(view: RecallView) -> tuple[list[str], list[list[Any]]]:
    """The recipients as a table for letters (CSV/XLSX): one row per order line and lot."""
    header = [
        _("Recipient"),
        _("Name"),
        _("Address"),
        _("Postcode"),
        _("City"),
        _("Parcel locker"),
        _("Order"),
        _("Product"),
        _("GTIN"),
        pgettext("stock", "Lot"),
        _("Pieces"),
        _("Stage"),
        _("Replacement order"),
    ]
    protected = _("Protected address")
    rows: list[list[Any]] = []
    for row in view.rows:
        r = row.recipient
        for line in r.lines.all():
            rows.append(
                [
                    str(r.get_kind_display()),
                    row.name,
                    protected if row.address_protected else row.street,
                    row.postcode,
                    row.city,
                    row.parcel_locker,
                    r.order_id,
                    line.order_line.product.name,
                    line.order_line.product.gtin,
                    line.lot.lot_number,
                    line.quantity,
                    str(line.get_stage_display()),
                    r.replacement_order_id or "",
                ]
            )
    return header, rows
