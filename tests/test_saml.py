"""Citizen log-in through SAML (issue #8 §2): the full flow against the test IdP; a response is
accepted only for a log-in this browser started, and only once; portal usernames carry no CPR;
/borger/ pages send anonymous visitors to the MitID log-in, never to the staff password page."""

import importlib
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.test import Client

from forsyn.organisations.models import User
from forsyn.saml.models import UsedAssertion
from forsyn.saml.views import PENDING_COOKIE
from tests import factories as f

pytestmark = pytest.mark.django_db

CPR = "0101551234"
FAILED = "Vi kunne ikke logge dig ind."


@pytest.fixture(autouse=True)
def _test_idp(settings: Any) -> None:
    settings.FORSYN_TEST_IDP = True


@pytest.fixture
def citizen() -> Any:
    return f.CitizenFactory(cpr=CPR, first_name="Karen", last_name="Mortensen")


def browser() -> Client:
    # python3-saml refuses URLs on a host without a dot or "localhost" (e.g. "testserver").
    return Client(HTTP_HOST="localhost")


def start_login(client: Client, next_url: str = "/borger/") -> dict[str, str]:
    """The SP's redirect to the IdP, then the IdP's answer for CPR: the SAMLResponse to post."""
    redirect = client.get("/saml/login/", {"next": next_url})
    assert redirect.status_code == 302
    query = {k: v[0] for k, v in parse_qs(urlsplit(redirect["Location"]).query).items()}
    idp = client.post(
        "/testidp/sso/",
        {
            "SAMLRequest": query["SAMLRequest"],
            "RelayState": query.get("RelayState", ""),
            "cpr": CPR,
            "name": "Karen Mortensen",
        },
    )
    assert idp.status_code == 200
    return {"SAMLResponse": idp.context["saml_response"], "RelayState": next_url}


def user_id(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def test_full_flow_logs_the_citizen_in(citizen: Any) -> None:
    client = browser()
    response = client.post("/saml/acs/", start_login(client, "/borger/"))
    assert (response.status_code, response["Location"]) == (302, "/borger/")
    user = User.objects.get(pk=user_id(client))
    assert (user.cpr, user.organisation_id, user.has_usable_password()) == (CPR, None, False)
    assert client.get("/borger/").status_code == 302  # to the citizen's own products page
    assert UsedAssertion.objects.count() == 1
    assert AccessAttempt.objects.count() == 0  # the citizen flow does not touch the throttle


def test_a_replayed_response_is_refused_in_the_same_browser(citizen: Any) -> None:
    client = browser()
    posted = start_login(client)
    assert client.post("/saml/acs/", posted).status_code == 302
    client.post("/saml/logout/")
    assert user_id(client) is None
    replay = client.post("/saml/acs/", posted)
    assert replay.status_code == 403
    assert FAILED in replay.content.decode()
    assert user_id(client) is None


def test_a_captured_response_does_not_log_in_another_browser(citizen: Any) -> None:
    victim = browser()
    posted = start_login(victim)
    assert victim.post("/saml/acs/", posted).status_code == 302
    attacker = browser()
    replay = attacker.post("/saml/acs/", posted)
    assert replay.status_code == 403
    assert FAILED in replay.content.decode()
    assert user_id(attacker) is None


def test_an_unsolicited_response_is_refused_before_it_is_ever_used(citizen: Any) -> None:
    # Log-in CSRF: the attacker's own valid response, posted into a victim's fresh browser.
    attacker = browser()
    posted = start_login(attacker)
    victim = browser()
    response = victim.post("/saml/acs/", posted)
    assert response.status_code == 403
    assert user_id(victim) is None
    assert UsedAssertion.objects.count() == 0


def test_a_response_for_another_pending_log_in_is_refused(citizen: Any) -> None:
    client = browser()
    old = start_login(client)
    start_login(client)  # a newer log-in replaces the pending one
    assert client.post("/saml/acs/", old).status_code == 403
    assert user_id(client) is None


def test_an_assertion_is_accepted_once_even_with_its_pending_log_in_restored(
    citizen: Any,
) -> None:
    # Someone who captured both the response and the pending-log-in cookie still gets nowhere:
    # the assertion ID is remembered until it expires.
    client = browser()
    posted = start_login(client)
    pending = client.cookies[PENDING_COOKIE].value
    assert client.post("/saml/acs/", posted).status_code == 302
    thief = browser()
    thief.cookies[PENDING_COOKIE] = pending
    response = thief.post("/saml/acs/", posted)
    assert response.status_code == 403
    assert FAILED in response.content.decode()
    assert user_id(thief) is None
    assert UsedAssertion.objects.count() == 1


def test_two_log_ins_each_work_and_find_the_same_user(citizen: Any) -> None:
    first, second = browser(), browser()
    assert first.post("/saml/acs/", start_login(first)).status_code == 302
    assert second.post("/saml/acs/", start_login(second)).status_code == 302
    assert user_id(first) == user_id(second) is not None
    assert User.objects.filter(cpr=CPR).count() == 1
    assert UsedAssertion.objects.count() == 2


def test_the_portal_username_contains_no_part_of_the_cpr(citizen: Any) -> None:
    client = browser()
    client.post("/saml/acs/", start_login(client))
    username = User.objects.get(pk=user_id(client)).username
    assert re.fullmatch(r"borger-[0-9a-f]{16}", username)
    digits = "".join(re.findall(r"\d+", username))
    assert all(CPR[i : i + 4] not in digits for i in range(len(CPR) - 3))
    assert CPR not in username
    assert "cpr" not in username


def test_existing_cpr_usernames_are_renamed_by_the_migration(citizen: Any) -> None:
    old = User.objects.create_user(username=f"cpr-{CPR}", cpr=CPR)
    staff = f.make_user("caseworker", f.municipality("751"), username="cpr-team")
    staff.username = "caseworker-x"
    staff.save()
    migration = importlib.import_module("forsyn.organisations.migrations.0004_portal_usernames")
    migration.rename_cpr_usernames(apps, None)
    old.refresh_from_db()
    assert re.fullmatch(r"borger-[0-9a-f]{16}", old.username)
    assert old.cpr == CPR
    # The citizen's next log-in finds the renamed user by CPR.
    client = browser()
    client.post("/saml/acs/", start_login(client))
    assert user_id(client) == old.pk
    assert User.objects.get(username="caseworker-x") == staff


@pytest.mark.parametrize(
    "path", ["/borger/{id}/", "/borger/{id}/bestillinger/", "/borger/{id}/bestillinger/1/"]
)
def test_an_anonymous_visit_to_a_portal_page_goes_to_the_mitid_log_in(
    citizen: Any, path: str
) -> None:
    url = path.format(id=citizen.pk)
    response = browser().get(url)
    assert response.status_code == 302
    location = response["Location"]
    assert urlsplit(location).path == "/borger/"
    assert parse_qs(urlsplit(location).query) == {"next": [url]}
    assert "/login/" not in location
    page = browser().get(location).content.decode()
    assert f'href="/saml/login/?next={url}"' in page
    assert "Du er ikke logget ind, eller din session er udløbet." in page


def test_an_anonymous_post_to_a_portal_form_returns_to_the_products_page(citizen: Any) -> None:
    response = browser().post(f"/borger/{citizen.pk}/bekraeft/", {})
    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query) == {"next": [f"/borger/{citizen.pk}/"]}
    assert urlsplit(response["Location"]).path == "/borger/"


def test_after_the_mitid_log_in_the_citizen_lands_on_the_bookmarked_page(citizen: Any) -> None:
    client = browser()
    bookmarked = f"/borger/{citizen.pk}/bestillinger/"
    login_page = client.get(client.get(bookmarked)["Location"]).content.decode()
    next_url = re.search(r'href="/saml/login/\?next=([^"]+)"', login_page)
    assert next_url is not None
    assert next_url.group(1) == bookmarked
    response = client.post("/saml/acs/", start_login(client, next_url.group(1)))
    assert response["Location"] == bookmarked
    assert client.get(bookmarked).status_code == 200


def test_staff_on_a_portal_page_are_not_sent_to_a_log_in(citizen: Any) -> None:
    # A service agent orders on a citizen's behalf on the portal pages (with a purpose); a
    # caseworker may not and gets 404, as before: neither is redirected to a log-in.
    agent = browser()
    agent.force_login(f.make_user("service_agent", f.service_centre()))
    page = agent.get(f"/borger/{citizen.pk}/", {"purpose": "Borger ringer"})
    assert page.status_code == 200
    cw = browser()
    cw.force_login(f.make_user("caseworker", f.municipality("461")))
    assert cw.get(f"/borger/{citizen.pk}/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_accept_an_assertion_once_and_make_one_user(on_postgres: None) -> None:
    import threading

    from django.db import connection

    from forsyn.saml.services import assertion_use, portal_user_for
    from tests.conftest import ensure_reference_data

    ensure_reference_data()
    f.CitizenFactory(cpr=CPR)
    barrier = threading.Barrier(2)
    used: list[bool] = []
    users: list[int] = []

    def worker() -> None:
        barrier.wait()
        try:
            used.append(assertion_use(assertion_id="_same", not_on_or_after=None))
            barrier.wait()
            user = portal_user_for(cpr=CPR, full_name="Karen")
            assert user is not None
            users.append(user.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(used) == [False, True]
    assert len(users) == 2
    assert users[0] == users[1]
    assert User.objects.filter(cpr=CPR).count() == 1


@pytest.mark.parametrize(
    "form",
    [
        {"SAMLResponse": "garbage"},
        {"SAMLResponse": ""},
        {"SAMLResponse": "PHNhbWxwOlJlc3BvbnNlLz4="},  # <samlp:Response/>, unsigned
        {"SAMLResponse": "\x00"},
        {},
    ],
)
def test_a_damaged_response_is_refused_not_a_server_error(
    citizen: Any, form: dict[str, str]
) -> None:
    client = browser()
    start_login(client)
    response = client.post("/saml/acs/", form)
    if "\x00" in form.get("SAMLResponse", ""):
        # A NUL is refused before any view runs (forsyn.core.input_guard, docs/adr/0014).
        assert response.status_code == 400
    else:
        assert response.status_code == 403
        assert FAILED in response.content.decode()
    assert user_id(client) is None
