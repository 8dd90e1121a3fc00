from django.apps import AppConfig


class CitizensConfig(AppConfig):
    name = "forsyn.citizens"
    label = "citizens"
