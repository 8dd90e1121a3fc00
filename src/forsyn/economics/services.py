"""Writes and database-backed calculations of the economics app."""

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction

from forsyn.access.context import AccessContext
from forsyn.catalogue.models import Product
from forsyn.contracts.selectors import price_of
from forsyn.core.money import quantize_money
from forsyn.core.tabular import TableError
from forsyn.economics.consumption import (
    DEFAULT_FLAG_FACTOR,
    CleanRow,
    RowError,
    flag_unit_errors,
    parse_table_rows,
    read_consumption,
    table_errors,
)
from forsyn.economics.models import ConsumptionBatch, ConsumptionRow, ConsumptionUpload
from forsyn.organisations.models import Organisation, User


@dataclass(frozen=True)
class ImportResult:
    batch: ConsumptionBatch | None
    rows: list[CleanRow]
    errors: list[RowError]
    already_imported: bool = False

    @property
    def flagged(self) -> list[CleanRow]:
        return [r for r in self.rows if r.flag]


def _party_index() -> dict[str, Organisation]:
    index: dict[str, Organisation] = {}
    for org in Organisation.objects.filter(kind__in=["municipality", "region"]):
        names = {org.code, org.name, org.name.removesuffix(" Kommune")}
        for name in names:
            index[name.lower()] = org
    return index


@transaction.atomic
def consumption_import(
    *,
    file_name: str,
    data: bytes,
    actor: User | None = None,
    accept_flagged: bool = False,
    flag_factor: Decimal = DEFAULT_FLAG_FACTOR,
) -> ImportResult:
    """Import one consumption file, all rows or none. Errors name row, column and reason; a
    file imported before (same content) is not imported again."""
    digest = hashlib.sha256(data).hexdigest()
    existing = ConsumptionBatch.objects.filter(sha256=digest).first()
    if existing is not None:
        return ImportResult(existing, [], [], already_imported=True)
    try:
        table = read_consumption(data, file_name)
    except TableError as exc:
        return ImportResult(None, [], table_errors(exc))
    rows, errors = parse_table_rows(table.rows)
    parties = _party_index()
    for row in rows:
        if row.party.lower() not in parties:
            errors.append(
                RowError(row.row_number, "party", f"'{row.party}' is not a municipality or region")
            )
    if errors:
        return ImportResult(None, rows, sorted(errors, key=lambda e: (e.row, e.column)))
    rows = flag_unit_errors(rows, flag_factor)
    batch = ConsumptionBatch.objects.create(
        file_name=file_name[:255],
        sha256=digest,
        imported_by=actor if actor is not None and actor.pk else None,
        accepted_flagged=accept_flagged,
    )
    ConsumptionRow.objects.bulk_create(
        [
            ConsumptionRow(
                batch=batch,
                row_number=r.row_number,
                party=parties[r.party.lower()],
                product_number=r.product_number,
                gtin=r.gtin,
                description=r.description,
                unit=r.unit,
                pieces_per_unit=r.pieces_per_unit,
                quantity=r.quantity,
                price_per_unit=r.price_per_unit,
                pieces=r.pieces,
                price_per_piece=r.price_per_piece,
                amount=r.amount,
                year=r.year,
                flag=r.flag,
                flag_params=dict(r.flag_params),
            )
            for r in rows
        ],
        batch_size=2000,
    )
    return ImportResult(batch, rows, [])


def usable_rows(*, year: int | None = None, batch_id: int | None = None) -> Any:
    """Rows that feed the tender and the equalization: flagged rows only once accepted."""
    qs = ConsumptionRow.objects.select_related("party", "party__region", "batch")
    if year is not None:
        qs = qs.filter(year=year)
    if batch_id is not None:
        qs = qs.filter(batch_id=batch_id)
    return qs.exclude(flag__gt="", batch__accepted_flagged=False).order_by("batch_id", "row_number")


@dataclass(frozen=True)
class VolumeLine:
    lot: str
    product_key: str
    description: str
    pieces: Decimal
    parties: int
    amount: Decimal


def tender_volumes(*, year: int) -> list[VolumeLine]:
    """Total pieces per product per lot across parties: the basis of the tender price list."""
    rows = list(usable_rows(year=year))
    gtins = {r.gtin for r in rows if r.gtin}
    lots: dict[str, str] = {}
    for product in Product.objects.filter(gtin__in=gtins).prefetch_related(
        "category__lots__tender"
    ):
        lot = next(iter(product.category.lots.all()), None)
        lots[product.gtin] = f"{lot.tender.reference} / {lot.number}. {lot.name}" if lot else ""
    totals: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        key = (lots.get(r.gtin, "") or "(ingen delkontrakt)", r.product_key)
        entry = totals.setdefault(
            key,
            {
                "description": r.description,
                "pieces": Decimal(0),
                "parties": set(),
                "amount": Decimal(0),
            },
        )
        entry["pieces"] += r.pieces
        entry["parties"].add(r.party_id)
        entry["amount"] += r.amount
    return [
        VolumeLine(lot, key, v["description"], v["pieces"], len(v["parties"]), v["amount"])
        for (lot, key), v in sorted(totals.items())
    ]


def equalization_input_from_consumption(
    *, year: int, prices_on: dt.date, cap: Decimal, key: str
) -> dict[str, Any]:
    """The equalization input built from consumption data: each party's baseline cost at its
    own prices, its new cost at the contract price on `prices_on` (by GTIN)."""
    rows = list(usable_rows(year=year))
    products = {
        p.gtin: p.pk for p in Product.objects.filter(gtin__in={r.gtin for r in rows if r.gtin})
    }
    new_price: dict[str, Decimal | None] = {}
    for gtin, product_id in products.items():
        span = price_of(product_id=product_id, on=prices_on)
        new_price[gtin] = span.price if span else None
    costs: dict[int, dict[str, Any]] = {}
    missing: set[str] = set()
    for r in rows:
        party = r.party
        entry = costs.setdefault(
            party.pk,
            {
                "id": party.code,
                "kind": party.kind,
                "region": party.region.code if party.region else party.code,
                "baseline_cost": Decimal(0),
                "new_cost": Decimal(0),
            },
        )
        price = new_price.get(r.gtin) if r.gtin else None
        if price is None:
            missing.add(r.product_key)
            price = r.price_per_piece  # no contract price: the product costs what it did
        entry["baseline_cost"] += r.pieces * r.price_per_piece
        entry["new_cost"] += r.pieces * price
    citizens = _citizens_with_grants(list(costs))
    parties = [
        {
            **v,
            "baseline_cost": f"{quantize_money(v['baseline_cost']):.2f}",
            "new_cost": f"{quantize_money(v['new_cost']):.2f}",
            "citizens": citizens.get(pk, 0),
        }
        for pk, v in costs.items()
    ]
    return {
        "cap_per_region": str(cap),
        "key": key,
        "parties": parties,
        "products_without_contract_price": sorted(missing),
    }


def _citizens_with_grants(organisation_ids: list[int]) -> dict[int, int]:
    """Citizens with an active grant from each organisation (a key for equalization)."""
    from django.db.models import Count

    from forsyn.grants.models import Grant

    rows = (
        Grant.objects.filter(granting_organisation_id__in=organisation_ids, status="active")
        .values("granting_organisation_id")
        .annotate(n=Count("citizen_id", distinct=True))
    )
    return {r["granting_organisation_id"]: r["n"] for r in rows}


@dataclass(frozen=True)
class GainRow:
    party: str
    year: int
    realised: Decimal
    expected: Decimal
    realised_accumulated: Decimal
    expected_accumulated: Decimal


def realised_gains(*, baseline_year: int, expected_discount: Decimal) -> list[GainRow]:
    """Gain per party and year from actual orders at contract prices versus baseline prices
    (each product's volume-weighted price per piece in the baseline year's consumption data),
    beside the business case's expectation (the party's baseline spend × expected discount)."""
    from forsyn.orders.models import OrderLine

    rows = list(usable_rows(year=baseline_year))
    baseline_price: dict[str, Decimal] = {}
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    spend: dict[str, Decimal] = defaultdict(Decimal)
    for r in rows:
        if r.gtin:
            sums[r.gtin][0] += r.pieces * r.price_per_piece
            sums[r.gtin][1] += r.pieces
        spend[r.party.code] += r.amount
    for gtin, (amount, pieces) in sums.items():
        if pieces:
            baseline_price[gtin] = amount / pieces
    realised: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    lines = (
        OrderLine.objects.filter(product__gtin__in=baseline_price)
        .exclude(order__status__in=("rejected", "cancelled"))
        .select_related("order", "product", "grant_line__grant__granting_organisation")
        .order_by("pk")
    )
    price_cache: dict[tuple[int, dt.date], Decimal | None] = {}
    for line in lines.iterator(chunk_size=2000):
        day = line.order.placed_at.date()
        cache_key = (line.product_id, day)
        if cache_key not in price_cache:
            span = price_of(product_id=line.product_id, on=day)
            price_cache[cache_key] = span.price if span else None
        contract_price = price_cache[cache_key]
        if contract_price is None:
            continue
        payer = (
            line.grant_line.grant.granting_organisation.code
            if line.grant_line
            else str(line.order.ordering_organisation_id)
        )
        realised[(payer, day.year)] += line.pieces * (
            baseline_price[line.product.gtin] - contract_price
        )
    years = sorted({y for _, y in realised}) or [baseline_year + 1]
    out: list[GainRow] = []
    for party in sorted(set(spend) | {p for p, _ in realised}):
        acc_r = acc_e = Decimal(0)
        for year in years:
            r_value = realised.get((party, year), Decimal(0)).quantize(Decimal("0.01"))
            e_value = (spend.get(party, Decimal(0)) * expected_discount).quantize(Decimal("0.01"))
            acc_r += r_value
            acc_e += e_value
            out.append(GainRow(party, year, r_value, e_value, acc_r, acc_e))
    return out


# -- Uploads parsed outside the request (issue #8 §4) --

# Errors kept with an upload for the page; the count says how many there were in all.
MAX_STORED_ERRORS = 500


def consumption_upload_create(
    *, file_name: str, data: bytes, ctx: AccessContext, accept_flagged: bool
) -> ConsumptionUpload:
    """Store an uploaded file for the background import (committed at once, so a worker finds
    it) and queue the import: eager in the demo and tests, a Celery worker in production."""
    from forsyn.economics.tasks import import_consumption_upload

    upload = ConsumptionUpload.objects.create(
        file_name=file_name[:255],
        data=data,
        uploaded_by_id=ctx.user_id,
        accept_flagged=accept_flagged,
    )
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # No worker (demo, tests): import now, inside this request.
        import_consumption_upload.apply(args=(upload.pk,))
        upload.refresh_from_db()
    else:
        transaction.on_commit(lambda: import_consumption_upload.delay(upload.pk))
    return upload


def consumption_upload_process(*, upload_id: int) -> ConsumptionUpload | None:
    """Import a stored upload and keep the outcome (errors, counts) with it; the file's bytes
    are dropped once read. Running it twice does nothing the second time."""
    with transaction.atomic():
        upload = (
            ConsumptionUpload.objects.select_for_update()
            .filter(pk=upload_id, status=ConsumptionUpload.Status.PENDING)
            .first()
        )
        if upload is None:
            return None
        result = consumption_import(
            file_name=upload.file_name,
            data=bytes(upload.data),
            actor=upload.uploaded_by,
            accept_flagged=upload.accept_flagged,
        )
        upload.status = ConsumptionUpload.Status.DONE
        upload.data = b""
        upload.batch = result.batch
        upload.outcome = {
            "already_imported": result.already_imported,
            "rows": len(result.rows) if not result.errors else 0,
            "flagged": len(result.flagged) if not result.errors else 0,
            "error_count": len(result.errors),
            "errors": [
                {"row": e.row, "column": e.column, "reason": e.reason, "params": dict(e.params)}
                for e in result.errors[:MAX_STORED_ERRORS]
            ],
        }
        upload.save(update_fields=["status", "data", "batch", "outcome"])
    return upload
