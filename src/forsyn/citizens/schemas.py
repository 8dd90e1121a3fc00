from typing import Any

from ninja import Schema
from pydantic import Field

from forsyn.access import policy
from forsyn.access.context import AccessContext
from forsyn.citizens.models import Citizen


class AddressOut(Schema):
    street: str
    postcode: str
    city: str


class RepresentativeOut(Schema):
    name: str
    relation: str
    valid_from: str
    valid_until: str | None


class CitizenOut(Schema):
    id: int
    cpr: str
    name: str
    first_name: str
    last_name: str
    municipality: str
    address: AddressOut | None = Field(
        description="null when the address is protected and hidden from the caller"
    )
    is_address_protected: bool
    phone: str
    email: str
    is_deceased: bool


class CitizenDetailOut(CitizenOut):
    representatives: list[RepresentativeOut]


def citizen_out(ctx: AccessContext, c: Citizen, *, detail: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": c.pk,
        "cpr": c.cpr_formatted if policy.shows_full_cpr(ctx) else c.cpr_masked,
        "name": c.name,
        "first_name": c.first_name,
        "last_name": c.last_name,
        "municipality": c.municipality.code,
        "address": {"street": c.street, "postcode": c.postcode, "city": c.city}
        if policy.shows_address(ctx, c)
        else None,
        "is_address_protected": c.is_address_protected,
        "phone": c.phone,
        "email": c.email,
        "is_deceased": c.deceased_on is not None,
    }
    if detail:
        out["representatives"] = [
            {
                "name": r.name,
                "relation": r.relation,
                "valid_from": r.valid_from.isoformat(),
                "valid_until": r.valid_until.isoformat() if r.valid_until else None,
            }
            for r in c.representatives.all()
        ]
    return out
