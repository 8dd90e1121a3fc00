"""Deploy checks for personal data in transit (issue #8 §3).

Receipts and notices name a citizen's health products. Without FORSYN_EMAIL_BACKEND the
settings write mail to files under var/mail/, which is right for the demo and wrong in
production: there, `check --deploy` fails until a real backend is configured."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

E_EMAIL_BACKEND = "forsyn.E310"


@register(Tags.security, deploy=True)
def email_backend_configured(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    # Production as the other start-up checks define it (settings.FORSYN_PRODUCTION).
    if not getattr(settings, "FORSYN_PRODUCTION", False):
        return []
    if getattr(settings, "EMAIL_BACKEND_CONFIGURED", True):
        return []
    return [
        Error(
            "FORSYN_EMAIL_BACKEND is not set: production mail (receipts name health products) "
            "would be written to files under var/mail/.",
            hint="Set FORSYN_EMAIL_BACKEND, e.g. django.core.mail.backends.smtp.EmailBackend.",
            id=E_EMAIL_BACKEND,
        )
    ]
