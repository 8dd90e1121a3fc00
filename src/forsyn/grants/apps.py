from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "forsyn.grants"
    label = "grants"
