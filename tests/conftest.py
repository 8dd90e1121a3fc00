import logging
import re
from collections.abc import Iterator
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


# -- No CPR number in any application log line (issue #8 §3) -----------------------------------
# During every test a handler on the root logger, django.server (request lines, with their query
# strings), django.request and celery collects each formatted record; a test after which any
# line holds a valid CPR number fails. The live server of the browser tests logs its requests
# through django.server too (Django's test server is quiet by default; here it is not).
CPR_RUN = re.compile(r"\b\d{6}-?\d{4}\b")
GUARDED_LOGGERS = ("", "django.server", "django.request", "celery")


def cpr_numbers_in(text: str) -> list[str]:
    """The valid CPR numbers in `text` (10 digits, optionally DDMMYY-XXXX)."""
    from stdnum.dk import cpr

    runs = (run.replace("-", "") for run in CPR_RUN.findall(text))
    return [run for run in runs if cpr.is_valid(run)]


class LogLines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def _reaches_root(name: str) -> bool:
    logger: logging.Logger | None = logging.getLogger(name)
    while logger is not None and logger.parent is not None:
        if not logger.propagate:
            return False
        logger = logger.parent
    return bool(name)


@pytest.fixture(scope="session", autouse=True)
def _live_server_logs_requests() -> Iterator[None]:
    from django.core.servers.basehttp import WSGIRequestHandler
    from django.test.testcases import QuietWSGIRequestHandler

    quiet = QuietWSGIRequestHandler.log_message
    QuietWSGIRequestHandler.log_message = WSGIRequestHandler.log_message  # type: ignore[method-assign]
    yield
    QuietWSGIRequestHandler.log_message = quiet  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def no_cpr_in_logs() -> Iterator[LogLines]:
    handler = LogLines()
    # Each record once: on the root, and on those guarded loggers whose records do not reach it.
    loggers = [logging.getLogger(name) for name in GUARDED_LOGGERS if not _reaches_root(name)]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
    leaking = [line for line in handler.lines if cpr_numbers_in(line)]
    if leaking:
        # Name the lines without repeating the numbers in the test report.
        masked = [CPR_RUN.sub("<CPR>", line)[:300] for line in leaking]
        pytest.fail("CPR number in application log:\n" + "\n".join(masked), pytrace=False)


# -- Property tests without a clock --------------------------------------------------------------
def pytest_configure(config: pytest.Config) -> None:
    """Hypothesis's default 200 ms deadline per example is a timing threshold: on a loaded
    machine a pure calculation exceeded it and failed (DeadlineExceeded). Without it a property
    test fails only on a wrong result."""
    from hypothesis import settings

    settings.register_profile("forsyn", deadline=None)
    settings.load_profile("forsyn")
