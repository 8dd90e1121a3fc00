"""The access log: keyed chain, checkpoints outside the database, append-only on PostgreSQL.

The tamper scenarios act as someone who owns the tables but does not hold FORSYN_AUDIT_KEY: on
PostgreSQL they switch the append-only triggers off first, as the owner could.
"""

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.db import DatabaseError, connection, transaction

from forsyn.access.context import Channel
from forsyn.audit import keys
from forsyn.audit.chain import ChainBreak, ChainFields, entry_mac, key_id_for, legacy_hash
from forsyn.audit.keys import audit_key
from forsyn.audit.models import AccessLogEntry, AccessLogHead
from forsyn.audit.selectors import access_log_verify
from forsyn.audit.services import access_log, audit_checkpoint
from forsyn.core.checks import refuse_to_start_if_misconfigured
from forsyn.core.env import DEV_SECRET_KEY
from tests import factories as f
from tests.conftest import TEST_AUDIT_KEY
from tests.contexts import ctx

pytestmark = pytest.mark.django_db

KEY_ID = key_id_for(TEST_AUDIT_KEY.encode())
WRONG_KEY = b"an-attackers-guess-at-the-key-0123456789abcdef"


def _log(n: int, first_citizen: int = 1) -> None:
    user = f.make_user("caseworker", f.municipality("751"))
    access_log(
        ctx=ctx(user, channel=Channel.API),
        citizen_ids=list(range(first_citizen, first_citizen + n)),
        action="view",
        resource="GET /citizens/{id}",
        purpose="Sagsbehandling",
    )


@contextmanager
def _as_table_owner() -> Iterator[None]:
    """What the owner of the tables can do on PostgreSQL: switch the append-only triggers off."""
    tables = ("audit_accesslogentry", "audit_accessloghead")
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            # ALTER TABLE waits for no deferred foreign key check of the test's own inserts.
            c.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for t in tables:
                c.execute(f"ALTER TABLE {t} DISABLE TRIGGER USER")
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for t in tables:
                c.execute(f"ALTER TABLE {t} ENABLE TRIGGER USER")
            c.execute("SET CONSTRAINTS ALL DEFERRED")


def _fields(e: AccessLogEntry) -> ChainFields:
    return ChainFields(
        e.seq,
        e.at.isoformat(),
        e.actor_id,
        e.actor_username,
        e.actor_organisation,
        e.citizen_id,
        e.action,
        e.channel,
        e.resource,
        e.purpose,
    )


def _verify(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[list[str], str]:
    """Run `forsyn audit verify`; (stderr lines, final error) — and it must exit 1."""
    with pytest.raises(CommandError) as failed:
        call_command("audit", "verify", *args)
    assert failed.value.returncode == 1
    return capsys.readouterr().err.strip().splitlines(), str(failed.value)


def _checkpoint_at() -> str:
    lines = Path(settings.FORSYN_AUDIT_CHECKPOINT_FILE).read_text().splitlines()
    return str(json.loads(lines[-1])["at"])


def test_entries_chain_and_verify(capsys: pytest.CaptureFixture[str]) -> None:
    _log(3)
    _log(2)
    entries = list(AccessLogEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert all(b.prev_mac == a.entry_mac for a, b in zip(entries, entries[1:], strict=False))
    report = access_log_verify()
    assert (report.entries, report.checkpoints, report.breaks, report.intact) == (5, 0, [], True)
    call_command("audit", "verify")
    out, err = capsys.readouterr()
    assert out.strip() == "access log intact: 5 entries, 0 checkpoints"
    assert err.strip() == (
        f"warning: no checkpoint file at {settings.FORSYN_AUDIT_CHECKPOINT_FILE}: "
        "entries cut off at the end go unnoticed"
    )


def test_each_entry_is_an_hmac_with_the_configured_key() -> None:
    _log(2)
    first, second = AccessLogEntry.objects.order_by("seq")
    assert (first.key_id, second.key_id) == (KEY_ID, KEY_ID)
    assert len(KEY_ID) == 8
    message = "\x1f".join(
        [
            first.entry_mac,
            KEY_ID,
            "2",
            second.at.isoformat(),
            str(second.actor_id),
            second.actor_username,
            "Aarhus Kommune",
            "2",
            "view",
            "api",
            "GET /citizens/{id}",
            "Sagsbehandling",
        ]
    ).encode()
    assert second.actor_organisation == "Aarhus Kommune"
    expected = hmac.new(TEST_AUDIT_KEY.encode(), message, hashlib.sha256).hexdigest()
    assert second.entry_mac == expected
    # The plain SHA-256 of the same entry (what anyone could recompute) is not it.
    assert second.entry_mac != legacy_hash(first.entry_mac, _fields(second))
    assert AccessLogHead.objects.get(pk=1).last_mac == expected


def test_checkpoint_appends_a_signed_line(capsys: pytest.CaptureFixture[str]) -> None:
    path = Path(settings.FORSYN_AUDIT_CHECKPOINT_FILE)
    _log(3)
    call_command("audit", "checkpoint")
    _log(2)
    call_command("audit", "checkpoint")
    assert capsys.readouterr().out.splitlines() == [
        f"checkpoint: 3 entries, written to {path}",
        f"checkpoint: 5 entries, written to {path}",
    ]
    assert path.stat().st_mode & 0o777 == 0o600
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    macs = list(AccessLogEntry.objects.order_by("seq").values_list("entry_mac", flat=True))
    assert [(r["count"], r["head_mac"], r["key_id"]) for r in lines] == [
        (3, macs[2], KEY_ID),
        (5, macs[4], KEY_ID),
    ]
    signed = "\x1f".join(["checkpoint", "5", macs[4], lines[1]["at"], KEY_ID]).encode()
    assert lines[1]["mac"] == hmac.new(TEST_AUDIT_KEY.encode(), signed, hashlib.sha256).hexdigest()
    call_command("audit", "verify")
    out, err = capsys.readouterr()
    assert (out.strip(), err) == ("access log intact: 5 entries, 2 checkpoints", "")


def test_a_changed_checkpoint_line_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    path = Path(settings.FORSYN_AUDIT_CHECKPOINT_FILE)
    _log(3)
    audit_checkpoint()
    record = json.loads(path.read_text())
    # Someone rewinds the checkpoint together with the log: without the key its MAC fails.
    record["count"] = 2
    path.write_text(json.dumps(record) + "\n")
    errors, final = _verify(capsys)
    assert errors == [f"{path} line 1: changed (its MAC does not match)"]
    assert final == "access log NOT intact: 1 problem(s) in 3 entries, 0 checkpoints"


# -- tamper scenario (a): the last entries deleted and the head rewound ---------------------------


def test_a_deleted_tail_with_rewound_head_is_caught_by_the_checkpoint(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _log(5)
    audit_checkpoint()
    at = _checkpoint_at()
    mac3 = AccessLogEntry.objects.get(seq=3).entry_mac
    with _as_table_owner():
        AccessLogEntry.objects.filter(seq__gt=3).delete()
        AccessLogHead.objects.filter(pk=1).update(last_seq=3, last_mac=mac3)
    # The chain alone is consistent now; the checkpoint outside the database is not.
    assert access_log_verify().intact
    errors, final = _verify(capsys)
    assert errors == [
        f"entry #4: missing: the checkpoint of {at} counted 5 entries, the log ends at #3 "
        "(truncated or rewound)"
    ]
    assert final == "access log NOT intact: 1 problem(s) in 3 entries, 1 checkpoints"


def test_a_rewound_log_written_on_is_caught_by_the_checkpoint(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _log(5)
    audit_checkpoint()
    at = _checkpoint_at()
    mac3 = AccessLogEntry.objects.get(seq=3).entry_mac
    with _as_table_owner():
        AccessLogEntry.objects.filter(seq__gt=3).delete()
        AccessLogHead.objects.filter(pk=1).update(last_seq=3, last_mac=mac3)
    # The application goes on writing genuine entries #4 and #5 over the removed ones.
    _log(2, first_citizen=40)
    errors, _ = _verify(capsys)
    assert errors == [
        f"entry #5: differs from the checkpoint of {at}: the log was rewritten or rewound "
        "behind the checkpoint"
    ]


def test_a_deleted_tail_without_rewinding_the_head() -> None:
    _log(3)
    with _as_table_owner():
        AccessLogEntry.objects.filter(seq=3).delete()
    report = access_log_verify()
    assert report.breaks == [ChainBreak(3, "entries at the end of the log are missing")]


# -- tamper scenario (b): an old entry rewritten and every later MAC recomputed ---------------


@pytest.mark.parametrize("recompute", ["plain SHA-256", "a wrong key"])
def test_a_rewritten_and_recomputed_chain_is_detected(
    capsys: pytest.CaptureFixture[str], recompute: str
) -> None:
    _log(5)
    audit_checkpoint()
    at = _checkpoint_at()
    with _as_table_owner():
        entries = list(AccessLogEntry.objects.order_by("seq"))
        prev = entries[0].entry_mac
        for e in entries[1:]:
            if e.seq == 2:
                e.purpose = "nysgerrighed"
            e.prev_mac = prev
            if recompute == "plain SHA-256":
                e.entry_mac = legacy_hash(prev, _fields(e))
            else:
                e.entry_mac = entry_mac(WRONG_KEY, KEY_ID, prev, _fields(e))
            AccessLogEntry.objects.filter(pk=e.pk).update(
                purpose=e.purpose, prev_mac=e.prev_mac, entry_mac=e.entry_mac
            )
            prev = e.entry_mac
        AccessLogHead.objects.filter(pk=1).update(last_seq=5, last_mac=prev)
    errors, final = _verify(capsys)
    assert errors == [
        "entry #2: rewritten: its MAC does not match its contents",
        "entry #3: rewritten: its MAC does not match its contents",
        "entry #4: rewritten: its MAC does not match its contents",
        "entry #5: rewritten: its MAC does not match its contents",
        f"entry #5: differs from the checkpoint of {at}: the log was rewritten or rewound "
        "behind the checkpoint",
    ]
    assert final == "access log NOT intact: 5 problem(s) in 5 entries, 1 checkpoints"
    # Without any checkpoint the key alone finds it.
    report = access_log_verify(checkpoints=None)
    assert [b.seq for b in report.breaks] == [2, 3, 4, 5]
    assert report.breaks[0].reason == "forged or rewritten: its MAC does not match its contents"


def test_a_log_rewritten_as_unkeyed_entries_is_detected(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Entries from before the key (no key id, plain SHA-256) pass only as many as configured."""
    _log(3)
    with _as_table_owner():
        prev = "0" * 64
        for e in AccessLogEntry.objects.order_by("seq"):
            e.purpose = "nysgerrighed"
            mac = legacy_hash(prev, _fields(e))
            AccessLogEntry.objects.filter(pk=e.pk).update(
                purpose=e.purpose, key_id="", prev_mac=prev, entry_mac=mac
            )
            prev = mac
        AccessLogHead.objects.filter(pk=1).update(last_mac=prev)
    errors, _ = _verify(capsys, "--checkpoints", "/nonexistent/checkpoints.jsonl")
    assert errors[1:] == [
        "entry #1: unsigned: it carries no key id",
        "entry #2: unsigned: it carries no key id",
        "entry #3: unsigned: it carries no key id",
    ]


def test_a_changed_entry_alone_is_reported_once() -> None:
    _log(3)
    with _as_table_owner():
        AccessLogEntry.objects.filter(seq=2).update(purpose="nysgerrighed")
    assert access_log_verify().breaks == [
        ChainBreak(2, "forged or rewritten: its MAC does not match its contents")
    ]


# -- tamper scenario (c): a forged entry appended and the head moved --------------------------


def test_a_forged_entry_is_detected(capsys: pytest.CaptureFixture[str]) -> None:
    _log(3)
    audit_checkpoint()
    last = AccessLogEntry.objects.get(seq=3)
    forged = AccessLogEntry(
        seq=4,
        at=last.at,
        actor_id=last.actor_id,
        actor_username="caseworker-461",
        actor_organisation="Aarhus Kommune",
        citizen_id=10,
        action="view",
        channel="page",
        resource="GET /borgere/10/",
        purpose="Sagsbehandling",
        key_id=KEY_ID,
        prev_mac=last.entry_mac,
    )
    forged.entry_mac = entry_mac(WRONG_KEY, KEY_ID, last.entry_mac, _fields(forged))
    forged.save()  # an INSERT: allowed even by the triggers
    AccessLogHead.objects.filter(pk=1).update(last_seq=4, last_mac=forged.entry_mac)
    errors, final = _verify(capsys)
    assert errors == ["entry #4: forged or rewritten: its MAC does not match its contents"]
    assert final == "access log NOT intact: 1 problem(s) in 4 entries, 1 checkpoints"


def test_an_entry_of_an_unknown_key_is_reported() -> None:
    _log(2)
    with _as_table_owner():
        AccessLogEntry.objects.filter(seq=2).update(key_id="deadbeef")
    assert access_log_verify().breaks == [
        ChainBreak(2, "written with an unknown key (id 'deadbeef')")
    ]


def test_a_gap_in_the_sequence_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    _log(6)
    with _as_table_owner():
        AccessLogEntry.objects.filter(seq=2).delete()
        AccessLogEntry.objects.filter(seq__in=[4, 5]).delete()
    errors, _ = _verify(capsys, "--checkpoints", "/nonexistent/checkpoints.jsonl")
    assert errors == [
        "warning: no checkpoint file at /nonexistent/checkpoints.jsonl: entries cut off at the "
        "end go unnoticed",
        "entry #2: missing: a gap before #3",
        "entry #4: missing (#4–#5): a gap before #6",
    ]


def test_retired_keys_still_verify(settings: pytest.FixtureRequest) -> None:
    _log(2)
    settings.FORSYN_AUDIT_KEY = "the-next-key-after-rotation-0123456789abcdef"  # type: ignore[attr-defined]
    settings.FORSYN_AUDIT_RETIRED_KEYS = [TEST_AUDIT_KEY]  # type: ignore[attr-defined]
    _log(1)
    assert [e.key_id for e in AccessLogEntry.objects.order_by("seq")] == [
        KEY_ID,
        KEY_ID,
        key_id_for(b"the-next-key-after-rotation-0123456789abcdef"),
    ]
    assert access_log_verify().breaks == []
    settings.FORSYN_AUDIT_RETIRED_KEYS = []  # type: ignore[attr-defined]
    assert access_log_verify().breaks == [
        ChainBreak(1, f"written with an unknown key (id '{KEY_ID}')"),
        ChainBreak(2, f"written with an unknown key (id '{KEY_ID}')"),
    ]


def test_the_celery_task_writes_a_checkpoint_every_ten_minutes() -> None:
    from forsyn.audit.tasks import audit_checkpoint_task
    from forsyn.celery import app

    assert settings.CELERY_BEAT_SCHEDULE["audit-checkpoint"] == {
        "task": "forsyn.audit.tasks.audit_checkpoint_task",
        "schedule": 600.0,
    }
    assert app.tasks["forsyn.audit.tasks.audit_checkpoint_task"].name == audit_checkpoint_task.name
    _log(2)
    assert audit_checkpoint_task.delay().get() == 2
    lines = Path(settings.FORSYN_AUDIT_CHECKPOINT_FILE).read_text().splitlines()
    assert [json.loads(line)["count"] for line in lines] == [2]


# -- PostgreSQL: triggers and the two roles -------------------------------------------------


def test_postgres_trigger_refuses_update_and_delete(on_postgres: None) -> None:
    _log(2)
    with pytest.raises(DatabaseError, match="append-only: UPDATE refused"), transaction.atomic():
        AccessLogEntry.objects.filter(seq=1).update(purpose="x")
    with pytest.raises(DatabaseError, match="append-only: DELETE refused"), transaction.atomic():
        AccessLogEntry.objects.filter(seq=1).delete()
    with pytest.raises(DatabaseError, match="append-only: DELETE refused"), transaction.atomic():
        AccessLogHead.objects.all().delete()
    assert AccessLogEntry.objects.get(seq=1).purpose == "Sagsbehandling"


def _connect_as(role: str) -> "psycopg.Connection[tuple[object, ...]]":
    """A connection of its own, without the test suite's session settings."""
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=int(db["PORT"] or 5432),
        dbname=db["NAME"],
        user=role,
        autocommit=True,
    )


INSERT = (
    "INSERT INTO audit_accesslogentry (seq, at, actor_username, actor_organisation, citizen_id, "
    "action, channel, resource, purpose, key_id, prev_mac, entry_mac) VALUES "
    "(%s, now(), 'app', '', 1, 'view', 'api', 'GET', 'test', '', '', '')"
)


@pytest.mark.django_db(transaction=True)
def test_postgres_the_app_role_may_only_insert_and_select_the_log(
    on_postgres: None, capsys: pytest.CaptureFixture[str]
) -> None:
    role = f"forsyn_app_test_{secrets.token_hex(4)}"
    owner = connection.settings_dict["USER"]
    with connection.cursor() as c:
        c.execute(f"CREATE ROLE {role} LOGIN")
    try:
        call_command("dbroles", "grant-app-role", "--role", role)
        call_command("dbroles", "grant-app-role", "--role", role)  # idempotent
        capsys.readouterr()
        call_command("dbroles", "grant-app-role", "--role", role, "--sql")
        printed = capsys.readouterr().out.splitlines()
        assert printed[-4:] == [
            'REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON "audit_accesslogentry" '
            f'FROM "{role}";',
            f'GRANT SELECT, INSERT ON "audit_accesslogentry" TO "{role}";',
            f'REVOKE DELETE, TRUNCATE, REFERENCES, TRIGGER ON "audit_accessloghead" FROM "{role}";',
            f'GRANT SELECT, INSERT, UPDATE ON "audit_accessloghead" TO "{role}";',
        ]
        with _connect_as(role) as app:
            app.execute(INSERT, [1])
            assert app.execute("SELECT seq FROM audit_accesslogentry").fetchall() == [(1,)]
            # What access_log() does with the head: insert it once, lock it, advance it.
            app.execute(
                "INSERT INTO audit_accessloghead (id, last_seq, last_mac) VALUES (1, 1, '')"
            )
            with app.transaction():
                app.execute("SELECT last_seq FROM audit_accessloghead WHERE id = 1 FOR UPDATE")
                app.execute("UPDATE audit_accessloghead SET last_seq = 2 WHERE id = 1")
            # Other tables: full rights.
            app.execute(
                "INSERT INTO django_session (session_key, session_data, expire_date) "
                "VALUES ('forsyn-app-role-test', '', now())"
            )
            assert app.execute("UPDATE django_session SET session_data = 'x'").rowcount == 1
            assert app.execute("DELETE FROM django_session").rowcount == 1
            refused = [
                ("UPDATE audit_accesslogentry SET purpose = 'x'", "permission denied"),
                ("DELETE FROM audit_accesslogentry", "permission denied"),
                ("TRUNCATE audit_accesslogentry", "permission denied"),
                ("ALTER TABLE audit_accesslogentry DISABLE TRIGGER ALL", "must be owner"),
                (
                    "DROP TRIGGER audit_accesslogentry_append_only ON audit_accesslogentry",
                    "must be owner",
                ),
                ("DELETE FROM audit_accessloghead", "permission denied"),
                ("TRUNCATE audit_accessloghead", "permission denied"),
                ("ALTER TABLE audit_accessloghead DISABLE TRIGGER ALL", "must be owner"),
            ]
            for statement, error in refused:
                with pytest.raises(psycopg.errors.InsufficientPrivilege, match=error):
                    app.execute(statement)
            assert app.execute("SELECT seq, purpose FROM audit_accesslogentry").fetchall() == [
                (1, "test")
            ]
        # The owner may neither: its TRUNCATE meets the trigger.
        with _connect_as(owner) as own:
            for table in ("audit_accesslogentry", "audit_accessloghead"):
                with pytest.raises(
                    psycopg.errors.InsufficientPrivilege, match="append-only: TRUNCATE refused"
                ):
                    own.execute(f"TRUNCATE {table}")
            assert own.execute("SELECT count(*) FROM audit_accesslogentry").fetchone() == (1,)
    finally:
        with connection.cursor() as c:
            c.execute(f"DROP OWNED BY {role}")
            c.execute(f"DROP ROLE {role}")


def test_postgres_grant_app_role_refuses_the_owner_and_unknown_roles(on_postgres: None) -> None:
    owner = connection.settings_dict["USER"]
    with pytest.raises(CommandError, match="is a superuser or owns the tables") as e:
        call_command("dbroles", "grant-app-role", "--role", owner)
    assert e.value.returncode == 2
    with pytest.raises(CommandError, match="role 'no_such_role_x' does not exist"):
        call_command("dbroles", "grant-app-role", "--role", "no_such_role_x")
    with pytest.raises(CommandError, match="is not a plain role name"):
        call_command("dbroles", "grant-app-role", "--role", "x; DROP TABLE y")


def test_grant_app_role_needs_postgres() -> None:
    if connection.vendor == "postgresql":
        pytest.skip("SQLite only")
    with pytest.raises(CommandError, match="database roles exist only on PostgreSQL"):
        call_command("dbroles", "grant-app-role", "--role", "forsyn_app")


# -- the key ----------------------------------------------------------------------------------


def test_the_demo_generates_its_key_once(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    key_file = tmp_path / "var" / "audit.key"
    settings.FORSYN_AUDIT_KEY = ""  # type: ignore[attr-defined]
    settings.FORSYN_PRODUCTION = False  # type: ignore[attr-defined]
    settings.FORSYN_AUDIT_KEY_FILE = key_file  # type: ignore[attr-defined]
    first = audit_key()
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert len(first.secret) == 43
    assert key_file.read_bytes().strip() == first.secret
    assert first.key_id == key_id_for(first.secret)
    keys._resolve.cache_clear()
    assert audit_key() == first  # read back, not generated again
    assert [p.name for p in key_file.parent.iterdir()] == ["audit.key"]


def test_production_has_no_key_without_forsyn_audit_key(settings: pytest.FixtureRequest) -> None:
    settings.FORSYN_AUDIT_KEY = ""  # type: ignore[attr-defined]
    settings.FORSYN_PRODUCTION = True  # type: ignore[attr-defined]
    with pytest.raises(ImproperlyConfigured, match="FORSYN_AUDIT_KEY is not set"):
        audit_key()
    for action in ("verify", "checkpoint"):
        with pytest.raises(CommandError) as failed:
            call_command("audit", action)
        assert (str(failed.value), failed.value.returncode) == (
            "FORSYN_AUDIT_KEY is not set: production needs the access log's key "
            "(docs/DEPLOYMENT.md)",
            2,
        )


def test_loaddemo_ends_with_a_checkpoint(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("loaddemo", "--scale", "small", "--seed", "3")
    lines = Path(settings.FORSYN_AUDIT_CHECKPOINT_FILE).read_text().splitlines()
    assert [json.loads(line)["count"] for line in lines] == [AccessLogEntry.objects.count()]
    capsys.readouterr()
    call_command("audit", "verify")
    assert capsys.readouterr().out.strip() == (
        f"access log intact: {AccessLogEntry.objects.count()} entries, 1 checkpoints"
    )


# -- production start-up checks -----------------------------------------------------------------


def _deploy_errors() -> str:
    with pytest.raises(SystemCheckError) as failed:
        call_command("check", "--deploy", "--tag", "security", "--fail-level", "ERROR")
    return str(failed.value)


def test_production_refuses_the_demo_secret_key_and_a_missing_audit_key(
    settings: pytest.FixtureRequest,
) -> None:
    settings.FORSYN_PRODUCTION = True  # type: ignore[attr-defined]
    settings.SECRET_KEY = DEV_SECRET_KEY  # type: ignore[attr-defined]
    settings.FORSYN_AUDIT_KEY = ""  # type: ignore[attr-defined]
    settings.EMAIL_BACKEND_CONFIGURED = False  # type: ignore[attr-defined]
    errors = _deploy_errors()
    assert "?: (forsyn.E001) SECRET_KEY is the repository's demo key." in errors
    assert (
        "?: (forsyn.E002) FORSYN_AUDIT_KEY is not set: the access log cannot be signed." in errors
    )
    with pytest.raises(ImproperlyConfigured) as refused:
        refuse_to_start_if_misconfigured()
    assert str(refused.value) == (
        "forsyn.E001: SECRET_KEY is the repository's demo key.; forsyn.E002: FORSYN_AUDIT_KEY is "
        "not set: the access log cannot be signed.; forsyn.E310: FORSYN_EMAIL_BACKEND is not "
        "set: production mail (receipts name health products) would be written to files under "
        "var/mail/. (docs/DEPLOYMENT.md)"
    )
    settings.FORSYN_AUDIT_KEY = "too-short"  # type: ignore[attr-defined]
    assert "(forsyn.E003) FORSYN_AUDIT_KEY is shorter than 32 characters." in _deploy_errors()


def test_production_with_both_keys_starts(
    settings: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.FORSYN_PRODUCTION = True  # type: ignore[attr-defined]
    settings.SECRET_KEY = "a-production-secret-key-" + "x" * 40  # type: ignore[attr-defined]
    settings.EMAIL_BACKEND_CONFIGURED = True  # type: ignore[attr-defined]
    call_command("check", "--deploy", "--tag", "security", "--fail-level", "ERROR")
    assert "forsyn.E" not in capsys.readouterr().err
    refuse_to_start_if_misconfigured()


def test_the_demo_may_use_its_secret_key(settings: pytest.FixtureRequest) -> None:
    settings.FORSYN_PRODUCTION = False  # type: ignore[attr-defined]
    settings.SECRET_KEY = DEV_SECRET_KEY  # type: ignore[attr-defined]
    settings.FORSYN_AUDIT_KEY = ""  # type: ignore[attr-defined]
    call_command("check", "--deploy", "--tag", "security", "--fail-level", "ERROR")
    refuse_to_start_if_misconfigured()


def test_verify_warns_when_the_newest_checkpoint_is_stale(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Entries after an old checkpoint could be cut off unnoticed: verify says so (and still
    passes, as the chain itself holds)."""
    import datetime as dt

    import time_machine

    _log(3)
    with time_machine.travel(dt.datetime.now(dt.UTC) - dt.timedelta(minutes=45), tick=False):
        call_command("audit", "checkpoint")
    _log(2)
    capsys.readouterr()
    call_command("audit", "verify")
    captured = capsys.readouterr()
    assert captured.out.strip() == "access log intact: 5 entries, 1 checkpoints"
    assert captured.err.strip() == (
        "warning: the newest checkpoint (line 1, 3 entries) is 45 minutes old and 2 entries "
        "came after it: entries cut off since then go unnoticed. Is `forsyn audit checkpoint` "
        "running every 10 minutes (Celery beat)?"
    )
    # A fresh checkpoint: no warning.
    call_command("audit", "checkpoint")
    capsys.readouterr()
    call_command("audit", "verify")
    assert capsys.readouterr().err == ""
