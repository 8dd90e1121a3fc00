from django.apps import AppConfig


class FulfilmentConfig(AppConfig):
    name = "forsyn.fulfilment"
    label = "fulfilment"

    def ready(self) -> None:
        # Registers the outbox handlers (stock received -> allocate back orders).
        # The wave job and the shipping notice (issue #10 §4–5).
        from forsyn.fulfilment import (  # noqa: F401
            handlers,  # noqa: F401
            notices,
            waves,
        )
