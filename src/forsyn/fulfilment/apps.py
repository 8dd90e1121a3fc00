from django.apps import AppConfig


class FulfilmentConfig(AppConfig):
    name = "forsyn.fulfilment"
    label = "fulfilment"

    def ready(self) -> None:
        # Registers the outbox handlers (stock received -> allocate back orders).
        from forsyn.fulfilment import handlers  # noqa: F401
