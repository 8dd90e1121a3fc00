"""Demo data: deterministic, with the logins the README promises."""

import json

import pytest
from django.core.management import call_command

from forsyn.catalogue.models import Participation, Product
from forsyn.citizens.models import Citizen
from forsyn.demo.generate import demo_citizen_logins
from forsyn.grants.models import Grant
from forsyn.orders.models import Order
from forsyn.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_loaddemo_small(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("loaddemo", "--scale", "small", "--seed", "3")
    out = capsys.readouterr().out
    assert "Demo logins (password for all: forsyn-demo-2026):" in out
    assert Organisation.objects.filter(kind="region").count() == 5
    assert Organisation.objects.filter(kind="municipality").count() == 98
    assert Organisation.objects.filter(kind="supplier").count() == 5
    assert Citizen.objects.count() == 500
    stoma = Product.objects.filter(category__product_area__code="stoma").count()
    assert 190 <= stoma <= 220
    assert (
        Product.objects.filter(category__product_area__code="urology")
        .values("category")
        .distinct()
        .count()
        == 33
    )
    municipal = Participation.objects.filter(
        organisation__kind="municipality", product_area__code="stoma"
    )
    assert municipal.count() == 31
    assert str(municipal.get(organisation__code="751").go_live_on) == "2023-06-01"
    first = list(Citizen.objects.order_by("pk").values_list("cpr", "last_name")[:5])
    grants = Grant.objects.count()
    call_command("demo-logins", "--json")
    logins = json.loads(capsys.readouterr().out)
    pairs = {(row["role"], row["organisation_code"]) for row in logins}
    assert {("caseworker", "751"), ("caseworker", "461"), ("nurse", "751")} <= pairs
    assert {
        "caseworker",
        "nurse",
        "hospital_orderer",
        "service_agent",
        "advisor",
        "warehouse_operator",
        "finance",
        "contract_manager",
        "analyst",
        "supplier_viewer",
        "admin",
    } <= {r["role"] for r in logins}
    assert set(logins[0]) == {"username", "password", "role", "organisation_code"}
    # Citizens for the test IdP: Aarhus first, so caseworker-751 can approve their orders.
    citizens = demo_citizen_logins()
    assert [(c["kind"], c["municipality"]) for c in citizens] == [
        ("citizen", "751"),
        ("citizen", "751"),
        ("citizen", "751"),
        ("citizen", "751"),
        ("representative", "751"),
    ]
    assert [bool(c["represents"]) for c in citizens] == [False, False, False, False, True]
    assert all(Citizen.objects.filter(cpr=c["cpr"]).exists() for c in citizens[:4])
    # Same seed, same data.
    Order.objects.all().delete()
    Grant.objects.all().delete()
    Citizen.objects.all().delete()
    call_command("loaddemo", "--scale", "small", "--seed", "3")
    assert list(Citizen.objects.order_by("pk").values_list("cpr", "last_name")[:5]) == first
    assert Grant.objects.count() == grants


def test_demo_orders_have_the_history_of_their_status(capsys: pytest.CaptureFixture[str]) -> None:
    """Every demo order went through the ordering service and the lifecycle: its events run
    from placement to its status without a gap, and it has its access-log entry."""
    from forsyn.audit.models import AccessLogEntry
    from forsyn.orders.choices import TRANSITIONS
    from forsyn.orders.models import OrderEvent

    call_command("loaddemo", "--scale", "small", "--seed", "3")
    orders = list(Order.objects.prefetch_related("events").order_by("pk"))
    statuses = {o.status for o in orders}
    assert statuses >= {"approved", "delivered"}
    assert len(orders) > 200
    for order in orders:
        events = sorted(order.events.all(), key=lambda e: (e.at, e.pk))
        chain = [(e.from_status, e.to_status) for e in events]
        assert chain[0] == ("", "submitted"), order.pk
        for (_, to), (nxt_from, nxt_to) in zip(chain, chain[1:], strict=False):
            assert nxt_from == to, (order.pk, chain)
            assert nxt_to in TRANSITIONS[nxt_from], (order.pk, chain)
        assert chain[-1][1] == order.status, (order.pk, chain)
        assert events[0].at == order.placed_at
    created = AccessLogEntry.objects.filter(action="create", resource__startswith="order ")
    assert created.count() == len(orders)
    assert OrderEvent.objects.filter(to_status="delivered").count() == sum(
        o.status == "delivered" for o in orders
    )
    assert "orders placed through the ordering service" in capsys.readouterr().out
