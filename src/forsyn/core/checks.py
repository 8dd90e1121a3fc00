"""Start-up checks for production (issue #8 §3, docs/adr/0010).

Production (settings.FORSYN_PRODUCTION: DEBUG off on a real database) must not run with the
repository's secret key or without the access log's key. Both are `check --deploy` errors, and
wsgi.py refuses to start the application while either holds. The embedded demo (DEBUG, or the
default SQLite database) is exempt: it generates its access log key under var/.
"""

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

from forsyn.core.env import DEV_SECRET_KEY

MIN_AUDIT_KEY_LENGTH = 32


@register(Tags.security, deploy=True)
def check_production_secrets(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    audit_key: str = settings.FORSYN_AUDIT_KEY
    if settings.FORSYN_PRODUCTION and settings.SECRET_KEY == DEV_SECRET_KEY:
        errors.append(
            Error(
                "SECRET_KEY is the repository's demo key.",
                hint="Set FORSYN_SECRET_KEY to a long random value (docs/DEPLOYMENT.md).",
                id="forsyn.E001",
            )
        )
    if settings.FORSYN_PRODUCTION and not audit_key:
        errors.append(
            Error(
                "FORSYN_AUDIT_KEY is not set: the access log cannot be signed.",
                hint="Set FORSYN_AUDIT_KEY to a random value of at least 32 characters, kept "
                "outside the database (docs/DEPLOYMENT.md).",
                id="forsyn.E002",
            )
        )
    if audit_key and len(audit_key) < MIN_AUDIT_KEY_LENGTH:
        errors.append(
            Error(
                f"FORSYN_AUDIT_KEY is shorter than {MIN_AUDIT_KEY_LENGTH} characters.",
                hint="Use e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`.",
                id="forsyn.E003",
            )
        )
    return errors


def refuse_to_start_if_misconfigured() -> None:
    """Called by wsgi.py: the application does not serve a request with these errors."""
    from forsyn.core.checks_privacy import email_backend_configured

    errors = [*check_production_secrets(), *email_backend_configured()]
    if errors:
        raise ImproperlyConfigured(
            "; ".join(f"{e.id}: {e.msg}" for e in errors) + " (docs/DEPLOYMENT.md)"
        )
