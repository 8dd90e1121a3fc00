"""The site shell (issue #9 §6): status badges coloured by meaning, the Danish "no access" page
for role gates, error pages, empty states, the favicon."""

from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client

from forsyn.catalogue.choices import ProductStatus
from forsyn.core.models import JobStatus
from forsyn.core.status import MEANINGS, Meaning, badge_class
from forsyn.fulfilment.choices import HoleCutStatus, ParcelStatus
from forsyn.grants.choices import GrantStatus
from forsyn.orders.choices import OrderStatus
from tests import factories as f

pytestmark = pytest.mark.django_db

EXPECTED = {
    OrderStatus.SUBMITTED: Meaning.INFO,
    OrderStatus.AWAITING_APPROVAL: Meaning.WARNING,
    OrderStatus.APPROVED: Meaning.SUCCESS,
    OrderStatus.ALLOCATED: Meaning.INFO,
    OrderStatus.PICKED: Meaning.INFO,
    OrderStatus.PACKED: Meaning.INFO,
    OrderStatus.SHIPPED: Meaning.INFO,
    OrderStatus.DELIVERED: Meaning.SUCCESS,
    OrderStatus.REJECTED: Meaning.ERROR,
    OrderStatus.CANCELLED: Meaning.NEUTRAL,
    OrderStatus.BACK_ORDERED: Meaning.WARNING,
    GrantStatus.DRAFT: Meaning.NEUTRAL,
    GrantStatus.ACTIVE: Meaning.SUCCESS,
    GrantStatus.SUSPENDED: Meaning.WARNING,
    GrantStatus.ENDED: Meaning.NEUTRAL,
    ProductStatus.PHASED_OUT: Meaning.WARNING,
    JobStatus.QUEUED: Meaning.NEUTRAL,
    JobStatus.RUNNING: Meaning.INFO,
    JobStatus.SUCCEEDED: Meaning.SUCCESS,
    JobStatus.FAILED: Meaning.ERROR,
    ParcelStatus.PLANNED: Meaning.NEUTRAL,
    ParcelStatus.IN_TRANSIT: Meaning.INFO,
    ParcelStatus.DELIVERED: Meaning.SUCCESS,
    ParcelStatus.FAILED: Meaning.ERROR,
    ParcelStatus.RETURNED: Meaning.WARNING,
    HoleCutStatus.OPEN: Meaning.NEUTRAL,
    HoleCutStatus.DONE: Meaning.SUCCESS,
}


@pytest.mark.parametrize(
    "choices",
    [OrderStatus, GrantStatus, ProductStatus, JobStatus, ParcelStatus, HoleCutStatus],
    ids=lambda c: c.__name__,
)
def test_every_status_value_has_a_meaning(choices: Any) -> None:
    missing = [value for value in choices.values if value not in MEANINGS]
    assert missing == []
    for value in choices.values:
        assert MEANINGS[value] == EXPECTED.get(value, MEANINGS[value])
    assert {v: MEANINGS[v] for v in choices.values if v in EXPECTED} == {
        v: m for v, m in EXPECTED.items() if v in choices.values
    }


def test_status_tag_renders_a_dkfds_badge_coloured_by_meaning() -> None:
    template = Template("{% load status_tags %}{% status_tag s label %}")
    rendered = {
        s: template.render(Context({"s": s, "label": "L"}))
        for s in ("approved", "awaiting_approval", "rejected", "cancelled", "shipped")
    }
    assert rendered == {
        "approved": '<strong class="badge badge-success forsyn-status" '
        'data-status="approved">L</strong>',
        "awaiting_approval": '<strong class="badge badge-warning forsyn-status" '
        'data-status="awaiting_approval">L</strong>',
        "rejected": '<strong class="badge badge-error forsyn-status" '
        'data-status="rejected">L</strong>',
        "cancelled": '<strong class="badge forsyn-status" data-status="cancelled">L</strong>',
        "shipped": '<strong class="badge badge-info forsyn-status" '
        'data-status="shipped">L</strong>',
    }
    assert badge_class("no-such-status") == "badge"


def _client(role: str, organisation: Any) -> Client:
    client = Client()
    client.force_login(f.make_user(role, organisation))
    return client


@pytest.mark.parametrize(
    ("role", "org", "path"),
    [
        ("caseworker", "aarhus", "/analyse/"),
        ("analyst", "fsc", "/borgere/"),
        ("analyst", "fsc", "/godkendelser/"),
        ("caseworker", "aarhus", "/afdelingslager/"),
        ("service_agent", "fsc", "/godkendelser/"),
    ],
)
def test_a_page_the_role_may_not_open_says_so_in_danish(role: str, org: str, path: str) -> None:
    organisation = f.municipality("751") if org == "aarhus" else f.service_centre()
    response = _client(role, organisation).get(path)
    assert response.status_code == 403
    body = response.content.decode()
    assert "<h1>Du har ikke adgang</h1>" in body
    assert "Din rolle giver ikke adgang til denne side." in body
    assert 'class="navigation-menu"' in body  # in the site's layout, with its menu


def test_a_citizen_opening_staff_pages_gets_403() -> None:
    from django.contrib.auth import get_user_model

    client = Client()
    citizen = f.CitizenFactory(cpr="0101551234")
    client.force_login(get_user_model().objects.create_user(username="borger-x", cpr=citizen.cpr))
    for path in ("/borgere/", "/analyse/", "/koersler/", "/afdelingslager/"):
        response = client.get(path)
        assert (path, response.status_code) == (path, 403)
        assert "Du har ikke adgang" in response.content.decode()


def test_an_object_outside_the_policy_stays_404_in_danish() -> None:
    other = f.CitizenFactory(municipality=f.municipality("461"))
    response = _client("caseworker", f.municipality("751")).get(f"/borgere/{other.pk}/")
    assert response.status_code == 404
    assert "<h1>Siden findes ikke</h1>" in response.content.decode()


def test_the_500_page_is_static() -> None:
    from django.template.loader import get_template

    html = get_template("500.html").render({})
    assert "<h1>Der opstod en fejl</h1>" in html
    assert "csrfmiddlewaretoken" not in html


def test_empty_search_says_no_citizens_found() -> None:
    body = _client("caseworker", f.municipality("751")).post("/borgere/", {"q": "Ingensteds"})
    html = body.content.decode()
    assert "<h2>Ingen borgere fundet</h2>" in html
    assert '<p class="empty-state">Tjek stavningen, søg på CPR-nummer i stedet' in html
    assert "borgere fundet</h2>" not in html.replace("Ingen borgere fundet</h2>", "")


def test_empty_approval_queue_says_so() -> None:
    body = _client("caseworker", f.municipality("751")).get("/godkendelser/").content.decode()
    assert '<p class="empty-state">Ingen bestillinger venter på godkendelse.</p>' in body


def test_citizen_without_orders_says_so() -> None:
    aarhus = f.municipality("751")
    citizen = f.CitizenFactory(municipality=aarhus)
    body = _client("caseworker", aarhus).get(f"/borgere/{citizen.pk}/").content.decode()
    assert '<p class="empty-state">Borgeren har ingen bestillinger.</p>' in body


def test_favicon_is_linked_and_served() -> None:
    client = Client()
    page = client.get("/login/").content.decode()
    assert "{#" not in page
    assert "{%" not in page
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    assert '<link rel="icon" href="/static/favicon-32.png" type="image/png" sizes="32x32">' in page
    redirect = client.get("/favicon.ico")
    assert (redirect.status_code, redirect["Location"]) == (301, "/static/favicon.ico")
    for path, kind in [
        ("/static/favicon.ico", "image/"),
        ("/static/favicon.svg", "image/svg+xml"),
        ("/static/favicon-32.png", "image/png"),
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Content-Type"].startswith(kind), path


def test_a_refused_form_gets_a_danish_page_in_the_layout() -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "x", "password": "y"})
    body = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Formularen er udløbet</h1>" in body
    assert "Intet er gemt." in body
    assert "CSRF" not in body
    assert "Tilgængelighedserklæring" in body  # the site's footer: the layout, not Django's page
