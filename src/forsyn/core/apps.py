from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "forsyn.core"
    label = "core"

    def ready(self) -> None:
        from forsyn.core import checks_privacy  # noqa: F401  (registers the deploy checks)
