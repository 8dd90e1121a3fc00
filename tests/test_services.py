"""Services that validate identifiers (python-stdnum) and participation."""

import datetime as dt

import pytest

from forsyn.catalogue.models import Participation
from forsyn.catalogue.selectors import participates
from forsyn.citizens.models import Citizen
from forsyn.citizens.services import citizen_create
from forsyn.core.errors import DomainError
from forsyn.organisations.models import Organisation
from forsyn.organisations.services import organisation_create, user_create
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_organisation_create_validates_identifiers() -> None:
    with pytest.raises(DomainError) as exc:
        organisation_create(
            kind="municipality",
            code="75",
            name="X",
            cvr="13585627",
            gln="5798000000002",
            region=None,
        )
    assert exc.value.english_fields() == {
        "code": "a municipality code has 3 digits",
        "cvr": "is not a valid CVR number (8 digits with a valid check digit)",
        "gln": "is not a valid EAN/GLN location number (13 digits)",
        "region": "a municipality or hospital unit belongs to a region",
    }
    unit = organisation_create(
        kind="hospital_unit",
        code="HEH",
        name="Hospitalsenhed",
        cvr="13585628",
        gln="5798000000001",
        region=f.region("1082"),
    )
    assert Organisation.objects.get(pk=unit.pk).gln == "5798000000001"


def test_user_roles_must_fit_the_organisation() -> None:
    with pytest.raises(DomainError, match="role 'caseworker' does not belong in a supplier"):
        user_create(
            username="x",
            password="pw-long-enough",
            roles=["caseworker"],
            organisation=f.OrganisationFactory(code="coloplast"),
        )
    user = user_create(
        username="cw", password=None, roles=["caseworker"], organisation=f.municipality("751")
    )
    assert (user.role_set(), user.has_usable_password()) == (frozenset({"caseworker"}), False)


def test_citizen_create_validates_cpr_and_uniqueness() -> None:
    base = {
        "first_name": "A",
        "last_name": "B",
        "street": "Algade 1",
        "city": "Aarhus C",
        "municipality": f.municipality("751"),
    }
    citizen = citizen_create(cpr="010155-1234", postcode="8000", **base)
    assert citizen.cpr == "0101551234"
    with pytest.raises(DomainError) as exc:
        citizen_create(cpr="0101551234", postcode="80", **base)
    assert exc.value.english_fields() == {
        "cpr": "a citizen with this CPR number exists",
        "postcode": "a Danish postcode has 4 digits",
    }
    with pytest.raises(DomainError) as exc:
        citizen_create(
            cpr="321355-1234", postcode="8000", **{**base, "municipality": f.region("1082")}
        )
    assert exc.value.english_fields() == {
        "cpr": "is not a valid CPR number (ddmmyy-xxxx)",
        "municipality": "must be a municipality",
    }
    assert Citizen.objects.count() == 1


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2024, 3, 31), False),
        (dt.date(2024, 4, 1), True),
        (dt.date(2025, 12, 31), True),
        (dt.date(2026, 1, 1), False),
    ],
)
def test_participation_window(day: dt.date, expected: bool) -> None:
    org = f.municipality("710")
    Participation.objects.create(
        organisation=org,
        product_area=f.area(),
        go_live_on=dt.date(2024, 4, 1),
        ends_on=dt.date(2026, 1, 1),
    )
    assert participates(organisation_id=org.pk, product_area_id=f.area().pk, on=day) is expected
