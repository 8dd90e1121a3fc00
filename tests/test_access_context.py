"""The access context (issue #9 §1, docs/adr/0020): one frozen value says who acts, through which
channel and why; the policy answers from it and the access log records its channel and purpose."""

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.test import Client, RequestFactory

from forsyn.access import policy
from forsyn.access.context import AccessContext, Channel, context_for_request
from forsyn.access.log import log_access
from forsyn.audit.choices import AccessAction
from forsyn.audit.models import AccessLogEntry
from forsyn.citizens.selectors import access_citizen
from forsyn.organisations.models import User
from forsyn.organisations.services import token_create
from tests import factories as f
from tests.contexts import ctx

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[1] / "src" / "forsyn"
CPR = "0101551234"


@pytest.fixture
def w() -> dict[str, Any]:
    aarhus = f.municipality("751")
    citizen = f.CitizenFactory(municipality=aarhus, cpr=CPR)
    return {
        "aarhus": aarhus,
        "citizen": citizen,
        "cw": f.make_user("caseworker", aarhus, username="cw"),
        "agent": f.make_user("service_agent", f.service_centre(), username="agent"),
        "portal": User.objects.create_user(username="borger-1", cpr=CPR),
    }


def _entries() -> list[tuple[str, str, str, str]]:
    return [
        (e.actor_username, e.action, e.channel, e.purpose)
        for e in AccessLogEntry.objects.order_by("seq")
    ]


# -- the value ---------------------------------------------------------------------------------


def test_the_context_is_frozen(w: dict[str, Any]) -> None:
    context = ctx(w["cw"], purpose="Opfølgning")
    with pytest.raises(dataclasses.FrozenInstanceError):
        context.purpose = "noget andet"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        context.roles = frozenset({"admin"})  # type: ignore[misc]
    assert not hasattr(context, "__dict__")  # slots: no attribute can be added either
    other = context.with_purpose("Klage")
    assert (context.purpose, other.purpose) == ("Opfølgning", "Klage")
    assert other.with_purpose(None).purpose is None
    assert context.with_channel(Channel.API).channel == "api"
    assert context.channel == "page"


def test_the_context_holds_who_acts(w: dict[str, Any]) -> None:
    cw = w["cw"]
    assert ctx(cw, channel=Channel.API, purpose="Sag") == AccessContext(
        channel=Channel.API,
        user_id=cw.pk,
        username="cw",
        full_name="",
        organisation_id=w["aarhus"].pk,
        organisation_kind="municipality",
        organisation_name="Aarhus Kommune",
        roles=frozenset({"caseworker"}),
        is_portal=False,
        portal_cpr="",
        purpose="Sag",
    )
    citizen = ctx(w["portal"])
    assert (citizen.is_portal, citizen.portal_cpr, citizen.roles, citizen.organisation_id) == (
        True,
        CPR,
        frozenset(),
        None,
    )
    for nobody in (ctx(None), ctx(AnonymousUser()), AccessContext.system(channel=Channel.TASK)):
        assert (nobody.is_authenticated, nobody.user_id, nobody.roles) == (False, None, frozenset())
        assert policy.personal_data_scope(nobody) is policy.PersonalDataScope.NONE
    assert AccessContext.system(channel=Channel.TASK).channel == "task"


def test_the_portal_cpr_never_reaches_a_log_line(w: dict[str, Any]) -> None:
    citizen = ctx(w["portal"])
    assert CPR not in repr(citizen)
    assert CPR not in str(citizen)
    assert "borger-1" in repr(citizen)


def test_a_request_builds_its_context_once(w: dict[str, Any]) -> None:
    request = RequestFactory().get("/")
    request.user = w["cw"]
    first = context_for_request(request)
    assert context_for_request(request) is first
    assert first.channel == "page"
    # A log-in during the request (another user) gets a fresh context.
    request.user = w["agent"]
    assert context_for_request(request).username == "agent"


# -- the access log records the context's channel and purpose ----------------------------------


def test_purpose_and_channel_are_recorded_from_the_context(w: dict[str, Any]) -> None:
    log_access(
        ctx(w["agent"], channel=Channel.TASK, purpose="Borger ringer om levering"),
        citizen_ids=[w["citizen"].pk],
        action=AccessAction.VIEW,
        resource="test",
    )
    access_citizen(
        ctx=ctx(w["cw"], channel=Channel.MESSAGE, purpose="Opfølgning på ansøgning"),
        citizen_id=w["citizen"].pk,
        resource="test",
    )
    access_citizen(ctx=ctx(w["cw"], channel=Channel.CLI), citizen_id=w["citizen"].pk, resource="t")
    assert _entries() == [
        ("agent", "view", "task", "Borger ringer om levering"),
        ("cw", "view", "message", "Opfølgning på ansøgning"),
        ("cw", "view", "cli", "Sagsbehandling efter serviceloven §112"),
    ]


def test_api_reads_are_logged_with_channel_api(w: dict[str, Any]) -> None:
    client = Client()
    auth = {"Authorization": f"Bearer {token_create(user=w['agent'])}"}
    citizen = w["citizen"].pk
    got = client.get(f"/api/v1/citizens/{citizen}", headers={**auth, "X-Purpose": "Opkald"})
    assert got.status_code == 200
    body = {"q": w["citizen"].last_name, "purpose": "Borger ringer"}
    found = client.post(
        "/api/v1/citizens/search", body, content_type="application/json", headers=auth
    )
    assert found.json()["count"] == 1
    assert _entries() == [
        ("agent", "view", "api", "Opkald"),
        ("agent", "search", "api", "Borger ringer"),
    ]


def test_page_reads_are_logged_with_channel_page(w: dict[str, Any]) -> None:
    client = Client()
    client.force_login(w["agent"])
    citizen = w["citizen"].pk
    assert client.post(f"/borgere/{citizen}/", {"purpose": "Borger ringer"}).status_code == 302
    assert client.get(f"/borgere/{citizen}/").status_code == 200
    client.force_login(w["cw"])
    assert client.get(f"/borgere/{citizen}/").status_code == 200
    assert _entries() == [
        ("agent", "view", "page", "Borger ringer"),
        ("cw", "view", "page", "Sagsbehandling efter serviceloven §112"),
    ]


def test_a_management_command_is_logged_with_channel_cli(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`forsyn loaddemo` places its orders through the ordering service as the demo agent:
    each order's access-log entry says it came from the command line."""
    call_command("loaddemo", "--scale", "small", "--seed", "3")
    created = AccessLogEntry.objects.filter(action="create", resource__startswith="order ")
    assert created.count() > 200
    assert set(created.values_list("channel", "purpose", "actor_username")) == {
        ("cli", "Demodata: bestilling pr. telefon", "agent-fsc")
    }
    capsys.readouterr()


# -- the policy answers from the context -------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "kind", "scope"),
    [
        ("caseworker", "municipality", "full"),
        ("nurse", "hospital_unit", "full"),
        ("service_agent", "service_centre", "full"),
        ("warehouse_operator", "logistics_provider", "delivery_address"),
        ("analyst", "service_centre", "none"),
        ("finance", "municipality", "none"),
        ("supplier_viewer", "supplier", "none"),
    ],
)
def test_who_sees_the_delivery_address_but_not_health_data(
    role: str, kind: str, scope: str
) -> None:
    organisation = {
        "municipality": lambda: f.municipality("751"),
        "hospital_unit": f.hospital_unit,
        "service_centre": f.service_centre,
        "logistics_provider": lambda: f.OrganisationFactory(kind="logistics_provider", code="L"),
        "supplier": lambda: f.OrganisationFactory(kind="supplier", code="S"),
    }[kind]()
    context = ctx(f.make_user(role, organisation))
    assert policy.personal_data_scope(context).value == scope
    assert policy.sees_delivery_address_only(context) is (scope == "delivery_address")
    if scope == "delivery_address":
        assert policy.sees_personal_data(context) is False
        assert policy.shows_full_cpr(context) is False


@pytest.mark.parametrize(
    ("role", "own", "decides"),
    [
        ("caseworker", True, True),
        ("caseworker", False, False),
        ("nurse", True, False),
        ("service_agent", True, False),
    ],
)
def test_deciding_an_order_is_one_predicate(role: str, own: bool, decides: bool) -> None:
    aarhus = f.municipality("751")
    home = aarhus if role != "service_agent" else f.service_centre()
    context = ctx(f.make_user(role, home))
    payer = home.pk if own else f.municipality("461").pk
    assert policy.may_decide_orders_of(context, organisation_id=payer) is decides


@pytest.mark.parametrize(
    ("who", "payer_is_own", "allowed"),
    [
        ("portal", False, True),
        ("service_agent", False, True),
        ("advisor", False, True),
        ("analyst", False, False),
        ("caseworker", True, True),
        ("nurse", True, True),
        ("caseworker", False, False),
        ("hospital_orderer", True, True),
        ("hospital_orderer", False, False),
    ],
)
def test_who_may_cancel_an_order(who: str, payer_is_own: bool, allowed: bool) -> None:
    if who == "portal":
        context = ctx(User.objects.create_user(username="borger-2", cpr=CPR))
    else:
        home = {
            "service_agent": f.service_centre,
            "advisor": f.service_centre,
            "analyst": f.service_centre,
            "hospital_orderer": f.hospital_unit,
        }.get(who, lambda: f.municipality("751"))()
        context = ctx(f.make_user(who, home))
    payer = context.organisation_id if payer_is_own else f.municipality("461").pk
    assert policy.may_cancel_order(context, payer_organisation_id=payer or 0) is allowed


def test_an_order_records_who_placed_it_from_the_context(w: dict[str, Any]) -> None:
    agent = ctx(w["agent"])
    assert policy.ordered_by(agent, citizen_cpr=CPR) == policy.OrderedBy(
        "phone", "agent (Fælles Service Center)"
    )
    assert policy.ordered_by(ctx(w["portal"]), citizen_cpr=CPR) == policy.OrderedBy("web", "Borger")
    assert policy.ordered_by(ctx(w["portal"]), citizen_cpr="0202602345") == policy.OrderedBy(
        "representative", "Repræsentant med fuldmagt"
    )


# -- it stays so -------------------------------------------------------------------------------

UNTYPED_ACTOR = re.compile(r"\b(actor|user|ctx|context|started_by)\s*:\s*(\"?)Any\b")


def test_no_actor_is_typed_any() -> None:
    """mypy strict with no `Any` where the acting person belongs: a parameter named actor, user,
    ctx or started_by typed `Any` anywhere in src/forsyn fails this test."""
    offenders = [
        f"{path.relative_to(SRC)}:{number}: {line.strip()}"
        for path in sorted(SRC.rglob("*.py"))
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if UNTYPED_ACTOR.search(line)
    ]
    assert offenders == []


def test_the_policy_takes_contexts_only() -> None:
    """Every public function of the policy that reasons about the acting person takes an
    AccessContext as its first parameter."""
    import inspect

    takes_context = []
    for name, fn in inspect.getmembers(policy, inspect.isfunction):
        if fn.__module__ != policy.__name__ or name.startswith("_"):
            continue
        first = next(iter(inspect.signature(fn).parameters.values()))
        takes_context.append((name, first.name, first.annotation is AccessContext))
    assert len(takes_context) > 30
    assert [t for t in takes_context if t[1:] != ("ctx", True)] == []
