from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from forsyn.access import policy
from forsyn.access.context import context_for_request
from forsyn.core.api import MAX_LIMIT, MAX_OFFSET, page
from forsyn.core.errors import PermissionDenied
from forsyn.organisations.choices import OrganisationKind
from forsyn.organisations.selectors import organisation_list

router = Router(tags=["organisations"])


class OrganisationOut(Schema):
    id: int
    kind: str
    code: str
    name: str
    cvr: str
    gln: str
    region: str | None


class OrganisationPage(Schema):
    items: list[OrganisationOut]
    count: int


class OrganisationFilter(Schema):
    kind: OrganisationKind | None = None
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


@router.get("", response=OrganisationPage, summary="List organisations")
def organisations(request: HttpRequest, filters: Query[OrganisationFilter]) -> dict[str, object]:
    if not policy.may_view_organisations(context_for_request(request)):
        raise PermissionDenied
    items, count = page(
        organisation_list(kind=filters.kind), limit=filters.limit, offset=filters.offset
    )
    return {
        "items": [
            {
                "id": o.pk,
                "kind": o.kind,
                "code": o.code,
                "name": o.name,
                "cvr": o.cvr,
                "gln": o.gln,
                "region": o.region.code if o.region else None,
            }
            for o in items
        ],
        "count": count,
    }
