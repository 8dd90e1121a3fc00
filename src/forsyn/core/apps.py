from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "forsyn.core"
    label = "core"

    def ready(self) -> None:
        # Registers the production start-up checks (forsyn.E001-E003).
        from forsyn.core import (
            checks,  # noqa: F401
            checks_privacy,  # noqa: F401  (registers the deploy checks)
        )
