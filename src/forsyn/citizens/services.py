"""Writes of citizens."""

import datetime as dt
from typing import Any

from django.db import transaction

from forsyn.access.roles import OrganisationKind
from forsyn.citizens.error_codes import ErrorCode
from forsyn.citizens.models import Citizen, Representative
from forsyn.core.errors import DomainError, FieldError
from forsyn.core.identifiers import clean_cpr


@transaction.atomic
def citizen_create(
    *,
    cpr: str,
    first_name: str,
    last_name: str,
    street: str,
    postcode: str,
    city: str,
    municipality: Any,
    is_address_protected: bool = False,
    phone: str = "",
    email: str = "",
) -> Citizen:
    errors: dict[str, FieldError] = {}
    try:
        cpr = clean_cpr(cpr)
    except ValueError:
        errors["cpr"] = ErrorCode.CPR_INVALID.error()
    else:
        if Citizen.objects.filter(cpr=cpr).exists():
            errors["cpr"] = ErrorCode.CPR_EXISTS.error()
    if municipality is None or municipality.kind != OrganisationKind.MUNICIPALITY:
        errors["municipality"] = ErrorCode.NOT_A_MUNICIPALITY.error()
    if not (len(postcode) == 4 and postcode.isdigit()):
        errors["postcode"] = ErrorCode.POSTCODE_INVALID.error()
    if errors:
        raise DomainError("invalid citizen", code=ErrorCode.CITIZEN_INVALID, fields=errors)
    return Citizen.objects.create(
        cpr=cpr,
        first_name=first_name,
        last_name=last_name,
        street=street,
        postcode=postcode,
        city=city,
        municipality=municipality,
        is_address_protected=is_address_protected,
        phone=phone,
        email=email,
    )


@transaction.atomic
def representative_add(
    *,
    citizen: Citizen,
    cpr: str,
    name: str,
    relation: str,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
) -> Representative:
    try:
        cpr = clean_cpr(cpr)
    except ValueError:
        raise DomainError(
            "invalid CPR", code=ErrorCode.CPR_INVALID, fields={"cpr": ErrorCode.CPR_INVALID.error()}
        ) from None
    if valid_until is not None and valid_until <= valid_from:
        raise DomainError(
            "invalid period",
            code=ErrorCode.PERIOD_INVALID,
            fields={"valid_until": ErrorCode.VALID_UNTIL_BEFORE_FROM.error()},
        )
    return Representative.objects.create(
        citizen=citizen,
        cpr=cpr,
        name=name,
        relation=relation,
        valid_from=valid_from,
        valid_until=valid_until,
    )
