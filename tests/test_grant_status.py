"""Grant status changes have their own service; grant changes lock only the grant's row."""

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection, connections, transaction

from forsyn.audit.models import AccessLogEntry
from forsyn.core.errors import DomainError
from forsyn.grants.models import Grant, GrantEvent
from forsyn.grants.services import _writable_grant, grant_status_change, grant_update
from forsyn.organisations.services import token_create
from tests import builders as b
from tests import factories as f
from tests.contexts import ctx

pytestmark = pytest.mark.django_db


@pytest.fixture
def w() -> dict[str, Any]:
    aarhus = f.municipality(b.AARHUS)
    cw = b.add_staff("caseworker", aarhus)
    grant = b.add_grant(b.add_citizen(aarhus))
    b.add_line(grant)
    return {"cw": cw, "grant": grant, "aarhus": aarhus}


def test_suspend_then_resume_records_history_and_logs(w: dict[str, Any]) -> None:
    grant = grant_status_change(
        ctx=ctx(w["cw"]), grant_id=w["grant"].pk, status="suspended", reason="Indlagt"
    )
    assert (grant.status, grant.status_reason) == ("suspended", "Indlagt")
    grant_status_change(ctx=ctx(w["cw"]), grant_id=w["grant"].pk, status="active")
    events = list(
        GrantEvent.objects.filter(grant=w["grant"]).order_by("pk").values_list("kind", "changes")
    )
    assert events == [
        ("status", {"status": ["active", "suspended"], "status_reason": ["", "Indlagt"]}),
        ("status", {"status": ["suspended", "active"], "status_reason": ["Indlagt", ""]}),
    ]
    assert list(AccessLogEntry.objects.values_list("action", "resource")) == [
        ("change", f"grant {w['grant'].pk}"),
        ("change", f"grant {w['grant'].pk}"),
    ]


@pytest.mark.parametrize(
    ("status", "reason", "fields"),
    [
        ("suspended", "", {"status_reason": "give a reason for suspending or ending the grant"}),
        ("active", "", {"status": "the grant is already Active"}),
        ("draft", "", {"status": "a grant that is Active cannot become Draft"}),
        ("paused", "", {"status": "must be one of draft, active, suspended, ended"}),
    ],
)
def test_refused_status_changes_save_nothing(
    w: dict[str, Any], status: str, reason: str, fields: dict[str, str]
) -> None:
    with pytest.raises(DomainError) as refused:
        grant_status_change(ctx=ctx(w["cw"]), grant_id=w["grant"].pk, status=status, reason=reason)
    assert refused.value.english_fields() == fields
    assert Grant.objects.get(pk=w["grant"].pk).status == "active"
    assert GrantEvent.objects.count() == 0
    assert AccessLogEntry.objects.count() == 0


def test_grant_update_no_longer_changes_status(w: dict[str, Any]) -> None:
    with pytest.raises(TypeError):
        grant_update(ctx=ctx(w["cw"]), grant_id=w["grant"].pk, status="ended")  # type: ignore[call-arg]


def test_patch_changes_status_alone(w: dict[str, Any], client: Any) -> None:
    headers = {"Authorization": f"Bearer {token_create(user=w['cw'])}"}
    mixed = client.patch(
        f"/api/v1/grants/{w['grant'].pk}",
        {"status": "suspended", "status_reason": "Indlagt", "note": "x"},
        content_type="application/json",
        headers=headers,
    )
    assert (mixed.status_code, mixed.json()["detail"]) == (
        422,
        [
            {
                "loc": ["body", "note"],
                "msg": "change the status in a request of its own",
                "type": "status_alone",
                "code": "status_alone",
                "params": {},
            }
        ],
    )
    assert Grant.objects.get(pk=w["grant"].pk).status == "active"


@pytest.mark.django_db(transaction=True)
def test_grant_update_locks_only_the_grant_row(on_postgres: None) -> None:
    """While one caseworker's grant change holds its lock, the granting municipality's and the
    product area's rows stay free: another transaction locks them at once (NOWAIT)."""
    from tests.conftest import ensure_reference_data

    ensure_reference_data()
    aarhus = f.municipality("751")
    cw = f.make_user("caseworker", aarhus)
    grant = f.GrantFactory(
        citizen=f.CitizenFactory(municipality=aarhus), granting_organisation=aarhus
    )
    f.GrantLineFactory(grant=grant)
    locked, done = threading.Event(), threading.Event()
    seen: list[str] = []

    def other() -> None:
        locked.wait(10)
        try:
            with transaction.atomic(), connection.cursor() as cur:
                for table, pk in (
                    ("organisations_organisation", aarhus.pk),
                    ("catalogue_productarea", grant.product_area_id),
                ):
                    cur.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE NOWAIT", [pk])  # noqa: S608
                    seen.append(table)
                cur.execute(
                    "SELECT id FROM grants_grant WHERE id = %s FOR UPDATE NOWAIT", [grant.pk]
                )
                seen.append("grant free?!")
        except Exception as exc:  # the grant itself is locked: that one must fail
            seen.append(type(exc).__name__)
        finally:
            connections.close_all()
            done.set()

    thread = threading.Thread(target=other)
    thread.start()
    # grant_update is durable (never nested), so hold the lock its first step takes.
    with transaction.atomic():
        _writable_grant(ctx(cw), grant.pk)
        locked.set()
        done.wait(10)
    thread.join()
    assert seen == ["organisations_organisation", "catalogue_productarea", "OperationalError"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("valid_from", dt.date(1, 1, 1)),
        ("valid_until", dt.date(9999, 12, 31)),
        ("follow_up_on", dt.date(2101, 1, 1)),
    ],
)
def test_grant_dates_outside_any_lifetime_are_refused(
    w: dict[str, Any], field: str, value: dt.date
) -> None:
    with pytest.raises(DomainError) as refused:
        grant_update(ctx=ctx(w["cw"]), grant_id=w["grant"].pk, **{field: value})
    error = refused.value.fields[field]
    assert (error.code, error.params) == (
        "date_out_of_range",
        {"earliest": "1990-01-01", "latest": "2100-12-31"},
    )
    assert GrantEvent.objects.count() == 0
