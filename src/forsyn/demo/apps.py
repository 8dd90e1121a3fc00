from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "forsyn.demo"
    label = "demo"
