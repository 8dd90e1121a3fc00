from django.apps import AppConfig


class EconomicsConfig(AppConfig):
    name = "forsyn.economics"
    label = "economics"
