from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "forsyn.access"
    label = "access"
