"""Writes of grants. Every write is authorized by the policy, logged in the access log (a
grant is health data about the citizen) and recorded in the grant's change history."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from forsyn.access import policy
from forsyn.access.context import AccessContext
from forsyn.access.log import log_access
from forsyn.access.roles import OrganisationKind
from forsyn.audit.choices import AccessAction
from forsyn.catalogue.choices import ProductStatus
from forsyn.catalogue.models import Category, Product, ProductArea
from forsyn.citizens.models import Citizen
from forsyn.core.errors import DomainError, FieldError, NotFound, bilingual
from forsyn.grants.choices import GrantEventKind, GrantStatus, LegalBasis
from forsyn.grants.error_codes import ErrorCode
from forsyn.grants.lock_objects import grants_for_update
from forsyn.grants.models import Grant, GrantEvent, GrantLine
from forsyn.grants.rules import may_change_status

MAX_PIECES_PER_MONTH = 10_000
EARLIEST_DATE = dt.date(1990, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
HOLE_SIZE_RANGE_MM = (5, 120)


@dataclass(frozen=True)
class GrantLineInput:
    id: int | None = None
    gtin: str | None = None
    category: str | None = None
    pieces_per_month: int = 0
    hole_size_mm: int | None = None
    free_choice: bool = False
    free_choice_product: str = ""
    free_choice_price_difference: Decimal | None = None


_UNSET: Any = object()


def _check_organisation(
    errors: dict[str, FieldError], organisation_kind: str | None, legal_basis: str
) -> None:
    if legal_basis == LegalBasis.SEL_112 and organisation_kind != OrganisationKind.MUNICIPALITY:
        errors["legal_basis"] = ErrorCode.SEL_112_BY_MUNICIPALITY.error()
    if (
        legal_basis == LegalBasis.HOSPITAL_TEMPORARY
        and organisation_kind != OrganisationKind.HOSPITAL_UNIT
    ):
        errors["legal_basis"] = ErrorCode.HOSPITAL_GRANT_BY_HOSPITAL.error()


def _check_dates(
    errors: dict[str, FieldError],
    *,
    legal_basis: str,
    valid_from: dt.date,
    valid_until: dt.date | None,
    follow_up_on: dt.date | None,
) -> None:
    # A §112 grant is for a life, not for millennia: dates outside [1990, 2100] are typing errors.
    for name, day in (
        ("valid_from", valid_from),
        ("valid_until", valid_until),
        ("follow_up_on", follow_up_on),
    ):
        if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
            errors[name] = ErrorCode.DATE_OUT_OF_RANGE.error(
                earliest=EARLIEST_DATE.isoformat(), latest=LATEST_DATE.isoformat()
            )
    if errors:
        return
    if valid_until is not None and valid_until <= valid_from:
        errors["valid_until"] = ErrorCode.VALID_UNTIL_BEFORE_FROM.error()
    if follow_up_on is not None and follow_up_on < valid_from:
        errors["follow_up_on"] = ErrorCode.FOLLOW_UP_BEFORE_FROM.error()
    if legal_basis == LegalBasis.HOSPITAL_TEMPORARY and valid_until is None:
        errors["valid_until"] = ErrorCode.HOSPITAL_GRANT_NEEDS_END.error()


def _resolve_lines(
    errors: dict[str, FieldError], area: ProductArea, lines: list[GrantLineInput]
) -> list[tuple[GrantLineInput, Product | None, Category | None]]:
    gtins = {line.gtin for line in lines if line.gtin}
    codes = {line.category for line in lines if line.category}
    products = {
        p.gtin: p
        for p in Product.objects.filter(gtin__in=gtins).select_related("category", "successor")
    }
    categories = {c.code: c for c in Category.objects.filter(code__in=codes)}
    resolved: list[tuple[GrantLineInput, Product | None, Category | None]] = []
    seen: set[str] = set()
    for i, line in enumerate(lines):
        prefix = f"lines[{i}]"
        product: Product | None = None
        category: Category | None = None
        if bool(line.gtin) == bool(line.category):
            errors[prefix] = ErrorCode.PRODUCT_OR_CATEGORY.error()
            continue
        if line.gtin:
            product = products.get(line.gtin)
            if product is None:
                errors[f"{prefix}.gtin"] = ErrorCode.PRODUCT_UNKNOWN.error(gtin=line.gtin)
            elif product.category.product_area_id != area.pk:
                errors[f"{prefix}.gtin"] = ErrorCode.PRODUCT_OUTSIDE_AREA.error(
                    area=bilingual(area.name_da, area.name_en)
                )
            elif product.status != ProductStatus.ACTIVE:
                errors[f"{prefix}.gtin"] = (
                    ErrorCode.PRODUCT_REPLACED.error(
                        gtin=product.gtin, successor=product.successor.gtin
                    )
                    if product.successor
                    else ErrorCode.PRODUCT_PHASED_OUT.error(gtin=product.gtin)
                )
        else:
            category = categories.get(line.category or "")
            if category is None:
                errors[f"{prefix}.category"] = ErrorCode.CATEGORY_UNKNOWN.error(
                    category=line.category or ""
                )
            elif category.product_area_id != area.pk:
                errors[f"{prefix}.category"] = ErrorCode.CATEGORY_OUTSIDE_AREA.error(
                    area=bilingual(area.name_da, area.name_en)
                )
        key = f"p{line.gtin}" if line.gtin else f"c{line.category}"
        if key in seen:
            errors[prefix] = ErrorCode.LINE_TWICE.error()
        seen.add(key)
        if not 1 <= line.pieces_per_month <= MAX_PIECES_PER_MONTH:
            errors[f"{prefix}.pieces_per_month"] = ErrorCode.PIECES_OUT_OF_RANGE.error(
                max=MAX_PIECES_PER_MONTH
            )
        if line.hole_size_mm is not None:
            low, high = HOLE_SIZE_RANGE_MM
            if not low <= line.hole_size_mm <= high:
                errors[f"{prefix}.hole_size_mm"] = ErrorCode.HOLE_SIZE_OUT_OF_RANGE.error(
                    low=low, high=high
                )
            elif product is not None and not product.is_cut_to_fit:
                errors[f"{prefix}.hole_size_mm"] = ErrorCode.NOT_CUT_TO_FIT.error()
            elif (
                product is not None
                and product.cut_min_mm is not None
                and product.cut_max_mm is not None
                and not product.cut_min_mm <= line.hole_size_mm <= product.cut_max_mm
            ):
                errors[f"{prefix}.hole_size_mm"] = ErrorCode.HOLE_SIZE_OUTSIDE_PRODUCT.error(
                    low=product.cut_min_mm, high=product.cut_max_mm
                )
        if line.free_choice:
            if not line.free_choice_product.strip():
                errors[f"{prefix}.free_choice_product"] = (
                    ErrorCode.FREE_CHOICE_PRODUCT_MISSING.error()
                )
            diff = line.free_choice_price_difference
            if diff is None or diff < 0:
                errors[f"{prefix}.free_choice_price_difference"] = (
                    ErrorCode.PRICE_DIFFERENCE_MISSING.error()
                )
            elif diff.as_tuple().exponent < -4:  # type: ignore[operator]
                errors[f"{prefix}.free_choice_price_difference"] = (
                    ErrorCode.TOO_MANY_DECIMALS.error(places=4)
                )
        resolved.append((line, product, category))
    return resolved


def _line_fields(
    line: GrantLineInput, product: Product | None, category: Category | None
) -> dict[str, Any]:
    return {
        "product": product,
        "category": category,
        "pieces_per_month": line.pieces_per_month,
        "hole_size_mm": line.hole_size_mm,
        "free_choice": line.free_choice,
        "free_choice_product": line.free_choice_product.strip() if line.free_choice else "",
        "free_choice_price_difference": (
            line.free_choice_price_difference if line.free_choice else None
        ),
    }


def _describe_line(fields: dict[str, Any]) -> dict[str, Any]:
    # A category by its name (a page shows it), never its code.
    what = fields["product"].gtin if fields["product"] else fields["category"].name_da
    return {
        "what": what,
        "pieces_per_month": fields["pieces_per_month"],
        "hole_size_mm": fields["hole_size_mm"],
        "free_choice": fields["free_choice"],
        "free_choice_product": fields["free_choice_product"],
        "free_choice_price_difference": (
            str(fields["free_choice_price_difference"])
            if fields["free_choice_price_difference"] is not None
            else None
        ),
    }


def _log_change(ctx: AccessContext, grant: Grant, action: AccessAction) -> None:
    log_access(ctx, citizen_ids=[grant.citizen_id], action=action, resource=f"grant {grant.pk}")


@transaction.atomic(durable=True)
def grant_create(
    *,
    ctx: AccessContext,
    citizen_id: int,
    product_area_code: str,
    legal_basis: str,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    follow_up_on: dt.date | None = None,
    case_number: str = "",
    note: str = "",
    status: str = GrantStatus.DRAFT,
    lines: list[GrantLineInput],
) -> Grant:
    """Create a grant from the acting person's own organisation. NotFound if the citizen is not
    visible to them; DomainError naming each invalid field otherwise."""
    citizen = policy.citizens_visible(ctx, Citizen.objects.filter(pk=citizen_id)).first()
    if citizen is None:
        raise NotFound
    organisation_id = ctx.organisation_id
    if organisation_id is None or not policy.may_write_grants(ctx):
        raise DomainError(
            "you may not grant products",
            code=ErrorCode.GRANT_FORBIDDEN,
            fields={"granting_organisation": ErrorCode.ROLE_MAY_NOT_GRANT.error()},
        )
    errors: dict[str, FieldError] = {}
    area = ProductArea.objects.filter(code=product_area_code).first()
    if area is None:
        errors["product_area"] = ErrorCode.PRODUCT_AREA_UNKNOWN.error(area=product_area_code)
    if legal_basis not in LegalBasis.values:
        errors["legal_basis"] = ErrorCode.CHOICE_UNKNOWN.error(choices=", ".join(LegalBasis.values))
    else:
        _check_organisation(errors, ctx.organisation_kind, legal_basis)
    if status not in (GrantStatus.DRAFT, GrantStatus.ACTIVE):
        errors["status"] = ErrorCode.NEW_GRANT_STATUS.error()
    _check_dates(
        errors,
        legal_basis=legal_basis,
        valid_from=valid_from,
        valid_until=valid_until,
        follow_up_on=follow_up_on,
    )
    if status == GrantStatus.ACTIVE and not lines:
        errors["lines"] = ErrorCode.ACTIVE_WITHOUT_LINES.error()
    resolved = _resolve_lines(errors, area, lines) if area is not None else []
    if errors:
        raise DomainError("invalid grant", code=ErrorCode.GRANT_INVALID, fields=errors)
    assert area is not None  # noqa: S101
    grant = Grant.objects.create(
        citizen=citizen,
        granting_organisation_id=organisation_id,
        product_area=area,
        legal_basis=legal_basis,
        case_number=case_number.strip(),
        status=status,
        valid_from=valid_from,
        valid_until=valid_until,
        follow_up_on=follow_up_on,
        note=note,
    )
    line_fields = [_line_fields(line, p, c) for line, p, c in resolved]
    GrantLine.objects.bulk_create(GrantLine(grant=grant, **f) for f in line_fields)
    GrantEvent.objects.create(
        grant=grant,
        actor_id=ctx.user_id,
        kind=GrantEventKind.CREATED,
        summary=f"Bevilling oprettet ({status}) med {len(line_fields)} linje(r)",
        changes={"lines": [_describe_line(f) for f in line_fields], "status": status},
    )
    _log_change(ctx, grant, AccessAction.CREATE)
    return grant


def _writable_grant(ctx: AccessContext, grant_id: int) -> Grant:
    grant = (
        grants_for_update(policy.grants_visible(ctx, Grant.objects.filter(pk=grant_id)))
        .select_related("granting_organisation", "product_area")
        .first()
    )
    if grant is None:
        raise NotFound
    if not policy.may_write_grant(ctx, granting_organisation=grant.granting_organisation):
        raise DomainError(
            "you may not change this grant",
            code=ErrorCode.GRANT_FORBIDDEN,
            fields={"granting_organisation": ErrorCode.NOT_GRANTING_ORGANISATION.error()},
        )
    return grant


def _serial(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


@transaction.atomic(durable=True)
def grant_update(
    *,
    ctx: AccessContext,
    grant_id: int,
    valid_from: dt.date = _UNSET,
    valid_until: dt.date | None = _UNSET,
    follow_up_on: dt.date | None = _UNSET,
    case_number: str = _UNSET,
    note: str = _UNSET,
    lines: list[GrantLineInput] | None = None,
) -> Grant:
    """Change a grant's fields and lines (a given `lines` list is the new set: lines with an id
    are changed, lines without are added, lines left out are removed). Its status changes
    through `grant_status_change`."""
    grant = _writable_grant(ctx, grant_id)
    _refuse_ended(grant)
    errors: dict[str, FieldError] = {}
    new: dict[str, Any] = {
        "valid_from": grant.valid_from if valid_from is _UNSET else valid_from,
        "valid_until": grant.valid_until if valid_until is _UNSET else valid_until,
        "follow_up_on": grant.follow_up_on if follow_up_on is _UNSET else follow_up_on,
        "case_number": grant.case_number if case_number is _UNSET else case_number.strip(),
        "note": grant.note if note is _UNSET else note,
    }
    _check_dates(
        errors,
        legal_basis=grant.legal_basis,
        valid_from=new["valid_from"],
        valid_until=new["valid_until"],
        follow_up_on=new["follow_up_on"],
    )
    current_lines = {line.pk: line for line in grant.lines.filter(is_active=True)}
    resolved = _resolve_lines(errors, grant.product_area, lines) if lines is not None else []
    for i, (line_input, _, _) in enumerate(resolved):
        if line_input.id is not None and line_input.id not in current_lines:
            errors[f"lines[{i}].id"] = ErrorCode.LINE_UNKNOWN.error(id=line_input.id)
    final_line_count = len(lines) if lines is not None else len(current_lines)
    if grant.status == GrantStatus.ACTIVE and final_line_count == 0:
        errors["lines"] = ErrorCode.ACTIVE_WITHOUT_LINES.error()
    if errors:
        raise DomainError("invalid grant", code=ErrorCode.GRANT_INVALID, fields=errors)

    changes = {
        field: [_serial(getattr(grant, field)), _serial(value)]
        for field, value in new.items()
        if getattr(grant, field) != value
    }
    for field, value in new.items():
        setattr(grant, field, value)
    if changes:
        grant.save(update_fields=list(changes))
    events: list[GrantEvent] = []
    if changes:
        events.append(
            GrantEvent(
                grant=grant,
                actor_id=ctx.user_id,
                kind=GrantEventKind.CHANGED,
                summary="Ændret: " + ", ".join(sorted(changes)),
                changes=changes,
            )
        )
    if lines is not None:
        events.extend(_replace_lines(ctx, grant, current_lines, resolved))
    GrantEvent.objects.bulk_create(events)
    if events:
        _log_change(ctx, grant, AccessAction.CHANGE)
    return grant


def _refuse_ended(grant: Grant) -> None:
    if grant.status == GrantStatus.ENDED:
        raise DomainError(
            "an ended grant cannot change",
            code=ErrorCode.GRANT_ENDED,
            fields={"status": ErrorCode.GRANT_ENDED.error()},
        )


@transaction.atomic(durable=True)
def grant_status_change(
    *,
    ctx: AccessContext,
    grant_id: int,
    status: str,
    reason: str = "",
) -> Grant:
    """Activate, suspend or end a grant (GrantStatus transitions); suspending and ending need
    a reason, which the citizen's history keeps."""
    grant = _writable_grant(ctx, grant_id)
    _refuse_ended(grant)
    reason = reason.strip()
    errors: dict[str, FieldError] = {}
    if status not in GrantStatus.values:
        errors["status"] = ErrorCode.CHOICE_UNKNOWN.error(choices=", ".join(GrantStatus.values))
    elif status == grant.status:
        errors["status"] = ErrorCode.STATUS_UNCHANGED.error(status=GrantStatus(status).label)
    elif not may_change_status(grant.status, status):
        errors["status"] = ErrorCode.STATUS_TRANSITION.error(
            status=GrantStatus(grant.status).label, to=GrantStatus(status).label
        )
    elif status in (GrantStatus.SUSPENDED, GrantStatus.ENDED) and not reason:
        errors["status_reason"] = ErrorCode.STATUS_REASON_REQUIRED.error()
    elif status == GrantStatus.ACTIVE and not grant.lines.filter(is_active=True).exists():
        errors["lines"] = ErrorCode.ACTIVE_WITHOUT_LINES.error()
    if errors:
        raise DomainError("invalid grant", code=ErrorCode.GRANT_INVALID, fields=errors)
    changes = {"status": [grant.status, status]}
    if reason != grant.status_reason:
        changes["status_reason"] = [grant.status_reason, reason]
    previous = grant.status
    grant.status, grant.status_reason = status, reason
    grant.save(update_fields=["status", "status_reason"])
    GrantEvent.objects.create(
        grant=grant,
        actor_id=ctx.user_id,
        kind=GrantEventKind.STATUS,
        summary=f"Status: {previous} → {status}",
        changes=changes,
    )
    _log_change(ctx, grant, AccessAction.CHANGE)
    return grant


def _replace_lines(
    ctx: AccessContext,
    grant: Grant,
    current: dict[int, GrantLine],
    resolved: list[tuple[GrantLineInput, Product | None, Category | None]],
) -> list[GrantEvent]:
    events: list[GrantEvent] = []
    kept: set[int] = set()
    for line_input, product, category in resolved:
        fields = _line_fields(line_input, product, category)
        if line_input.id is None:
            GrantLine.objects.create(grant=grant, **fields)
            events.append(
                GrantEvent(
                    grant=grant,
                    actor_id=ctx.user_id,
                    kind=GrantEventKind.LINE_ADDED,
                    summary=f"Linje tilføjet: {_describe_line(fields)['what']}",
                    changes={"line": _describe_line(fields)},
                )
            )
            continue
        kept.add(line_input.id)
        existing = current[line_input.id]
        before = _describe_line({k: getattr(existing, k) for k in fields})
        after = _describe_line(fields)
        if before != after:
            for key, value in fields.items():
                setattr(existing, key, value)
            existing.save()
            events.append(
                GrantEvent(
                    grant=grant,
                    actor_id=ctx.user_id,
                    kind=GrantEventKind.LINE_CHANGED,
                    summary=f"Linje ændret: {after['what']}",
                    changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
                )
            )
    for line_id, line in current.items():
        if line_id in kept:
            continue
        # Lines are deactivated, not deleted: orders and history refer to them.
        line.is_active = False
        line.save(update_fields=["is_active"])
        what = line.product.gtin if line.product else line.category.name_da  # type: ignore[union-attr]
        events.append(
            GrantEvent(
                grant=grant,
                actor_id=ctx.user_id,
                kind=GrantEventKind.LINE_REMOVED,
                summary=f"Linje fjernet: {what}",
                changes={"line_id": line_id},
            )
        )
    return events
