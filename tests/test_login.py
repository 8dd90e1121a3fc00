"""Staff log-in resists guessing (issue #8 §2): django-axes locks an account after 5 failures and
an address after 20 (all accounts together) for 15 minutes, with a Danish page (429); an admin
unlocks; every failure is one security-log row and one WARNING line without CPR or password."""

import datetime as dt
import logging
from typing import Any

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"
WRONG = "Brugernavn eller adgangskode er forkert."
LOCKED = "For mange mislykkede log-in-forsøg for denne bruger eller fra denne adresse."
LOCKED_WAIT = "Prøv igen om 15 minutter."


def post_login(client: Client, username: str, password: str, address: str = "127.0.0.1") -> Any:
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def cw() -> Any:
    return f.make_user("caseworker", f.municipality("751"), username="cw")


def test_a_right_password_logs_in(cw: Any) -> None:
    client = Client()
    response = post_login(client, "cw", PASSWORD)
    assert (response.status_code, response["Location"]) == (302, "/")
    assert logged_in(client)
    assert AccessAttempt.objects.count() == 0
    assert list(AccessLog.objects.values_list("username", "ip_address")) == [("cw", "127.0.0.1")]


def test_five_wrong_passwords_lock_the_account_then_the_right_one_is_refused(
    cw: Any, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client()
    for attempt in range(1, 5):
        response = post_login(client, "cw", f"wrong-{attempt}")
        assert response.status_code == 200
        assert WRONG in response.content.decode()
    fifth = post_login(client, "cw", "wrong-5")
    assert fifth.status_code == 429
    right = post_login(client, "cw", PASSWORD)
    assert right.status_code == 429
    page = right.content.decode()
    assert LOCKED in page
    assert LOCKED_WAIT in page
    assert '<html lang="da">' in page
    assert "Log ind for medarbejdere" in page
    assert WRONG not in page
    assert not logged_in(client)
    assert list(AccessAttempt.objects.values_list("username", "failures_since_start")) == [
        ("cw", 6)
    ]
    assert (
        list(AccessFailureLog.objects.order_by("pk").values_list("username", "locked_out"))
        == [("cw", False)] * 4 + [("cw", True)] * 2
    )
    ours = [r.getMessage() for r in caplog.records if r.name == "forsyn.login"]
    assert (
        ours
        == ["Staff log-in failed: account cw, address 127.0.0.1, path /login/"] * 4
        + ["Staff log-in locked out: account cw, address 127.0.0.1, path /login/"] * 2
    )
    assert all(PASSWORD not in r.getMessage() for r in caplog.records)
    # Another account from the same address is not locked by one account's failures.
    other = f.make_user("caseworker", f.municipality("751"), username="cw2")
    assert post_login(Client(), other.username, PASSWORD).status_code == 302


def test_one_failure_is_one_record_without_the_password(cw: Any) -> None:
    response = post_login(Client(), "cw", "my-secret-guess")
    assert response.status_code == 200
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == (
        "cw",
        "127.0.0.1",
        1,
    )
    failure = AccessFailureLog.objects.get()
    assert (failure.username, failure.ip_address, failure.locked_out) == (
        "cw",
        "127.0.0.1",
        False,
    )
    assert "my-secret-guess" not in attempt.post_data


def test_a_cpr_number_typed_as_username_is_stored_and_logged_only_as_a_digest(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    for _ in range(2):
        post_login(Client(), "010155-1234", "whatever")
    attempt = AccessAttempt.objects.get()
    assert attempt.username.startswith("masked-")
    assert attempt.failures_since_start == 2
    assert "010155" not in attempt.username + attempt.post_data
    assert "010155" not in caplog.text
    assert "0101551234" not in caplog.text
    ours = [r.getMessage() for r in caplog.records if r.name == "forsyn.login"]
    assert len(ours) == 2
    assert ours[0] == ours[1]
    assert ours[0].startswith("Staff log-in failed: account unknown:")


def test_twenty_failures_from_one_address_lock_every_account_there(cw: Any) -> None:
    other = f.make_user("caseworker", f.municipality("751"), username="cw2")
    client = Client()
    # 19 failures spread over 5 names, none reaching the account limit of 5.
    for n in range(19):
        assert post_login(client, f"guess-{n % 5}", "wrong").status_code == 200
    assert post_login(Client(), "cw", PASSWORD).status_code == 302  # below the address limit
    assert post_login(client, "guess-4", "wrong").status_code == 429  # the 20th failure
    refused = post_login(Client(), "cw2", PASSWORD)
    assert refused.status_code == 429
    assert LOCKED in refused.content.decode()
    # The account itself is not locked: from another address it logs in.
    elsewhere = Client()
    assert post_login(elsewhere, "cw2", PASSWORD, address="10.0.0.2").status_code == 302
    assert logged_in(elsewhere)
    assert other.pk == int(elsewhere.session["_auth_user_id"])


def test_the_lock_ends_after_the_cool_off_and_each_attempt_restarts_it(cw: Any) -> None:
    start = timezone.now()
    client = Client()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            post_login(client, "cw", "wrong")
    with time_machine.travel(start + dt.timedelta(minutes=14), tick=False):
        assert post_login(client, "cw", PASSWORD).status_code == 429
    # That attempt restarted the 15 minutes: 16 minutes after the lock it is still locked.
    with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
        assert post_login(client, "cw", PASSWORD).status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=31, seconds=1), tick=False):
        response = post_login(client, "cw", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_an_admin_unlocks_an_account_and_an_address(cw: Any) -> None:
    client = Client()
    for _ in range(5):
        post_login(client, "cw", "wrong")
    assert post_login(client, "cw", PASSWORD).status_code == 429
    call_command("axes_reset_username", "cw")
    assert post_login(client, "cw", PASSWORD).status_code == 302

    for n in range(20):
        post_login(Client(), f"guess-{n % 5}", "wrong", address="10.0.0.9")
    assert post_login(Client(), "cw", PASSWORD, address="10.0.0.9").status_code == 429
    call_command("axes_reset_ip", "10.0.0.9")
    assert post_login(Client(), "cw", PASSWORD, address="10.0.0.9").status_code == 302
    # The failures stay in the security log; only the counters are reset.
    assert AccessFailureLog.objects.count() == 5 + 1 + 20 + 1


def test_the_admin_site_lists_attempts_and_its_log_in_is_throttled_too(cw: Any) -> None:
    post_login(Client(), "cw", "wrong")
    admin = f.make_user("admin", f.service_centre(), username="root")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    page = client.get("/admin/axes/accessattempt/")
    assert page.status_code == 200
    assert "cw" in page.content.decode()
    for _ in range(5):
        response = Client().post(
            "/admin/login/", {"username": "root", "password": "wrong"}, REMOTE_ADDR="10.0.0.3"
        )
    assert response.status_code == 429


def test_behind_a_proxy_the_forwarded_address_counts(cw: Any, settings: Any) -> None:
    settings.FORSYN_LOGIN_PROXY_COUNT = 1
    for _ in range(5):
        Client().post(
            "/login/",
            {"username": "cw", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="1.2.3.4, 192.0.2.7",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.7"}
