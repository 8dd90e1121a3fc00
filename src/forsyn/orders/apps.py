from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "forsyn.orders"
    label = "orders"
