"""Property-based API fuzzing with schemathesis: no input may produce a server error."""

from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

from forsyn.organisations.services import token_create
from tests import factories as f

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def token(db: Any) -> str:
    aarhus = f.municipality("751")
    citizen = f.CitizenFactory(municipality=aarhus)
    f.GrantLineFactory(grant=f.GrantFactory(citizen=citizen))
    return token_create(user=f.make_user("caseworker", aarhus))


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: Any, token: str) -> None:
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500, response.text
