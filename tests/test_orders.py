"""Ordering services and API: holds, refusals, idempotency, approvals, cancellation, policy."""

import datetime as dt
import threading
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.utils import timezone

from forsyn.audit.models import AccessLogEntry
from forsyn.catalogue.models import Participation
from forsyn.citizens.models import Representative
from forsyn.core.errors import DomainError, NotFound
from forsyn.core.models import OutboxMessage
from forsyn.grants.models import Grant
from forsyn.orders.models import Order, OrderEvent, OrderLine
from forsyn.orders.services import DeliveryInput, LineInput, order_cancel, order_decide, order_place
from forsyn.organisations.models import User
from tests import builders as b
from tests import factories as f
from tests.contexts import ctx
from tests.querycount import assert_queries, assert_queries_constant
from tests.test_api import Api

pytestmark = pytest.mark.django_db
HOME = DeliveryInput()
# Warm, exact SQL statement counts (tests/querycount.py), whatever the number of lines.
# A citizen's page reads no roles (a portal user has none: the access context knows it).
MY_PRODUCTS_QUERIES = 10
# With the outbox row of the receipt e-mail (recorded with the order, sent after commit); no
# idempotency look-up and no savepoint on the way (the unique key finds a retry at the INSERT);
# the ordering policy is read with the grant lines.
PLACE_QUERIES = 13


@pytest.fixture
def w() -> dict[str, Any]:
    world = b.build_world(email="karen@example.dk")
    return {
        "aarhus": world.municipality,
        "citizen": world.citizen,
        "bag": world.bag,
        "grant": world.grant,
        "line": world.line,
        "portal": b.add_portal_user(b.CPR, username="borger-1"),
        "agent": b.add_staff("service_agent", f.service_centre()),
        "cw": b.add_staff("caseworker", world.municipality),
        "other_cw": b.add_staff("caseworker", f.municipality(b.ODENSE)),
    }


def place(w: dict, actor: str = "portal", units: int = 1, **kw: Any) -> Order:
    order, _ = order_place(
        ctx=ctx(w[actor], purpose=kw.pop("purpose", "Telefonopkald")),
        citizen_id=w["citizen"].pk,
        lines=[LineInput("5700000000011", units)],
        delivery=kw.pop("delivery", HOME),
        **kw,
    )
    return order


def test_citizen_order_within_quota_is_approved(w: dict) -> None:
    order = place(w, units=2)
    assert (order.status, order.channel, order.hold_reasons) == ("approved", "web", [])
    assert list(order.lines.values_list("pieces", "order_units")) == [(60, 2)]
    assert [e.to_status for e in OrderEvent.objects.filter(order=order)] == [
        "submitted",
        "approved",
    ]
    assert (order.delivery_street, order.delivery_postcode) == (w["citizen"].street, "8000")
    assert len(mail.outbox) == 0  # sent on commit; the test transaction does not commit


@pytest.mark.parametrize(
    ("later_max_months", "status"),
    [(None, "awaiting_approval"), (4, "approved"), (3, "awaiting_approval")],
)
def test_the_payers_order_window_decides(
    w: dict, later_max_months: int | None, status: str
) -> None:
    """A municipality's OrderingPolicy for the area replaces the default window (1 month in the
    first 6, then 3): with 4 months allowed, 4 months' supply at once is not held."""
    from forsyn.orders.models import OrderingPolicy

    if later_max_months is not None:
        OrderingPolicy.objects.create(
            organisation=w["aarhus"],
            product_area=f.area(),
            first_period_months=6,
            early_max_months=1,
            later_max_months=later_max_months,
        )
    assert place(w, units=4).status == status


def test_over_quota_is_held_then_approved(w: dict, client: Any) -> None:
    place(w, units=2)
    held = place(w, units=2)
    assert held.status == "awaiting_approval"
    assert held.hold_reasons == [
        {
            "code": "over_quota",
            "message": "5700000000011: 120 pieces in the last 3 month(s) is more than "
            "the granted 90",
            "gtin": "5700000000011",
            "pieces": 120,
            "allowed": 90,
            "months": 3,
        }
    ]
    client.force_login(w["cw"])
    queue = client.get("/godkendelser/").content.decode()
    # The reason names the product, not its GTIN.
    name = w["bag"].name
    assert f"{name}: 120 stk. de seneste 3 måneder er mere end de bevilgede 90." in queue
    assert "5700000000011: 120 stk." not in queue
    with pytest.raises(NotFound):
        order_decide(ctx=ctx(w["other_cw"]), order_id=held.pk, approve=True, message="")
    with pytest.raises(DomainError) as exc:
        order_decide(ctx=ctx(w["cw"]), order_id=held.pk, approve=False, message=" ")
    assert exc.value.english_fields() == {"message": "tell the citizen why the order is rejected"}
    approved = order_decide(
        ctx=ctx(w["cw"]), order_id=held.pk, approve=True, message="OK, ekstra forbrug"
    )
    assert (approved.status, approved.decision_message) == ("approved", "OK, ekstra forbrug")


def test_first_six_months_allow_one_month(w: dict) -> None:
    w["grant"].valid_from = timezone.localdate() - dt.timedelta(days=30)
    w["grant"].save()
    assert place(w, units=1).status == "approved"
    held = place(w, units=1)
    assert held.hold_reasons[0]["code"] == "over_quota"
    assert place(w, units=2).hold_reasons[0]["code"] == "over_window"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"grant_status": "suspended"},
            "lines",
            "the grant is suspended: products cannot be ordered",
        ),
        ({"deceased": True}, "citizen", "the citizen is registered as deceased"),
        ({"phase_out": True}, "lines[0].gtin", "is phased out; order its successor"),
        (
            {"not_granted": True},
            "lines[0].gtin",
            "is not granted to the citizen under an active grant",
        ),
        ({"no_participation": True}, "lines", "does not take part in this product area"),
    ],
)
def test_refusals_save_nothing(w: dict, change: dict, field: str, message: str) -> None:
    if change.get("grant_status"):
        w["grant"].status = "suspended"
        w["grant"].status_reason = "Indlagt"
        w["grant"].save()
        # A suspended grant's lines are not orderable at all: the product is then not granted.
        field, message = "lines[0].gtin", "is not granted to the citizen under an active grant"
    if change.get("deceased"):
        w["citizen"].deceased_on = timezone.localdate()
        w["citizen"].save()
    if change.get("phase_out"):
        successor = f.ProductFactory(name="Ny pose")
        w["bag"].status, w["bag"].phased_out_on, w["bag"].successor = (
            "phased_out",
            dt.date(2026, 1, 1),
            successor,
        )
        w["bag"].save()
    if change.get("not_granted"):
        w["line"].is_active = False
        w["line"].save()
    if change.get("no_participation"):
        Participation.objects.all().delete()
    before = (Order.objects.count(), OrderLine.objects.count(), AccessLogEntry.objects.count())
    with pytest.raises(DomainError) as exc:
        place(w)
    assert message in exc.value.english_fields()[field]
    assert (
        Order.objects.count(),
        OrderLine.objects.count(),
        AccessLogEntry.objects.count(),
    ) == before


def test_idempotency_key_returns_the_first_order(w: dict) -> None:
    first, created = order_place(
        ctx=ctx(w["portal"]),
        citizen_id=w["citizen"].pk,
        lines=[LineInput("5700000000011", 1)],
        delivery=HOME,
        idempotency_key="abc",
    )
    again, created_again = order_place(
        ctx=ctx(w["portal"]),
        citizen_id=w["citizen"].pk,
        lines=[LineInput("5700000000011", 1)],
        delivery=HOME,
        idempotency_key="abc",
    )
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert Order.objects.count() == 1


def test_a_retry_returns_the_first_order_even_when_it_would_now_be_refused(w: dict) -> None:
    """The key is looked up only when placement is refused or hits the unique key: a retry
    after the grant was suspended still answers with the first order, and nothing new is
    written (no order, no access-log entry)."""
    kwargs: dict[str, Any] = {
        "ctx": ctx(w["portal"]),
        "citizen_id": w["citizen"].pk,
        "lines": [LineInput("5700000000011", 1)],
        "delivery": HOME,
        "idempotency_key": "retry-1",
    }
    first, created = order_place(**kwargs)
    Grant.objects.filter(pk=w["grant"].pk).update(status="suspended")
    logged = AccessLogEntry.objects.count()
    again, created_again = order_place(**kwargs)
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert (Order.objects.count(), AccessLogEntry.objects.count()) == (1, logged)
    with pytest.raises(DomainError) as exc:
        order_place(**{**kwargs, "idempotency_key": "retry-2"})
    assert exc.value.code == "order_invalid"


def test_representative_orders_for_the_citizen(w: dict) -> None:
    rep = User.objects.create_user(username="rep", cpr="0202602345")
    with pytest.raises(NotFound):
        order_place(
            ctx=ctx(rep),
            citizen_id=w["citizen"].pk,
            lines=[LineInput("5700000000011", 1)],
            delivery=HOME,
        )
    Representative.objects.create(
        citizen=w["citizen"],
        cpr="0202602345",
        name="Søn",
        valid_from=timezone.localdate() - dt.timedelta(days=1),
    )
    order, _ = order_place(
        ctx=ctx(rep),
        citizen_id=w["citizen"].pk,
        lines=[LineInput("5700000000011", 1)],
        delivery=HOME,
    )
    assert (order.channel, order.acting_for, order.placed_by) == (
        "representative",
        "Repræsentant med fuldmagt",
        rep,
    )


def test_agent_orders_by_phone_to_a_parcel_locker(w: dict) -> None:
    order = place(
        w,
        actor="agent",
        delivery=DeliveryInput(type="parcel_locker", parcel_locker="Netto Frederiks Allé"),
    )
    assert (order.channel, order.parcel_locker) == ("phone", "Netto Frederiks Allé")
    assert (
        AccessLogEntry.objects.filter(citizen_id=w["citizen"].pk, purpose="Telefonopkald").count()
        == 1
    )


def test_cancel_until_picked(w: dict) -> None:
    order = place(w)
    assert order_cancel(ctx=ctx(w["portal"]), order_id=order.pk).status == "cancelled"
    picked = place(w)
    Order.objects.filter(pk=picked.pk).update(status="picked")
    with pytest.raises(DomainError, match="too late"):
        order_cancel(ctx=ctx(w["portal"]), order_id=picked.pk)
    with pytest.raises(NotFound):
        order_cancel(ctx=ctx(w["other_cw"]), order_id=picked.pk)


def test_hospital_temporary_grant_pays_until_municipal(w: dict) -> None:
    unit = f.hospital_unit()
    Participation.objects.create(
        organisation=unit, product_area=f.area(), go_live_on=dt.date(2023, 6, 1)
    )
    w["grant"].status = "draft"
    w["grant"].save()
    temp = f.GrantFactory(
        citizen=w["citizen"],
        granting_organisation=unit,
        legal_basis="hospital_temporary",
        valid_from=timezone.localdate() - dt.timedelta(days=3),
        valid_until=timezone.localdate() + dt.timedelta(days=30),
    )
    f.GrantLineFactory(grant=temp, product=w["bag"], pieces_per_month=30)
    nurse = f.make_user("hospital_orderer", unit)
    order = place(w, actor="portal")
    assert order.ordering_organisation == unit
    order2, _ = order_place(
        ctx=ctx(nurse),
        citizen_id=w["citizen"].pk,
        lines=[LineInput("5700000000011", 1)],
        delivery=HOME,
    )
    assert (order2.channel, order2.status) == ("hospital", "awaiting_approval")


def test_api_orders(w: dict) -> None:
    api = Api(w["agent"])
    body = {
        "citizen": w["citizen"].pk,
        "lines": [{"gtin": "5700000000011", "order_units": 1}],
        "delivery": {"type": "registered_address"},
        "purpose": "Telefon",
    }
    created = api.client.post(
        "/api/v1/orders",
        body,
        content_type="application/json",
        headers={**api.headers, "Idempotency-Key": "tlf-1"},
    )
    assert created.status_code == 201
    out = created.json()
    assert (out["status"], out["hold_reasons"], out["lines"]) == (
        "approved",
        [],
        [{"gtin": "5700000000011", "order_units": 1, "pieces": 30}],
    )
    retry = api.client.post(
        "/api/v1/orders",
        body,
        content_type="application/json",
        headers={**api.headers, "Idempotency-Key": "tlf-1"},
    )
    assert (retry.status_code, retry.json()["id"]) == (200, out["id"])
    held = api.post("/orders", {**body, "lines": [{"gtin": "5700000000011", "order_units": 5}]})
    assert held.json()["status"] == "awaiting_approval"
    cw = Api(w["cw"])
    queue = cw.get("/approvals").json()
    assert [o["id"] for o in queue["items"]] == [held.json()["id"]]
    assert Api(w["other_cw"]).get("/approvals").json()["count"] == 0
    assert Api(w["other_cw"]).post(f"/orders/{held.json()['id']}/approve", {}).status_code == 404
    rejected = cw.post(f"/orders/{held.json()['id']}/reject", {"message": "For mange"})
    assert (rejected.json()["status"], rejected.json()["decision_message"]) == (
        "rejected",
        "For mange",
    )
    assert api.get(f"/citizens/{w['citizen'].pk}/orders", purpose="Opfølgning").json()["count"] == 2
    assert Api(w["other_cw"]).get(f"/orders/{out['id']}").status_code == 404
    assert api.post(f"/orders/{out['id']}/cancel", {}).json()["detail"][0]["loc"] == [
        "body",
        "purpose",
    ]
    cancelled = api.post(f"/orders/{out['id']}/cancel", {}, purpose="Borger ringer").json()
    assert cancelled.get("status") == "cancelled", cancelled
    bad = api.post("/orders", {**body, "lines": [{"gtin": "123", "order_units": 0}]})
    assert bad.status_code == 422
    assert {tuple(d["loc"]) for d in bad.json()["detail"]} == {("body", "lines", 0, "order_units")}
    assert Api(None).post("/orders", body).status_code == 401


@pytest.mark.django_db(transaction=True)
def test_concurrent_orders_only_one_fits(on_postgres: None) -> None:
    from tests.conftest import ensure_reference_data

    ensure_reference_data()
    aarhus = f.municipality("751")
    Participation.objects.create(
        organisation=aarhus, product_area=f.area(), go_live_on=dt.date(2023, 6, 1)
    )
    citizen = f.CitizenFactory(municipality=aarhus)
    bag = f.ProductFactory(pieces_per_unit=30)
    grant = f.GrantFactory(
        citizen=citizen, valid_from=timezone.localdate() - dt.timedelta(days=400)
    )
    f.GrantLineFactory(grant=grant, product=bag, pieces_per_month=30)
    agents = [f.make_user("service_agent", f.service_centre()) for _ in range(2)]
    barrier = threading.Barrier(2)
    results: list[str] = []

    def order(agent: Any) -> None:
        barrier.wait()
        try:
            placed, _ = order_place(
                ctx=ctx(agent, purpose="Test"),
                citizen_id=citizen.pk,
                lines=[LineInput(bag.gtin, 2)],
                delivery=HOME,
            )
            results.append(placed.status)
        finally:
            connection.close()

    threads = [threading.Thread(target=order, args=(a,)) for a in agents]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["approved", "awaiting_approval"]


def test_ward_order(w: dict) -> None:
    unit = f.hospital_unit()
    api = Api(f.make_user("hospital_orderer", unit))
    body = {"lines": [{"gtin": "5700000000011", "order_units": 10}]}
    created = api.post("/ward-orders", body)
    assert created.status_code == 201
    out = created.json()
    assert (out["citizen"], out["status"], out["channel"], out["lines"][0]["pieces"]) == (
        None,
        "approved",
        "hospital",
        300,
    )
    assert Order.objects.get(pk=out["id"]).ordering_organisation == unit
    assert Api(w["cw"]).post("/ward-orders", body).status_code == 422
    twice = api.post("/ward-orders", {"lines": [*body["lines"], *body["lines"]]})
    assert twice.status_code == 422
    assert twice.json()["detail"] == [
        {
            "loc": ["body", "lines"],
            "msg": "the same product twice: give it once with the total",
            "type": "product_twice",
            "code": "product_twice",
            "params": {},
        }
    ]
    assert Order.objects.filter(kind="ward").count() == 1
    assert Api(w["cw"]).get(f"/orders/{out['id']}").status_code == 404


def test_ward_order_page(w: dict, client: Any) -> None:
    unit = f.hospital_unit()
    nurse = f.make_user("hospital_orderer", unit)
    client.force_login(nurse)
    page = client.get("/afdelingslager/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'href="/afdelingslager/"' in html  # in the navigation
    assert "5700000000011" in html
    key = page.context["idempotency_key"]
    post = {"idempotency_key": key, "r0-product": "5700000000011", "r0-order_units": "4"}
    # A row with packs but no product is an error naming that row; nothing is saved.
    bad = client.post("/afdelingslager/", {**post, "r1-order_units": "2"})
    assert bad.status_code == 422
    assert bad.context["rows"][1].errors == {"product": ["Vælg produktet."]}
    assert Order.objects.filter(kind="ward").count() == 0
    done = client.post("/afdelingslager/", post)
    assert (done.status_code, done["Location"]) == (302, "/afdelingslager/")
    again = client.post("/afdelingslager/", post)  # a double click: still one order
    assert again.status_code == 302
    order = Order.objects.get(kind="ward")
    assert (order.ordering_organisation, order.status, order.citizen) == (unit, "approved", None)
    assert list(order.lines.values_list("product__gtin", "order_units", "pieces")) == [
        ("5700000000011", 4, 120)
    ]
    listed = client.get("/afdelingslager/")
    assert [o.pk for o in listed.context["recent"]] == [order.pk]
    client.force_login(w["cw"])
    assert client.get("/afdelingslager/").status_code == 403
    assert 'href="/afdelingslager/"' not in client.get("/borgere/").content.decode()


def test_my_products_offers_the_successor_and_explains_what_cannot_be_ordered(
    w: dict, client: Any
) -> None:
    new_bag = f.ProductFactory(gtin="5700000000028", pieces_per_unit=20, name="Ny pose")
    w["bag"].status, w["bag"].successor = "phased_out", new_bag
    w["bag"].phased_out_on = timezone.localdate()
    w["bag"].save()
    gone = f.ProductFactory(
        gtin="5700000000035",
        status="phased_out",
        phased_out_on=timezone.localdate(),
        name="Gammel plade",
    )
    f.GrantLineFactory(grant=w["grant"], product=gone, pieces_per_month=10)
    other_area = f.area("urology")
    f.GrantFactory(
        citizen=w["citizen"],
        product_area=other_area,
        status="suspended",
        status_reason="Indlagt på hospital",
        valid_from=timezone.localdate() - dt.timedelta(days=30),
    )
    client.force_login(w["portal"])
    page = client.get(f"/borger/{w['citizen'].pk}/")
    assert page.status_code == 200
    items = page.context["products"]
    assert [(i.product.gtin, i.replaces.gtin, i.remaining_pieces) for i in items] == [
        ("5700000000028", "5700000000011", 90)
    ]
    assert [(n.code, n.area, n.reason, n.product) for n in page.context["notices"]] == [
        ("grant_suspended", other_area.name_da, "Indlagt på hospital", ""),
        ("product_phased_out", "", "", "Gammel plade"),
    ]
    html = page.content.decode()
    assert "Erstatter " in html
    assert "er sat i bero" in html
    # The successor is ordered under the phased-out product's grant line.
    order, _ = order_place(
        ctx=ctx(w["portal"]),
        citizen_id=w["citizen"].pk,
        lines=[LineInput("5700000000028", 3)],
        delivery=HOME,
    )
    assert (order.status, order.lines.get().grant_line) == ("approved", w["line"])
    w["citizen"].deceased_on = timezone.localdate()
    w["citizen"].save()
    codes = [n.code for n in client.get(f"/borger/{w['citizen'].pk}/").context["notices"]]
    assert codes == ["citizen_deceased", "grant_suspended", "product_phased_out"]


def test_delivery_errors_are_shown_in_danish_and_nothing_is_ordered(w: dict, client: Any) -> None:
    client.force_login(w["portal"])
    page = client.post(
        f"/borger/{w['citizen'].pk}/bekraeft/",
        {
            "units-5700000000011": "1",
            "delivery_type": "other_address",
            "name": "Karen",
            "street": "Vestergade 1",
            "postcode": "80",
            "city": "Aarhus",
        },
    )
    assert page.status_code == 422
    assert page.context["delivery_form"].errors == {"postcode": ["et dansk postnummer har 4 cifre"]}
    assert Order.objects.count() == 0


class RefusingMailServer(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError


def test_a_failing_mail_server_does_not_fail_the_order(
    w: dict, settings: Any, caplog: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = "tests.test_orders.RefusingMailServer"
    with django_capture_on_commit_callbacks(execute=True):
        order = place(w)
    assert Order.objects.get(pk=order.pk).status == "approved"
    message = OutboxMessage.objects.get(topic="order.placed")
    assert [r.getMessage() for r in caplog.records if r.name == "forsyn.core.outbox"] == [
        f"outbox order.placed #{message.pk} (receipt) failed: ConnectionRefusedError"
    ]
    # Kept for a retry with back-off; the order is untouched.
    assert (message.status, message.attempts, message.last_error) == (
        "pending",
        1,
        "ConnectionRefusedError: ",
    )


def test_receipt_e_mail_after_commit(w: dict, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        order = place(w, units=2)
    assert [(m.subject, m.to, m.from_email) for m in mail.outbox] == [
        (
            f"Kvittering for din bestilling nr. {order.pk}",
            ["karen@example.dk"],
            "Fælles Service Center <ikke-svar@forsyn.example>",
        )
    ]
    assert "  2 × " in mail.outbox[0].body
    assert "(60 stk.)" in mail.outbox[0].body
    assert mail.outbox[0].body.startswith("Kære ")
    assert f"Vi har modtaget din bestilling nr. {order.pk}. Den er godkendt." in mail.outbox[0].body
    # The outbox row is the record that the receipt went out.
    assert list(
        OutboxMessage.objects.filter(key=f"order-{order.pk}").values_list("handler", "status")
    ) == [("receipt", "done")]


def test_queries_do_not_grow_with_the_number_of_products(w: dict, client: Any) -> None:
    """My products and order placement read a citizen's lines in a fixed number of queries:
    counted warm and exact, with one grant line and with four (tests/querycount.py)."""
    gtins = ["5700000000011"]

    def page() -> None:
        assert client.get(f"/borger/{w['citizen'].pk}/").status_code == 200

    def order() -> None:
        order_place(
            ctx=ctx(w["portal"]),
            citizen_id=w["citizen"].pk,
            lines=[LineInput(g, 1) for g in gtins],
            delivery=HOME,
        )

    def more_lines() -> None:
        for gtin in ["5700000000028", "5700000000035", "5700000000042"]:
            f.GrantLineFactory(
                grant=w["grant"], product=f.ProductFactory(gtin=gtin), pieces_per_month=30
            )
            gtins.append(gtin)

    client.force_login(w["portal"])
    assert_queries_constant(MY_PRODUCTS_QUERIES, page, more_lines, label="My products")
    assert_queries(PLACE_QUERIES, order, label="order placement, 4 lines")
    gtins[1:] = []
    assert_queries(PLACE_QUERIES, order, label="order placement, 1 line")


def test_decisions_with_and_without_htmx(w: dict, client: Any) -> None:
    place(w, units=3)
    held = place(w, units=1)
    other = place(w, units=1)
    assert (held.status, other.status) == ("awaiting_approval", "awaiting_approval")
    client.force_login(w["cw"])
    hx = {"HX-Request": "true"}
    # htmx: a refused decision answers the card again with the reason, in Danish.
    card = client.post(f"/godkendelser/{held.pk}/", {"decision": "reject"}, headers=hx)
    html = card.content.decode()
    assert card.status_code == 200
    assert html.startswith(f'<section class="mt-5 order-card" id="approval-{held.pk}"')
    assert "fortæl borgeren, hvorfor bestillingen afvises" in html
    done = client.post(
        f"/godkendelser/{held.pk}/", {"decision": "approve", "message": "OK"}, headers=hx
    )
    assert f"Bestilling {held.pk} er godkendt." in done.content.decode()
    assert "<html" not in done.content.decode()
    # Without JavaScript the form posts and the page reloads.
    plain = client.post(f"/godkendelser/{other.pk}/", {"decision": "reject", "message": "Nej"})
    assert (plain.status_code, plain["Location"]) == (302, "/godkendelser/")
    assert list(
        Order.objects.filter(pk__in=[held.pk, other.pk]).order_by("pk").values_list("status")
    ) == [("approved",), ("rejected",)]


def test_ward_page_refuses_the_same_product_twice_in_danish(client: Any, w: dict) -> None:
    client.force_login(f.make_user("hospital_orderer", f.hospital_unit()))
    page = client.post(
        "/afdelingslager/",
        {
            "idempotency_key": "k1",
            "r0-product": "5700000000011",
            "r0-order_units": "2",
            "r1-product": "5700000000011",
            "r1-order_units": "1",
        },
    )
    assert page.status_code == 422
    assert page.context["errors"] == [
        "det samme produkt to gange: angiv det én gang med det samlede antal"
    ]
    assert Order.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (
            {"decision": "bogus"},
            "Afgørelse: Marker en gyldig valgmulighed. bogus er ikke en af de tilgængelige "
            "valgmuligheder.",
        ),
        (
            {"decision": "reject", "message": "x" * 2001},
            "Besked til borgeren: Denne værdi må højst have 2000 tegn (den har 2001).",
        ),
    ],
)
def test_a_forged_decision_or_an_endless_message_is_refused_not_guessed(
    w: dict, client: Any, data: dict[str, str], error: str
) -> None:
    held = place(w, units=4)
    assert held.status == "awaiting_approval"
    client.force_login(w["cw"])
    card = client.post(f"/godkendelser/{held.pk}/", data, headers={"HX-Request": "true"})
    assert error in card.content.decode()
    held.refresh_from_db()
    assert held.status == "awaiting_approval"
