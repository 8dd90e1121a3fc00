"""THE access policy: may user U do action A to object O, and which rows may U see.

Every view, API endpoint and export asks this module; none re-implements it. It knows the other
apps' models only through the querysets and objects it is handed and their field names, so it
sits low in the layers (above audit, below organisations) and every app can call it.

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

from typing import Any, TypeVar

from django.db.models import Exists, Model, OuterRef, Q, QuerySet

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

DEFAULT_PURPOSE: dict[str, str] = {
    Role.CASEWORKER: "Sagsbehandling efter serviceloven §112",
    Role.NURSE: "Faglig rådgivning og anbefaling",
    Role.HOSPITAL_ORDERER: "Behandling og midlertidig forsyning",
}

PURPOSE_MAX_LENGTH = 200
PURPOSE_MIN_LETTERS = 4
# Values of grants.choices.GrantStatus and orders.choices.OrderKind, which sit above the policy
# in the layers (it knows their models only through the querysets it is handed).
ACTIVE_GRANT = "active"
WARD_ORDER = "ward"


def _org_kind(user: Any) -> str | None:
    org = getattr(user, "organisation", None)
    return org.kind if org is not None else None


def _roles(user: Any) -> frozenset[str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    roles: frozenset[str] = user.role_set()
    return roles


def sees_personal_data(user: Any) -> bool:
    roles, kind = _roles(user), _org_kind(user)
    if kind == OrganisationKind.MUNICIPALITY and roles & MUNICIPAL_ROLES:
        return True
    if kind == OrganisationKind.HOSPITAL_UNIT and roles & HOSPITAL_ROLES:
        return True
    return kind == OrganisationKind.SERVICE_CENTRE and bool(roles & FSC_PERSONAL_DATA_ROLES)


def needs_purpose(user: Any) -> bool:
    """FSC staff who see personal data see every citizen, so each look must state why."""
    return _org_kind(user) == OrganisationKind.SERVICE_CENTRE and sees_personal_data(user)


def purpose_for(user: Any, purpose: str | None) -> str:
    """The purpose to log, or DomainError naming the `purpose` field."""
    if is_portal_user(user):
        return "Borgerens egen bestilling"
    return _staff_purpose(user, purpose)


def _staff_purpose(user: Any, purpose: str | None) -> str:
    stated = (purpose or "").strip()
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
    if needs_purpose(user):
        raise DomainError(
            "a purpose is required",
            code=ErrorCode.PURPOSE_REQUIRED,
            fields={"purpose": ErrorCode.PURPOSE_REQUIRED.error()},
        )
    for role in sorted(_roles(user)):
        if role in DEFAULT_PURPOSE:
            return DEFAULT_PURPOSE[role]
    return "Adgang"


def shows_full_cpr(user: Any) -> bool:
    return bool(_roles(user) & FULL_CPR_ROLES) and sees_personal_data(user)


def _grant_model(citizens: QuerySet[Any]) -> Any:
    return citizens.model._meta.get_field("grants").related_model


def is_portal_user(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_portal_user", False))


def portal_citizens(user: Any, citizens: QuerySet[M], on: Any) -> QuerySet[M]:
    """A citizen logged in through NemLog-in sees themself; a representative the citizens whose
    power of attorney they hold on `on`."""
    return citizens.filter(
        Q(cpr=user.cpr)
        | Q(
            representatives__cpr=user.cpr,
            representatives__valid_from__lte=on,
        )
        & (Q(representatives__valid_until__isnull=True) | Q(representatives__valid_until__gt=on))
    ).distinct()


def citizens_visible(user: Any, citizens: QuerySet[M]) -> QuerySet[M]:
    """Filter a Citizen queryset to the rows `user` may see."""
    if is_portal_user(user):
        from django.utils import timezone

        return portal_citizens(user, citizens, timezone.localdate())
    if not sees_personal_data(user):
        return citizens.none()
    kind, org_id = _org_kind(user), user.organisation_id
    if kind == OrganisationKind.SERVICE_CENTRE:
        return citizens
    grants = _grant_model(citizens).objects.filter(
        citizen_id=OuterRef("pk"), granting_organisation_id=org_id
    )
    if kind == OrganisationKind.MUNICIPALITY:
        return citizens.filter(Q(municipality_id=org_id) | Exists(grants))
    return citizens.filter(Exists(grants.filter(status=ACTIVE_GRANT)))


def may_view_citizen(user: Any, citizen: Any) -> bool:
    return citizens_visible(user, type(citizen).objects.filter(pk=citizen.pk)).exists()


def grants_visible(user: Any, grants: QuerySet[M]) -> QuerySet[M]:
    """Grants of the citizens `user` may see (any granting organisation: the whole picture)."""
    citizen_model: Any = grants.model._meta.get_field("citizen").related_model
    visible = citizens_visible(user, citizen_model.objects.all())
    if is_portal_user(user):
        return grants.filter(citizen__in=visible.values("pk"))
    if not sees_personal_data(user):
        return grants.none()
    if _org_kind(user) == OrganisationKind.SERVICE_CENTRE:
        return grants
    return grants.filter(citizen__in=visible.values("pk"))


ORDER_ON_BEHALF_ROLES = frozenset(
    {Role.SERVICE_AGENT, Role.ADVISOR, Role.NURSE, Role.HOSPITAL_ORDERER, Role.CASEWORKER}
)


def may_order_for(user: Any) -> bool:
    """Citizens and representatives order for themselves/their principal; service agents,
    advisors, nurses, caseworkers and hospital staff order on a citizen's behalf (the policy's
    citizen filter decides for whom)."""
    return is_portal_user(user) or bool(_roles(user) & ORDER_ON_BEHALF_ROLES)


def order_channel(user: Any, *, citizen_cpr: str) -> str:
    """The channel an order arrives through, from who places it (never chosen by the caller):
    the citizen on the web, their representative, the service centre by phone, hospital staff,
    a caseworker, or a nurse on the citizen's behalf (orders.choices.Channel values)."""
    if is_portal_user(user):
        return "web" if user.cpr == citizen_cpr else "representative"
    roles = _roles(user)
    if roles & {Role.SERVICE_AGENT, Role.ADVISOR}:
        return "phone"
    if Role.HOSPITAL_ORDERER in roles or _org_kind(user) == OrganisationKind.HOSPITAL_UNIT:
        return "hospital"
    if Role.CASEWORKER in roles:
        return "caseworker"
    return "nurse"


def may_order_ward_stock(user: Any) -> bool:
    return _org_kind(user) == OrganisationKind.HOSPITAL_UNIT and bool(_roles(user) & HOSPITAL_ROLES)


def may_decide_orders(user: Any) -> bool:
    """Whether `user` decides held orders at all: for the organisation they work for."""
    org_id = getattr(user, "organisation_id", None)
    return org_id is not None and may_decide_orders_of(user, organisation_id=org_id)


def may_decide_orders_of(user: Any, *, organisation_id: int) -> bool:
    """Approving or rejecting a held order: the caseworkers of the municipality that pays (or
    the hospital unit's staff for a temporary hospital grant)."""
    if user.organisation_id != organisation_id:
        return False
    roles, kind = _roles(user), _org_kind(user)
    if kind == OrganisationKind.MUNICIPALITY:
        return Role.CASEWORKER in roles
    return kind == OrganisationKind.HOSPITAL_UNIT and bool(roles & HOSPITAL_ROLES)


def orders_visible(user: Any, orders: QuerySet[M]) -> QuerySet[M]:
    """Orders of the citizens `user` may see, and a hospital unit's own ward orders."""
    citizen_model: Any = orders.model._meta.get_field("citizen").related_model
    visible = citizens_visible(user, citizen_model.objects.all())
    own_ward = Q(kind=WARD_ORDER, ordering_organisation_id=getattr(user, "organisation_id", None))
    if _org_kind(user) == OrganisationKind.SERVICE_CENTRE and sees_personal_data(user):
        return orders
    return orders.filter(Q(citizen__in=visible.values("pk")) | own_ward)


def may_cancel_order(user: Any, *, payer_organisation_id: int) -> bool:
    """Cancelling an order the caller may see (issue #8 §4): the citizen, or their
    representative who acts for them; FSC staff who handle citizens' orders; staff of the
    organisation that pays. Staff of another organisation who can see the citizen — a hospital
    orderer looking at a municipality-paid order — may not cancel it."""
    if is_portal_user(user):
        # The order was fetched through orders_visible: the citizen's own or a principal's.
        return True
    roles, kind = _roles(user), _org_kind(user)
    if kind == OrganisationKind.SERVICE_CENTRE:
        return bool(roles & FSC_PERSONAL_DATA_ROLES)
    if getattr(user, "organisation_id", None) != payer_organisation_id:
        return False
    if kind == OrganisationKind.MUNICIPALITY:
        return bool(roles & MUNICIPAL_ROLES)
    return kind == OrganisationKind.HOSPITAL_UNIT and bool(roles & HOSPITAL_ROLES)


def may_write_grant(user: Any, *, granting_organisation: Any) -> bool:
    """Caseworkers and nurses write their own municipality's grants; hospital staff their
    unit's temporary grants. Nobody writes another organisation's grants."""
    if granting_organisation is None or not _roles(user) & GRANT_WRITER_ROLES:
        return False
    if user.organisation_id != granting_organisation.pk:
        return False
    kind = _org_kind(user)
    roles = _roles(user)
    if kind == OrganisationKind.MUNICIPALITY:
        return bool(roles & {Role.CASEWORKER})
    return kind == OrganisationKind.HOSPITAL_UNIT and bool(roles & HOSPITAL_ROLES)


def may_view_access_log(user: Any, citizen: Any) -> bool:
    """Caseworkers see who accessed their citizens; FSC administrators see it for anyone."""
    roles = _roles(user)
    if Role.CASEWORKER in roles or Role.ADMIN in roles:
        return may_view_citizen(user, citizen)
    return False


def products_visible(user: Any, products: QuerySet[M]) -> QuerySet[M]:
    """Every staff user sees the shared assortment; a supplier only its own products."""
    roles = _roles(user)
    if not roles:
        return products.none()
    if _org_kind(user) == OrganisationKind.SUPPLIER:
        return products.filter(supplier_id=user.organisation_id)
    return products


def prices_visible(user: Any, entries: QuerySet[M]) -> QuerySet[M]:
    roles = _roles(user)
    if not roles:
        return entries.none()
    if _org_kind(user) == OrganisationKind.SUPPLIER:
        return entries.filter(contract__supplier_id=user.organisation_id)
    return entries


def may_manage_contracts(user: Any) -> bool:
    return bool(_roles(user) & {Role.CONTRACT_MANAGER, Role.ADMIN})


def may_use_economics(user: Any) -> bool:
    """Business cases, allocation, equalization and consumption data: aggregate figures about
    organisations, never personal data."""
    return bool(_roles(user) & {Role.ANALYST, Role.FINANCE, Role.CONTRACT_MANAGER, Role.ADMIN})


def may_view_organisations(user: Any) -> bool:
    return bool(_roles(user))


def may_view_all_job_runs(user: Any) -> bool:
    """Administrators see every job run; everyone else the runs they started."""
    return Role.ADMIN in _roles(user)


# -- Protected addresses (issue #8 §3, docs/adr/0011) -------------------------------------------
# A citizen with a protected address (navne- og adressebeskyttelse) is shown with the address
# only to those who must deliver or decide: the citizen themself, the caseworkers of the
# municipality that decides their grants, and the warehouse's shipping step. Everyone else who
# may see the citizen sees "Beskyttet adresse" on pages and `address: null` in the API.


def sees_delivery_address_only(user: Any) -> bool:
    """The warehouse's shipping step: a warehouse operator sees the delivery address on what it
    ships, protected or not, and never health data, CPR numbers or grants (it sees no citizen
    through `citizens_visible`). The warehouse pages come later; this is their rule."""
    return _org_kind(
        user
    ) == OrganisationKind.LOGISTICS_PROVIDER and Role.WAREHOUSE_OPERATOR in _roles(user)


def _decides_for_municipality(user: Any) -> bool:
    return _org_kind(user) == OrganisationKind.MUNICIPALITY and Role.CASEWORKER in _roles(user)


def protected_addresses_visible(user: Any, citizens: QuerySet[M]) -> QuerySet[M]:
    """Of `citizens`, those whose protected address `user` may see (whether `user` may see the
    citizen at all is `citizens_visible`'s question)."""
    if is_portal_user(user):
        return citizens.filter(cpr=user.cpr)
    if sees_delivery_address_only(user):
        return citizens
    if not _decides_for_municipality(user):
        return citizens.none()
    grants = _grant_model(citizens).objects.filter(
        citizen_id=OuterRef("pk"), granting_organisation_id=user.organisation_id
    )
    return citizens.filter(Q(municipality_id=user.organisation_id) | Exists(grants))


def may_see_protected_address(user: Any, citizen: Any) -> bool:
    """May `user` see `citizen`'s address even when it is protected? The citizen themself (not a
    representative), a caseworker of the citizen's municipality or of a municipality that granted
    them something, and the warehouse's shipping step."""
    if is_portal_user(user):
        return bool(user.cpr) and user.cpr == citizen.cpr
    if sees_delivery_address_only(user):
        return True
    if not _decides_for_municipality(user):
        return False
    if citizen.municipality_id == user.organisation_id:
        return True
    return protected_addresses_visible(user, type(citizen).objects.filter(pk=citizen.pk)).exists()


def shows_address(user: Any, citizen: Any) -> bool:
    """Whether `user` is shown `citizen`'s address: always, unless it is protected."""
    return not citizen.is_address_protected or may_see_protected_address(user, citizen)


# -- Fulfilment (issue #10) --
WAREHOUSE_ROLES = frozenset({Role.WAREHOUSE_OPERATOR})


def may_operate_warehouse(user: Any) -> bool:
    """Receiving, stock and (later) waves: the logistics provider's warehouse operators, and
    FSC's administrators."""
    roles, kind = _roles(user), _org_kind(user)
    if Role.ADMIN in roles:
        return True
    return kind == OrganisationKind.LOGISTICS_PROVIDER and bool(roles & WAREHOUSE_ROLES)


def warehouses_operated(user: Any, warehouses: QuerySet[M]) -> QuerySet[M]:
    """An operator works in the warehouses their organisation runs; an administrator in all."""
    if not may_operate_warehouse(user):
        return warehouses.none()
    if Role.ADMIN in _roles(user):
        return warehouses
    return warehouses.filter(organisation_id=user.organisation_id)


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


def may_pause_deliveries(user: Any) -> bool:
    """Pausing and resuming a citizen's deliveries (an admission, a holiday): staff who look
    after the citizen — the municipality's caseworkers and nurses, hospital staff, FSC's
    service agents, advisors and administrators. Which citizens: `citizens_visible`."""
    return (
        not is_portal_user(user) and sees_personal_data(user) and bool(_roles(user) & PAUSE_ROLES)
    )


def may_handle_recalls(user: Any) -> bool:
    """Recalls: the warehouse's operators block lots and see who received them (delivery names
    and addresses, as on the labels they print, never CPR numbers); FSC's service agents and
    administrators, who write to the recipients, see them too."""
    if may_operate_warehouse(user):
        return True
    return _org_kind(user) == OrganisationKind.SERVICE_CENTRE and bool(
        _roles(user) & RECALL_LETTER_ROLES
    )


def recall_lots_visible(user: Any, lots: QuerySet[M]) -> QuerySet[M]:
    """The stock lots whose recall (and recipients) `user` handles: an operator those of the
    warehouses their organisation runs; FSC's service agents and administrators all."""
    if not may_handle_recalls(user):
        return lots.none()
    if _org_kind(user) == OrganisationKind.SERVICE_CENTRE:
        return lots
    operated = warehouses_operated(user, _warehouse_model(lots).objects.all())
    return lots.filter(warehouse__in=operated)


def _warehouse_model(lots: QuerySet[Any]) -> Any:
    return lots.model._meta.get_field("warehouse").related_model


def may_order_replacement(user: Any) -> bool:
    """A replacement for goods of a recalled lot is a copy of the order that received them, to
    the same address and payer, approved at once: whoever handles the recall places it."""
    return may_handle_recalls(user)
