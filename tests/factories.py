"""factory_boy factories: the defaults of single rows. Regions, municipalities and product areas
come from migrations. Worlds of several rows (Aarhus, a citizen with a grant, a warehouse) are
built by tests/builders.py, typed, from these."""

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from forsyn.catalogue.models import Category, Participation, Product, ProductArea
from forsyn.citizens.models import Citizen
from forsyn.contracts.models import Contract, Lot, PriceListEntry, Tender
from forsyn.core.identifiers import with_check_digit
from forsyn.grants.models import Grant, GrantLine
from forsyn.orders.models import Order, OrderLine
from forsyn.organisations.models import Organisation, User, UserRole

_gtins = itertools.count(100_000)
_cprs = itertools.count(1)


def municipality(code: str) -> Organisation:
    return Organisation.objects.get(kind="municipality", code=code)


def region(code: str) -> Organisation:
    return Organisation.objects.get(kind="region", code=code)


def area(code: str = "stoma") -> ProductArea:
    return ProductArea.objects.get(code=code)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("kind", "code")

    kind = "supplier"
    code = factory.Sequence(lambda n: f"SUP{n}")
    name = factory.LazyAttribute(lambda o: f"Org {o.code}")


def service_centre() -> Organisation:
    return OrganisationFactory(kind="service_centre", code="FSC", name="Fælles Service Center")


def hospital_unit(code: str = "AUH-URO", region_code: str = "1082") -> Organisation:
    return OrganisationFactory(kind="hospital_unit", code=code, region=region(region_code))


def make_user(role: str, organisation: Organisation, username: str | None = None) -> User:
    user = User.objects.create_user(
        username=username or f"{role}-{organisation.code}-{User.objects.count()}",
        password="pw-for-tests-1",
        organisation=organisation,
    )
    UserRole.objects.create(user=user, role=role)
    return user


class CitizenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citizen

    cpr = factory.LazyFunction(
        lambda: f"0101{50 + next(_cprs) % 40:02d}{next(_cprs) % 4}{next(_cprs) % 1000:03d}"
    )
    first_name = "Karen"
    last_name = factory.Sequence(lambda n: f"Jensen{n}")
    street = "Algade 1"
    postcode = "8000"
    city = "Aarhus C"
    municipality = factory.LazyFunction(lambda: municipality("751"))


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    product_area = factory.LazyFunction(area)
    code = "stoma-1p-closed"
    name_da = "1-delt lukket pose"
    name_en = "1-piece closed bag"


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    gtin = factory.LazyFunction(lambda: with_check_digit(f"570{next(_gtins):09d}"))
    name = factory.Sequence(lambda n: f"Stomipose {n}")
    manufacturer = "Coloplast"
    supplier = factory.SubFactory(OrganisationFactory, code="coloplast")
    category = factory.SubFactory(CategoryFactory)
    order_unit = "box"
    pieces_per_unit = 30


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    lot = factory.LazyFunction(
        lambda: Lot.objects.get_or_create(
            tender=Tender.objects.get_or_create(
                reference="T-STOMA", defaults={"product_area": area(), "name": "Stomi"}
            )[0],
            number=1,
            defaults={"name": "Poser"},
        )[0]
    )
    supplier = factory.SubFactory(OrganisationFactory, code="coloplast")
    reference = factory.Sequence(lambda n: f"C-{n}")
    starts_on = dt.date(2023, 6, 1)
    ends_on = dt.date(2027, 6, 1)


def price(
    contract: Contract,
    product: Product,
    amount: str,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
) -> PriceListEntry:
    return PriceListEntry.objects.create(
        contract=contract,
        product=product,
        price=Decimal(amount),
        valid_from=valid_from,
        valid_until=valid_until,
    )


def participate(
    org: Organisation, area_code: str = "stoma", go_live: dt.date = dt.date(2023, 6, 1)
) -> None:
    Participation.objects.create(organisation=org, product_area=area(area_code), go_live_on=go_live)


class GrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grant

    citizen = factory.SubFactory(CitizenFactory)
    granting_organisation = factory.LazyAttribute(lambda o: o.citizen.municipality)
    product_area = factory.LazyFunction(area)
    legal_basis = "sel_112"
    status = "active"
    valid_from = dt.date(2025, 1, 15)


class GrantLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GrantLine

    grant = factory.SubFactory(GrantFactory)
    product = factory.SubFactory(ProductFactory)
    pieces_per_month = 30


def order_pieces(
    line: GrantLine, pieces: int, *, at: dt.datetime | None = None, status: str = "approved"
) -> OrderLine:
    """An order row created directly (the ordering issue builds the real flow on it)."""
    assert line.product is not None
    order = Order.objects.create(
        citizen=line.grant.citizen,
        ordering_organisation=line.grant.granting_organisation,
        status=status,
        placed_at=at or timezone.now(),
    )
    return OrderLine.objects.create(
        order=order,
        grant_line=line,
        product=line.product,
        order_units=max(1, pieces // line.product.pieces_per_unit),
        pieces=pieces,
    )


def kwargs(**kw: Any) -> dict[str, Any]:
    return kw
