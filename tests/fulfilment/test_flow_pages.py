"""The warehouse pages (issue #10 §7): Danish, made for a handheld scanner (scan + Enter), the
pick panel swapped by htmx, protected addresses only on the label, reads of names and addresses
in the access log, and other roles refused."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from forsyn.audit.models import AccessLogEntry
from forsyn.fulfilment.documents import WAREHOUSE_PURPOSE, label_html, parcel_papers
from forsyn.fulfilment.models import HoleCutTask, Parcel, PickLine, Wave
from tests import factories as f
from tests.contexts import ctx
from tests.fulfilment.flow import Flow, flow_world, order, scan_of, stock
from tests.fulfilment.helpers import scan

pytestmark = pytest.mark.django_db
PLACED = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def fl() -> Flow:
    fl = flow_world()
    w = fl.w
    stock(
        fl,
        (w.bag, "B1", "270930", 300),
        (w.plate, "P1", "280229", 100),
        bins={"B1": "B-07", "P1": "A-01"},
    )
    fl.karen.is_address_protected = True
    fl.karen.save()
    order(fl, fl.karen, {w.bag: 60}, placed=PLACED)
    order(fl, fl.karen, {w.plate: 10}, hole=25, placed=PLACED)
    order(fl, fl.bo, {w.bag: 30}, placed=PLACED)
    return fl


def operator(fl: Flow) -> Client:
    client = Client()
    client.force_login(fl.operator)
    return client


def start_wave(client: Client, capture: Any) -> Wave:
    """The wave runs as a job after commit: in a test transaction, when `capture` ends (the
    page has answered with itself); in the demo, before the page answers (then it goes to the
    wave, as the browser test shows)."""
    with capture(execute=True):
        answer = client.post("/lager/", {"warehouse": "FSC"})
    assert (answer.status_code, answer["Location"]) == (302, "/lager/")
    wave = Wave.objects.get()
    page = client.get("/lager/").content.decode()
    assert f'<a href="/lager/boelger/{wave.pk}/">Åbn bølge {wave.pk}</a>' in page
    return wave


def log_entries() -> list[tuple[int, str, str, str]]:
    return list(
        AccessLogEntry.objects.order_by("seq").values_list(
            "citizen_id", "action", "channel", "purpose"
        )
    )


def test_the_walk_through_the_pages(fl: Flow, django_capture_on_commit_callbacks: Any) -> None:
    client = operator(fl)
    home = client.get("/")
    assert home["Location"] == "/lager/"
    page = client.get("/lager/").content.decode()
    assert "<h1>Dagens bølge</h1>" in page
    assert "Start bølge" in page
    wave = start_wave(client, django_capture_on_commit_callbacks)
    listing = client.get(f"/lager/boelger/{wave.pk}/").content.decode()
    # The pick list names bins, products, lots and order numbers; nobody's name.
    assert "A-01" in listing
    assert "P1" in listing
    assert "25 mm" in listing
    assert "Karen" not in listing
    assert "Bo Hansen" not in listing

    pick = client.get(f"/lager/boelger/{wave.pk}/pluk/").content.decode()
    assert "autofocus" in pick
    assert 'hx-post="/lager/boelger/' in pick
    assert "Bekræft pluk" in pick
    first = PickLine.objects.order_by("sequence").first()
    assert first is not None
    wrong = client.post(
        f"/lager/boelger/{wave.pk}/pluk/",
        {"pick_line": first.pk, "scan": scan(fl.w.bag.gtin, "B1", "270930"), "quantity": 10},
        headers={"HX-Request": "true"},
    )
    assert wrong.status_code == 200  # htmx swaps only a 2xx answer
    text = wrong.content.decode()
    assert text.startswith('<div id="pick-panel">')  # the panel only: htmx swaps it
    assert "Det er ikke det produkt, der skal plukkes: scan GTIN 5700000000028." in text
    plain = client.post(
        f"/lager/boelger/{wave.pk}/pluk/",
        {"pick_line": first.pk, "scan": scan(fl.w.bag.gtin, "B1", "270930"), "quantity": 10},
    )
    assert plain.status_code == 422  # without JavaScript: the whole page, refused
    assert "<h1>Pluk bølge" in plain.content.decode()
    for line in PickLine.objects.order_by("sequence"):
        answer = client.post(
            f"/lager/boelger/{wave.pk}/pluk/",
            {"pick_line": line.pk, "scan": scan_of(line.lot), "quantity": line.quantity},
        )
        assert answer.status_code == 302  # without JavaScript: post, redirect, next line
    done = client.get(f"/lager/boelger/{wave.pk}/pluk/").content.decode()
    assert "Alt i denne bølge er plukket." in done

    task = HoleCutTask.objects.get()
    cut = client.get(f"/lager/boelger/{wave.pk}/hulklip/").content.decode()
    assert "Karen" not in cut
    assert "25 mm" in cut
    assert (
        client.post(
            f"/lager/boelger/{wave.pk}/hulklip/", {"task": task.pk, "pieces": 10}
        ).status_code
        == 302
    )

    before = len(log_entries())
    assert client.post(f"/lager/boelger/{wave.pk}/pak/", {}).status_code == 302
    pack = client.get(f"/lager/boelger/{wave.pk}/pak/").content.decode()
    # The protected address is not on the page; it is printed on the label only.
    assert "Beskyttet adresse" in pack
    assert "Algade 1" not in pack
    assert "Vestergade 3" in pack
    karen_parcel = Parcel.objects.get(citizen=fl.karen)
    label = client.get(f"/lager/pakker/{karen_parcel.pk}/label.pdf")
    note = client.get(f"/lager/pakker/{karen_parcel.pk}/foelgeseddel.pdf")
    assert (label["Content-Type"], label.content[:5]) == ("application/pdf", b"%PDF-")
    assert note.content[:5] == b"%PDF-"
    papers = parcel_papers(ctx=ctx(fl.operator), parcel_id=karen_parcel.pk, document="label")
    assert "Algade 1" in label_html(papers)
    # Names and addresses read: the pack page (both citizens), the label, the delivery note,
    # and the test's own read of the label.
    read = (fl.karen.pk, "view", "page", WAREHOUSE_PURPOSE)
    assert log_entries()[before:] == [read, (fl.bo.pk, *read[1:]), read, read, read]
    with django_capture_on_commit_callbacks(execute=True):
        shipped = client.post(f"/lager/boelger/{wave.pk}/send/", {"parcel": karen_parcel.pk})
    assert shipped.status_code == 302
    ship = client.get(f"/lager/boelger/{wave.pk}/send/").content.decode()
    karen_parcel.refresh_from_db()
    assert karen_parcel.tracking_number in ship
    assert "Afsendt" in ship

    # The citizen's own order page shows the parcel and its tracking number.
    citizen = Client()
    citizen.force_login(f.User.objects.create_user(username="karen", cpr=fl.karen.cpr))
    history = citizen.get(f"/borger/{fl.karen.pk}/bestillinger/").content.decode()
    assert "Afsendt" in history
    assert karen_parcel.tracking_number in history


@pytest.mark.parametrize(
    ("role", "kind"),
    [
        ("caseworker", "municipality"),
        ("service_agent", "service_centre"),
        ("analyst", "service_centre"),
    ],
)
def test_other_roles_get_403_on_warehouse_pages(fl: Flow, role: str, kind: str) -> None:
    org = f.municipality("751") if kind == "municipality" else f.service_centre()
    client = Client()
    client.force_login(f.make_user(role, org))
    for path in ("/lager/", "/lager/modtag/", "/lager/retur/", "/lager/boelger/1/pluk/"):
        assert client.get(path).status_code == 403, path


def test_staff_see_the_order_timeline_with_a_purpose(
    fl: Flow, django_capture_on_commit_callbacks: Any
) -> None:
    wave = start_wave(operator(fl), django_capture_on_commit_callbacks)
    karen_order = PickLine.objects.filter(wave=wave, order__citizen=fl.karen).first()
    assert karen_order is not None
    agent = Client()
    agent.force_login(f.make_user("service_agent", f.service_centre()))
    url = f"/ordrer/{karen_order.order_id}/forloeb/"
    asks = agent.get(url).content.decode()
    assert "<h1>Angiv et formål</h1>" in asks
    assert agent.post(url, {"purpose": "Borger spørger til sin pakke"}).status_code == 302
    page = agent.get(url).content.decode()
    assert f"Bestilling {karen_order.order_id}: forløb" in page
    assert "Reserveret" in page
    assert log_entries()[-1] == (fl.karen.pk, "view", "page", "Borger spørger til sin pakke")
    # A warehouse operator does not see orders through the policy.
    assert operator(fl).get(url).status_code == 404
