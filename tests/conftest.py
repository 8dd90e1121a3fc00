import pytest
from django.db import connection


@pytest.fixture
def on_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://...)")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    # PBKDF2 at production strength costs ~0.3 s a user; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


def ensure_reference_data() -> None:
    """Transactional tests flush the database, reference data from migrations included; tests
    that may run after one load it again with the migrations' own (idempotent) loaders."""
    import importlib

    from django.apps import apps

    for module in (
        "forsyn.organisations.migrations.0002_reference_regions_municipalities",
        "forsyn.catalogue.migrations.0003_product_areas",
    ):
        importlib.import_module(module).load(apps, None)
