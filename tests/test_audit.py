"""The access log: chained, append-only, verifiable."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from forsyn.audit.models import AccessLogEntry
from forsyn.audit.selectors import access_log_verify
from forsyn.audit.services import access_log
from tests import factories as f

pytestmark = pytest.mark.django_db


def _log(n: int) -> None:
    user = f.make_user("caseworker", f.municipality("751"))
    access_log(
        actor=user,
        citizen_ids=list(range(1, n + 1)),
        action="view",
        channel="api",
        resource="GET /citizens/{id}",
        purpose="Sagsbehandling",
    )


def test_entries_chain_and_verify(capsys: pytest.CaptureFixture[str]) -> None:
    _log(3)
    _log(2)
    entries = list(AccessLogEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert all(b.prev_hash == a.entry_hash for a, b in zip(entries, entries[1:], strict=False))
    assert access_log_verify() == (5, None)
    call_command("audit", "verify")
    assert capsys.readouterr().out.strip() == "access log intact: 5 entries"


def test_tampering_is_detected_on_sqlite() -> None:
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL refuses the UPDATE itself (next test)")
    _log(3)
    AccessLogEntry.objects.filter(seq=2).update(purpose="nysgerrighed")
    with pytest.raises(
        CommandError, match="chain broken at entry #2: the entry's contents do not match"
    ):
        call_command("audit", "verify")


def test_deleted_entry_is_detected_on_sqlite() -> None:
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL refuses the DELETE itself")
    _log(3)
    AccessLogEntry.objects.filter(seq=3).delete()
    count, broken = access_log_verify()
    assert (count, broken.seq, broken.reason) == (3, 3, "entries at the end of the log are missing")  # type: ignore[union-attr]


def test_postgres_trigger_refuses_update_and_delete(on_postgres: None) -> None:
    _log(2)
    with pytest.raises(DatabaseError, match="append-only: UPDATE refused"), transaction.atomic():
        AccessLogEntry.objects.filter(seq=1).update(purpose="x")
    with pytest.raises(DatabaseError, match="append-only: DELETE refused"), transaction.atomic():
        AccessLogEntry.objects.filter(seq=1).delete()
    assert AccessLogEntry.objects.get(seq=1).purpose == "Sagsbehandling"
