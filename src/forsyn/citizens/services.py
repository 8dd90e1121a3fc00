"""Writes of citizens."""

import datetime as dt
from typing import Any

from django.db import transaction

from forsyn.access.roles import OrganisationKind
from forsyn.citizens.models import Citizen, Representative
from forsyn.core.errors import DomainError
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
    errors: dict[str, str] = {}
    try:
        cpr = clean_cpr(cpr)
    except ValueError as exc:
        errors["cpr"] = str(exc)
    else:
        if Citizen.objects.filter(cpr=cpr).exists():
            errors["cpr"] = "a citizen with this CPR number exists"
    if municipality is None or municipality.kind != OrganisationKind.MUNICIPALITY:
        errors["municipality"] = "must be a municipality"
    if not (len(postcode) == 4 and postcode.isdigit()):
        errors["postcode"] = "a Danish postcode has 4 digits"
    if errors:
        raise DomainError("invalid citizen", code="citizen_invalid", fields=errors)
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
    except ValueError as exc:
        raise DomainError("invalid CPR", code="cpr_invalid", fields={"cpr": str(exc)}) from None
    if valid_until is not None and valid_until <= valid_from:
        raise DomainError(
            "invalid period",
            code="period_invalid",
            fields={"valid_until": "must be after valid from"},
        )
    return Representative.objects.create(
        citizen=citizen,
        cpr=cpr,
        name=name,
        relation=relation,
        valid_from=valid_from,
        valid_until=valid_until,
    )
