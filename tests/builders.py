"""Typed world builders shared by the tests (issue #9 §7).

One place builds what most tests start from instead of a copy per test module: Aarhus Kommune
taking part in stoma from the go-live, a citizen of Aarhus (Karen) with a §112 grant whose line
grants one stoma bag, and the staff, products, contracts and warehouses around them. Fixtures
call these functions and hand tests what they always did, so a test body never depends on how
its world is built.

Row defaults (names, addresses, GTIN and CPR sequences) come from tests/factories.py. This
module is typed and checked by mypy in `make lint` (the factories are not), so what it hands
out is a Citizen, a Grant, a User, not `Any`.
"""

import datetime as dt
from dataclasses import dataclass

from django.test import Client
from django.utils import timezone

from forsyn.catalogue.models import Category, Product, ProductArea
from forsyn.citizens.models import Citizen
from forsyn.contracts.models import Contract
from forsyn.fulfilment.models import Warehouse
from forsyn.grants.models import Grant, GrantLine
from forsyn.organisations.models import Organisation, User
from tests import factories as f

AARHUS = "751"
ODENSE = "461"
CPR = "0101551234"  # Karen's (a valid, made-up CPR number)
BAG = "5700000000011"  # a closed stoma bag, 30 to a box
PLATE = "5700000000028"  # a base plate, 5 to a box
LOOSE = "5700000000035"  # in the catalogue, on no contract
GO_LIVE = dt.date(2023, 6, 1)
GRANTED_ON = dt.date(2025, 1, 15)  # a grant's default start (GrantFactory)


def a_year_ago() -> dt.date:
    """400 days ago: a grant this old is past its first six months (three months an order)."""
    return timezone.localdate() - dt.timedelta(days=400)


@dataclass(frozen=True)
class World:
    """Aarhus in the stoma area, and a citizen of Aarhus with a grant line for one bag."""

    municipality: Organisation
    area: ProductArea
    citizen: Citizen
    bag: Product
    grant: Grant
    line: GrantLine


def build_world(
    *,
    participating: bool = True,
    cpr: str | None = CPR,
    first_name: str = "Karen",
    last_name: str | None = None,
    email: str = "",
    bag_name: str | None = None,
    bag_gtin: str = BAG,
    pieces_per_month: int = 30,
    grant_from: dt.date | None = None,
    street: str | None = None,
    postcode: str | None = None,
    city: str | None = None,
    is_address_protected: bool = False,
) -> World:
    """The world most tests start from. `participating`: Aarhus takes part in stoma from
    GO_LIVE (placing orders needs it). `cpr` None: the next of the factory's sequence.
    `grant_from` None: a year ago. The citizen's address is the factory's unless given."""
    aarhus = f.municipality(AARHUS)
    if participating:
        f.participate(aarhus, go_live=GO_LIVE)
    citizen = add_citizen(
        aarhus,
        cpr=cpr,
        first_name=first_name,
        last_name=last_name,
        email=email,
        street=street,
        postcode=postcode,
        city=city,
        is_address_protected=is_address_protected,
    )
    bag = add_product(gtin=bag_gtin, name=bag_name, pieces_per_unit=30)
    grant = add_grant(citizen, valid_from=grant_from or a_year_ago())
    line = add_line(grant, bag, pieces_per_month=pieces_per_month)
    return World(aarhus, f.area(), citizen, bag, grant, line)


def add_citizen(
    municipality: Organisation,
    *,
    cpr: str | None = None,
    first_name: str = "Karen",
    last_name: str | None = None,
    email: str = "",
    street: str | None = None,
    postcode: str | None = None,
    city: str | None = None,
    is_address_protected: bool = False,
) -> Citizen:
    """A citizen living in `municipality`; what is not given is the factory's."""
    fields: dict[str, object] = {
        "municipality": municipality,
        "first_name": first_name,
        "email": email,
        "is_address_protected": is_address_protected,
    }
    for name, value in (
        ("cpr", cpr),
        ("last_name", last_name),
        ("street", street),
        ("postcode", postcode),
        ("city", city),
    ):
        if value is not None:
            fields[name] = value
    citizen: Citizen = f.CitizenFactory.create(**fields)
    return citizen


def add_product(
    *,
    gtin: str | None = None,
    name: str | None = None,
    pieces_per_unit: int = 30,
    category: Category | None = None,
    supplier: Organisation | None = None,
    cut_min_mm: int | None = None,
    cut_max_mm: int | None = None,
) -> Product:
    """A product in the catalogue; what is not given is the factory's (a Coloplast stoma bag,
    the next GTIN)."""
    fields: dict[str, object] = {"pieces_per_unit": pieces_per_unit}
    for key, value in (
        ("gtin", gtin),
        ("name", name),
        ("category", category),
        ("supplier", supplier),
        ("cut_min_mm", cut_min_mm),
        ("cut_max_mm", cut_max_mm),
    ):
        if value is not None:
            fields[key] = value
    product: Product = f.ProductFactory.create(**fields)
    return product


def add_base_plate(gtin: str = PLATE) -> Product:
    """A base plate cut to 10–45 mm, 5 to a box, in its own category."""
    return add_product(
        gtin=gtin,
        pieces_per_unit=5,
        cut_min_mm=10,
        cut_max_mm=45,
        category=f.CategoryFactory.create(code="stoma-2p-plate", name_da="Basisplade"),
    )


def add_grant(
    citizen: Citizen,
    *,
    valid_from: dt.date = GRANTED_ON,
    granted_by: Organisation | None = None,
    area: str = "stoma",
    legal_basis: str = "sel_112",
    status: str = "active",
) -> Grant:
    """A grant for `citizen` by their municipality (unless `granted_by`), without lines."""
    grant: Grant = f.GrantFactory.create(
        citizen=citizen,
        granting_organisation=granted_by or citizen.municipality,
        product_area=f.area(area),
        legal_basis=legal_basis,
        status=status,
        valid_from=valid_from,
    )
    return grant


def add_line(
    grant: Grant, product: Product | None = None, *, pieces_per_month: int = 30
) -> GrantLine:
    """A line of `grant` granting `product` (a new one of the factory's when None)."""
    fields: dict[str, object] = {"grant": grant, "pieces_per_month": pieces_per_month}
    if product is not None:
        fields["product"] = product
    line: GrantLine = f.GrantLineFactory.create(**fields)
    return line


def add_staff(role: str, organisation: Organisation, *, username: str | None = None) -> User:
    """A staff user of `organisation` with one role (tests/factories.make_user)."""
    return f.make_user(role, organisation, username)


def add_portal_user(cpr: str, *, username: str) -> User:
    """A citizen's (or a representative's) log-in to the portal, as the IdP would create it."""
    user: User = User.objects.create_user(username=username, cpr=cpr)
    return user


def logged_in(user: User) -> Client:
    """A test client with `user`'s session."""
    client = Client()
    client.force_login(user)
    return client


def add_contract(
    *prices: tuple[Product, str, dt.date, dt.date | None], reference: str | None = None
) -> Contract:
    """A contract of the stoma tender's lot 1 with a price per piece for each (product,
    price, valid from, valid until)."""
    contract: Contract = (
        f.ContractFactory.create(reference=reference) if reference else f.ContractFactory.create()
    )
    for product, amount, valid_from, valid_until in prices:
        f.price(contract, product, amount, valid_from, valid_until)
    return contract


@dataclass(frozen=True)
class WarehouseWorld:
    """The FSC consignment warehouse run by a logistics provider, its operator, two products
    on contract and one without."""

    provider: Organisation
    operator: User
    warehouse: Warehouse
    bag: Product  # on contract
    plate: Product  # on contract
    loose: Product  # in the catalogue, no contract


def build_warehouse() -> WarehouseWorld:
    provider: Organisation = f.OrganisationFactory.create(
        kind="logistics_provider", code="LOGI", name="Lagerhuset"
    )
    operator = add_staff("warehouse_operator", provider)
    warehouse = Warehouse.objects.create(
        code="FSC", name="FSC-lageret", kind="consignment", organisation=provider
    )
    bag = add_product(gtin=BAG, pieces_per_unit=30)
    plate = add_product(gtin=PLATE, pieces_per_unit=5)
    loose = add_product(gtin=LOOSE, pieces_per_unit=10)
    add_contract((bag, "27.5000", GO_LIVE, None), (plate, "41.0000", GO_LIVE, None))
    return WarehouseWorld(provider, operator, warehouse, bag, plate, loose)
