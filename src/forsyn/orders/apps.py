from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "forsyn.orders"
    label = "orders"

    def ready(self) -> None:
        # Registers the outbox handlers (order placed -> receipt e-mail).
        from forsyn.orders import handlers  # noqa: F401
