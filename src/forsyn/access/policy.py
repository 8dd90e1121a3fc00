"""THE access policy: may the acting person do action A to object O, and which rows may they see.

Every view, API endpoint and export asks this module; none re-implements it. It answers from the
access context (`forsyn.access.context.AccessContext`: who acts, their organisation and roles,
the channel and the stated purpose), never from a user object, so it needs no database query of
its own about the actor. It knows the other apps' models only through the querysets and objects
it is handed and their field names, so it sits low in the layers (above audit, below
organisations) and every app can call it.

Rules (issue #2, DOMAIN.md §3):
- municipal staff (caseworker, municipal nurse) see citizens who live in their municipality or
  hold a grant from it;
- hospital staff (hospital orderer, hospital nurse) see citizens with an active grant from
  their hospital unit;
- FSC service agents, advisors and administrators see all citizens, but only with a purpose;
- analysts, finance, contract managers, warehouse operators and supplier viewers see no
  personal data;
- supplier viewers see only their own products and prices.
"""

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone

from forsyn.access.context import AccessContext
from forsyn.access.error_codes import ErrorCode
from forsyn.access.roles import OrganisationKind, Role
from forsyn.core.errors import DomainError

M = TypeVar("M", bound=Model)

MUNICIPAL_ROLES = frozenset({Role.CASEWORKER, Role.NURSE})
HOSPITAL_ROLES = frozenset({Role.HOSPITAL_ORDERER, Role.NURSE})
FSC_PERSONAL_DATA_ROLES = frozenset({Role.SERVICE_AGENT, Role.ADVISOR, Role.ADMIN})
GRANT_WRITER_ROLES = frozenset({Role.CASEWORKER, Role.NURSE, Role.HOSPITAL_ORDERER})
# Roles that see the whole CPR number; everyone else sees ddmmyy-xxxx. A caseworker decides
# grants on the person, a service agent identifies a caller by it.
FULL_CPR_ROLES = frozenset({Role.CASEWORKER, Role.SERVICE_AGENT})
WAREHOUSE_ROLES = frozenset({Role.WAREHOUSE_OPERATOR})

DEFAULT_PURPOSE: dict[str, str] = {
    Role.CASEWORKER: "Sagsbehandling efter serviceloven §112",
    Role.NURSE: "Faglig rådgivning og anbefaling",
    Role.HOSPITAL_ORDERER: "Behandling og midlertidig forsyning",
}
PORTAL_PURPOSE = "Borgerens egen bestilling"

PURPOSE_MAX_LENGTH = 200
PURPOSE_MIN_LETTERS = 4
# Values of grants.choices.GrantStatus and orders.choices.OrderKind / Channel, which sit above
# the policy in the layers (it knows their models only through the querysets it is handed).
ACTIVE_GRANT = "active"
WARD_ORDER = "ward"


class PersonalDataScope(enum.Enum):
    """How much of a citizen's personal data the acting person may see at all (which citizens is
    `citizens_visible`'s question):
    - NONE: no personal data (analysts, finance, contract managers, suppliers, nobody);
    - DELIVERY_ADDRESS: the delivery address on what they ship, never CPR numbers, grants or
      other health data (the warehouse's shipping step);
    - FULL: the citizens the policy shows them, with their grants and orders (municipal and
      hospital staff, FSC's service agents, advisors and administrators, the citizen)."""

    NONE = "none"
    DELIVERY_ADDRESS = "delivery_address"
    FULL = "full"


def personal_data_scope(ctx: AccessContext) -> PersonalDataScope:
    if is_portal_user(ctx) or _staff_sees_personal_data(ctx):
        return PersonalDataScope.FULL
    if (
        ctx.organisation_kind == OrganisationKind.LOGISTICS_PROVIDER
        and Role.WAREHOUSE_OPERATOR in ctx.roles
    ):
        return PersonalDataScope.DELIVERY_ADDRESS
    return PersonalDataScope.NONE


def _staff_sees_personal_data(ctx: AccessContext) -> bool:
    roles, kind = ctx.roles, ctx.organisation_kind
    if kind == OrganisationKind.MUNICIPALITY and roles & MUNICIPAL_ROLES:
        return True
    if kind == OrganisationKind.HOSPITAL_UNIT and roles & HOSPITAL_ROLES:
        return True
    return kind == OrganisationKind.SERVICE_CENTRE and bool(roles & FSC_PERSONAL_DATA_ROLES)


def sees_personal_data(ctx: AccessContext) -> bool:
    """Staff who work with citizens' personal data (the staff citizen pages are theirs)."""
    return _staff_sees_personal_data(ctx)


def sees_delivery_address_only(ctx: AccessContext) -> bool:
    """May see the delivery address but not health data: the warehouse's shipping step. A
    warehouse operator sees the delivery address on what it ships, protected or not, and never
    CPR numbers, grants or other health data (it sees no citizen through `citizens_visible`)."""
    return personal_data_scope(ctx) is PersonalDataScope.DELIVERY_ADDRESS


def is_portal_user(ctx: AccessContext) -> bool:
    """A citizen or representative logged in through NemLog-in."""
    return ctx.is_authenticated and ctx.is_portal


def needs_purpose(ctx: AccessContext) -> bool:
    """FSC staff who see personal data see every citizen, so each look must state why."""
    return ctx.organisation_kind == OrganisationKind.SERVICE_CENTRE and sees_personal_data(ctx)


def purpose_for(ctx: AccessContext) -> str:
    """The purpose to log for `ctx`'s stated purpose, or DomainError naming the `purpose`
    field: the portal's own purpose, the stated one, or a role's default where none is needed."""
    if is_portal_user(ctx):
        return PORTAL_PURPOSE
    stated = (ctx.purpose or "").strip()
    if len(stated) > PURPOSE_MAX_LENGTH:
        raise DomainError(
            "purpose too long",
            code=ErrorCode.PURPOSE_TOO_LONG,
            fields={"purpose": ErrorCode.PURPOSE_TOO_LONG.error(max=PURPOSE_MAX_LENGTH)},
        )
    if stated and sum(ch.isalpha() for ch in stated) < PURPOSE_MIN_LETTERS:
        # "." or "x" proves nothing to an auditor reading the access log.
        raise DomainError(
            "purpose too short",
            code=ErrorCode.PURPOSE_TOO_SHORT,
            fields={"purpose": ErrorCode.PURPOSE_TOO_SHORT.error(min=PURPOSE_MIN_LETTERS)},
        )
    if stated:
        return stated
    if needs_purpose(ctx):
        raise DomainError(
            "a purpose is required",
            code=ErrorCode.PURPOSE_REQUIRED,
            fields={"purpose": ErrorCode.PURPOSE_REQUIRED.error()},
        )
    for role in sorted(ctx.roles):
        if role in DEFAULT_PURPOSE:
            return DEFAULT_PURPOSE[role]
    return "Adgang"


def shows_full_cpr(ctx: AccessContext) -> bool:
    return bool(ctx.roles & FULL_CPR_ROLES) and sees_personal_data(ctx)


def _grant_model(citizens: QuerySet[Any]) -> Any:
    return citizens.model._meta.get_field("grants").related_model


def portal_citizens(ctx: AccessContext, citizens: QuerySet[M], on: dt.date) -> QuerySet[M]:
    """A citizen logged in through NemLog-in sees themself; a representative the citizens whose
    power of attorney they hold on `on`."""
    cpr = ctx.portal_cpr
    return citizens.filter(
        Q(cpr=cpr)
        | Q(
            representatives__cpr=cpr,
            representatives__valid_from__lte=on,
        )
        & (Q(representatives__valid_until__isnull=True) | Q(representatives__valid_until__gt=on))
    ).distinct()


def citizens_visible(ctx: AccessContext, citizens: QuerySet[M]) -> QuerySet[M]:
    """Filter a Citizen queryset to the rows `ctx` may see."""
    if is_portal_user(ctx):
        return portal_citizens(ctx, citizens, timezone.localdate())
    if not sees_personal_data(ctx):
        return citizens.none()
    kind, org_id = ctx.organisation_kind, ctx.organisation_id
    if kind == OrganisationKind.SERVICE_CENTRE:
        return citizens
    grants = _grant_model(citizens).objects.filter(
        citizen_id=OuterRef("pk"), granting_organisation_id=org_id
    )
    if kind == OrganisationKind.MUNICIPALITY:
        return citizens.filter(Q(municipality_id=org_id) | Exists(grants))
    return citizens.filter(Exists(grants.filter(status=ACTIVE_GRANT)))


def may_view_citizen(ctx: AccessContext, citizen: Model) -> bool:
    return citizens_visible(ctx, type(citizen)._default_manager.filter(pk=citizen.pk)).exists()


def grants_visible(ctx: AccessContext, grants: QuerySet[M]) -> QuerySet[M]:
    """Grants of the citizens `ctx` may see (any granting organisation: the whole picture)."""
    citizen_model: Any = grants.model._meta.get_field("citizen").related_model
    visible = citizens_visible(ctx, citizen_model.objects.all())
    if is_portal_user(ctx):
        return grants.filter(citizen__in=visible.values("pk"))
    if not sees_personal_data(ctx):
        return grants.none()
    if ctx.organisation_kind == OrganisationKind.SERVICE_CENTRE:
        return grants
    return grants.filter(citizen__in=visible.values("pk"))


ORDER_ON_BEHALF_ROLES = frozenset(
    {Role.SERVICE_AGENT, Role.ADVISOR, Role.NURSE, Role.HOSPITAL_ORDERER, Role.CASEWORKER}
)


def may_order_for(ctx: AccessContext) -> bool:
    """Citizens and representatives order for themselves/their principal; service agents,
    advisors, nurses, caseworkers and hospital staff order on a citizen's behalf (the policy's
    citizen filter decides for whom)."""
    return is_portal_user(ctx) or bool(ctx.roles & ORDER_ON_BEHALF_ROLES)


def order_channel(ctx: AccessContext, *, citizen_cpr: str) -> str:
    """The channel an order arrives through, from who places it (never chosen by the caller):
    the citizen on the web, their representative, the service centre by phone, hospital staff,
    a caseworker, or a nurse on the citizen's behalf (orders.choices.Channel values)."""
    if is_portal_user(ctx):
        return "web" if ctx.portal_cpr == citizen_cpr else "representative"
    roles = ctx.roles
    if roles & {Role.SERVICE_AGENT, Role.ADVISOR}:
        return "phone"
    if Role.HOSPITAL_ORDERER in roles or ctx.organisation_kind == OrganisationKind.HOSPITAL_UNIT:
        return "hospital"
    if Role.CASEWORKER in roles:
        return "caseworker"
    return "nurse"


@dataclass(frozen=True, slots=True)
class OrderedBy:
    """How an order records who placed it: its channel and the words naming who acted."""

    channel: str
    acting_for: str


def ordered_by(ctx: AccessContext, *, citizen_cpr: str) -> OrderedBy:
    """The order's channel and who acted, from the context alone (issue #8 §4: no caller chooses
    the channel): "Borger", "Repræsentant med fuldmagt", or the staff member and organisation."""
    channel = order_channel(ctx, citizen_cpr=citizen_cpr)
    if channel == "web":
        return OrderedBy(channel, "Borger")
    if channel == "representative":
        return OrderedBy(channel, "Repræsentant med fuldmagt")
    return OrderedBy(channel, f"{ctx.display_name} ({ctx.organisation_name})")


def may_order_ward_stock(ctx: AccessContext) -> bool:
    return ctx.organisation_kind == OrganisationKind.HOSPITAL_UNIT and bool(
        ctx.roles & HOSPITAL_ROLES
    )


def may_decide_orders(ctx: AccessContext) -> bool:
    """Whether `ctx` decides held orders at all, for the organisation they work for: the
    caseworkers of a municipality (which pays for its grants), a hospital unit's staff (for its
    temporary grants and ward orders)."""
    if ctx.organisation_id is None:
        return False
    if ctx.organisation_kind == OrganisationKind.MUNICIPALITY:
        return Role.CASEWORKER in ctx.roles
    return ctx.organisation_kind == OrganisationKind.HOSPITAL_UNIT and bool(
        ctx.roles & HOSPITAL_ROLES
    )


def may_decide_orders_of(ctx: AccessContext, *, organisation_id: int) -> bool:
    """Approving or rejecting a held order paid by `organisation_id`: one who decides orders
    (`may_decide_orders`) and works for that organisation."""
    return ctx.organisation_id == organisation_id and may_decide_orders(ctx)


def orders_to_decide(ctx: AccessContext, orders: QuerySet[M]) -> QuerySet[M]:
    """Of `orders`, those `ctx` decides: paid by their own organisation (the status filter is
    the caller's)."""
    if not may_decide_orders(ctx):
        return orders.none()
    return orders.filter(ordering_organisation_id=ctx.organisation_id)


def orders_visible(ctx: AccessContext, orders: QuerySet[M]) -> QuerySet[M]:
    """Orders of the citizens `ctx` may see, and a hospital unit's own ward orders."""
    citizen_model: Any = orders.model._meta.get_field("citizen").related_model
    visible = citizens_visible(ctx, citizen_model.objects.all())
    own_ward = Q(kind=WARD_ORDER, ordering_organisation_id=ctx.organisation_id)
    if ctx.organisation_kind == OrganisationKind.SERVICE_CENTRE and sees_personal_data(ctx):
        return orders
    return orders.filter(Q(citizen__in=visible.values("pk")) | own_ward)


def may_cancel_order(ctx: AccessContext, *, payer_organisation_id: int) -> bool:
    """Cancelling an order the caller may see (issue #8 §4): the citizen, or their
    representative who acts for them; FSC staff who handle citizens' orders; staff of the
    organisation that pays. Staff of another organisation who can see the citizen — a hospital
    orderer looking at a municipality-paid order — may not cancel it."""
    if is_portal_user(ctx):
        # The order was fetched through orders_visible: the citizen's own or a principal's.
        return True
    roles, kind = ctx.roles, ctx.organisation_kind
    if kind == OrganisationKind.SERVICE_CENTRE:
        return bool(roles & FSC_PERSONAL_DATA_ROLES)
    if ctx.organisation_id != payer_organisation_id:
        return False
    if kind == OrganisationKind.MUNICIPALITY:
        return bool(roles & MUNICIPAL_ROLES)
    return kind == OrganisationKind.HOSPITAL_UNIT and bool(roles & HOSPITAL_ROLES)


def _writes_grants(ctx: AccessContext) -> bool:
    if ctx.organisation_id is None or not ctx.roles & GRANT_WRITER_ROLES:
        return False
    kind, roles = ctx.organisation_kind, ctx.roles
    if kind == OrganisationKind.MUNICIPALITY:
        return Role.CASEWORKER in roles
    return kind == OrganisationKind.HOSPITAL_UNIT and bool(roles & HOSPITAL_ROLES)


def may_write_grant(ctx: AccessContext, *, granting_organisation: Model | None) -> bool:
    """Caseworkers write their own municipality's grants; hospital staff their unit's temporary
    grants. Nobody writes another organisation's grants."""
    if granting_organisation is None or ctx.organisation_id != granting_organisation.pk:
        return False
    return _writes_grants(ctx)


def may_write_grants(ctx: AccessContext) -> bool:
    """Whether `ctx` writes grants (of its own organisation) at all: the "new grant" button."""
    return _writes_grants(ctx)


def may_view_access_log(ctx: AccessContext, citizen: Model) -> bool:
    """Caseworkers see who accessed their citizens; FSC administrators see it for anyone."""
    if Role.CASEWORKER in ctx.roles or Role.ADMIN in ctx.roles:
        return may_view_citizen(ctx, citizen)
    return False


def products_visible(ctx: AccessContext, products: QuerySet[M]) -> QuerySet[M]:
    """Every staff user sees the shared assortment; a supplier only its own products."""
    if not ctx.roles:
        return products.none()
    if ctx.organisation_kind == OrganisationKind.SUPPLIER:
        return products.filter(supplier_id=ctx.organisation_id)
    return products


def prices_visible(ctx: AccessContext, entries: QuerySet[M]) -> QuerySet[M]:
    if not ctx.roles:
        return entries.none()
    if ctx.organisation_kind == OrganisationKind.SUPPLIER:
        return entries.filter(contract__supplier_id=ctx.organisation_id)
    return entries


def may_manage_contracts(ctx: AccessContext) -> bool:
    return bool(ctx.roles & {Role.CONTRACT_MANAGER, Role.ADMIN})


def may_use_economics(ctx: AccessContext) -> bool:
    """Business cases, allocation, equalization and consumption data: aggregate figures about
    organisations, never personal data."""
    return bool(ctx.roles & {Role.ANALYST, Role.FINANCE, Role.CONTRACT_MANAGER, Role.ADMIN})


def may_view_organisations(ctx: AccessContext) -> bool:
    return bool(ctx.roles)


def may_view_job_runs(ctx: AccessContext) -> bool:
    """Staff see job runs (their own, or all: `may_view_all_job_runs`); citizens do not."""
    return ctx.is_authenticated and not is_portal_user(ctx)


def may_view_all_job_runs(ctx: AccessContext) -> bool:
    """Administrators see every job run; everyone else the runs they started."""
    return Role.ADMIN in ctx.roles


# -- Protected addresses (issue #8 §3, docs/adr/0011) -------------------------------------------
# A citizen with a protected address (navne- og adressebeskyttelse) is shown with the address
# only to those who must deliver or decide: the citizen themself, the caseworkers of the
# municipality that decides their grants, and the warehouse's shipping step. Everyone else who
# may see the citizen sees "Beskyttet adresse" on pages and `address: null` in the API.


def _decides_for_municipality(ctx: AccessContext) -> bool:
    return ctx.organisation_kind == OrganisationKind.MUNICIPALITY and Role.CASEWORKER in ctx.roles


def protected_addresses_visible(ctx: AccessContext, citizens: QuerySet[M]) -> QuerySet[M]:
    """Of `citizens`, those whose protected address `ctx` may see (whether `ctx` may see the
    citizen at all is `citizens_visible`'s question)."""
    if is_portal_user(ctx):
        return citizens.filter(cpr=ctx.portal_cpr)
    if sees_delivery_address_only(ctx):
        return citizens
    if not _decides_for_municipality(ctx):
        return citizens.none()
    grants = _grant_model(citizens).objects.filter(
        citizen_id=OuterRef("pk"), granting_organisation_id=ctx.organisation_id
    )
    return citizens.filter(Q(municipality_id=ctx.organisation_id) | Exists(grants))


def may_see_protected_address(ctx: AccessContext, citizen: Any) -> bool:
    """May `ctx` see `citizen`'s address even when it is protected? The citizen themself (not a
    representative), a caseworker of the citizen's municipality or of a municipality that granted
    them something, and the warehouse's shipping step."""
    if is_portal_user(ctx):
        return bool(ctx.portal_cpr) and ctx.portal_cpr == citizen.cpr
    if sees_delivery_address_only(ctx):
        return True
    if not _decides_for_municipality(ctx):
        return False
    if citizen.municipality_id == ctx.organisation_id:
        return True
    return protected_addresses_visible(
        ctx, type(citizen)._default_manager.filter(pk=citizen.pk)
    ).exists()


def shows_address(ctx: AccessContext, citizen: Any) -> bool:
    """Whether `ctx` is shown `citizen`'s address: always, unless it is protected."""
    return not citizen.is_address_protected or may_see_protected_address(ctx, citizen)


# -- Fulfilment (issue #10) --


def may_operate_warehouse(ctx: AccessContext) -> bool:
    """Receiving, stock and (later) waves: the logistics provider's warehouse operators, and
    FSC's administrators."""
    if Role.ADMIN in ctx.roles:
        return True
    return ctx.organisation_kind == OrganisationKind.LOGISTICS_PROVIDER and bool(
        ctx.roles & WAREHOUSE_ROLES
    )


def warehouses_operated(ctx: AccessContext, warehouses: QuerySet[M]) -> QuerySet[M]:
    """An operator works in the warehouses their organisation runs; an administrator in all."""
    if not may_operate_warehouse(ctx):
        return warehouses.none()
    if Role.ADMIN in ctx.roles:
        return warehouses
    return warehouses.filter(organisation_id=ctx.organisation_id)


# -- Delivery pauses, recalls and replacement orders (issue #10 §3, §6) --
PAUSE_ROLES = frozenset(
    {
        Role.CASEWORKER,
        Role.NURSE,
        Role.HOSPITAL_ORDERER,
        Role.SERVICE_AGENT,
        Role.ADVISOR,
        Role.ADMIN,
    }
)
RECALL_LETTER_ROLES = frozenset({Role.SERVICE_AGENT, Role.ADMIN})


def may_pause_deliveries(ctx: AccessContext) -> bool:
    """Pausing and resuming a citizen's deliveries (an admission, a holiday): staff who look
    after the citizen — the municipality's caseworkers and nurses, hospital staff, FSC's
    service agents, advisors and administrators. Which citizens: `citizens_visible`."""
    return not is_portal_user(ctx) and sees_personal_data(ctx) and bool(ctx.roles & PAUSE_ROLES)


def may_handle_recalls(ctx: AccessContext) -> bool:
    """Recalls: the warehouse's operators block lots and see who received them (delivery names
    and addresses, as on the labels they print, never CPR numbers); FSC's service agents and
    administrators, who write to the recipients, see them too."""
    if may_operate_warehouse(ctx):
        return True
    return ctx.organisation_kind == OrganisationKind.SERVICE_CENTRE and bool(
        ctx.roles & RECALL_LETTER_ROLES
    )


def recall_lots_visible(ctx: AccessContext, lots: QuerySet[M]) -> QuerySet[M]:
    """The stock lots whose recall (and recipients) `ctx` handles: an operator those of the
    warehouses their organisation runs; FSC's service agents and administrators all."""
    if not may_handle_recalls(ctx):
        return lots.none()
    if ctx.organisation_kind == OrganisationKind.SERVICE_CENTRE:
        return lots
    operated = warehouses_operated(ctx, _warehouse_model(lots).objects.all())
    return lots.filter(warehouse__in=operated)


def _warehouse_model(lots: QuerySet[Any]) -> Any:
    return lots.model._meta.get_field("warehouse").related_model


def may_order_replacement(ctx: AccessContext) -> bool:
    """A replacement for goods of a recalled lot is a copy of the order that received them, to
    the same address and payer, approved at once: whoever handles the recall places it."""
    return may_handle_recalls(ctx)
