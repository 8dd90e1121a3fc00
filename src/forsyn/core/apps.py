from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "forsyn.core"
    label = "core"
