"""Helpers shared by the benchmark scripts (run as `python bench/NAME.py`)."""

import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent

# Benchmarks run like production (DEBUG off, PostgreSQL), which refuses to start without its own
# secret key, access log key and mail backend (forsyn.E001/E002/E310). Fixed values: these
# databases are throwaway, and their mail goes nowhere.
PRODUCTION_KEYS = {
    "FORSYN_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    "FORSYN_SECRET_KEY": "bench-secret-key-not-for-any-real-deployment-0123456789abcdef",
    "FORSYN_AUDIT_KEY": "bench-audit-key-not-for-any-real-deployment-0123456789",
}


def forsyn(env: dict[str, str], *args: str) -> str:
    """Run the `forsyn` command in the benchmark's environment and return its output."""
    return subprocess.run(
        [str(BIN / "forsyn"), *args], check=True, env=env, capture_output=True, text=True
    ).stdout
