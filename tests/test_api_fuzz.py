"""Property-based API fuzzing with schemathesis: no input, from any role, may produce a server
error (issue #8 §4). The requests generated for each operation take turns among the tokens of
every role — the eleven staff roles and a citizen — so every role meets every operation while
the run costs no more requests than with one role."""

import logging
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from forsyn.access.roles import ROLE_ORGANISATION_KINDS, OrganisationKind, Role
from forsyn.organisations.models import Organisation, User
from forsyn.organisations.services import token_create
from tests import factories as f
from tests.conftest import (
    GUARDED_LOGGERS,
    LogLines,
    _reaches_root,
    cpr_numbers_in,
    ensure_reference_data,
)

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


def _organisation(kind: str) -> Organisation:
    if kind == OrganisationKind.MUNICIPALITY:
        return f.municipality("751")
    if kind == OrganisationKind.REGION:
        return f.region("1082")
    if kind == OrganisationKind.SERVICE_CENTRE:
        return f.service_centre()
    if kind == OrganisationKind.HOSPITAL_UNIT:
        return f.hospital_unit()
    return f.OrganisationFactory(kind=kind, code=f"FUZZ-{kind}"[:20])


@pytest.fixture
def tokens(db: Any) -> Iterator[dict[str, str]]:
    ensure_reference_data()
    aarhus = f.municipality("751")
    citizen = f.CitizenFactory(municipality=aarhus, cpr=FUZZ_CPR)
    f.GrantLineFactory(grant=f.GrantFactory(citizen=citizen))
    users = {
        role: f.make_user(role, _organisation(sorted(ROLE_ORGANISATION_KINDS[role])[0]))
        for role in Role.values
    }
    users["citizen"] = User.objects.create_user(username="borger-fuzz", cpr=FUZZ_CPR)
    # As Django's test client does: a request must not close the test's database connection
    # (it lives inside the test's transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {name: token_create(user=user) for name, user in users.items()}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


FUZZ_CPR = "0101551234"


@pytest.fixture(autouse=True)
def no_cpr_in_logs() -> Iterator[LogLines]:
    """The guard of tests/conftest.py, narrowed for fuzzing: schemathesis invents path ids and
    query values, and a random ten-digit id can be a valid CPR number that Django's "Not Found:
    /api/v1/orders/<id>/…" line then repeats. Here a leak is the CPR number of a person the
    fuzzing world holds (`FUZZ_CPR`), in any log line."""
    handler = LogLines()
    loggers = [logging.getLogger(name) for name in GUARDED_LOGGERS if not _reaches_root(name)]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
    leaking = [line for line in handler.lines if FUZZ_CPR in cpr_numbers_in(line)]
    if leaking:
        pytest.fail("CPR number in application log:\n" + "\n".join(leaking)[:2000], pytrace=False)


def test_every_role_has_a_token(tokens: dict[str, str]) -> None:
    assert sorted(tokens) == sorted([*Role.values, "citizen"])


ROLES = sorted([*Role.values, "citizen"])
calls: Counter[str] = Counter()
roles_seen: defaultdict[str, set[str]] = defaultdict(set)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: Any, tokens: dict[str, str]) -> None:
    operation = case.operation.label
    role = ROLES[calls[operation] % len(ROLES)]
    calls[operation] += 1
    roles_seen[operation].add(role)
    response = case.call(headers={"Authorization": f"Bearer {tokens[role]}"})
    assert response.status_code < 500, (role, response.text)


def test_every_operation_met_every_role() -> None:
    """Runs after the fuzzing (pytest keeps the file's order)."""
    if not roles_seen:
        pytest.skip("the fuzzing did not run (selected alone)")
    assert len(roles_seen) == 31
    assert {op: sorted(seen) for op, seen in roles_seen.items() if len(seen) < len(ROLES)} == {}
