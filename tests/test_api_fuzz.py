"""Property-based API fuzzing with schemathesis: no input may produce a server error."""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from forsyn.organisations.services import token_create
from tests import factories as f
from tests.conftest import ensure_reference_data

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def token(db: Any) -> Iterator[str]:
    ensure_reference_data()
    aarhus = f.municipality("751")
    citizen = f.CitizenFactory(municipality=aarhus)
    f.GrantLineFactory(grant=f.GrantFactory(citizen=citizen))
    # As Django's test client does: a request must not close the test's database connection
    # (it lives inside the test's transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield token_create(user=f.make_user("caseworker", aarhus))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: Any, token: str) -> None:
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500, response.text
