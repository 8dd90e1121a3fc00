from django.apps import AppConfig


class FulfilmentConfig(AppConfig):
    name = "forsyn.fulfilment"
    label = "fulfilment"

    def ready(self) -> None:
        # Registers the outbox handlers (stock received -> allocate back orders).
        from forsyn.fulfilment import handlers  # noqa: F401
        # The wave job and the shipping notice (issue #10 §4–5).
        from forsyn.fulfilment import notices, waves  # noqa: F401
