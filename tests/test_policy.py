"""The access policy: role × action × own/other organisation, table-driven."""

import pytest

from forsyn.access import policy
from forsyn.catalogue.models import Product
from forsyn.citizens.models import Citizen
from forsyn.core.errors import DomainError
from forsyn.grants.models import Grant
from tests import builders as b
from tests import factories as f
from tests.contexts import ctx

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, object]:
    aarhus, odense = f.municipality(b.AARHUS), f.municipality(b.ODENSE)
    auh = f.hospital_unit("AUH-URO")
    ouh = f.hospital_unit("OUH-URO", "1083")
    fsc = f.service_centre()
    coloplast = f.OrganisationFactory(kind="supplier", code="coloplast")
    hollister = f.OrganisationFactory(kind="supplier", code="hollister")
    own = b.add_citizen(aarhus)
    other = b.add_citizen(odense)
    granted_by_aarhus = b.add_citizen(odense)  # moved, grant still from Aarhus
    b.add_grant(granted_by_aarhus, granted_by=aarhus)
    at_hospital = b.add_citizen(odense)
    b.add_grant(at_hospital, granted_by=auh, legal_basis="hospital_temporary")
    ended_at_hospital = b.add_citizen(odense)
    b.add_grant(ended_at_hospital, granted_by=auh, status="ended", legal_basis="hospital_temporary")
    b.add_product(supplier=coloplast)
    b.add_product(supplier=hollister)
    users = {
        "caseworker": f.make_user("caseworker", aarhus),
        "nurse": f.make_user("nurse", aarhus),
        "hospital_orderer": f.make_user("hospital_orderer", auh),
        "other_hospital": f.make_user("hospital_orderer", ouh),
        "service_agent": f.make_user("service_agent", fsc),
        "advisor": f.make_user("advisor", fsc),
        "analyst": f.make_user("analyst", fsc),
        "finance": f.make_user("finance", fsc),
        "contract_manager": f.make_user("contract_manager", fsc),
        "supplier_viewer": f.make_user("supplier_viewer", coloplast),
    }
    citizens = {
        "own": own,
        "other": other,
        "granted_by_aarhus": granted_by_aarhus,
        "at_hospital": at_hospital,
        "ended_at_hospital": ended_at_hospital,
    }
    return {"users": users, "citizens": citizens}


# Which of the citizens each user sees.
VISIBLE = {
    "caseworker": {"own", "granted_by_aarhus"},
    "nurse": {"own", "granted_by_aarhus"},
    "hospital_orderer": {"at_hospital"},
    "other_hospital": set(),
    "service_agent": {"own", "other", "granted_by_aarhus", "at_hospital", "ended_at_hospital"},
    "advisor": {"own", "other", "granted_by_aarhus", "at_hospital", "ended_at_hospital"},
    "analyst": set(),
    "finance": set(),
    "contract_manager": set(),
    "supplier_viewer": set(),
}


@pytest.mark.parametrize(("user_key", "expected"), sorted(VISIBLE.items()))
def test_citizens_visible(world: dict, user_key: str, expected: set[str]) -> None:
    user = world["users"][user_key]
    names = {
        k
        for k, c in world["citizens"].items()
        if policy.citizens_visible(ctx(user), Citizen.objects.all()).filter(pk=c.pk).exists()
    }
    assert names == expected
    assert {
        k for k, c in world["citizens"].items() if policy.may_view_citizen(ctx(user), c)
    } == expected


@pytest.mark.parametrize(
    ("user_key", "grant_count"),
    [
        ("caseworker", 1),
        ("hospital_orderer", 1),
        ("service_agent", 3),
        ("analyst", 0),
        ("supplier_viewer", 0),
    ],
)
def test_grants_visible(world: dict, user_key: str, grant_count: int) -> None:
    assert (
        policy.grants_visible(ctx(world["users"][user_key]), Grant.objects.all()).count()
        == grant_count
    )


@pytest.mark.parametrize(
    ("user_key", "own_org", "allowed"),
    [
        ("caseworker", True, True),
        ("caseworker", False, False),
        ("nurse", True, False),
        ("hospital_orderer", True, True),
        ("service_agent", True, False),
        ("analyst", True, False),
    ],
)
def test_may_write_grant(world: dict, user_key: str, own_org: bool, allowed: bool) -> None:
    user = world["users"][user_key]
    org = user.organisation if own_org else f.municipality("461")
    assert policy.may_write_grant(ctx(user), granting_organisation=org) is allowed


@pytest.mark.parametrize(
    ("user_key", "count"), [("supplier_viewer", 1), ("analyst", 2), ("caseworker", 2)]
)
def test_products_visible(world: dict, user_key: str, count: int) -> None:
    assert (
        policy.products_visible(ctx(world["users"][user_key]), Product.objects.all()).count()
        == count
    )


def test_purpose_required_for_service_centre(world: dict) -> None:
    agent = world["users"]["service_agent"]
    with pytest.raises(DomainError) as exc:
        policy.purpose_for(ctx(agent, purpose="  "))
    assert exc.value.english_fields() == {"purpose": "state why you need this citizen's data"}
    assert (
        policy.purpose_for(ctx(agent, purpose="Borger ringer om levering"))
        == "Borger ringer om levering"
    )
    assert (
        policy.purpose_for(ctx(world["users"]["caseworker"]))
        == "Sagsbehandling efter serviceloven §112"
    )


@pytest.mark.parametrize(
    ("user_key", "full"),
    [
        ("caseworker", True),
        ("service_agent", True),
        ("nurse", False),
        ("hospital_orderer", False),
        ("analyst", False),
    ],
)
def test_full_cpr_only_where_needed(world: dict, user_key: str, full: bool) -> None:
    assert policy.shows_full_cpr(ctx(world["users"][user_key])) is full


def test_anonymous_sees_nothing(world: dict) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert policy.citizens_visible(ctx(AnonymousUser()), Citizen.objects.all()).count() == 0
    assert policy.products_visible(ctx(AnonymousUser()), Product.objects.all()).count() == 0


@pytest.mark.parametrize(
    ("role", "kind", "decides"),
    [
        ("caseworker", "municipality", True),
        ("nurse", "municipality", False),
        ("hospital_orderer", "hospital_unit", True),
        ("service_agent", "service_centre", False),
        ("analyst", "service_centre", False),
    ],
)
def test_who_decides_held_orders_of_their_own_organisation(
    role: str, kind: str, decides: bool
) -> None:
    organisation = {
        "municipality": lambda: f.municipality("751"),
        "hospital_unit": f.hospital_unit,
        "service_centre": f.service_centre,
    }[kind]()
    user = f.make_user(role, organisation)
    assert policy.may_decide_orders(ctx(user)) is decides
    assert policy.may_decide_orders(ctx(None)) is False


@pytest.mark.parametrize(
    ("who", "channel"),
    [
        ("own", "web"),
        ("representative", "representative"),
        ("service_agent", "phone"),
        ("hospital_orderer", "hospital"),
        ("caseworker", "caseworker"),
        ("nurse", "nurse"),
    ],
)
def test_the_order_channel_follows_who_places_it(who: str, channel: str) -> None:
    from forsyn.organisations.models import User

    cpr = "0101551234"
    users = {
        "own": lambda: User.objects.create_user(username="borger-a", cpr=cpr),
        "representative": lambda: User.objects.create_user(username="borger-b", cpr="0202602345"),
        "service_agent": lambda: f.make_user("service_agent", f.service_centre()),
        "hospital_orderer": lambda: f.make_user("hospital_orderer", f.hospital_unit()),
        "caseworker": lambda: f.make_user("caseworker", f.municipality("751")),
        "nurse": lambda: f.make_user("nurse", f.municipality("751")),
    }
    assert policy.order_channel(ctx(users[who]()), citizen_cpr=cpr) == channel
