from pathlib import Path
from typing import Any

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


# -- Access log key and checkpoints (issue #8 §1) --
TEST_AUDIT_KEY = "test-audit-key-fixed-for-the-test-suite-0123456789"


@pytest.fixture(autouse=True)
def _audit_key_and_checkpoints(settings: Any, tmp_path: Path) -> None:
    # A fixed key, as production would configure one; each test its own checkpoint file, so
    # checkpoints of one test's (rolled back) log never meet another's.
    settings.FORSYN_AUDIT_KEY = TEST_AUDIT_KEY
    settings.FORSYN_AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.jsonl"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    # Django empties the database between transactional tests with TRUNCATE, which the access
    # log's trigger refuses unless the session says so (audit migration 0004).
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.postgresql":
        db.setdefault("OPTIONS", {})["options"] = "-c forsyn.allow_audit_truncate=on"
